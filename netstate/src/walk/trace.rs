//! A walk's record: every routing decision, rule that decided, NAT rewrite and link crossed,
//! and the outcome; printed one step a line.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

use super::netfilter::{RuleHit, Verdict};
use super::packet::Packet;
use super::route::RouteTo;
use super::segment::Port;
use super::Outcome;
use crate::op::NetnsName;

/// One thing that happened to the packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A routing decision in `ns`.
    Route {
        /// The namespace.
        ns: NetnsName,
        /// The destination looked up.
        dst: Ipv4Addr,
        /// What the table said.
        to: RouteTo,
    },
    /// The rules of one table at one hook that decided, and the table's verdict.
    Rules {
        /// The namespace.
        ns: NetnsName,
        /// Each jump and the deciding rule (or policy).
        hits: Vec<RuleHit>,
        /// What the table decided.
        verdict: Verdict,
    },
    /// A NAT rewrite.
    Nat {
        /// The namespace.
        ns: NetnsName,
        /// `DNAT`, `SNAT` or `MASQUERADE`.
        what: String,
        /// The packet before.
        before: Packet,
        /// The packet after.
        after: Packet,
    },
    /// The devices a frame crossed.
    Link {
        /// In order.
        crossed: Vec<Port>,
    },
    /// A proxy connecting onward.
    Proxy {
        /// Its namespace.
        ns: NetnsName,
        /// Where it connects.
        to: SocketAddrV4,
    },
    /// A stack took the packet.
    Deliver {
        /// The namespace.
        ns: NetnsName,
        /// What it did with it.
        what: String,
    },
    /// The packet was discarded.
    Drop {
        /// The namespace.
        ns: NetnsName,
        /// Why.
        why: String,
    },
}

/// A walk: its steps and what the sender got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// In order.
    pub steps: Vec<Step>,
    /// The result.
    pub outcome: Outcome,
}

fn ns_label(ns: &NetnsName) -> &str {
    ns.0.rsplit('/').next().unwrap_or(&ns.0)
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Route { ns, dst, to } => {
                let what = match to {
                    RouteTo::Local => "local".to_string(),
                    RouteTo::Unreachable => "unreachable (no route)".to_string(),
                    RouteTo::Out {
                        dev_name,
                        next_hop,
                        via_route,
                        ..
                    } => {
                        let hop = if next_hop == dst {
                            String::new()
                        } else {
                            format!(" via {next_hop}")
                        };
                        let head = if via_route.is_empty() {
                            "forward"
                        } else {
                            via_route
                        };
                        format!("{head}{hop} dev {dev_name}")
                    }
                };
                write!(f, "[{}] route {dst}: {what}", ns_label(ns))
            }
            Step::Rules { ns, hits, verdict } => {
                for (i, h) in hits.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    let num = h.number.map_or("policy".to_string(), |n| format!("#{n}"));
                    write!(
                        f,
                        "[{}] {} {} {num}: {}",
                        ns_label(ns),
                        h.table,
                        h.chain,
                        h.text
                    )?;
                }
                if !matches!(verdict, Verdict::Accept) || hits.is_empty() {
                    write!(f, " => {verdict}")?;
                }
                Ok(())
            }
            Step::Nat {
                ns,
                what,
                before,
                after,
            } => {
                write!(f, "[{}] {what}: {before} => {after}", ns_label(ns))
            }
            Step::Link { crossed } => {
                let names: Vec<String> = crossed
                    .iter()
                    .map(|p| format!("{}:{}", ns_label(&p.ns), p.name))
                    .collect();
                write!(f, "link {}", names.join(" -> "))
            }
            Step::Proxy { ns, to } => write!(f, "[{}] proxy connects to {to}", ns_label(ns)),
            Step::Deliver { ns, what } => write!(f, "[{}] {what}", ns_label(ns)),
            Step::Drop { ns, why } => write!(f, "[{}] dropped: {why}", ns_label(ns)),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Accept => f.write_str("ACCEPT"),
            Verdict::Drop => f.write_str("DROP"),
            Verdict::Reject(with) => write!(f, "REJECT ({with})"),
            Verdict::Dnat(to) => write!(f, "DNAT to {to}"),
            Verdict::Snat(to) => write!(f, "SNAT to {to}"),
            Verdict::Masquerade => f.write_str("MASQUERADE"),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::EchoReply { from, ttl } => write!(f, "echo reply from {from} ttl={ttl}"),
            Outcome::Connected { socket, onward, .. } => {
                write!(f, "connected to {socket}")?;
                if let Some(o) = onward {
                    write!(f, " (proxy onward: {o})")?;
                }
                Ok(())
            }
            Outcome::Delivered { .. } => f.write_str("delivered"),
            Outcome::Refused { from } => write!(f, "connection refused by {from}"),
            Outcome::IcmpError { from, kind } => write!(f, "icmp {kind:?} from {from}"),
            Outcome::NoReply => f.write_str("no reply"),
            Outcome::NetUnreachable => f.write_str("network is unreachable"),
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.steps {
            writeln!(f, "{s}")?;
        }
        writeln!(f, "=> {}", self.outcome)
    }
}
