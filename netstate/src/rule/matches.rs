//! The match parts of an iptables rule: the basic matches (`-s -d -i -o -p`) and the match
//! modules (`-m tcp|udp|addrtype|conntrack|state|multiport|comment`).
//!
//! Facts (iptables 1.8.9 (nf_tables), checked in a private namespace): `iptables-save`
//! prints the basic matches in the order `-s -d -i -o -p` whatever the typed order, then
//! the modules in rule order, then the target; `-p tcp --dport N` gains an implicit
//! `-m tcp`; addresses print as `A/N` with the host bits cleared (`/255.255.0.0` too);
//! protocol numbers print by name where `/etc/protocols` has one (`-p 47` is `-p gre`);
//! `addrtype` prints `--src-type` before `--dst-type`; conntrack and state print their
//! states in bit order (`INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT`).

use std::fmt;

/// A value with iptables' `!` in front or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neg<T> {
    /// The value.
    pub value: T,
    /// `!` given.
    pub negated: bool,
}

impl<T> Neg<T> {
    /// A positive match.
    pub fn is(value: T) -> Self {
        Neg {
            value,
            negated: false,
        }
    }

    /// A negated match.
    pub fn not(value: T) -> Self {
        Neg {
            value,
            negated: true,
        }
    }

    /// Whether `test` (the plain match) holds, with the negation applied.
    pub fn holds(&self, test: impl FnOnce(&T) -> bool) -> bool {
        test(&self.value) != self.negated
    }

    /// `! ` when negated.
    pub(crate) fn bang(&self) -> &'static str {
        if self.negated {
            "! "
        } else {
            ""
        }
    }
}

/// An interface name as `-i`/`-o` take it; a trailing `+` matches every name with that prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iface(pub String);

impl Iface {
    /// Whether the device called `dev` matches.
    pub fn matches(&self, dev: &str) -> bool {
        match self.0.strip_suffix('+') {
            Some(prefix) => dev.starts_with(prefix),
            None => self.0 == dev,
        }
    }
}

/// An IP protocol (`-p`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Proto(pub u8);

/// Protocol names as `/etc/protocols` on Debian gives them (the ones iptables prints).
const PROTO_NAMES: &[(u8, &str)] = &[
    (1, "icmp"),
    (2, "igmp"),
    (4, "ipencap"),
    (6, "tcp"),
    (17, "udp"),
    (41, "ipv6"),
    (47, "gre"),
    (50, "esp"),
    (51, "ah"),
    (58, "ipv6-icmp"),
    (132, "sctp"),
    (136, "udplite"),
];

impl Proto {
    /// ICMP.
    pub const ICMP: Proto = Proto(1);
    /// TCP.
    pub const TCP: Proto = Proto(6);
    /// UDP.
    pub const UDP: Proto = Proto(17);

    /// A name or a number (`all` is not a protocol: it means no `-p`).
    pub fn parse(s: &str) -> Option<Proto> {
        let lower = s.to_ascii_lowercase();
        PROTO_NAMES
            .iter()
            .find(|(_, n)| *n == lower)
            .map(|(p, _)| Proto(*p))
            .or_else(|| s.parse::<u8>().ok().filter(|p| *p != 0).map(Proto))
    }

    /// Whether it carries ports (`--sport`/`--dport` are allowed).
    pub fn has_ports(self) -> bool {
        matches!(self.0, 6 | 17 | 132 | 136)
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match PROTO_NAMES.iter().find(|(p, _)| *p == self.0) {
            Some((_, n)) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// A port or an inclusive range (`80`, `1000:2000`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    /// First port.
    pub lo: u16,
    /// Last port.
    pub hi: u16,
}

impl PortRange {
    /// One port.
    pub fn one(p: u16) -> Self {
        PortRange { lo: p, hi: p }
    }

    /// `N` or `N:M` (also `N-M`, as multiport does not take it but people type it).
    pub fn parse(s: &str) -> Option<PortRange> {
        let port = |p: &str| p.parse::<u16>().ok();
        match s.split_once(':') {
            Some((a, b)) => {
                let lo = if a.is_empty() { 0 } else { port(a)? };
                let hi = if b.is_empty() { 65535 } else { port(b)? };
                (lo <= hi).then_some(PortRange { lo, hi })
            }
            None => port(s).map(PortRange::one),
        }
    }

    /// Whether `p` is in the range.
    pub fn contains(&self, p: u16) -> bool {
        (self.lo..=self.hi).contains(&p)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}:{}", self.lo, self.hi)
        }
    }
}

