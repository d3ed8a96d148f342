//! The main IPv4 routing table.
//!
//! Facts (6.18, `ip -j route` and `strace` of `ip route` in scratch namespaces):
//! - a primary address on an UP device adds `DST/LEN dev D proto kernel scope link src A`
//!   (added at `up` for addresses added while down; none for secondaries, /32s or 0/8; lo's go
//!   to the local table, so none shows in main); it goes with its address, and every route
//!   through a device goes when the device goes down or loses its last IPv4 address;
//! - a route through a device without carrier is flagged `linkdown`;
//! - dump order is the FIB trie's: by destination value (default first), a longer prefix
//!   before a shorter one with the same value, then insertion order
//!   (9.0.0.0/8, 10.0.0.0/25, 10.0.0.0/24 dev v1, 10.0.0.0/24 dev p1, 10.1.0.0/24,
//!   10.1.0.0/16, 11.0.0.0/8, 172.20.0.0/16, 192.168.5.0/24);
//! - `ip route add` of a destination already in the table (same length, metric 0) is EEXIST,
//!   whatever the device; a destination with host bits set is EINVAL;
//! - a device route on a device that is not up is ENETDOWN ("Device for nexthop is not up");
//!   a gateway that no link-scope route through the given device covers is ENETUNREACH
//!   ("Nexthop has invalid gateway"), also when another device covers it; `onlink` skips that
//!   check (but the device must be up: ENETDOWN);
//! - a gateway route is `scope global` (printed without scope), a device route `scope link`;
//!   `ip route add` sends `proto boot` (printed without proto);
//! - deleting a route that is not there is ESRCH ("No such process").

use std::net::Ipv4Addr;

use docknet_netstate::kernel::Errno;
use docknet_netstate::state::{AddrScope, RouteProtocol};
use docknet_netstate::{Ipv4Cidr, NetnsName, RouteSpec};

use crate::error::{fail, SimError};
use crate::{DevId, NetId, Sim};

/// One route of the main table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RouteEntry {
    /// Destination, host bits clear; 0.0.0.0/0 is `default`.
    pub(crate) dst: Ipv4Cidr,
    /// Gateway.
    pub(crate) via: Option<Ipv4Addr>,
    /// Output device.
    pub(crate) dev: DevId,
    /// Who added it.
    pub(crate) protocol: RouteProtocol,
    /// Route scope.
    pub(crate) scope: AddrScope,
    /// Preferred source (kernel prefix routes).
    pub(crate) src: Option<Ipv4Addr>,
    /// `onlink`.
    pub(crate) onlink: bool,
}

/// The trie position key: destination value up, then prefix length down.
fn trie_key(dst: &Ipv4Cidr) -> (u32, std::cmp::Reverse<u8>) {
    (u32::from(dst.addr), std::cmp::Reverse(dst.prefix))
}

impl Sim {
    /// Inserts after every route that sorts before or equal to it (appending among equals).
    fn insert_route(&mut self, net: NetId, r: RouteEntry) {
        let routes = &mut self.net_mut(net).routes;
        let key = trie_key(&r.dst);
        let pos = routes.partition_point(|x| trie_key(&x.dst) <= key);
        routes.insert(pos, r);
    }

    /// The kernel prefix route of a primary address (fib_add_ifaddr).
    pub(crate) fn add_prefix_route(&mut self, id: DevId, cidr: Ipv4Cidr) {
        let net_part = cidr.masked();
        if net_part.addr.octets()[0] == 0 || cidr.prefix == 32 {
            return;
        }
        let d = self.dev(id);
        if matches!(d.kind, crate::link::DevKind::Loopback) {
            // RTN_LOCAL: the local table, not main.
            return;
        }
        let r = RouteEntry {
            dst: net_part,
            via: None,
            dev: id,
            protocol: RouteProtocol::Kernel,
            scope: AddrScope::Link,
            src: Some(cidr.addr),
            onlink: false,
        };
        self.insert_route(d.net, r);
    }

    /// Drops the kernel prefix route of an address.
    pub(crate) fn del_prefix_route(&mut self, id: DevId, cidr: Ipv4Cidr) {
        let net = self.dev(id).net;
        let dst = cidr.masked();
        let routes = &mut self.net_mut(net).routes;
        if let Some(pos) = routes.iter().position(|r| {
            r.dev == id
                && r.dst == dst
                && r.protocol == RouteProtocol::Kernel
                && r.src == Some(cidr.addr)
        }) {
            routes.remove(pos);
        }
    }

    /// fib NETDEV_UP: prefix routes for every primary address, in list order.
    pub(crate) fn fib_dev_up(&mut self, id: DevId) {
        let prim: Vec<Ipv4Cidr> = self
            .dev(id)
            .addrs
            .iter()
            .filter(|a| !a.secondary)
            .map(|a| a.cidr)
            .collect();
        for c in prim {
            self.add_prefix_route(id, c);
        }
    }

    /// fib NETDEV_DOWN: every route through the device goes.
    pub(crate) fn fib_dev_down(&mut self, id: DevId) {
        self.fib_dev_gone(id);
    }

    /// Drops every route through the device.
    pub(crate) fn fib_dev_gone(&mut self, id: DevId) {
        let net = self.dev(id).net;
        self.net_mut(net).routes.retain(|r| r.dev != id);
    }

    /// Whether a link-scope route through `dev` (or an address of `dev`) covers `gw`.
    fn gateway_reachable(&self, net: NetId, dev: DevId, gw: Ipv4Addr) -> bool {
        let by_route = self
            .net(net)
            .routes
            .iter()
            .any(|r| r.dev == dev && r.scope != AddrScope::Global && r.dst.contains(gw));
        by_route || (self.dev(dev).up && self.dev(dev).addrs.iter().any(|a| a.cidr.addr == gw))
    }

