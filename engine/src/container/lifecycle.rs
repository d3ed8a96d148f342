//! Starting and stopping a container's networking: the sandbox, its endpoints, the default
//! route and the published ports, as one plan each way.

use std::net::Ipv4Addr;

use crate::container::endpoint::{self, container_mac, random_local_mac};
use crate::container::model::{elect_gateway, Endpoint, NetworkMode, RunState, Sandbox, VethPair};
use crate::container::port::{mapping_rules, BoundPort, PortBindingSpec};
use crate::container::services::Listener;
use crate::container::validate::{user_defined, validate_endpoint};
use crate::container::NETNS_DIR;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::network::{Driver, Network};
use crate::op::{Ipv4Cidr, Mac, NetnsName, Op};
use crate::plan::Plan;
use crate::state::{Socket, SocketProto};

/// The first PID handed to a container process (as a fresh host would be around).
const FIRST_PID: u32 = 21_797;

impl Engine {
    /// A locally administered random MAC for a host veth end, from the seed.
    pub(crate) fn new_veth_mac(&mut self) -> crate::op::Mac {
        random_local_mac(self.rng.bytes::<6>())
    }

    /// Creates an endpoint on a bridge (or host/null) network: IPAM address, IDs, names.
    pub(crate) fn new_endpoint(
        &mut self,
        net: &Network,
        ip: Option<Ipv4Addr>,
        mac: Option<Mac>,
    ) -> Result<Endpoint, EngineError> {
        let (addr, veth) = if net.driver == Driver::Bridge {
            let a = self.ipam_request_address(&net.id, ip)?;
            let prefix = net.subnet.map(|s| s.prefix).unwrap_or(16);
            (Some(Ipv4Cidr::new(a, prefix)), true)
        } else {
            (None, false)
        };
        let id = self.new_id();
        let veth = if veth {
            let host = self.new_veth_name();
            let temp = self.new_veth_name();
            let host_mac = self.new_veth_mac();
            Some(VethPair {
                host,
                temp,
                ifname: String::new(),
                host_mac,
                bridge: net.bridge.clone(),
            })
        } else {
            None
        };
        Ok(Endpoint {
            network_id: net.id.clone(),
            network_name: net.name.clone(),
            id,
            ip: addr,
            gateway: if addr.is_some() { net.gateway } else { None },
            mac: addr.map(|a| mac.unwrap_or_else(|| container_mac(a.addr))),
            internal: net.internal,
            veth,
        })
    }

    /// Releases what [`Engine::new_endpoint`] and port binding took.
    pub(crate) fn release_endpoints(&mut self, eps: &[Endpoint], ports: &[BoundPort]) {
        for ep in eps {
            if let Some(ip) = ep.ip {
                self.ipam_release_address(&ep.network_id, ip.addr);
            }
        }
        for p in ports {
            self.containers
                .ports
                .release(&p.host_ip, p.container.proto, p.host_port);
        }
    }

    /// Binds the container's published ports for the gateway endpoint (all or nothing).
    pub(crate) fn bind_ports(
        &mut self,
        idx: usize,
        ep: &Endpoint,
        net: &Network,
    ) -> Result<Vec<BoundPort>, EngineError> {
        let c = &self.containers.list[idx];
        let mut specs = c.port_bindings.clone();
        // -P: every exposed port without a binding gets a dynamic one (`nat.PortBinding{}`).
        if c.publish_all {
            for p in &c.exposed {
                if !specs.iter().any(|s| s.container == *p) {
                    specs.push(PortBindingSpec {
                        container: *p,
                        host_ip: String::new(),
                        host_port: String::new(),
                    });
                }
            }
        }
        let name = c.name.clone();
        let mut bound: Vec<BoundPort> = Vec::new();
        specs.sort_by_key(|s| s.container);
        for s in &specs {
            let ip = if s.host_ip.is_empty() {
                net.host_binding_ipv4.to_string()
            } else {
                s.host_ip.clone()
            };
            match self
                .containers
                .ports
                .request(&ip, s.container.proto, &s.host_port)
            {
                Ok(port) => {
                    bound.push(BoundPort {
                        container: s.container,
                        host_ip: ip.clone(),
                        host_port: port,
                        proxy: self.userland_proxy,
                    });
                    // 20.10 also binds the IPv6 wildcard through docker-proxy for 0.0.0.0.
                    if ip == "0.0.0.0" {
                        bound.push(BoundPort {
                            container: s.container,
                            host_ip: "::".into(),
                            host_port: port,
                            proxy: self.userland_proxy,
                        });
                    }
                }
                Err(e) => {
                    for b in &bound {
                        self.containers
                            .ports
                            .release(&b.host_ip, b.container.proto, b.host_port);
                    }
                    return Err(EngineError::Message(format!(
                        "driver failed programming external connectivity on endpoint {name} ({}): {e}",
                        ep.id
                    )));
                }
            }
        }
        Ok(bound)
    }

