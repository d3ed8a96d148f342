//! Routes: RTM_NEWROUTE/DELROUTE for the route ops, and main-table dumps read back into
//! [`Route`].

use docknet_netstate::op::{Ipv4Cidr, RouteSpec};
use docknet_netstate::state::{AddrScope, Route, RouteProtocol};
use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteFlags, RouteHeader, RouteMessage,
    RouteProtocol as NlProtocol, RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::nl::{Conn, NlError};

/// The main routing table's id.
const MAIN: u8 = RouteHeader::RT_TABLE_MAIN;
/// The local routing table's id (`RT_TABLE_LOCAL`).
const LOCAL: u8 = 255;

/// The message naming `route` (destination, gateway, device).
fn message(route: &RouteSpec, ifindex: u32) -> RouteMessage {
    let mut m = RouteMessage::default();
    m.header.address_family = AddressFamily::Inet;
    m.header.table = MAIN;
    if let Some(dst) = route.dst {
        m.header.destination_prefix_length = dst.prefix;
        m.attributes
            .push(RouteAttribute::Destination(RouteAddress::Inet(dst.addr)));
    }
    if let Some(via) = route.via {
        m.attributes
            .push(RouteAttribute::Gateway(RouteAddress::Inet(via)));
    }
    m.attributes.push(RouteAttribute::Oif(ifindex));
    if route.onlink {
        m.header.flags = RouteFlags::Onlink;
    }
    m
}

/// `ip route add ...`: protocol boot, and scope link when there is no gateway, as iproute2 sets.
pub(crate) async fn add(conn: &Conn, route: &RouteSpec, ifindex: u32) -> Result<(), NlError> {
    let mut m = message(route, ifindex);
    m.header.protocol = NlProtocol::Boot;
    m.header.kind = RouteType::Unicast;
    m.header.scope = if route.via.is_some() {
        RouteScope::Universe
    } else {
        RouteScope::Link
    };
    conn.ack(RouteNetlinkMessage::NewRoute(m), NLM_F_CREATE | NLM_F_EXCL)
        .await
}

/// `ip route add local DST dev lo`: a local-table route of type local (AnyIP).
pub(crate) async fn add_local(conn: &Conn, dst: Ipv4Cidr, lo: u32) -> Result<(), NlError> {
    let mut m = RouteMessage::default();
    m.header.address_family = AddressFamily::Inet;
    m.header.table = LOCAL;
    m.header.destination_prefix_length = dst.prefix;
    m.header.protocol = NlProtocol::Boot;
    m.header.kind = RouteType::Local;
    m.header.scope = RouteScope::Host;
    m.attributes
        .push(RouteAttribute::Destination(RouteAddress::Inet(
            dst.masked().addr,
        )));
    m.attributes.push(RouteAttribute::Oif(lo));
    conn.ack(RouteNetlinkMessage::NewRoute(m), NLM_F_CREATE | NLM_F_EXCL)
        .await
}

/// `ip route del ...`: scope nowhere matches a route of any scope.
pub(crate) async fn del(conn: &Conn, route: &RouteSpec, ifindex: u32) -> Result<(), NlError> {
    let mut m = message(route, ifindex);
    m.header.scope = RouteScope::NoWhere;
    conn.ack(RouteNetlinkMessage::DelRoute(m), 0).await
}

/// The main table's IPv4 routes, and the hand-added local routes (AnyIP: type local,
/// protocol not `kernel`), each in dump order; one dump reads every table.
pub(crate) async fn dump(conn: &Conn) -> Result<(Vec<Route>, Vec<Ipv4Cidr>), NlError> {
    let mut req = RouteMessage::default();
    req.header.address_family = AddressFamily::Inet;
    let answers = conn.dump(RouteNetlinkMessage::GetRoute(req)).await?;
    let (mut main, mut local) = (Vec::new(), Vec::new());
    for a in answers {
        let RouteNetlinkMessage::NewRoute(m) = a else {
            continue;
        };
        if m.header.kind == RouteType::Local && m.header.protocol != NlProtocol::Kernel {
            let addr = m.attributes.iter().find_map(|at| match at {
                RouteAttribute::Destination(RouteAddress::Inet(a)) => Some(*a),
                _ => None,
            });
            let addr = addr.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
            local.push(Ipv4Cidr::new(addr, m.header.destination_prefix_length));
        } else if let Some(r) = to_route(&m) {
            main.push(r);
        }
    }
    Ok((main, local))
}

/// Maps a main-table unicast route; local/broadcast entries live in the local table.
fn to_route(m: &RouteMessage) -> Option<Route> {
    let mut table = u32::from(m.header.table);
    let mut dst = None;
    let mut via = None;
    let mut ifindex = 0;
    let mut src = None;
    for attr in &m.attributes {
        match attr {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(RouteAddress::Inet(a)) => {
                dst = Some(Ipv4Cidr::new(*a, m.header.destination_prefix_length));
            }
            RouteAttribute::Gateway(RouteAddress::Inet(a)) => via = Some(*a),
            RouteAttribute::Oif(i) => ifindex = *i,
            RouteAttribute::PrefSource(RouteAddress::Inet(a)) => src = Some(*a),
            _ => {}
        }
    }
    if table != u32::from(MAIN) || m.header.kind != RouteType::Unicast {
        return None;
    }
    let protocol = match m.header.protocol {
        NlProtocol::Kernel => RouteProtocol::Kernel,
        NlProtocol::Boot => RouteProtocol::Boot,
        _ => RouteProtocol::Static,
    };
    let scope = match m.header.scope {
        RouteScope::Link => AddrScope::Link,
        RouteScope::Host => AddrScope::Host,
        _ => AddrScope::Global,
    };
    Some(Route {
        dst,
        via,
        ifindex,
        protocol,
        scope,
        src,
        onlink: m.header.flags.contains(RouteFlags::Onlink),
        linkdown: m.header.flags.contains(RouteFlags::Linkdown),
    })
}
