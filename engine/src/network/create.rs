//! `docker network create` on the daemon side: name checks, IPAM, the bridge driver's kernel
//! ops in libnetwork 20.10's order, and the firewall rules (facts §4.1, §5.1).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::{Driver, IpamConfigEcho, Network};
use crate::clock::Timestamp;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::firewall::bridge::BridgeFirewall;
use crate::firewall::{chains, ISOLATION_1};
use crate::ipam::Ipam;
use crate::kernel::Kernel;
use crate::op::{Ipv4Cidr, LinkAddKind, NetnsName, Op};
use crate::plan::Plan;

/// Bridge driver option keys (`-o`).
pub const OPT_BRIDGE_NAME: &str = "com.docker.network.bridge.name";
/// `-o com.docker.network.bridge.enable_icc`.
pub const OPT_ICC: &str = "com.docker.network.bridge.enable_icc";
/// `-o com.docker.network.bridge.enable_ip_masquerade`.
pub const OPT_MASQ: &str = "com.docker.network.bridge.enable_ip_masquerade";
/// `-o com.docker.network.bridge.host_binding_ipv4`.
pub const OPT_HOST_BINDING: &str = "com.docker.network.bridge.host_binding_ipv4";
/// `-o com.docker.network.driver.mtu`.
pub const OPT_MTU: &str = "com.docker.network.driver.mtu";
/// Set only on the default bridge.
pub const OPT_DEFAULT_BRIDGE: &str = "com.docker.network.bridge.default_bridge";

/// A `NetworkCreateRequest` as the CLI sends it (after the CLI's own checks).
#[derive(Clone, Debug, Default)]
pub struct CreateRequest {
    /// Network name.
    pub name: String,
    /// Driver name as typed (`""` = bridge).
    pub driver: String,
    /// IPAM configs: subnet (as typed), range, gateway, aux.
    pub ipam: Vec<IpamConfigEcho>,
    /// `--internal`.
    pub internal: bool,
    /// `--attachable`.
    pub attachable: bool,
    /// `--label`.
    pub labels: BTreeMap<String, String>,
    /// `-o`.
    pub options: BTreeMap<String, String>,
    /// Whether the client sent no IPAM options at all (Compose), so inspect prints `null`.
    pub ipam_options_null: bool,
}

/// The bridge driver's configuration, parsed from the options (`fromLabels`).
struct BridgeConfig {
    bridge: String,
    icc: bool,
    masquerade: bool,
    host_binding: Ipv4Addr,
    mtu: Option<u32>,
}

/// Go's `strconv.ParseBool`.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn parse_err(label: &str, value: &str, why: String) -> EngineError {
    EngineError::Message(format!("failed to parse {label} value: {value} ({why})"))
}

fn bridge_config(id: &str, opts: &BTreeMap<String, String>) -> Result<BridgeConfig, EngineError> {
    let mut c = BridgeConfig {
        bridge: format!("br-{}", &id[..12]),
        icc: true,
        masquerade: true,
        host_binding: Ipv4Addr::UNSPECIFIED,
        mtu: None,
    };
    for (k, v) in opts {
        let bool_err = || {
            parse_err(
                k,
                v,
                format!("strconv.ParseBool: parsing \"{v}\": invalid syntax"),
            )
        };
        match k.as_str() {
            OPT_BRIDGE_NAME => c.bridge = v.clone(),
            OPT_ICC => c.icc = parse_bool(v).ok_or_else(bool_err)?,
            OPT_MASQ => c.masquerade = parse_bool(v).ok_or_else(bool_err)?,
            OPT_HOST_BINDING => {
                c.host_binding = v
                    .parse()
                    .map_err(|_| parse_err(k, v, "nil ip".to_string()))?
            }
            OPT_MTU => {
                let mtu: i64 = v.parse().map_err(|_| {
                    parse_err(
                        k,
                        v,
                        format!("strconv.Atoi: parsing \"{v}\": invalid syntax"),
                    )
                })?;
                c.mtu = (mtu > 0).then_some(mtu as u32);
            }
            _ => {}
        }
    }
    Ok(c)
}

/// Go's `net.ParseCIDR` for IPv4 (host bits allowed).
pub fn parse_cidr(s: &str) -> Option<Ipv4Cidr> {
    Ipv4Cidr::parse(s)
}

/// Whether the name is one of the networks the daemon refuses to (re)create.
pub fn is_predefined_name(name: &str) -> bool {
    matches!(name, "bridge" | "host" | "none" | "default")
}

