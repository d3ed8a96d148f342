//! One iptables rule, typed: the basic matches, the match modules and the target.
//!
//! [`RuleSpec::parse`] reads the words after `-A CHAIN` as `iptables-save` prints them, or as a
//! person types them after `iptables -A CHAIN` (it canonicalises: the implicit `-m tcp`,
//! masked addresses, protocol names, sorted states), and [`RuleSpec`]'s `Display` prints
//! exactly what `iptables-save` prints for it, so `parse(display(r)) == r` and two rules are
//! equal exactly when the kernel would call them the same rule (what `-D` looks for).
//! Everything that reads or writes rules (ops, observed state, Docker's firewall, sim's
//! checks, the renderers, the packet walk) uses this one type.

mod matches;
mod target;
mod words;

use std::fmt;
use std::net::Ipv4Addr;

pub use matches::{AddrType, CtState, Iface, Module, Neg, PortRange, PortSide, Proto};
pub use target::{reject_type, NatTo, Target, DEFAULT_REJECT_WITH};
pub use words::{quote, split};

use crate::op::Ipv4Cidr;

/// Why a rule's words do not make a rule. The Display text is iptables' own message (after
/// its `iptables v1.8.9 (nf_tables): ` prefix) where iptables has one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// An option iptables does not know here.
    #[error("unknown option \"{0}\"")]
    UnknownOption(String),
    /// An option without its value.
    #[error("option \"{0}\" requires an argument")]
    MissingValue(String),
    /// `-s`/`-d` that is not an address.
    #[error("host/network `{0}' not found")]
    BadAddress(String),
    /// A port that is not a port.
    #[error("invalid port/service `{0}' specified")]
    BadPort(String),
    /// `-p` that is not a protocol.
    #[error("unknown protocol \"{0}\" specified")]
    BadProto(String),
    /// `-m multiport` without a protocol that has ports.
    #[error("Need TCP, UDP, SCTP or DCCP with port specification")]
    PortsNeedProto,
    /// A value an option does not take.
    #[error("Bad value for option \"{option}\", or out of range (\"{value}\").")]
    BadValue {
        /// The option.
        option: String,
        /// The value given.
        value: String,
    },
    /// `DNAT`/`SNAT` without their address.
    #[error("{target}: option \"{option}\" must be specified")]
    NatNeedsTo {
        /// `DNAT` or `SNAT`.
        target: String,
        /// `--to-destination` or `--to-source`.
        option: String,
    },
    /// A match module docknet does not interpret.
    #[error("docknet: unsupported iptables match `-m {0}`")]
    UnsupportedMatch(String),
    /// An unterminated quote.
    #[error("unterminated quoted string")]
    Quote,
}

/// A rule: `[-s] [-d] [-i] [-o] [-p] [-m MODULE ...]... [-j|-g TARGET ...]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSpec {
    /// `-s`, host bits cleared.
    pub src: Option<Neg<Ipv4Cidr>>,
    /// `-d`, host bits cleared.
    pub dst: Option<Neg<Ipv4Cidr>>,
    /// `-i`.
    pub in_iface: Option<Neg<Iface>>,
    /// `-o`.
    pub out_iface: Option<Neg<Iface>>,
    /// `-p`.
    pub proto: Option<Neg<Proto>>,
    /// `-m ...` in rule order.
    pub modules: Vec<Module>,
    /// `-j`/`-g`; `None` counts packets and goes on.
    pub target: Option<Target>,
}

impl RuleSpec {
    /// A rule with no match and no target (`-A CHAIN` alone).
    pub fn new() -> Self {
        RuleSpec::default()
    }

    /// `-s`.
    pub fn src(mut self, net: Ipv4Cidr, negated: bool) -> Self {
        self.src = Some(Neg {
            value: net.masked(),
            negated,
        });
        self
    }

    /// `-d`.
    pub fn dst(mut self, net: Ipv4Cidr, negated: bool) -> Self {
        self.dst = Some(Neg {
            value: net.masked(),
            negated,
        });
        self
    }

    /// `-i`.
    pub fn in_iface(mut self, name: &str, negated: bool) -> Self {
        self.in_iface = Some(Neg {
            value: Iface(name.into()),
            negated,
        });
        self
    }

    /// `-o`.
    pub fn out_iface(mut self, name: &str, negated: bool) -> Self {
        self.out_iface = Some(Neg {
            value: Iface(name.into()),
            negated,
        });
        self
    }

