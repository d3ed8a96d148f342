//! The routing decision of one namespace: local delivery, or an output device, next hop and
//! preferred source address by longest-prefix match over the main table.
//!
//! Facts (Linux): an address of any interface of the namespace is local, whichever interface
//! the packet came in on (the weak host model), and 127.0.0.0/8 is local through `lo`; a
//! route whose device is down is gone; `linkdown` routes are still used (the default
//! `ignore_routes_with_linkdown=0`); with no matching route the sender gets ENETUNREACH
//! ("Network is unreachable"); the source address is the route's `src`, else the primary
//! address of the output device, else any address of the namespace; a `local` route
//! (AnyIP, `ip route add local DST dev lo`) makes every address it covers local.

use std::net::Ipv4Addr;

use crate::state::{Link, Netns};

/// Where a namespace sends a packet for some destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteTo {
    /// The destination is this namespace.
    Local,
    /// Out of `dev` to `next_hop`, with `src` as the preferred source.
    Out {
        /// The output device's ifindex.
        dev: u32,
        /// The device's name.
        dev_name: String,
        /// The gateway, or the destination itself on a connected route.
        next_hop: Ipv4Addr,
        /// The preferred source address.
        src: Option<Ipv4Addr>,
        /// The route as `ip route` prints its destination (`default`, `10.0.0.0/24`).
        via_route: String,
    },
    /// No route.
    Unreachable,
}

/// Whether `addr` belongs to `ns` (any interface, or loopback with `lo` up).
pub fn is_local(ns: &Netns, addr: Ipv4Addr) -> bool {
    let lo_up = ns.link_by_name("lo").is_some_and(|l| l.up);
    if addr.octets()[0] == 127 || (lo_up && ns.local_routes.iter().any(|r| r.contains(addr))) {
        return lo_up;
    }
    ns.addrs
        .iter()
        .any(|a| a.cidr.addr == addr && ns.links.get(&a.ifindex).is_some_and(|l| l.up))
}

fn primary_addr(ns: &Netns, dev: u32) -> Option<Ipv4Addr> {
    ns.addrs_of(dev).find(|a| !a.secondary).map(|a| a.cidr.addr)
}

/// The routing decision for `dst` in `ns`.
pub fn lookup(ns: &Netns, dst: Ipv4Addr) -> RouteTo {
    if is_local(ns, dst) {
        return RouteTo::Local;
    }
    let up = |ifindex: u32| ns.links.get(&ifindex).is_some_and(|l: &Link| l.up);
    // The longest prefix wins; among equals, the first in the table (max_by_key keeps the
    // last maximum, hence the reversed scan).
    let best = ns
        .routes
        .iter()
        .rev()
        .filter(|r| up(r.ifindex))
        .filter(|r| r.dst.is_none_or(|d| d.contains(dst)))
        .max_by_key(|r| r.dst.map_or(0, |d| d.prefix));
    let Some(r) = best else {
        return RouteTo::Unreachable;
    };
    let src = r.src.or_else(|| primary_addr(ns, r.ifindex)).or_else(|| {
        ns.addrs
            .iter()
            .find(|a| a.cidr.addr.octets()[0] != 127)
            .map(|a| a.cidr.addr)
    });
    RouteTo::Out {
        dev: r.ifindex,
        dev_name: ns
            .links
            .get(&r.ifindex)
            .map(|l| l.name.clone())
            .unwrap_or_default(),
        next_hop: r.via.unwrap_or(dst),
        src,
        via_route: r
            .dst
            .map_or_else(|| "default".to_string(), |d| d.to_string()),
    }
}