/// An address type of `-m addrtype` (the kernel's route types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrType {
    /// `UNSPEC`.
    Unspec,
    /// `UNICAST`.
    Unicast,
    /// `LOCAL`: an address of this host.
    Local,
    /// `BROADCAST`.
    Broadcast,
    /// `ANYCAST`.
    Anycast,
    /// `MULTICAST`.
    Multicast,
    /// `BLACKHOLE`.
    Blackhole,
    /// `UNREACHABLE`.
    Unreachable,
    /// `PROHIBIT`.
    Prohibit,
}

const ADDR_TYPES: &[(AddrType, &str)] = &[
    (AddrType::Unspec, "UNSPEC"),
    (AddrType::Unicast, "UNICAST"),
    (AddrType::Local, "LOCAL"),
    (AddrType::Broadcast, "BROADCAST"),
    (AddrType::Anycast, "ANYCAST"),
    (AddrType::Multicast, "MULTICAST"),
    (AddrType::Blackhole, "BLACKHOLE"),
    (AddrType::Unreachable, "UNREACHABLE"),
    (AddrType::Prohibit, "PROHIBIT"),
];

impl AddrType {
    /// The name iptables takes and prints (case-insensitive on input).
    pub fn parse(s: &str) -> Option<AddrType> {
        let up = s.to_ascii_uppercase();
        ADDR_TYPES.iter().find(|(_, n)| *n == up).map(|(t, _)| *t)
    }
}

impl fmt::Display for AddrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = ADDR_TYPES
            .iter()
            .find(|(t, _)| t == self)
            .map(|(_, n)| *n)
            .unwrap_or("UNSPEC");
        f.write_str(name)
    }
}

/// A connection-tracking state (`--ctstate`, `--state`), in the kernel's bit order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CtState {
    /// `INVALID`.
    Invalid,
    /// `NEW`: the first packet of a flow.
    New,
    /// `RELATED`: e.g. an ICMP error about a tracked flow.
    Related,
    /// `ESTABLISHED`: a flow that has seen packets both ways (or a reply).
    Established,
    /// `UNTRACKED`.
    Untracked,
    /// `SNAT` (conntrack only).
    Snat,
    /// `DNAT` (conntrack only).
    Dnat,
}

const CT_STATES: &[(CtState, &str)] = &[
    (CtState::Invalid, "INVALID"),
    (CtState::New, "NEW"),
    (CtState::Related, "RELATED"),
    (CtState::Established, "ESTABLISHED"),
    (CtState::Untracked, "UNTRACKED"),
    (CtState::Snat, "SNAT"),
    (CtState::Dnat, "DNAT"),
];

impl CtState {
    /// A comma-separated list, sorted into bit order with duplicates dropped.
    pub fn parse_list(s: &str) -> Option<Vec<CtState>> {
        let mut v = Vec::new();
        for part in s.split(',') {
            let up = part.to_ascii_uppercase();
            let st = CT_STATES.iter().find(|(_, n)| *n == up)?.0;
            if !v.contains(&st) {
                v.push(st);
            }
        }
        v.sort();
        Some(v)
    }

    /// The list as iptables prints it.
    pub fn join(states: &[CtState]) -> String {
        let names: Vec<&str> = states
            .iter()
            .filter_map(|s| CT_STATES.iter().find(|(t, _)| t == s).map(|(_, n)| *n))
            .collect();
        names.join(",")
    }
}

