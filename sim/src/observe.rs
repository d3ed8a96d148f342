//! Building the [`KernelState`] every renderer reads: one pass over the model, no sorting
//! beyond what the ordered maps give.
//!
//! Orders (6.18): links by ifindex; addresses per link in kernel list order, links by
//! ifindex (`ip -j addr`); routes in FIB dump order; nsids by id; sysctls by key.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use docknet_netstate::state::{
    Addr, Addr6, AddrScope, Link, LinkKind, Netns, OperState, Peer, Route,
};
use docknet_netstate::KernelState;

use crate::link::{Dev, DevKind};
use crate::netns::Net;
use crate::sysctl::{BRIDGE_KEYS, BRIDGE_OBSERVED, CONF4_KEYS, CONF6_KEYS};
use crate::{NetId, Sim};

impl Sim {
    /// The whole observable state.
    pub(crate) fn build_state(&self) -> KernelState {
        let mut out = KernelState::default();
        for (name, id) in &self.names {
            out.namespaces.insert(name.clone(), self.observe_net(*id));
        }
        out
    }

    /// One namespace as its own tools see it.
    fn observe_net(&self, id: NetId) -> Netns {
        let net = self.net(id);
        let mut ns = Netns::default();
        // The reverse of the nsid table, so each peer lookup is a map probe.
        let nsid_of: BTreeMap<NetId, u32> = net.nsids.iter().map(|(k, v)| (*v, *k)).collect();
        for (ifindex, dev_id) in &net.by_index {
            let dev = self.dev(*dev_id);
            ns.links
                .insert(*ifindex, self.observe_link(id, &nsid_of, dev));
            for a in &dev.addrs {
                ns.addrs.push(Addr {
                    ifindex: *ifindex,
                    cidr: a.cidr,
                    broadcast: a.broadcast,
                    scope: a.scope,
                    label: a.label.clone(),
                    secondary: a.secondary,
                });
            }
            for (a, prefix) in &dev.addrs6 {
                let scope = if a.is_loopback() {
                    AddrScope::Host
                } else {
                    AddrScope::Link
                };
                ns.addrs6.push(Addr6 {
                    ifindex: *ifindex,
                    addr: *a,
                    prefix: *prefix,
                    scope,
                });
            }
        }
        ns.routes = net
            .routes
            .iter()
            .map(|r| {
                let dev = self.dev(r.dev);
                Route {
                    dst: (r.dst.prefix != 0 || r.dst.addr != Ipv4Addr::UNSPECIFIED)
                        .then_some(r.dst),
                    via: r.via,
                    ifindex: dev.ifindex,
                    protocol: r.protocol,
                    scope: r.scope,
                    src: r.src,
                    onlink: r.onlink,
                    linkdown: !dev.carrier,
                }
            })
            .collect();
        for (nsid, other) in &net.nsids {
            if let Some(o) = self.nets.get(other) {
                ns.nsids.insert(*nsid, o.name.clone());
            }
        }
        ns.sysctls = self.observe_sysctls(net);
        ns.iptables = net.iptables.clone();
        ns.sockets = net.sockets.clone();
        ns.local_routes = net.local_routes.clone();
        ns
    }

    /// One link.
    fn observe_link(&self, net: NetId, nsid_of: &BTreeMap<NetId, u32>, dev: &Dev) -> Link {
        let kind = match dev.kind {
            DevKind::Loopback => LinkKind::Loopback,
            DevKind::Bridge(ref b) => LinkKind::Bridge {
                stp: false,
                tso_max_size: if b.gso_limits_set { 524_280 } else { 65536 },
            },
            DevKind::Veth { .. } => LinkKind::Veth,
        };
        let peer = dev.peer().map(|p| {
            let pd = self.dev(p);
            Peer {
                ifindex: pd.ifindex,
                netnsid: if pd.net == net {
                    None
                } else {
                    nsid_of.get(&pd.net).copied()
                },
            }
        });
        let master = dev.master.map(|m| self.dev(m).ifindex);
        Link {
            ifindex: dev.ifindex,
            name: dev.name.clone(),
            kind,
            mac: dev.mac,
            mtu: dev.mtu,
            up: dev.up,
            lower_up: dev.up && dev.carrier,
            operstate: if dev.up {
                dev.operstate
            } else {
                OperState::Down
            },
            qdisc: if dev.qdisc_attached {
                "noqueue"
            } else {
                "noop"
            }
            .to_string(),
            txqlen: dev.txqlen,
            master,
            peer,
            port_state: master.map(|_| if dev.forwarding { 3 } else { 0 }),
            port_no: master.map(|_| dev.port_no),
        }
    }

    /// The observed keys: three `net.bridge` ones, `ip_forward`, and the IPv4/IPv6 conf keys
    /// of `all`, `default` and every device.
    fn observe_sysctls(&self, net: &Net) -> BTreeMap<String, String> {
        let s = &net.sysctl;
        let mut out = BTreeMap::new();
        for (i, (k, _)) in BRIDGE_KEYS.iter().enumerate().take(BRIDGE_OBSERVED) {
            out.insert(format!("net.bridge.{k}"), s.bridge[i].to_string());
        }
        out.insert(
            "net.ipv4.ip_forward".to_string(),
            s.all4.values[1].to_string(),
        );
        let mut confs = vec![
            ("all".to_string(), s.all4, s.all6),
            ("default".to_string(), s.default4, s.default6),
        ];
        for id in net.by_index.values() {
            let d = self.dev(*id);
            confs.push((d.name.clone(), d.conf4, d.conf6));
        }
        for (ifname, c4, c6) in confs {
            for (i, k) in CONF4_KEYS.iter().enumerate() {
                out.insert(
                    format!("net.ipv4.conf.{ifname}.{k}"),
                    c4.values[i].to_string(),
                );
            }
            for (i, k) in CONF6_KEYS.iter().enumerate() {
                out.insert(
                    format!("net.ipv6.conf.{ifname}.{k}"),
                    c6.values[i].to_string(),
                );
            }
        }
        out
    }
}