impl Engine {
    /// `docker network create`, daemon side; returns the new network's ID.
    pub(crate) fn create_network(
        &mut self,
        kernel: &mut dyn Kernel,
        req: CreateRequest,
    ) -> Result<String, EngineError> {
        if is_predefined_name(&req.name) {
            return Err(EngineError::PredefinedNetworkCreate(req.name));
        }
        // An empty name looks up the default network, so it always "exists".
        if req.name.is_empty() || self.networks.iter().any(|n| n.name == req.name) {
            return Err(EngineError::NetworkExists(req.name));
        }
        let driver = match req.driver.as_str() {
            "" | "bridge" => Driver::Bridge,
            "host" => Driver::Host,
            "null" => Driver::Null,
            "macvlan" | "ipvlan" | "overlay" => {
                return Err(EngineError::Unsupported(format!(
                    "the {} network driver (docknet models bridge, host and null)",
                    req.driver
                )))
            }
            other => return Err(EngineError::PluginNotFound(other.to_string())),
        };
        for cfg in &req.ipam {
            if cfg.subnet.contains(':') && cfg.subnet.contains('/') {
                return Err(ipv6_unsupported());
            }
            if parse_cidr(&cfg.subnet).is_none() {
                return Err(EngineError::Message(format!(
                    "Invalid subnet {0} : invalid CIDR address: {0}",
                    cfg.subnet
                )));
            }
            if let Some(gw) = &cfg.gateway {
                if gw.parse::<Ipv4Addr>().is_err() {
                    return Err(EngineError::Message(format!(
                        "invalid gateway address {gw} in Ipam configuration"
                    )));
                }
            }
        }
        if driver != Driver::Bridge {
            // host and null: one instance each, and those exist from daemon start.
            return Err(EngineError::SingleInstance(driver.name().to_string()));
        }
        let id = self.new_id();
        let created = self.now();
        let mut ipam = self.ipam.clone();
        match self.create_bridge(kernel, &id, created, req, &mut ipam) {
            Ok(net) => {
                self.ipam = ipam;
                self.networks.push(net);
                Ok(id)
            }
            Err(e) => {
                // The rotating cursor lives in memory and never rewinds, even when the
                // create fails after the pool was picked.
                self.ipam.cursor = ipam.cursor;
                Err(e)
            }
        }
    }

    /// IPAM, then the bridge driver's checks and kernel plan; the network on success.
    fn create_bridge(
        &mut self,
        kernel: &mut dyn Kernel,
        id: &str,
        created: Timestamp,
        req: CreateRequest,
        ipam: &mut Ipam,
    ) -> Result<Network, EngineError> {
        let (subnet, gateway, ip_range) = allocate(ipam, id, &req, &self.host_routes)?;
        if req.ipam.len() > 1 {
            return Err(EngineError::Message(
                "bridge driver doesn't support multiple subnets".to_string(),
            ));
        }
        let cfg = bridge_config(id, &req.options)?;
        for other in self.networks.iter().filter(|n| n.driver == Driver::Bridge) {
            let why = if other.bridge == cfg.bridge {
                Some("networks have same bridge name")
            } else if other.subnet.is_some_and(|s| s.overlaps(&subnet)) {
                Some("networks have overlapping IPv4")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(EngineError::Message(format!(
                    "cannot create network {id} ({}): conflicts with network {} ({}): {why}",
                    cfg.bridge, other.id, other.bridge
                )));
            }
        }
        let mac = self.new_bridge_mac();
        let fw = BridgeFirewall {
            bridge: cfg.bridge.clone(),
            subnet,
            internal: req.internal,
            icc: cfg.icc,
            masquerade: cfg.masquerade,
            userland_proxy: self.userland_proxy,
        };
        let mut plan = Plan::new();
        bridge_device_ops(
            &mut plan,
            &cfg.bridge,
            mac,
            Ipv4Cidr::new(gateway, subnet.prefix),
        );
        fw.add_rules(&mut plan, false);
        plan.ensure_jump("FORWARD", ISOLATION_1, &self.filter_facts.forward);
        fw.add_isolation(&mut plan);
        plan.push(
            link_up(&cfg.bridge, true),
            Some(link_up(&cfg.bridge, false)),
        );
        chains::arrange_user_chain(&mut plan, &self.filter_facts);
        plan.apply(kernel)?;

        let ipam_config = req.ipam_echo_or(subnet, gateway);
        let user_subnet = !req.ipam.is_empty();
        let ipam_options_null = req.ipam_options_null;
        Ok(Network {
            id: id.to_string(),
            name: req.name,
            driver: Driver::Bridge,
            created,
            internal: req.internal,
            attachable: req.attachable,
            labels: req.labels,
            options: req.options,
            bridge: cfg.bridge,
            subnet: Some(subnet),
            gateway: Some(gateway),
            ip_range,
            icc: cfg.icc,
            masquerade: cfg.masquerade,
            host_binding_ipv4: cfg.host_binding,
            mtu: cfg.mtu,
            is_default_bridge: false,
            ipam_config,
            ipam_options_empty_map: !ipam_options_null,
            bridge_created: true,
            user_subnet,
        })
    }
}