/// Which ports `-m multiport` looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortSide {
    /// `--sports`.
    Source,
    /// `--dports`.
    Destination,
    /// `--ports`: either.
    Either,
}

/// One `-m NAME ...` module with the options docknet interprets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Module {
    /// `-m tcp` (implicit after `-p tcp` with port options).
    Tcp {
        /// `--sport`.
        sport: Option<Neg<PortRange>>,
        /// `--dport`.
        dport: Option<Neg<PortRange>>,
        /// `--tcp-flags MASK COMP`, kept as typed words.
        flags: Option<Neg<(String, String)>>,
    },
    /// `-m udp` (implicit after `-p udp` with port options).
    Udp {
        /// `--sport`.
        sport: Option<Neg<PortRange>>,
        /// `--dport`.
        dport: Option<Neg<PortRange>>,
    },
    /// `-m sctp` (implicit after `-p sctp` with port options).
    Sctp {
        /// `--sport`.
        sport: Option<Neg<PortRange>>,
        /// `--dport`.
        dport: Option<Neg<PortRange>>,
    },
    /// `-m addrtype`.
    AddrType {
        /// `--src-type`.
        src: Option<Neg<AddrType>>,
        /// `--dst-type`.
        dst: Option<Neg<AddrType>>,
    },
    /// `-m conntrack --ctstate`.
    Conntrack(Neg<Vec<CtState>>),
    /// `-m state --state`.
    State(Neg<Vec<CtState>>),
    /// `-m multiport --sports|--dports|--ports`.
    Multiport(PortSide, Neg<Vec<PortRange>>),
    /// `-m comment --comment TEXT`.
    Comment(String),
}

impl Module {
    /// The module's name after `-m`.
    pub fn name(&self) -> &'static str {
        match self {
            Module::Tcp { .. } => "tcp",
            Module::Udp { .. } => "udp",
            Module::Sctp { .. } => "sctp",
            Module::AddrType { .. } => "addrtype",
            Module::Conntrack(_) => "conntrack",
            Module::State(_) => "state",
            Module::Multiport(..) => "multiport",
            Module::Comment(_) => "comment",
        }
    }
}

fn port_opt(out: &mut String, name: &str, p: &Option<Neg<PortRange>>) {
    if let Some(p) = p {
        out.push_str(&format!(" {}--{name} {}", p.bang(), p.value));
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = format!("-m {}", self.name());
        match self {
            Module::Tcp {
                sport,
                dport,
                flags,
            } => {
                port_opt(&mut s, "sport", sport);
                port_opt(&mut s, "dport", dport);
                if let Some(fl) = flags {
                    s.push_str(&format!(
                        " {}--tcp-flags {} {}",
                        fl.bang(),
                        fl.value.0,
                        fl.value.1
                    ));
                }
            }
            Module::Udp { sport, dport } | Module::Sctp { sport, dport } => {
                port_opt(&mut s, "sport", sport);
                port_opt(&mut s, "dport", dport);
            }
            Module::AddrType { src, dst } => {
                if let Some(t) = src {
                    s.push_str(&format!(" {}--src-type {}", t.bang(), t.value));
                }
                if let Some(t) = dst {
                    s.push_str(&format!(" {}--dst-type {}", t.bang(), t.value));
                }
            }
            Module::Conntrack(st) => s.push_str(&format!(
                " {}--ctstate {}",
                st.bang(),
                CtState::join(&st.value)
            )),
            Module::State(st) => s.push_str(&format!(
                " {}--state {}",
                st.bang(),
                CtState::join(&st.value)
            )),
            Module::Multiport(side, ports) => {
                let opt = match side {
                    PortSide::Source => "sports",
                    PortSide::Destination => "dports",
                    PortSide::Either => "ports",
                };
                let list: Vec<String> = ports.value.iter().map(|p| p.to_string()).collect();
                s.push_str(&format!(" {}--{opt} {}", ports.bang(), list.join(",")));
            }
            Module::Comment(text) => {
                s.push_str(&format!(" --comment {}", super::words::quote(text)));
            }
        }
        f.write_str(&s)
    }
}