    /// Starts a container's networking and marks it running. On failure the kernel and the
    /// address/port allocations are as before; like 20.10 the container records the error.
    pub(crate) fn start_container(
        &mut self,
        k: &mut dyn Kernel,
        idx: usize,
    ) -> Result<(), EngineError> {
        if self.containers.list[idx].running() {
            return Ok(());
        }
        let sandbox_id = self.new_id();
        match self.start_inner(k, idx, &sandbox_id) {
            Ok(()) => Ok(()),
            Err((e, sandbox_made)) => {
                let c = &mut self.containers.list[idx];
                c.error = e.to_string();
                if c.exit_code == 0 {
                    c.exit_code = 128;
                }
                if sandbox_made {
                    c.last_sandbox = Some((
                        sandbox_id.clone(),
                        format!("{NETNS_DIR}/{}", &sandbox_id[..12]),
                    ));
                }
                Err(e)
            }
        }
    }

    fn start_inner(
        &mut self,
        k: &mut dyn Kernel,
        idx: usize,
        sandbox_id: &str,
    ) -> Result<(), (EngineError, bool)> {
        let mode = self.containers.list[idx].network_mode.clone();
        let key = format!("{NETNS_DIR}/{}", &sandbox_id[..12]);
        let sandbox = match mode {
            NetworkMode::Container(other) => {
                let running = self.containers.by_id(&other).is_some_and(|o| o.running());
                if !running {
                    return Err((
                        EngineError::Message(format!(
                            "cannot join network of a non running container: {other}"
                        )),
                        false,
                    ));
                }
                if let Some(ns) = self.ctr_container_netns(&other) {
                    let mut plan = Plan::new();
                    open_listeners(&mut plan, &ns, &self.containers.list[idx].listeners);
                    plan.apply(k).map_err(|e| (e.into(), false))?;
                }
                None
            }
            NetworkMode::Host | NetworkMode::None => {
                let net_name = if mode == NetworkMode::Host {
                    "host"
                } else {
                    "none"
                };
                let net = self.network(net_name).map_err(|e| (e, false))?.clone();
                let ep = self
                    .new_endpoint(&net, None, None)
                    .map_err(|e| (e, false))?;
                let host = mode == NetworkMode::Host;
                let mut plan = Plan::new();
                let listen_ns = if host {
                    NetnsName::host()
                } else {
                    NetnsName::new(&key)
                };
                if !host {
                    endpoint::sandbox_create(&mut plan, &key);
                }
                open_listeners(&mut plan, &listen_ns, &self.containers.list[idx].listeners);
                plan.apply(k).map_err(|e| (e.into(), true))?;
                self.containers.netns_dir_made = true;
                if host {
                    self.containers.default_key_made = true;
                }
                Some(Sandbox {
                    id: sandbox_id.to_string(),
                    key: if host {
                        format!("{NETNS_DIR}/default")
                    } else {
                        key
                    },
                    has_netns: !host,
                    next_eth: 0,
                    endpoints: vec![ep],
                    ports: Vec::new(),
                    gateway_endpoint: None,
                })
            }
            NetworkMode::Default | NetworkMode::Named(_) => {
                Some(self.start_bridged(k, idx, sandbox_id, &key)?)
            }
        };
        let now = self.now();
        let pid = self.next_pid();
        let user_nets: Vec<String> = sandbox
            .iter()
            .flat_map(|sb| sb.endpoints.iter())
            .filter(|ep| self.network_by_id(&ep.network_id).is_some_and(user_defined))
            .map(|ep| ep.network_name.clone())
            .collect();
        let c = &mut self.containers.list[idx];
        let short = c.short_id().to_string();
        if let Some(sb) = &sandbox {
            for ep in &sb.endpoints {
                if let Some(cfg) = c.networks.get_mut(&ep.network_name) {
                    cfg.network_id = ep.network_id.clone();
                    if user_nets.contains(&ep.network_name) {
                        let a = cfg.aliases.get_or_insert_with(Vec::new);
                        if !a.contains(&short) {
                            a.push(short.clone());
                        }
                    }
                }
            }
            c.last_sandbox = Some((sb.id.clone(), sb.key.clone()));
        }
        c.sandbox = sandbox;
        c.state = RunState::Running;
        c.started_at = Some(now);
        c.exit_code = 0;
        c.error.clear();
        c.pid = pid;
        Ok(())
    }

    fn next_pid(&mut self) -> u32 {
        let step = 50 + (self.rng.next_u64() % 400) as u32;
        let pid = self.containers.next_pid.max(FIRST_PID - step) + step;
        self.containers.next_pid = pid;
        pid
    }

