//! The target of an iptables rule (`-j`/`-g`) and its options.
//!
//! Facts (iptables 1.8.9): `iptables-save` prints `-j REJECT` as `-j REJECT --reject-with
//! icmp-port-unreachable` when no `--reject-with` was given; `DNAT` requires
//! `--to-destination`; `-g CHAIN` is a goto (no return to the calling chain).

use std::fmt;
use std::net::Ipv4Addr;

use super::words::quote;

/// A NAT rewrite (`--to-destination` / `--to-source`): an address and maybe a port range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NatTo {
    /// The new address (`None`: keep it, change only the port, as `--to-source :53`).
    pub addr: Option<Ipv4Addr>,
    /// The new port (or first of a range) and the last.
    pub ports: Option<(u16, u16)>,
}

impl NatTo {
    /// `A`, `A:P`, `A:P-Q` or `:P`.
    pub fn parse(s: &str) -> Option<NatTo> {
        let (a, p) = match s.split_once(':') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr = if a.is_empty() && p.is_some() {
            None
        } else {
            Some(a.parse().ok()?)
        };
        let ports = match p {
            None => None,
            Some(p) => Some(match p.split_once('-') {
                Some((lo, hi)) => (lo.parse().ok()?, hi.parse().ok()?),
                None => {
                    let one = p.parse().ok()?;
                    (one, one)
                }
            }),
        };
        Some(NatTo { addr, ports })
    }
}

impl fmt::Display for NatTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(a) = self.addr {
            write!(f, "{a}")?;
        }
        match self.ports {
            Some((lo, hi)) if lo == hi => write!(f, ":{lo}"),
            Some((lo, hi)) => write!(f, ":{lo}-{hi}"),
            None => Ok(()),
        }
    }
}

/// What a matching packet meets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `ACCEPT`: the packet leaves this hook's table.
    Accept,
    /// `DROP`: discarded, nothing answers.
    Drop,
    /// `RETURN`: back to the calling chain (or the policy of a built-in chain).
    Return,
    /// `REJECT --reject-with TYPE`: discarded with an ICMP error (or a TCP reset).
    Reject(String),
    /// `LOG`: logged, and the walk goes on with the next rule.
    Log {
        /// `--log-prefix`.
        prefix: Option<String>,
        /// `--log-level`.
        level: Option<String>,
    },
    /// `DNAT --to-destination`.
    Dnat(NatTo),
    /// `SNAT --to-source`.
    Snat(NatTo),
    /// `MASQUERADE [--to-ports P[-Q]]`: SNAT to the outgoing interface's address.
    Masquerade(Option<(u16, u16)>),
    /// `-j CHAIN`: a user chain, returned from.
    Jump(String),
    /// `-g CHAIN`: a user chain, not returned from.
    Goto(String),
}

/// The default of `REJECT --reject-with`.
pub const DEFAULT_REJECT_WITH: &str = "icmp-port-unreachable";

/// The `--reject-with` types iptables takes for IPv4, with their aliases' canonical names.
const REJECT_TYPES: &[(&str, &str)] = &[
    ("icmp-net-unreachable", "icmp-net-unreachable"),
    ("net-unreach", "icmp-net-unreachable"),
    ("icmp-host-unreachable", "icmp-host-unreachable"),
    ("host-unreach", "icmp-host-unreachable"),
    ("icmp-port-unreachable", "icmp-port-unreachable"),
    ("port-unreach", "icmp-port-unreachable"),
    ("icmp-proto-unreachable", "icmp-proto-unreachable"),
    ("proto-unreach", "icmp-proto-unreachable"),
    ("icmp-net-prohibited", "icmp-net-prohibited"),
    ("net-prohib", "icmp-net-prohibited"),
    ("icmp-host-prohibited", "icmp-host-prohibited"),
    ("host-prohib", "icmp-host-prohibited"),
    ("icmp-admin-prohibited", "icmp-admin-prohibited"),
    ("admin-prohib", "icmp-admin-prohibited"),
    ("tcp-reset", "tcp-reset"),
    ("tcp-rst", "tcp-reset"),
];

/// The canonical name of a `--reject-with` type.
pub fn reject_type(s: &str) -> Option<&'static str> {
    REJECT_TYPES.iter().find(|(a, _)| *a == s).map(|(_, c)| *c)
}

impl Target {
    /// The name after `-j`/`-g`.
    pub fn name(&self) -> &str {
        match self {
            Target::Accept => "ACCEPT",
            Target::Drop => "DROP",
            Target::Return => "RETURN",
            Target::Reject(_) => "REJECT",
            Target::Log { .. } => "LOG",
            Target::Dnat(_) => "DNAT",
            Target::Snat(_) => "SNAT",
            Target::Masquerade(_) => "MASQUERADE",
            Target::Jump(c) | Target::Goto(c) => c,
        }
    }

    /// The user chain it enters, if any.
    pub fn chain(&self) -> Option<&str> {
        match self {
            Target::Jump(c) | Target::Goto(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Goto(c) => write!(f, "-g {c}"),
            Target::Reject(with) => write!(f, "-j REJECT --reject-with {with}"),
            Target::Log { prefix, level } => {
                f.write_str("-j LOG")?;
                if let Some(l) = level {
                    write!(f, " --log-level {l}")?;
                }
                if let Some(p) = prefix {
                    write!(f, " --log-prefix {}", quote(p))?;
                }
                Ok(())
            }
            Target::Dnat(to) => write!(f, "-j DNAT --to-destination {to}"),
            Target::Snat(to) => write!(f, "-j SNAT --to-source {to}"),
            Target::Masquerade(None) => f.write_str("-j MASQUERADE"),
            Target::Masquerade(Some((lo, hi))) if lo == hi => {
                write!(f, "-j MASQUERADE --to-ports {lo}")
            }
            Target::Masquerade(Some((lo, hi))) => write!(f, "-j MASQUERADE --to-ports {lo}-{hi}"),
            other => write!(f, "-j {}", other.name()),
        }
    }
}
