//! Daemon start (`initNetworkController`): bridge driver init, then the `none`, `host` and
//! `bridge` networks, with the kernel ops dockerd 20.10 issues in its order.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::engine::Engine;
use crate::firewall::bridge::BridgeFirewall;
use crate::firewall::{chains, ISOLATION_1};
use crate::ipam::defaults::default_pools;
use crate::kernel::{Kernel, KernelError};
use crate::network::create::{
    bridge_device_ops, link_up, OPT_BRIDGE_NAME, OPT_DEFAULT_BRIDGE, OPT_HOST_BINDING, OPT_ICC,
    OPT_MASQ, OPT_MTU,
};
use crate::network::{Driver, IpamConfigEcho, Network};
use crate::op::Ipv4Cidr;
use crate::plan::Plan;

/// The default bridge's kernel name.
pub const DEFAULT_BRIDGE: &str = "docker0";

impl Engine {
    /// A predefined network without kernel state (`none`, `host`).
    fn predefined(&mut self, name: &str, driver: Driver) -> Network {
        Network {
            id: self.new_id(),
            name: name.to_string(),
            driver,
            created: self.now(),
            internal: false,
            attachable: false,
            labels: BTreeMap::new(),
            options: BTreeMap::new(),
            bridge: String::new(),
            subnet: None,
            gateway: None,
            ip_range: None,
            icc: true,
            masquerade: true,
            host_binding_ipv4: Ipv4Addr::UNSPECIFIED,
            mtu: None,
            is_default_bridge: false,
            ipam_config: Vec::new(),
            ipam_options_empty_map: false,
            bridge_created: false,
            user_subnet: false,
        }
    }

    /// Everything `dockerd` does to the network stack when it starts on a fresh host.
    pub(crate) fn daemon_start(&mut self, kernel: &mut dyn Kernel) -> Result<(), KernelError> {
        let mut plan = Plan::new();
        // Bridge driver `configure`: chains first, then ip_forward (and FORWARD DROP).
        chains::driver_chains(&mut plan);
        chains::ip_forwarding(&mut plan);

        // `none`, then `host`: no kernel work, but each NewNetwork ends with
        // arrangeUserFilterRule, and the first one creates DOCKER-USER.
        let none = self.predefined("none", Driver::Null);
        chains::arrange_user_chain(&mut plan, &chains::FilterFacts::fresh());
        let host = self.predefined("host", Driver::Host);
        chains::arrange_user_chain(&mut plan, &made_user_chain());

        // `bridge`: the first default pool that no host route overlaps (ElectInterfaceAddresses).
        let pool = default_pools()
            .into_iter()
            .find(|p| !self.host_routes.iter().any(|r| r.overlaps(p)))
            .unwrap_or_else(|| default_pools()[0]);
        let mut bridge = self.predefined("bridge", Driver::Bridge);
        let mut ipam = self.ipam.clone();
        // The daemon passes the pool as the preferred pool, so the rotating cursor stays put.
        ipam.request_pool(&bridge.id, pool, None)
            .map_err(|e| KernelError::Other(e.to_string()))?;
        let gateway = ipam
            .pools
            .get_mut(&bridge.id)
            .expect("pool just allocated")
            .request(None)
            .map_err(|e| KernelError::Other(e.to_string()))?;
        let mac = self.new_bridge_mac();
        bridge_device_ops(
            &mut plan,
            DEFAULT_BRIDGE,
            mac,
            Ipv4Cidr::new(gateway, pool.prefix),
        );
        let fw = BridgeFirewall {
            bridge: DEFAULT_BRIDGE.to_string(),
            subnet: pool,
            internal: false,
            icc: true,
            masquerade: true,
            userland_proxy: self.userland_proxy,
        };
        fw.add_rules(&mut plan, true);
        plan.ensure_jump("FORWARD", ISOLATION_1, &[]);
        fw.add_isolation(&mut plan);
        plan.push(
            link_up(DEFAULT_BRIDGE, true),
            Some(link_up(DEFAULT_BRIDGE, false)),
        );
        chains::arrange_user_chain(&mut plan, &made_user_chain());
        plan.apply(kernel)?;

        bridge.bridge = DEFAULT_BRIDGE.to_string();
        bridge.subnet = Some(pool);
        bridge.gateway = Some(gateway);
        bridge.mtu = Some(1500);
        bridge.is_default_bridge = true;
        bridge.bridge_created = true;
        // First start: the IPAM config holds only the pool (moby#26799), so no Gateway.
        bridge.ipam_config = vec![IpamConfigEcho {
            subnet: pool.to_string(),
            ..Default::default()
        }];
        for (k, v) in [
            (OPT_DEFAULT_BRIDGE, "true"),
            (OPT_ICC, "true"),
            (OPT_MASQ, "true"),
            (OPT_HOST_BINDING, "0.0.0.0"),
            (OPT_BRIDGE_NAME, DEFAULT_BRIDGE),
            (OPT_MTU, "1500"),
        ] {
            bridge.options.insert(k.to_string(), v.to_string());
        }
        self.ipam = ipam;
        self.networks.push(none);
        self.networks.push(host);
        self.networks.push(bridge);
        Ok(())
    }
}

