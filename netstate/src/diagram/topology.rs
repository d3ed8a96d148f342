//! The drawing model: namespaces as boxes holding their interfaces, veth pairs as the
//! wires between them, bridges with their ports, published ports at the host's edge.
//!
//! Built once from [`KernelState`] and [`Labels`]; every emitter reads only this. Order is
//! part of the contract, so equal states draw byte-identical pictures: the outside first,
//! then the host, then containers grouped by the bridge their first interface hangs off (in
//! the host's ifindex order, then port number), then by name, then any other namespace.
//! Interfaces keep ifindex order. `lo` is left out: every namespace has one and it joins
//! nothing; so is an outside with no interface.

use std::collections::BTreeMap;

use super::labels::{Labels, Published};
use crate::op::{Ipv4Cidr, Mac, NetnsName};
use crate::state::{KernelState, LinkKind, Netns, OperState};

/// What a namespace is to the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The far side of the host's NICs (the LAN, the internet).
    Outside,
    /// The host's root namespace.
    Host,
    /// A namespace the labels name a container for.
    Container,
    /// Any other namespace, drawn by its name.
    Other,
}

/// What kind of interface a box is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfaceKind {
    /// A Linux bridge.
    Bridge,
    /// One end of a veth pair.
    Veth,
}

/// One interface as the tutorial's pictures label it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Interface index in its namespace.
    pub ifindex: u32,
    /// Interface name.
    pub name: String,
    /// Bridge or veth.
    pub kind: IfaceKind,
    /// IPv4 addresses, in `ip addr` order.
    pub addrs: Vec<Ipv4Cidr>,
    /// Hardware address.
    pub mac: Mac,
    /// Operational state.
    pub state: OperState,
    /// The bridge it is a port of (an ifindex in the same namespace).
    pub master: Option<u32>,
    /// Its port number on that bridge.
    pub port_no: Option<u16>,
    /// For a bridge: the network it implements, from the labels.
    pub network: Option<String>,
}

impl Interface {
    /// Whether it passes traffic: `UP`, or `UNKNOWN` (a carrier-less kind that is up).
    pub fn is_up(&self) -> bool {
        matches!(self.state, OperState::Up | OperState::Unknown)
    }

    /// `13: eth0`, the ifindex and name as `ip link` starts its line.
    pub fn title(&self) -> String {
        format!("{}: {}", self.ifindex, self.name)
    }
}

/// One namespace box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    /// The kernel's name for it (a sandbox key for containers).
    pub name: NetnsName,
    /// Outside, host, container or other.
    pub role: Role,
    /// The heading: `host`, `outside`, `container test1`, or the namespace's name.
    pub title: String,
    /// The line under the heading (`root network namespace`, `netns 4532a922fbb7`).
    pub subtitle: String,
    /// Its interfaces but `lo`, by ifindex.
    pub interfaces: Vec<Interface>,
    /// The containers the labels put here.
    pub containers: Vec<String>,
}

/// One end of a wire: an interface of the namespace at this index of [`Topology::namespaces`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct End {
    /// Index into [`Topology::namespaces`].
    pub ns: usize,
    /// The interface's ifindex there.
    pub ifindex: u32,
}

/// A veth pair: a line between two interfaces, `a` the one drawn first (nearer the outside).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wire {
    /// The end in the earlier namespace (or the lower ifindex within one namespace).
    pub a: End,
    /// The other end.
    pub b: End,
    /// Both ends up.
    pub up: bool,
}

/// Everything a picture shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topology {
    /// The boxes, in drawing order (see the module doc).
    pub namespaces: Vec<Namespace>,
    /// Every veth pair both of whose ends are in the state, ordered by `a`.
    pub wires: Vec<Wire>,
    /// Published ports, as the labels list them.
    pub published: Vec<Published>,
    /// For each (namespace index, ifindex) with a wire: the wire's index.
    wire_at: BTreeMap<End, usize>,
}