    /// The bridge-network start: endpoints, ports, and the plan that wires them.
    fn start_bridged(
        &mut self,
        k: &mut dyn Kernel,
        idx: usize,
        sandbox_id: &str,
        key: &str,
    ) -> Result<Sandbox, (EngineError, bool)> {
        let c = &self.containers.list[idx];
        let c_listeners = c.listeners.clone();
        // `--mac-address` applies to the network the container was created with only.
        let first_net = match &c.network_mode {
            NetworkMode::Named(n) => self.network(n).map(|x| x.name.clone()).unwrap_or(n.clone()),
            _ => "bridge".to_string(),
        };
        let chosen_mac = c.mac_address.as_ref().map(|(m, _)| *m);
        // allocateNetwork: the default bridge first, then the others by name.
        let mut cfgs: Vec<_> = c.networks.values().cloned().collect();
        cfgs.sort_by_key(|cfg| (cfg.network_name != "bridge", cfg.network_name.clone()));
        let mut eps: Vec<Endpoint> = Vec::new();
        for cfg in &cfgs {
            let lookup = if cfg.network_id.is_empty() {
                &cfg.network_name
            } else {
                &cfg.network_id
            };
            let net = match self.network(lookup) {
                Ok(n) => n.clone(),
                Err(e) => {
                    self.release_endpoints(&eps, &[]);
                    return Err((e, !eps.is_empty()));
                }
            };
            let aliases: Vec<String> = cfg.aliases.clone().unwrap_or_default();
            let check = validate_endpoint(
                &net,
                cfg.ipv4,
                if user_defined(&net) { &[] } else { &aliases },
            );
            let mac = chosen_mac.filter(|_| cfg.network_name == first_net);
            let made = check.and_then(|_| self.new_endpoint(&net, cfg.ipv4, mac));
            match made {
                Ok(ep) => eps.push(ep),
                Err(e) => {
                    self.release_endpoints(&eps, &[]);
                    return Err((e, !eps.is_empty()));
                }
            }
        }
        let gw = elect_gateway(&eps);
        let mut ports = Vec::new();
        if let Some(gw_ep) = eps.iter().find(|e| Some(&e.id) == gw.as_ref()).cloned() {
            let net = self.network_by_id(&gw_ep.network_id).cloned();
            if let Some(net) = net {
                match self.bind_ports(idx, &gw_ep, &net) {
                    Ok(p) => ports = p,
                    Err(e) => {
                        self.release_endpoints(&eps, &[]);
                        return Err((e, true));
                    }
                }
            }
        }
        let mut sb = Sandbox {
            id: sandbox_id.to_string(),
            key: key.to_string(),
            has_netns: true,
            next_eth: 0,
            endpoints: Vec::new(),
            ports,
            gateway_endpoint: gw,
        };
        // libnetwork makes the key directory before the namespace, for good.
        self.containers.netns_dir_made = true;
        let mut plan = Plan::new();
        endpoint::sandbox_create(&mut plan, key);
        for ep in &eps {
            if let Some(v) = &ep.veth {
                let mtu = self.network_by_id(&ep.network_id).and_then(|n| n.mtu);
                endpoint::veth_create(&mut plan, v, mtu);
            }
        }
        let mut sorted = eps.clone();
        sorted.sort_by(crate::container::model::endpoint_order);
        for ep in sorted.iter_mut() {
            self.join_plan(&mut plan, &mut sb, ep);
        }
        sb.endpoints = sorted;
        open_listeners(&mut plan, &NetnsName::new(key), &c_listeners);
        if let Err(e) = plan.apply(k) {
            let ports = sb.ports.clone();
            self.release_endpoints(&eps, &ports);
            return Err((e.into(), true));
        }
        Ok(sb)
    }

    /// Adds an endpoint's join steps to `plan` (ethN from the sandbox counter), plus the
    /// default route and port rules when it is the gateway endpoint.
    pub(crate) fn join_plan(&self, plan: &mut Plan, sb: &mut Sandbox, ep: &mut Endpoint) {
        let Some(v) = ep.veth.as_mut() else { return };
        v.ifname = format!("eth{}", sb.next_eth);
        sb.next_eth += 1;
        let (Some(ip), Some(mac)) = (ep.ip, ep.mac) else {
            return;
        };
        endpoint::veth_join(plan, &sb.key, v, ip, mac);
        if sb.gateway_endpoint.as_ref() == Some(&ep.id) {
            if let Some(gw) = ep.gateway {
                endpoint::gateway_add(plan, &sb.key, &v.ifname, gw);
            }
            port_rules(plan, ep, &sb.ports, true);
        }
    }

