//! Netfilter as the walk meets it: one table of one hook, its chains interpreted rule by rule
//! as they stand in the observed state, whoever wrote them.
//!
//! Facts (the kernel's and iptables' documented semantics): a built-in chain ends in its
//! policy, a user chain in an implicit RETURN; `-j CHAIN` returns to the next rule, `-g CHAIN`
//! does not (its RETURN goes back to the chain that called the current one); `LOG` and a rule
//! without a target only count and go on; in `nat` only a connection's first packet is
//! evaluated and `DNAT`/`SNAT`/`MASQUERADE` end the table; a table that was never created
//! accepts everything. `-m addrtype --dst-type LOCAL` means "an address of this namespace or
//! 127.0.0.0/8".

use std::net::Ipv4Addr;

use super::packet::{Packet, L4};
use super::WalkError;
use crate::op::Table;
use crate::rule::{AddrType, CtState, Module, NatTo, PortSide, RuleSpec, Target};
use crate::state::Netns;

/// Where in the namespace a packet meets a table: the interfaces and its conntrack state.
pub(super) struct Hook<'a> {
    /// The namespace whose rules apply.
    pub ns: &'a Netns,
    /// `-i`: the interface it came in on (none for locally generated packets).
    pub in_dev: Option<&'a str>,
    /// `-o`: the interface it leaves by (none on the way in).
    pub out_dev: Option<&'a str>,
    /// `NEW`, `ESTABLISHED` or `RELATED`.
    pub ct: CtState,
}

/// What a table decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Go on.
    Accept,
    /// Discard silently.
    Drop,
    /// Discard and answer with this `--reject-with` type.
    Reject(String),
    /// Rewrite the destination.
    Dnat(NatTo),
    /// Rewrite the source.
    Snat(NatTo),
    /// Rewrite the source to the outgoing interface's address.
    Masquerade,
}

/// A rule (or a policy) that decided something on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleHit {
    /// Its table.
    pub table: Table,
    /// Its chain.
    pub chain: String,
    /// Its 1-based number in the chain; `None` for the chain's policy.
    pub number: Option<usize>,
    /// `-A CHAIN RULE` as `iptables-save` prints it, or `-P CHAIN POLICY`.
    pub text: String,
}

/// Whether `addr` has type `t` in `ns` (the kernel's route type of the address).
fn addr_type(ns: &Netns, addr: Ipv4Addr, t: AddrType) -> bool {
    let local = ns.addrs.iter().any(|a| a.cidr.addr == addr) || addr.octets()[0] == 127;
    let broadcast = addr.is_broadcast()
        || ns
            .addrs
            .iter()
            .any(|a| a.broadcast == Some(addr) && a.cidr.prefix < 31);
    match t {
        AddrType::Local => local,
        AddrType::Broadcast => broadcast,
        AddrType::Multicast => addr.is_multicast(),
        AddrType::Unicast => !local && !broadcast && !addr.is_multicast(),
        AddrType::Unspec => addr.is_unspecified(),
        _ => false,
    }
}

fn tcp_flag_names(p: &Packet) -> Vec<&'static str> {
    use super::packet::TcpFlags;
    match p.l4 {
        L4::Tcp {
            flags: TcpFlags::Syn,
            ..
        } => vec!["SYN"],
        L4::Tcp {
            flags: TcpFlags::SynAck,
            ..
        } => vec!["SYN", "ACK"],
        L4::Tcp {
            flags: TcpFlags::Rst,
            ..
        } => vec!["RST", "ACK"],
        _ => vec![],
    }
}

fn module_matches(m: &Module, p: &Packet, h: &Hook<'_>) -> bool {
    let ports = p.ports();
    let port_ok = |want: &Option<crate::rule::Neg<crate::rule::PortRange>>, got: Option<u16>| {
        want.as_ref()
            .is_none_or(|w| got.is_some_and(|g| w.holds(|r| r.contains(g))))
    };
    match m {
        Module::Tcp {
            sport,
            dport,
            flags,
        } => {
            p.proto() == 6
                && port_ok(sport, ports.map(|x| x.0))
                && port_ok(dport, ports.map(|x| x.1))
                && flags.as_ref().is_none_or(|f| {
                    let set = tcp_flag_names(p);
                    f.holds(|(mask, comp)| {
                        mask.split(',')
                            .all(|fl| set.contains(&fl) == comp.split(',').any(|c| c == fl))
                    })
                })
        }
        Module::Udp { sport, dport } | Module::Sctp { sport, dport } => {
            let proto = if matches!(m, Module::Udp { .. }) {
                17
            } else {
                132
            };
            p.proto() == proto
                && port_ok(sport, ports.map(|x| x.0))
                && port_ok(dport, ports.map(|x| x.1))
        }
        Module::AddrType { src, dst } => {
            src.as_ref()
                .is_none_or(|t| t.holds(|t| addr_type(h.ns, p.src, *t)))
                && dst
                    .as_ref()
                    .is_none_or(|t| t.holds(|t| addr_type(h.ns, p.dst, *t)))
        }
        Module::Conntrack(st) | Module::State(st) => st.holds(|s| s.contains(&h.ct)),
        Module::Multiport(side, list) => match ports {
            None => false,
            Some((s, d)) => list.holds(|l| {
                l.iter().any(|r| match side {
                    PortSide::Source => r.contains(s),
                    PortSide::Destination => r.contains(d),
                    PortSide::Either => r.contains(s) || r.contains(d),
                })
            }),
        },
        Module::Comment(_) => true,
    }
}