impl Topology {
    /// The model of `state` named by `labels`.
    pub fn build(state: &KernelState, labels: &Labels) -> Topology {
        let peers = raw_peers(state);
        let mut namespaces: Vec<Namespace> = state
            .namespaces
            .iter()
            .map(|(name, ns)| namespace(name, ns, labels))
            // A host without `%host-if`s still has an (empty) outside: nothing to draw.
            .filter(|n| n.role != Role::Outside || !n.interfaces.is_empty())
            .collect();
        let host_order = host_port_order(state);
        namespaces.sort_by_cached_key(|n| order_key(n, &peers, &host_order));
        let index: BTreeMap<&NetnsName, usize> = namespaces
            .iter()
            .enumerate()
            .map(|(i, n)| (&n.name, i))
            .collect();
        let mut wires = Vec::new();
        for ((ns, ifindex), (pns, pifindex)) in &peers {
            let (Some(&i), Some(&j)) = (index.get(ns), index.get(pns)) else {
                continue;
            };
            let (a, b) = (
                End {
                    ns: i,
                    ifindex: *ifindex,
                },
                End {
                    ns: j,
                    ifindex: *pifindex,
                },
            );
            if a < b {
                wires.push(Wire { a, b, up: false });
            }
        }
        wires.sort_by_key(|w| (w.a, w.b));
        let mut topology = Topology {
            namespaces,
            wires,
            published: labels.published.clone(),
            wire_at: BTreeMap::new(),
        };
        topology.index_wires();
        topology
    }

    /// Marks each wire up or down and indexes it by both ends.
    fn index_wires(&mut self) {
        for i in 0..self.wires.len() {
            let Wire { a, b, .. } = self.wires[i];
            let up = [a, b]
                .iter()
                .all(|e| self.interface(*e).is_some_and(Interface::is_up));
            self.wires[i].up = up;
            self.wire_at.insert(a, i);
            self.wire_at.insert(b, i);
        }
    }

    /// The interface at `end`.
    pub fn interface(&self, end: End) -> Option<&Interface> {
        let ns = self.namespaces.get(end.ns)?;
        ns.interfaces
            .binary_search_by_key(&end.ifindex, |i| i.ifindex)
            .ok()
            .map(|at| &ns.interfaces[at])
    }

    /// The other end of the veth at `end`, if both ends are drawn.
    pub fn peer(&self, end: End) -> Option<End> {
        let w = self.wires[*self.wire_at.get(&end)?];
        Some(if w.a == end { w.b } else { w.a })
    }

    /// The wire at `end`, if its interface is one end of a drawn veth pair.
    pub fn wire(&self, end: End) -> Option<&Wire> {
        self.wire_at.get(&end).map(|&i| &self.wires[i])
    }

    /// The ports of the bridge `bridge` in namespace `ns`, in port-number order (as `brctl
    /// show` lists them).
    pub fn ports(&self, ns: usize, bridge: u32) -> Vec<&Interface> {
        let mut ports: Vec<&Interface> = self.namespaces[ns]
            .interfaces
            .iter()
            .filter(|i| i.master == Some(bridge))
            .collect();
        ports.sort_by_key(|i| (i.port_no.unwrap_or(u16::MAX), i.ifindex));
        ports
    }

    /// The index of the container namespace the labels put container `name` in.
    pub fn container(&self, name: &str) -> Option<usize> {
        self.namespaces
            .iter()
            .position(|n| n.role == Role::Container && n.containers.iter().any(|c| c == name))
    }

    /// The first interface of namespace `ns` that holds an address: where an edge about the
    /// namespace as a whole (reach, a published port) attaches.
    pub fn first_addressed(&self, ns: usize) -> Option<End> {
        self.namespaces[ns]
            .interfaces
            .iter()
            .find(|i| !i.addrs.is_empty())
            .map(|i| End {
                ns,
                ifindex: i.ifindex,
            })
    }

    /// The index of the host namespace, if the state has one.
    pub fn host(&self) -> Option<usize> {
        self.namespaces.iter().position(|n| n.role == Role::Host)
    }

