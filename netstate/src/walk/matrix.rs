//! All-pairs reachability, fast: one walk per pair of equivalence classes instead of one per
//! pair of endpoints.
//!
//! Two endpoints are in one class when the walk cannot tell them apart: their namespaces
//! hold addresses in the same subnets, in the same order, they listen on the same sockets,
//! and every address match of every rule (`-s`, `-d`, DNAT targets) contains both or
//! neither of their addresses. A rule that names an interface of one endpoint alone (a
//! `veth…` or a container-side name) defeats that, so such a state falls back to one walk
//! per pair. [`matrix_per_probe`] is the plain per-pair walk the fast one must equal.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::{walk, Probe, ProbeKind, WalkError};
use crate::op::{Ipv4Cidr, NetnsName};
use crate::rule::{RuleSpec, Target};
use crate::state::KernelState;

/// One side of a probe: a namespace and the addresses others reach it at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Where its processes are.
    pub ns: NetnsName,
    /// Its addresses, the preferred first.
    pub addrs: Vec<Ipv4Addr>,
}

/// The address `from` uses for `to`: one on a subnet they share (as a name resolves on a
/// shared network), else `to`'s first.
pub fn target_addr(state: &KernelState, from: &Endpoint, to: &Endpoint) -> Option<Ipv4Addr> {
    let subnets: Vec<Ipv4Cidr> = state
        .namespaces
        .get(&from.ns)
        .map(|n| n.addrs.iter().map(|a| a.cidr).collect())
        .unwrap_or_default();
    to.addrs
        .iter()
        .find(|a| subnets.iter().any(|s| s.contains(**a)))
        .or(to.addrs.first())
        .copied()
}

fn rules(state: &KernelState) -> impl Iterator<Item = &RuleSpec> {
    state
        .namespaces
        .values()
        .flat_map(|n| n.iptables.values())
        .flat_map(|t| t.chains.iter())
        .flat_map(|c| c.rules.iter())
}

/// Every address range a rule matches on or rewrites to.
fn rule_nets(state: &KernelState) -> Vec<Ipv4Cidr> {
    let mut nets = Vec::new();
    for r in rules(state) {
        nets.extend(r.src.iter().chain(r.dst.iter()).map(|n| n.value));
        if let Some(Target::Dnat(to) | Target::Snat(to)) = &r.target {
            nets.extend(to.addr.map(|a| Ipv4Cidr::new(a, 32)));
        }
    }
    nets.sort_by_key(|n| (u32::from(n.addr), n.prefix));
    nets.dedup();
    nets
}

/// Whether some rule names a per-endpoint interface (then classes are not sound).
fn names_endpoint_ifaces(state: &KernelState) -> bool {
    rules(state).any(|r| {
        [&r.in_iface, &r.out_iface]
            .iter()
            .filter_map(|i| i.as_ref())
            .any(|i| i.value.0.starts_with("veth") || i.value.0.starts_with("eth"))
    })
}

/// What the walk can see of an endpoint, with its own address and names left out.
fn signature(state: &KernelState, e: &Endpoint, nets: &[Ipv4Cidr]) -> Vec<String> {
    let Some(ns) = state.namespaces.get(&e.ns) else {
        return vec![format!("missing {}", e.ns)];
    };
    let mut sig: Vec<String> = ns
        .addrs
        .iter()
        .map(|a| a.cidr.masked().to_string())
        .collect();
    sig.extend(
        ns.sockets
            .iter()
            .map(|s| format!("{}:{}:{}", s.proto.name(), s.addr, s.port)),
    );
    sig.extend(ns.routes.iter().map(|r| format!("{:?}>{:?}", r.dst, r.via)));
    for addr in &e.addrs {
        let bits: String = nets
            .iter()
            .map(|n| if n.contains(*addr) { '1' } else { '0' })
            .collect();
        sig.push(bits);
    }
    sig
}

/// `reached[i][j]`: whether `kind` from endpoint `i` to endpoint `j`'s address gets its
/// answer (the diagonal is `false`).
pub fn matrix(
    state: &KernelState,
    eps: &[Endpoint],
    kind: ProbeKind,
) -> Result<Vec<Vec<bool>>, WalkError> {
    if names_endpoint_ifaces(state) {
        return matrix_per_probe(state, eps, kind);
    }
    let nets = rule_nets(state);
    let mut class_of: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut class = Vec::with_capacity(eps.len());
    for (i, e) in eps.iter().enumerate() {
        let next = class_of.len();
        let c = *class_of.entry(signature(state, e, &nets)).or_insert(next);
        if c == members.len() {
            members.push(Vec::new());
        }
        members[c].push(i);
        class.push(c);
    }
    let k = members.len();
    // None: no two distinct members to try (a class of one, to itself).
    let mut by_class: Vec<Vec<Option<bool>>> = vec![vec![None; k]; k];
    for a in 0..k {
        for b in 0..k {
            let from = members[a][0];
            let Some(&to) = members[b].iter().find(|&&j| j != from) else {
                continue;
            };
            let Some(dst) = target_addr(state, &eps[from], &eps[to]) else {
                by_class[a][b] = Some(false);
                continue;
            };
            let p = Probe {
                from: eps[from].ns.clone(),
                dst,
                kind,
            };
            by_class[a][b] = Some(walk(state, &p)?.outcome.reached());
        }
    }
    Ok((0..eps.len())
        .map(|i| {
            (0..eps.len())
                .map(|j| i != j && by_class[class[i]][class[j]].unwrap_or(false))
                .collect()
        })
        .collect())
}

/// [`matrix`] by one walk per ordered pair.
pub fn matrix_per_probe(
    state: &KernelState,
    eps: &[Endpoint],
    kind: ProbeKind,
) -> Result<Vec<Vec<bool>>, WalkError> {
    eps.iter()
        .enumerate()
        .map(|(i, from)| {
            eps.iter()
                .enumerate()
                .map(|(j, to)| {
                    let dst = match target_addr(state, from, to) {
                        Some(d) if i != j => d,
                        _ => return Ok(false),
                    };
                    let p = Probe {
                        from: from.ns.clone(),
                        dst,
                        kind,
                    };
                    Ok(walk(state, &p)?.outcome.reached())
                })
                .collect()
        })
        .collect()
}