/// Whether `rule`'s matches all hold for `p` at `h`.
pub(super) fn matches(rule: &RuleSpec, p: &Packet, h: &Hook<'_>) -> bool {
    let dev = |want: &Option<crate::rule::Neg<crate::rule::Iface>>, got: Option<&str>| {
        want.as_ref()
            .is_none_or(|w| w.holds(|i| got.is_some_and(|g| i.matches(g))))
    };
    rule.src
        .as_ref()
        .is_none_or(|n| n.holds(|c| c.contains(p.src)))
        && rule
            .dst
            .as_ref()
            .is_none_or(|n| n.holds(|c| c.contains(p.dst)))
        && dev(&rule.in_iface, h.in_dev)
        && dev(&rule.out_iface, h.out_dev)
        && rule
            .proto
            .as_ref()
            .is_none_or(|n| n.holds(|pr| pr.0 == p.proto()))
        && rule.modules.iter().all(|m| module_matches(m, p, h))
}

/// How a chain ended.
enum ChainEnd {
    /// A terminal verdict.
    Verdict(Verdict),
    /// Back to the caller (RETURN, or the end of a user chain).
    Return,
}

/// Runs `table` of `h.ns` from the built-in `chain`; the hits are appended to `hits`.
pub(super) fn run_table(
    table: Table,
    chain: &str,
    p: &Packet,
    h: &Hook<'_>,
    hits: &mut Vec<RuleHit>,
) -> Result<Verdict, WalkError> {
    let Some(t) = h.ns.iptables.get(&table) else {
        return Ok(Verdict::Accept);
    };
    let Some(c) = t.chain(chain) else {
        return Ok(Verdict::Accept);
    };
    match run_chain(table, chain, p, h, hits, 0)? {
        ChainEnd::Verdict(v) => Ok(v),
        ChainEnd::Return => {
            let policy = c.policy.clone().unwrap_or_else(|| "ACCEPT".into());
            hits.push(RuleHit {
                table,
                chain: chain.to_string(),
                number: None,
                text: format!("-P {chain} {policy}"),
            });
            Ok(if policy == "DROP" {
                Verdict::Drop
            } else {
                Verdict::Accept
            })
        }
    }
}

fn run_chain(
    table: Table,
    chain: &str,
    p: &Packet,
    h: &Hook<'_>,
    hits: &mut Vec<RuleHit>,
    depth: usize,
) -> Result<ChainEnd, WalkError> {
    if depth > 32 {
        return Err(WalkError::Rule(format!(
            "{table} {chain}: jumps nest too deep (a loop?)"
        )));
    }
    let t = &h.ns.iptables[&table];
    let Some(c) = t.chain(chain) else {
        return Err(WalkError::Rule(format!("{table}: no chain {chain}")));
    };
    for (i, rule) in c.rules.iter().enumerate() {
        if !matches(rule, p, h) {
            continue;
        }
        let Some(target) = &rule.target else { continue };
        if matches!(target, Target::Log { .. }) {
            continue;
        }
        hits.push(RuleHit {
            table,
            chain: chain.to_string(),
            number: Some(i + 1),
            text: crate::render::iptables_save::rule_line(chain, rule),
        });
        let verdict = match target {
            Target::Accept => Verdict::Accept,
            Target::Drop => Verdict::Drop,
            Target::Reject(with) => Verdict::Reject(with.clone()),
            Target::Return => return Ok(ChainEnd::Return),
            Target::Dnat(to) => Verdict::Dnat(*to),
            Target::Snat(to) => Verdict::Snat(*to),
            Target::Masquerade(_) => Verdict::Masquerade,
            Target::Log { .. } => unreachable!("LOG goes on"),
            Target::Jump(next) | Target::Goto(next) => {
                if t.chain(next).is_none() {
                    return Err(WalkError::Rule(format!(
                        "docknet cannot interpret the target of `{}` in the {table} table",
                        crate::render::iptables_save::rule_line(chain, rule)
                    )));
                }
                match run_chain(table, next, p, h, hits, depth + 1)? {
                    ChainEnd::Verdict(v) => v,
                    ChainEnd::Return if matches!(target, Target::Goto(_)) => {
                        return Ok(ChainEnd::Return)
                    }
                    ChainEnd::Return => continue,
                }
            }
        };
        return Ok(ChainEnd::Verdict(verdict));
    }
    Ok(ChainEnd::Return)
}
