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

/// `ip route del ...`: scope nowhere matches a route of any scope.
pub(crate) async fn del(conn: &Conn, route: &RouteSpec, ifindex: u32) -> Result<(), NlError> {
    let mut m = message(route, ifindex);
    m.header.scope = RouteScope::NoWhere;
    conn.ack(RouteNetlinkMessage::DelRoute(m), 0).await
}

/// The main table's IPv4 routes, in dump order.
pub(crate) async fn dump(conn: &Conn) -> Result<Vec<Route>, NlError> {
    let mut req = RouteMessage::default();
    req.header.address_family = AddressFamily::Inet;
    let answers = conn.dump(RouteNetlinkMessage::GetRoute(req)).await?;
    Ok(answers
        .into_iter()
        .filter_map(|a| match a {
            RouteNetlinkMessage::NewRoute(m) => to_route(&m),
            _ => None,
        })
        .collect())
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