    /// `title` of the namespace at `ns` and `title` of its interface: `test1 13: eth0`.
    pub fn end_label(&self, end: End) -> String {
        let ns = &self.namespaces[end.ns];
        let who = match ns.role {
            Role::Container => ns.title.trim_start_matches("container ").to_string(),
            _ => ns.title.clone(),
        };
        match self.interface(end) {
            Some(i) => format!("{who} {}", i.title()),
            None => format!("{who} {}", end.ifindex),
        }
    }
}

/// `(namespace, ifindex) → (peer namespace, peer ifindex)` for every veth whose peer's
/// namespace the state names.
type RawPeers = BTreeMap<(NetnsName, u32), (NetnsName, u32)>;

fn raw_peers(state: &KernelState) -> RawPeers {
    let mut peers = BTreeMap::new();
    for (name, ns) in &state.namespaces {
        for link in ns.links.values() {
            let Some(peer) = &link.peer else { continue };
            let pns = match peer.netnsid {
                None => name.clone(),
                Some(id) => match ns.nsids.get(&id) {
                    Some(p) => p.clone(),
                    None => continue,
                },
            };
            peers.insert((name.clone(), link.ifindex), (pns, peer.ifindex));
        }
    }
    peers
}

/// For each host port: (its bridge's ifindex, its port number), to group containers by.
fn host_port_order(state: &KernelState) -> BTreeMap<u32, (u32, u16)> {
    let Some(host) = state.ns(NetnsName::HOST) else {
        return BTreeMap::new();
    };
    host.links
        .values()
        .filter_map(|l| Some((l.ifindex, (l.master?, l.port_no.unwrap_or(u16::MAX)))))
        .collect()
}

/// Sort key: role, then for containers the first bridge port they hang off, then title.
fn order_key(
    n: &Namespace,
    peers: &RawPeers,
    host_order: &BTreeMap<u32, (u32, u16)>,
) -> (Role, (u32, u16), String, NetnsName) {
    let host = NetnsName::host();
    let port = n
        .interfaces
        .iter()
        .filter_map(|i| peers.get(&(n.name.clone(), i.ifindex)))
        .filter(|(pns, _)| *pns == host)
        .find_map(|(_, pifindex)| host_order.get(pifindex).copied())
        .unwrap_or((u32::MAX, u16::MAX));
    (n.role, port, n.title.clone(), n.name.clone())
}

fn namespace(name: &NetnsName, ns: &Netns, labels: &Labels) -> Namespace {
    let named = labels.containers_in(name);
    let (role, title, subtitle) = match name.as_str() {
        NetnsName::HOST => {
            let also = named.map(|c| format!(", host network of {c}"));
            let sub = format!("root network namespace{}", also.unwrap_or_default());
            (Role::Host, "host".to_string(), sub)
        }
        NetnsName::OUTSIDE => (
            Role::Outside,
            "outside".to_string(),
            "the network beyond the host's NICs".to_string(),
        ),
        key => {
            let file = key.rsplit('/').next().unwrap_or(key);
            match named {
                Some(c) => (
                    Role::Container,
                    format!("container {c}"),
                    format!("netns {file}"),
                ),
                None => (
                    Role::Other,
                    key.to_string(),
                    "network namespace".to_string(),
                ),
            }
        }
    };
    Namespace {
        name: name.clone(),
        role,
        title,
        subtitle,
        interfaces: interfaces(ns, labels),
        containers: labels.containers.get(name).cloned().unwrap_or_default(),
    }
}

fn interfaces(ns: &Netns, labels: &Labels) -> Vec<Interface> {
    ns.links
        .values()
        .filter_map(|l| {
            let kind = match l.kind {
                LinkKind::Loopback => return None,
                LinkKind::Bridge { .. } => IfaceKind::Bridge,
                LinkKind::Veth => IfaceKind::Veth,
            };
            let network = (kind == IfaceKind::Bridge)
                .then(|| labels.networks.get(&l.name).cloned())
                .flatten();
            Some(Interface {
                ifindex: l.ifindex,
                name: l.name.clone(),
                kind,
                addrs: ns.addrs_of(l.ifindex).map(|a| a.cidr).collect(),
                mac: l.mac,
                state: l.operstate,
                master: l.master,
                port_no: l.port_no,
                network,
            })
        })
        .collect()
}