    /// Tears a running container's networking down and marks it exited with `exit_code`.
    pub(crate) fn stop_container(
        &mut self,
        k: &mut dyn Kernel,
        idx: usize,
        exit_code: i32,
    ) -> Result<(), EngineError> {
        let c = &self.containers.list[idx];
        if !c.running() {
            return Ok(());
        }
        let mut plan = Plan::new();
        let shared_ns = match (&c.network_mode, &c.sandbox) {
            (NetworkMode::Container(other), _) => self.ctr_container_netns(other),
            (_, Some(sb)) if !sb.has_netns => Some(NetnsName::host()),
            _ => None,
        };
        if let Some(ns) = shared_ns {
            close_listeners(&mut plan, &ns, &c.listeners);
        }
        if let Some(sb) = &c.sandbox {
            let sorted = sb.sorted_endpoints();
            for ep in &sorted {
                leave_plan(&mut plan, sb, ep);
            }
            for ep in &sorted {
                if let Some(v) = &ep.veth {
                    endpoint::veth_delete(&mut plan, v);
                }
            }
            if sb.has_netns {
                endpoint::sandbox_delete(&mut plan, &sb.key);
            }
        }
        plan.apply(k)?;
        let now = self.now();
        let c = &mut self.containers.list[idx];
        let sb = c.sandbox.take();
        c.state = RunState::Exited;
        c.finished_at = Some(now);
        c.exit_code = exit_code;
        c.pid = 0;
        if let Some(sb) = sb {
            self.release_endpoints(&sb.endpoints, &sb.ports);
        }
        Ok(())
    }
}

/// Adds an endpoint's leave steps: port rules and default route off if it is the gateway
/// endpoint, then the interface back to the host.
pub(crate) fn leave_plan(plan: &mut Plan, sb: &Sandbox, ep: &Endpoint) {
    let Some(v) = &ep.veth else { return };
    let Some(ip) = ep.ip else { return };
    if sb.gateway_endpoint.as_ref() == Some(&ep.id) {
        port_rules(plan, ep, &sb.ports, false);
        if let Some(gw) = ep.gateway {
            endpoint::gateway_del(plan, &sb.key, &v.ifname, gw);
        }
    }
    endpoint::veth_leave(plan, &sb.key, v, ip);
}

/// Programs (`add`) or revokes the iptables rules of every IPv4 mapping of an endpoint, and
/// starts (or stops) the docker-proxy that listens on each host port (20.10's default
/// `--userland-proxy=true`).
pub(crate) fn port_rules(plan: &mut Plan, ep: &Endpoint, ports: &[BoundPort], add: bool) {
    let (Some(v), Some(ip)) = (&ep.veth, ep.ip) else {
        return;
    };
    for p in ports {
        let Ok(host_ip) = p.host_ip.parse::<Ipv4Addr>() else {
            continue;
        };
        let rules = mapping_rules(
            &v.bridge,
            host_ip,
            p.host_port,
            ip.addr,
            p.container,
            !p.proxy,
        );
        let proxy = proxy_socket(host_ip, p, ip.addr);
        let (open, close) = (
            Op::SocketOpen {
                ns: NetnsName::host(),
                socket: proxy.clone(),
            },
            Op::SocketClose {
                ns: NetnsName::host(),
                socket: proxy,
            },
        );
        if add {
            rules.iter().for_each(|r| plan.append_rule(r));
            plan.push(open, Some(close));
        } else {
            plan.push(close, Some(open));
            rules.iter().for_each(|r| plan.delete_rule(r));
        }
    }
}

/// The docker-proxy of one mapping: it listens on the host port and connects to the
/// container's port.
fn proxy_socket(host_ip: Ipv4Addr, p: &BoundPort, ctr: Ipv4Addr) -> Socket {
    use crate::container::port::Proto;
    Socket {
        proto: if p.container.proto == Proto::Udp {
            SocketProto::Udp
        } else {
            SocketProto::Tcp
        },
        addr: host_ip,
        port: p.host_port,
        forward: Some(std::net::SocketAddrV4::new(ctr, p.container.port)),
    }
}

/// Opens the sockets of a container's servers in `ns` (they close with the namespace, or
/// with [`close_listeners`] when the namespace is the host's).
pub(crate) fn open_listeners(plan: &mut Plan, ns: &NetnsName, listeners: &[Listener]) {
    for l in listeners {
        let (socket, ns) = (l.socket(), ns.clone());
        plan.push(
            Op::SocketOpen {
                ns: ns.clone(),
                socket: socket.clone(),
            },
            Some(Op::SocketClose { ns, socket }),
        );
    }
}

/// Closes what [`open_listeners`] opened.
pub(crate) fn close_listeners(plan: &mut Plan, ns: &NetnsName, listeners: &[Listener]) {
    for l in listeners {
        let (socket, ns) = (l.socket(), ns.clone());
        plan.push(
            Op::SocketClose {
                ns: ns.clone(),
                socket: socket.clone(),
            },
            Some(Op::SocketOpen { ns, socket }),
        );
    }
}
