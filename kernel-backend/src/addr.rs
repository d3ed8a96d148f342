//! Addresses: RTM_NEWADDR/DELADDR for the address ops, and address dumps read back into
//! [`Addr`]/[`Addr6`].

use std::net::IpAddr;

use docknet_netstate::op::Ipv4Cidr;
use docknet_netstate::state::{Addr, Addr6, AddrScope};
use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::address::{
    AddressAttribute, AddressHeaderFlags, AddressMessage, AddressScope,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::nl::{Conn, NlError};

/// The message `ip addr add|del CIDR dev IFINDEX` sends (without the broadcast).
fn message(ifindex: u32, cidr: Ipv4Cidr) -> AddressMessage {
    let mut m = AddressMessage::default();
    m.header.family = AddressFamily::Inet;
    m.header.prefix_len = cidr.prefix;
    m.header.index = ifindex;
    // iproute2's default_scope(): loopback addresses get host scope, others universe.
    m.header.scope = if cidr.addr.is_loopback() {
        AddressScope::Host
    } else {
        AddressScope::Universe
    };
    m.attributes
        .push(AddressAttribute::Local(IpAddr::V4(cidr.addr)));
    m.attributes
        .push(AddressAttribute::Address(IpAddr::V4(cidr.addr)));
    m
}

/// `ip addr add CIDR [brd +] dev IFINDEX`.
pub(crate) async fn add(
    conn: &Conn,
    ifindex: u32,
    cidr: Ipv4Cidr,
    broadcast: bool,
) -> Result<(), NlError> {
    let mut m = message(ifindex, cidr);
    if broadcast {
        m.attributes
            .push(AddressAttribute::Broadcast(cidr.broadcast()));
    }
    conn.ack(
        RouteNetlinkMessage::NewAddress(m),
        NLM_F_CREATE | NLM_F_EXCL,
    )
    .await
}

/// `ip addr del CIDR dev IFINDEX`.
pub(crate) async fn del(conn: &Conn, ifindex: u32, cidr: Ipv4Cidr) -> Result<(), NlError> {
    let mut m = message(ifindex, cidr);
    // `ip addr del` leaves the scope unset so any scope matches.
    m.header.scope = AddressScope::Universe;
    conn.ack(RouteNetlinkMessage::DelAddress(m), 0).await
}

/// Every IPv4 and IPv6 address of the connection's namespace, in dump order.
pub(crate) async fn dump(conn: &Conn) -> Result<(Vec<Addr>, Vec<Addr6>), NlError> {
    let answers = conn
        .dump(RouteNetlinkMessage::GetAddress(AddressMessage::default()))
        .await?;
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for answer in answers {
        let RouteNetlinkMessage::NewAddress(m) = answer else {
            continue;
        };
        let scope = scope(m.header.scope);
        let mut local = None;
        let mut address = None;
        let mut broadcast = None;
        let mut label = String::new();
        for attr in &m.attributes {
            match attr {
                AddressAttribute::Local(ip) => local = Some(*ip),
                AddressAttribute::Address(ip) => address = Some(*ip),
                AddressAttribute::Broadcast(b) => broadcast = Some(*b),
                AddressAttribute::Label(l) => label = l.clone(),
                _ => {}
            }
        }
        match local.or(address) {
            Some(IpAddr::V4(ip)) => v4.push(Addr {
                ifindex: m.header.index,
                cidr: Ipv4Cidr::new(ip, m.header.prefix_len),
                broadcast,
                scope,
                label,
                secondary: m.header.flags.contains(AddressHeaderFlags::Secondary),
            }),
            Some(IpAddr::V6(ip)) => v6.push(Addr6 {
                ifindex: m.header.index,
                addr: ip,
                prefix: m.header.prefix_len,
                scope,
            }),
            None => {}
        }
    }
    Ok((v4, v6))
}

/// Maps a kernel scope to the state's (site/nowhere never occur for docknet's addresses).
pub(crate) fn scope(s: AddressScope) -> AddrScope {
    match s {
        AddressScope::Host => AddrScope::Host,
        AddressScope::Link => AddrScope::Link,
        _ => AddrScope::Global,
    }
}