    /// `ip route add ...`.
    pub(crate) fn route_add(&mut self, ns: &NetnsName, spec: &RouteSpec) -> Result<(), SimError> {
        let (net, dev) = self.lookup(ns, &spec.dev)?;
        let dst = spec.dst.unwrap_or(Ipv4Cidr::new(Ipv4Addr::UNSPECIFIED, 0));
        if dst.masked() != dst {
            return fail(Errno::EINVAL);
        }
        if self.net(net).routes.iter().any(|r| r.dst == dst) {
            return fail(Errno::EEXIST);
        }
        let up = self.dev(dev).up;
        let scope = match spec.via {
            Some(gw) => {
                if spec.onlink {
                    if !up {
                        return fail(Errno::ENETDOWN);
                    }
                } else if !self.gateway_reachable(net, dev, gw) {
                    return fail(Errno::ENETUNREACH);
                }
                AddrScope::Global
            }
            None => {
                if !up {
                    return fail(Errno::ENETDOWN);
                }
                AddrScope::Link
            }
        };
        let r = RouteEntry {
            dst,
            via: spec.via,
            dev,
            protocol: RouteProtocol::Boot,
            scope,
            src: None,
            onlink: spec.onlink,
        };
        self.insert_route(net, r);
        Ok(())
    }

    /// `ip route del ...`: the first route with that destination, gateway (if given) and
    /// device; ESRCH if none.
    pub(crate) fn route_del(&mut self, ns: &NetnsName, spec: &RouteSpec) -> Result<(), SimError> {
        let (net, dev) = self.lookup(ns, &spec.dev)?;
        let dst = spec.dst.unwrap_or(Ipv4Cidr::new(Ipv4Addr::UNSPECIFIED, 0));
        let routes = &mut self.net_mut(net).routes;
        let Some(pos) = routes.iter().position(|r| {
            r.dst == dst && r.dev == dev && (spec.via.is_none() || r.via == spec.via)
        }) else {
            return fail(Errno::ESRCH);
        };
        routes.remove(pos);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::{Errno, Ipv4Cidr, Kernel, LinkAddKind, NetnsName, Op, RouteSpec};

    use crate::Sim;

    fn h() -> NetnsName {
        NetnsName::host()
    }

    fn c(s: &str) -> Ipv4Cidr {
        Ipv4Cidr::parse(s).unwrap()
    }

    fn spec(dst: Option<&str>, via: Option<&str>, dev: &str, onlink: bool) -> RouteSpec {
        RouteSpec {
            dst: dst.map(c),
            via: via.map(|v| v.parse().unwrap()),
            dev: dev.into(),
            onlink,
        }
    }

    fn setup() -> Sim {
        let mut sim = Sim::new();
        sim.apply(&Op::LinkAdd {
            ns: h(),
            name: "v1".into(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: "p1".into(),
                peer_ns: None,
                peer_mac: None,
            },
        })
        .unwrap();
        sim
    }

    fn apply(sim: &mut Sim, op: Op) -> Result<(), Option<Errno>> {
        sim.apply(&op).map_err(|e| e.errno_value())
    }

    #[test]
    fn prefix_routes_follow_up_and_carrier() {
        let mut sim = setup();
        let add = |a: &str| Op::AddrAdd {
            ns: h(),
            dev: "v1".into(),
            addr: c(a),
            broadcast: false,
        };
        apply(&mut sim, add("10.0.0.1/24")).unwrap();
        assert!(sim.observe().unwrap().host().routes.is_empty());
        let r = |s: Option<&str>, v: Option<&str>, o| Op::RouteAdd {
            ns: h(),
            route: spec(s, v, "v1", o),
        };
        assert_eq!(
            apply(&mut sim, r(Some("10.4.0.0/16"), None, false)),
            Err(Some(Errno::ENETDOWN))
        );
        apply(
            &mut sim,
            Op::LinkSetUp {
                ns: h(),
                name: "v1".into(),
                up: true,
            },
        )
        .unwrap();
        let st = sim.observe().unwrap();
        assert_eq!(st.host().routes.len(), 1);
        assert!(st.host().routes[0].linkdown);
        assert_eq!(
            apply(&mut sim, r(None, Some("10.9.0.1"), false)),
            Err(Some(Errno::ENETUNREACH))
        );
        assert_eq!(
            apply(&mut sim, r(Some("10.1.0.5/16"), None, false)),
            Err(Some(Errno::EINVAL))
        );
        apply(&mut sim, r(None, Some("10.0.0.254"), false)).unwrap();
        apply(&mut sim, r(Some("11.0.0.0/8"), Some("1.2.3.4"), true)).unwrap();
        apply(&mut sim, r(Some("10.0.0.0/25"), None, false)).unwrap();
        assert_eq!(
            apply(&mut sim, r(Some("10.0.0.0/24"), None, false)),
            Err(Some(Errno::EEXIST))
        );
        let st = sim.observe().unwrap();
        let order: Vec<String> = st
            .host()
            .routes
            .iter()
            .map(|r| r.dst.map(|d| d.to_string()).unwrap_or("default".into()))
            .collect();
        assert_eq!(
            order,
            ["default", "10.0.0.0/25", "10.0.0.0/24", "11.0.0.0/8"]
        );
        let del = Op::RouteDel {
            ns: h(),
            route: spec(Some("10.77.0.0/16"), None, "v1", false),
        };
        assert_eq!(apply(&mut sim, del), Err(Some(Errno::ESRCH)));
        apply(
            &mut sim,
            Op::LinkSetUp {
                ns: h(),
                name: "v1".into(),
                up: false,
            },
        )
        .unwrap();
        assert!(sim.observe().unwrap().host().routes.is_empty());
    }
}