impl CreateRequest {
    /// What inspect shows: the request verbatim, or the allocated pool and gateway.
    fn ipam_echo_or(&self, subnet: Ipv4Cidr, gateway: Ipv4Addr) -> Vec<IpamConfigEcho> {
        if self.ipam.is_empty() {
            vec![IpamConfigEcho {
                subnet: subnet.to_string(),
                gateway: Some(gateway.to_string()),
                ..Default::default()
            }]
        } else {
            self.ipam.clone()
        }
    }
}

/// `ipamAllocateVersion`: the pool, then the gateway, then aux addresses.
pub(crate) fn allocate(
    ipam: &mut Ipam,
    id: &str,
    req: &CreateRequest,
    host_routes: &[Ipv4Cidr],
) -> Result<(Ipv4Cidr, Ipv4Addr, Option<Ipv4Cidr>), EngineError> {
    let Some(cfg) = req.ipam.first() else {
        let subnet = ipam.request_default_pool(id, host_routes)?;
        let pool = ipam.pools.get_mut(id).expect("pool just allocated");
        let gw = pool
            .request(None)
            .map_err(|e| EngineError::Message(format!("failed to allocate gateway (): {e}")))?;
        return Ok((subnet, gw, None));
    };
    let requested = parse_cidr(&cfg.subnet).expect("validated by the caller");
    let range = cfg.ip_range.as_deref().and_then(parse_cidr);
    let subnet = ipam.request_pool(id, requested, range)?;
    let pool = ipam.pools.get_mut(id).expect("pool just allocated");
    let preferred = cfg.gateway.as_deref().and_then(|g| g.parse().ok());
    let gw = pool.request(preferred).map_err(|e| {
        EngineError::Message(format!(
            "failed to allocate gateway ({}): {e}",
            cfg.gateway.clone().unwrap_or_default()
        ))
    })?;
    for (k, v) in &cfg.aux {
        let ip: Ipv4Addr = v.parse().map_err(|_| {
            EngineError::Message(format!(
                "non parsable secondary ip address ({k}:{v}) passed for network {}",
                req.name
            ))
        })?;
        if !subnet.contains(ip) {
            return Err(EngineError::Message(format!(
                "auxiliary address: ({k}:{v}) must belong to the master pool: {subnet}"
            )));
        }
        match pool.request(Some(ip)) {
            Ok(_) | Err(EngineError::AddressOutOfRange) => {}
            Err(e) => {
                return Err(EngineError::Message(format!(
                    "failed to allocate secondary ip address ({k}:{v}): {e}"
                )))
            }
        }
    }
    Ok((subnet, gw, range.map(|r| r.masked())))
}

/// `ip link set BR up|down` in the host namespace.
pub(crate) fn link_up(bridge: &str, up: bool) -> Op {
    Op::LinkSetUp {
        ns: NetnsName::host(),
        name: bridge.to_string(),
        up,
    }
}

/// `setupDevice` + `setupBridgeIPv4`: the bridge, its sticky MAC, its gateway address.
pub(crate) fn bridge_device_ops(
    plan: &mut Plan,
    bridge: &str,
    mac: crate::op::Mac,
    addr: Ipv4Cidr,
) {
    let host = NetnsName::host();
    plan.push(
        Op::LinkAdd {
            ns: host.clone(),
            name: bridge.to_string(),
            mac: None,
            kind: LinkAddKind::Bridge,
        },
        Some(Op::LinkDel {
            ns: host.clone(),
            name: bridge.to_string(),
        }),
    );
    // libnetwork's netlink.Bridge carries a zero TxQLen, which netlink sends as IFLA_TXQLEN 0:
    // docker0 and br-* show no `qlen` in `ip link`, unlike a bridge made with `brctl addbr`.
    plan.push(
        Op::LinkSetTxQueueLen {
            ns: host.clone(),
            name: bridge.to_string(),
            qlen: 0,
        },
        None,
    );
    plan.push(
        Op::LinkSetMac {
            ns: host.clone(),
            name: bridge.to_string(),
            mac,
        },
        None,
    );
    plan.push(
        Op::AddrAdd {
            ns: host.clone(),
            dev: bridge.to_string(),
            addr,
            broadcast: true,
        },
        Some(Op::AddrDel {
            ns: host,
            dev: bridge.to_string(),
            addr,
        }),
    );
}

/// docknet models IPv4 networks only: an IPv6 subnet (or `--ipv6` with one) is refused.
pub fn ipv6_unsupported() -> EngineError {
    EngineError::Unsupported("IPv6 networks (docknet models IPv4 networks only)".into())
}
