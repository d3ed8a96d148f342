//! The reachability overlay: who reaches whom, as the packet walk computes it over the same
//! state the picture is drawn from.
//!
//! Endpoints are the container namespaces that hold an address, then the outside (at its
//! own addresses: the gateway the host's NICs face). Each pair is one ICMP echo, through
//! [`crate::walk::matrix::matrix`] (so a container reaches another at its address on a
//! network they share, else at its first). Each published port is one TCP (or UDP) probe
//! from the outside to the host's address facing it (or the port's own host address), as
//! a client on the LAN would try it. Isolation shows as the pairs that do not reach.

use std::net::Ipv4Addr;

use super::topology::{Role, Topology};
use crate::state::KernelState;
use crate::walk::matrix::{matrix, Endpoint};
use crate::walk::{walk, Probe, ProbeKind, WalkError};

/// What the walk says about the picture's endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    /// The endpoints' namespaces, as indices into [`Topology::namespaces`].
    pub nodes: Vec<usize>,
    /// `icmp[i][j]`: an echo from `nodes[i]` to `nodes[j]` gets its reply.
    pub icmp: Vec<Vec<bool>>,
    /// For each of [`Topology::published`]: the probe's target and whether it connected
    /// (`None` when there is no outside or no host address to try).
    pub published: Vec<Option<PublishedProbe>>,
    /// For each namespace index: its position in `nodes`.
    slot: Vec<Option<usize>>,
}

/// One published port tried from the outside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedProbe {
    /// The host address probed.
    pub addr: Ipv4Addr,
    /// Whether the connection (or datagram) got through.
    pub reached: bool,
}

impl Reach {
    /// Runs the walk for every pair of endpoints and every published port.
    pub fn compute(state: &KernelState, topology: &Topology) -> Result<Reach, WalkError> {
        let with_addr = |role: Role| {
            topology
                .namespaces
                .iter()
                .enumerate()
                .filter(move |(_, n)| n.role == role)
                .filter(|(_, n)| n.interfaces.iter().any(|i| !i.addrs.is_empty()))
                .map(|(i, _)| i)
        };
        // Containers first, the outside last: the order the matrix is printed in.
        let nodes: Vec<usize> = with_addr(Role::Container)
            .chain(with_addr(Role::Outside))
            .collect();
        let mut slot = vec![None; topology.namespaces.len()];
        for (at, &ns) in nodes.iter().enumerate() {
            slot[ns] = Some(at);
        }
        let eps: Vec<Endpoint> = nodes.iter().map(|&i| endpoint(topology, i)).collect();
        let icmp = matrix(state, &eps, ProbeKind::Echo)?;
        let published = (0..topology.published.len())
            .map(|p| published_probe(state, topology, p))
            .collect::<Result<_, _>>()?;
        Ok(Reach {
            nodes,
            slot,
            icmp,
            published,
        })
    }

    /// Whether the endpoint at namespace index `a` reaches the one at `b` by ICMP.
    pub fn reaches(&self, a: usize, b: usize) -> bool {
        let at = |n: usize| self.slot.get(n).copied().flatten();
        match (at(a), at(b)) {
            (Some(i), Some(j)) => self.icmp[i][j],
            _ => false,
        }
    }

    /// The outside's namespace index, if it is an endpoint.
    pub fn outside(&self, topology: &Topology) -> Option<usize> {
        self.nodes
            .iter()
            .copied()
            .find(|&i| is_outside(topology, i))
    }
}

fn is_outside(topology: &Topology, ns: usize) -> bool {
    topology.namespaces[ns].role == Role::Outside
}

fn endpoint(topology: &Topology, ns: usize) -> Endpoint {
    let n = &topology.namespaces[ns];
    Endpoint {
        ns: n.name.clone(),
        addrs: n
            .interfaces
            .iter()
            .flat_map(|i| i.addrs.iter().map(|a| a.addr))
            .collect(),
    }
}

/// The first address of a host interface wired to the outside: where a LAN client connects.
fn host_address_facing_outside(topology: &Topology) -> Option<Ipv4Addr> {
    let host = topology.host()?;
    topology.namespaces[host].interfaces.iter().find_map(|i| {
        let end = super::topology::End {
            ns: host,
            ifindex: i.ifindex,
        };
        let peer = topology.peer(end)?;
        is_outside(topology, peer.ns)
            .then(|| i.addrs.first().map(|a| a.addr))
            .flatten()
    })
}

fn published_probe(
    state: &KernelState,
    topology: &Topology,
    p: usize,
) -> Result<Option<PublishedProbe>, WalkError> {
    let published = &topology.published[p];
    let Some(outside) = topology.namespaces.iter().find(|n| n.role == Role::Outside) else {
        return Ok(None);
    };
    let kind = match published.proto.as_str() {
        "tcp" => ProbeKind::Tcp(published.host_port),
        "udp" => ProbeKind::Udp(published.host_port),
        _ => return Ok(None),
    };
    let addr = match published.host_ip.parse::<Ipv4Addr>() {
        Ok(a) if !a.is_unspecified() => Some(a),
        _ => host_address_facing_outside(topology),
    };
    let Some(addr) = addr else { return Ok(None) };
    let probe = Probe {
        from: outside.name.clone(),
        dst: addr,
        kind,
    };
    let reached = walk(state, &probe)?.outcome.reached();
    Ok(Some(PublishedProbe { addr, reached }))
}