/// The filter table once the daemon's first `arrangeUserFilterRule` of this plan made
/// `DOCKER-USER` (the plan's own ops say where FORWARD's jumps are).
fn made_user_chain() -> chains::FilterFacts {
    chains::FilterFacts {
        forward: Vec::new(),
        ..chains::FilterFacts::steady()
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Engine;
    use crate::firewall::testkernel::TestKernel;
    use crate::op::Op;

    /// `iptables-save` right after daemon start (recorded: 02-kstate-iptables-save.txt).
    const BOOT_SAVE: &str = "*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
COMMIT
";

    #[test]
    fn boot_matches_recorded_iptables() {
        let mut k = TestKernel::default();
        let mut e = Engine::new(1);
        e.boot(&mut k).unwrap();
        assert_eq!(k.save(), BOOT_SAVE);
        let names: Vec<&str> = e.networks.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["none", "host", "bridge"]);
        assert!(e.networks[0].created < e.networks[2].created);
    }

    #[test]
    fn boot_link_ops_in_docker_order() {
        let mut k = TestKernel::default();
        Engine::new(1).boot(&mut k).unwrap();
        let link_ops: Vec<String> = k
            .ops
            .iter()
            .filter(|o| !o.is_iptables())
            .map(|o| match o {
                Op::LinkAdd { name, .. } => format!("add {name}"),
                Op::LinkSetMac { mac, .. } => format!("mac {}", &mac.to_string()[..5]),
                Op::AddrAdd {
                    addr, broadcast, ..
                } => format!("addr {addr} {broadcast}"),
                Op::LinkSetUp { up, .. } => format!("up {up}"),
                Op::LinkSetTxQueueLen { qlen, .. } => format!("qlen {qlen}"),
                Op::SysctlSet { key, value, .. } => format!("{key}={value}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            link_ops,
            [
                "net.ipv4.ip_forward=1",
                "add docker0",
                "qlen 0",
                "mac 02:42",
                "addr 172.17.0.1/16 true",
                "up true"
            ]
        );
        // The bridge comes up after its iptables rules, as setupDeviceUp is the last step.
        let up = k
            .ops
            .iter()
            .position(|o| matches!(o, Op::LinkSetUp { .. }))
            .unwrap();
        assert!(k.ops[..up].iter().any(|o| o.is_iptables()));
    }

    #[test]
    fn host_routes_push_docker0_to_next_pool() {
        let mut k = TestKernel::default();
        let mut e = Engine::new(1);
        e.set_host_routes(vec![crate::op::Ipv4Cidr::parse("172.17.0.0/16").unwrap()]);
        e.boot(&mut k).unwrap();
        assert_eq!(e.networks[2].subnet.unwrap().to_string(), "172.18.0.0/16");
    }

    #[test]
    fn a_failed_boot_leaves_the_kernel_clean() {
        let mut full = TestKernel::default();
        Engine::new(1).boot(&mut full).unwrap();
        for n in 0..full.ops.len() {
            let mut k = TestKernel::default();
            k.fail_at = Some(n);
            let mut e = Engine::new(1);
            assert!(e.boot(&mut k).is_err());
            assert!(e.networks.is_empty(), "op {n}");
            assert!(k.links.is_empty(), "op {n}");
            assert!(!k.save().contains("-A "), "op {n}: {}", k.save());
        }
    }
}
