//! Layer 2: from an output device to the namespace that answers ARP for the next hop, through
//! veth pairs and bridges.
//!
//! Facts (Linux): a frame sent on a veth comes out of its peer, in the peer's namespace; a
//! device that is down, or whose veth peer is down (NO-CARRIER), passes nothing; a frame
//! entering a bridge port goes up the bridge's own stack if the bridge answers ARP for the
//! address, else out of the port whose far side does (ports in forwarding state only);
//! with the default `arp_ignore=0` a namespace answers ARP for any of its addresses on any
//! interface; nobody answering means no reply at all (the neighbour entry fails).

use std::net::Ipv4Addr;

use super::route::is_local;
use crate::op::NetnsName;
use crate::state::{KernelState, Link, LinkKind, Netns};

/// An interface somewhere in the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// Its namespace.
    pub ns: NetnsName,
    /// Its ifindex there.
    pub ifindex: u32,
    /// Its name.
    pub name: String,
}

/// How a frame reached the namespace that answered for the next hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Each device the frame crossed, in order (veth ends, bridge ports).
    pub crossed: Vec<Port>,
    /// A bridge the frame was forwarded by between two of its ports: (bridge, in, out).
    pub bridged: Option<(Port, String, String)>,
    /// The device whose stack receives it (a veth end, or a bridge).
    pub to: Port,
}

fn port(ns: &NetnsName, l: &Link) -> Port {
    Port {
        ns: ns.clone(),
        ifindex: l.ifindex,
        name: l.name.clone(),
    }
}

/// The far end of a veth, if it is up.
fn peer<'s>(state: &'s KernelState, ns: &NetnsName, l: &Link) -> Option<(NetnsName, &'s Link)> {
    let p = l.peer.as_ref()?;
    let here = state.namespaces.get(ns)?;
    let peer_ns = match p.netnsid {
        None => ns.clone(),
        Some(id) => here.nsids.get(&id)?.clone(),
    };
    let link = state.namespaces.get(&peer_ns)?.links.get(&p.ifindex)?;
    link.up.then_some((peer_ns, link))
}

fn forwarding(l: &Link) -> bool {
    l.up && l.lower_up && l.port_state.is_none_or(|s| s == 3)
}

/// Frames sent out of `dev` in `ns` towards `next_hop`: who receives them, or `None` when
/// nobody on the segment answers ARP for it.
pub fn deliver(
    state: &KernelState,
    ns: &NetnsName,
    dev: u32,
    next_hop: Ipv4Addr,
) -> Option<Delivery> {
    let here = state.namespaces.get(ns)?;
    let out = here.links.get(&dev).filter(|l| l.up)?;
    match out.kind {
        LinkKind::Bridge { .. } => {
            let ports = here
                .links
                .values()
                .filter(|l| l.master == Some(dev) && forwarding(l));
            for p in ports {
                let Some((pns, plink)) = peer(state, ns, p) else {
                    continue;
                };
                if answers(state, &pns, plink, next_hop) {
                    return Some(Delivery {
                        crossed: vec![port(ns, p), port(&pns, plink)],
                        bridged: None,
                        to: port(&pns, plink),
                    });
                }
            }
            None
        }
        LinkKind::Veth => {
            let (pns, plink) = peer(state, ns, out)?;
            into_peer(state, port(ns, out), &pns, plink, next_hop)
        }
        LinkKind::Loopback => None,
    }
}

/// Whether the stack behind `l` in `ns` answers ARP for `addr` (a bridge port's stack is
/// its bridge's, which is handled by the caller).
fn answers(state: &KernelState, ns: &NetnsName, l: &Link, addr: Ipv4Addr) -> bool {
    l.master.is_none()
        && state
            .namespaces
            .get(ns)
            .is_some_and(|n: &Netns| is_local(n, addr))
}

/// A frame coming out of the veth end `plink` in `pns`: that namespace's stack, or its
/// bridge, or another port of that bridge.
fn into_peer(
    state: &KernelState,
    sent_on: Port,
    pns: &NetnsName,
    plink: &Link,
    next_hop: Ipv4Addr,
) -> Option<Delivery> {
    let arrived = port(pns, plink);
    let Some(master) = plink.master else {
        let n = state.namespaces.get(pns)?;
        return is_local(n, next_hop).then(|| Delivery {
            crossed: vec![sent_on, arrived.clone()],
            bridged: None,
            to: arrived,
        });
    };
    if !forwarding(plink) {
        return None;
    }
    let n = state.namespaces.get(pns)?;
    let bridge = n.links.get(&master).filter(|b| b.up)?;
    if is_local(n, next_hop) {
        return Some(Delivery {
            crossed: vec![sent_on, arrived],
            bridged: None,
            to: port(pns, bridge),
        });
    }
    let others = n
        .links
        .values()
        .filter(|l| l.master == Some(master) && l.ifindex != plink.ifindex && forwarding(l));
    for other in others {
        let Some((far_ns, far)) = peer(state, pns, other) else {
            continue;
        };
        if answers(state, &far_ns, far, next_hop) {
            return Some(Delivery {
                crossed: vec![
                    sent_on,
                    arrived.clone(),
                    port(pns, other),
                    port(&far_ns, far),
                ],
                bridged: Some((port(pns, bridge), plink.name.clone(), other.name.clone())),
                to: port(&far_ns, far),
            });
        }
    }
    None
}