    /// `-p P`, plus `-m P --dport N` when a port is given (TCP and UDP).
    pub fn proto_dport(mut self, proto: Proto, dport: Option<u16>) -> Self {
        self.proto = Some(Neg::is(proto));
        if let Some(p) = dport {
            let dport = Some(Neg::is(PortRange::one(p)));
            self.modules.push(if proto == Proto::UDP {
                Module::Udp { sport: None, dport }
            } else {
                Module::Tcp {
                    sport: None,
                    dport,
                    flags: None,
                }
            });
        }
        self
    }

    /// `-m MODULE ...`.
    pub fn module(mut self, m: Module) -> Self {
        self.modules.push(m);
        self
    }

    /// `-j TARGET` (or `-g`).
    pub fn target(mut self, t: Target) -> Self {
        self.target = Some(t);
        self
    }

    /// `-j NAME` for a built-in verdict or a user chain.
    pub fn jump(self, name: &str) -> Self {
        let t = match name {
            "ACCEPT" => Target::Accept,
            "DROP" => Target::Drop,
            "RETURN" => Target::Return,
            "REJECT" => Target::Reject(DEFAULT_REJECT_WITH.into()),
            "MASQUERADE" => Target::Masquerade(None),
            "LOG" => Target::Log {
                prefix: None,
                level: None,
            },
            chain => Target::Jump(chain.into()),
        };
        self.target(t)
    }

    /// Parses a rule's words (after `-A CHAIN`), as saved or as typed.
    pub fn parse(text: &str) -> Result<RuleSpec, RuleError> {
        let words = split(text).ok_or(RuleError::Quote)?;
        RuleSpec::parse_words(&words)
    }

    /// [`RuleSpec::parse`] over words already split (a command line's).
    pub fn parse_words(words: &[String]) -> Result<RuleSpec, RuleError> {
        parse::Parser::default().run(words)
    }

    /// The user chain this rule jumps or goes to, if any.
    pub fn chain_target(&self) -> Option<&str> {
        self.target.as_ref().and_then(Target::chain)
    }

    /// The destination port(s) a `-m tcp`/`-m udp` or multiport of this rule asks for.
    pub fn dport(&self) -> Option<&Neg<PortRange>> {
        self.modules.iter().find_map(|m| match m {
            Module::Tcp { dport, .. } | Module::Udp { dport, .. } | Module::Sctp { dport, .. } => {
                dport.as_ref()
            }
            _ => None,
        })
    }
}

mod parse;

/// A rule equals its text when that is exactly how `iptables-save` prints it.
impl PartialEq<str> for RuleSpec {
    fn eq(&self, other: &str) -> bool {
        self.to_string().as_str() == other
    }
}

impl PartialEq<&str> for RuleSpec {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<String> for RuleSpec {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

fn push_basic<T: fmt::Display>(parts: &mut Vec<String>, opt: &str, v: &Option<Neg<T>>) {
    if let Some(v) = v {
        parts.push(format!("{}{opt} {}", v.bang(), v.value));
    }
}

impl fmt::Display for RuleSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        push_basic(&mut parts, "-s", &self.src);
        push_basic(&mut parts, "-d", &self.dst);
        if let Some(i) = &self.in_iface {
            parts.push(format!("{}-i {}", i.bang(), i.value.0));
        }
        if let Some(o) = &self.out_iface {
            parts.push(format!("{}-o {}", o.bang(), o.value.0));
        }
        push_basic(&mut parts, "-p", &self.proto);
        parts.extend(self.modules.iter().map(|m| m.to_string()));
        if let Some(t) = &self.target {
            parts.push(t.to_string());
        }
        f.write_str(&parts.join(" "))
    }
}

/// `A`, `A/N` or `A/MASK` as `-s`/`-d` take it.
pub fn parse_net(s: &str) -> Option<Ipv4Cidr> {
    let (addr, prefix) = match s.split_once('/') {
        None => (s, 32),
        Some((a, m)) => match m.parse::<u8>() {
            Ok(p) if p <= 32 => (a, p),
            Ok(_) => return None,
            Err(_) => {
                let mask: Ipv4Addr = m.parse().ok()?;
                let bits = u32::from(mask);
                if bits.leading_ones() + bits.trailing_zeros() != 32 {
                    return None;
                }
                (a, bits.leading_ones() as u8)
            }
        },
    };
    Some(Ipv4Cidr::new(addr.parse().ok()?, prefix).masked())
}

#[cfg(test)]
mod tests;
