//! Kernel operations: the one vocabulary the engine speaks to every kernel.
//!
//! An [`Op`] is one netlink-level (or iptables-level) change, roughly one `ip`/`iptables`
//! command. The engine plans a Docker command as a list of ops; a [`crate::Kernel`] applies
//! them. Ops name namespaces by [`NetnsName`] and links by their name *inside* that namespace,
//! as `ip -n NS link ...` does. Nothing here knows Docker.

use std::fmt;

use crate::rule::RuleSpec;
use crate::state::Socket;
use std::net::Ipv4Addr;

/// A network namespace, named by the docknet host-side handle for it.
///
/// [`NetnsName::HOST`] is the namespace docker0 lives in. Container namespaces are named by
/// their Docker sandbox key path (`/var/run/docker/netns/<12 hex>`), so a scenario's
/// `nsenter --net=PATH` maps to a namespace by plain string equality.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NetnsName(pub String);

impl NetnsName {
    /// The name of the host (root) namespace of a scenario.
    pub const HOST: &'static str = "host";
    /// The name of the namespace "outside" the host: the far end of declared host interfaces.
    pub const OUTSIDE: &'static str = "outside";

    /// The host namespace.
    pub fn host() -> Self {
        NetnsName(Self::HOST.to_string())
    }

    /// The outside namespace that owns the host's upstream gateway.
    pub fn outside() -> Self {
        NetnsName(Self::OUTSIDE.to_string())
    }

    /// A namespace with any other name.
    pub fn new(name: impl Into<String>) -> Self {
        NetnsName(name.into())
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NetnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A 48-bit Ethernet address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Mac(pub [u8; 6]);

/// The longest interface name the kernel takes (`IFNAMSIZ` - 1).
pub const IFNAME_MAX: usize = 15;

impl Mac {
    /// All zeroes: loopback, and a bridge without ports and without an explicit MAC.
    pub const ZERO: Mac = Mac([0; 6]);
    /// The broadcast address `ff:ff:ff:ff:ff:ff`.
    pub const BROADCAST: Mac = Mac([0xff; 6]);

    /// Parses `aa:bb:cc:dd:ee:ff` (case-insensitive).
    pub fn parse(s: &str) -> Option<Mac> {
        let mut out = [0u8; 6];
        let mut parts = s.split(':');
        for byte in out.iter_mut() {
            let p = parts.next()?;
            if p.len() != 2 {
                return None;
            }
            *byte = u8::from_str_radix(p, 16).ok()?;
        }
        parts.next().is_none().then_some(Mac(out))
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

/// An IPv4 address with a prefix length, as `ip addr add 10.0.0.1/24` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    /// The address (host bits may be set).
    pub addr: Ipv4Addr,
    /// The prefix length, 0 to 32.
    pub prefix: u8,
}

impl Ipv4Cidr {
    /// Builds a CIDR; `prefix` must be at most 32.
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Self {
        assert!(prefix <= 32, "prefix {prefix} > 32");
        Ipv4Cidr { addr, prefix }
    }

    /// Parses `a.b.c.d/n` strictly (no host-name forms, n ≤ 32).
    pub fn parse(s: &str) -> Option<Self> {
        let (a, p) = s.split_once('/')?;
        let addr: Ipv4Addr = a.parse().ok()?;
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = p.parse().ok()?;
        (prefix <= 32).then_some(Ipv4Cidr { addr, prefix })
    }

    /// The netmask as a 32-bit value.
    pub fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    /// The network address (host bits cleared).
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask())
    }

    /// The directed broadcast address.
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) | !self.mask())
    }

    /// The same prefix with host bits cleared.
    pub fn masked(&self) -> Ipv4Cidr {
        Ipv4Cidr::new(self.network(), self.prefix)
    }

    /// Whether `ip` lies inside this prefix.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask() == u32::from(self.network())
    }

    /// Whether two prefixes share any address.
    pub fn overlaps(&self, other: &Ipv4Cidr) -> bool {
        self.contains(other.network()) || other.contains(self.network())
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// What kind of link [`Op::LinkAdd`] creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkAddKind {
    /// `ip link add NAME type bridge`.
    Bridge,
    /// `ip link add NAME type veth peer name PEER [netns PEER_NS]`.
    ///
    /// Without `peer_ns` both ends are created in the op's namespace, and (as the kernel
    /// does) the peer is registered first, so it gets the lower ifindex.
    Veth {
        /// The peer's name.
        peer: String,
        /// Where the peer is created; `None` means the same namespace.
        peer_ns: Option<NetnsName>,
        /// The peer's MAC, if set at creation.
        peer_mac: Option<Mac>,
    },
}

/// A route as `ip route add` takes it. Only the main table is modelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    /// Destination; `None` is `default`.
    pub dst: Option<Ipv4Cidr>,
    /// Next hop (`via`).
    pub via: Option<Ipv4Addr>,
    /// Output device.
    pub dev: String,
    /// `onlink` flag: the next hop is on the link even if no prefix covers it.
    pub onlink: bool,
}

/// An iptables table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// `-t filter`.
    Filter,
    /// `-t nat`.
    Nat,
    /// `-t mangle`.
    Mangle,
    /// `-t raw`.
    Raw,
}

impl Table {
    /// The table's name as `iptables -t` and `iptables-save` print it.
    pub fn name(self) -> &'static str {
        match self {
            Table::Filter => "filter",
            Table::Nat => "nat",
            Table::Mangle => "mangle",
            Table::Raw => "raw",
        }
    }

    /// The built-in chains of the table, in the order `iptables-save` prints them.
    pub fn builtin_chains(self) -> &'static [&'static str] {
        match self {
            Table::Filter => &["INPUT", "FORWARD", "OUTPUT"],
            Table::Nat => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
            Table::Mangle => &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
            Table::Raw => &["PREROUTING", "OUTPUT"],
        }
    }

    /// Parses a table name.
    pub fn parse(s: &str) -> Option<Table> {
        Some(match s {
            "filter" => Table::Filter,
            "nat" => Table::Nat,
            "mangle" => Table::Mangle,
            "raw" => Table::Raw,
            _ => return None,
        })
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One kernel change. Each variant names the `ip`/`iptables` command it equals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Create a network namespace (`ip netns add`); it starts with only `lo`, down.
    NetnsAdd {
        /// The new namespace.
        ns: NetnsName,
    },
    /// Destroy a namespace and every link in it; veth peers elsewhere die with it.
    NetnsDel {
        /// The namespace.
        ns: NetnsName,
    },
    /// `ip -n NS link add NAME [address MAC] type ...`.
    LinkAdd {
        /// Where the link is created.
        ns: NetnsName,
        /// The link's name.
        name: String,
        /// The link's MAC, if set at creation (sticky, `addr_assign_type` 3).
        mac: Option<Mac>,
        /// Bridge or veth.
        kind: LinkAddKind,
    },
    /// `ip -n NS link del NAME` (a veth takes its peer with it).
    LinkDel {
        /// The namespace.
        ns: NetnsName,
        /// The link.
        name: String,
    },
    /// `ip -n NS link set NAME up` or `down`.
    LinkSetUp {
        /// The namespace.
        ns: NetnsName,
        /// The link.
        name: String,
        /// `true` for up, `false` for down.
        up: bool,
    },
    /// `ip -n NS link set NAME master BR` or `nomaster`.
    LinkSetMaster {
        /// The namespace.
        ns: NetnsName,
        /// The port.
        name: String,
        /// The bridge, or `None` to release the port.
        master: Option<String>,
    },
    /// `ip -n NS link set NAME name NEW`.
    LinkSetName {
        /// The namespace.
        ns: NetnsName,
        /// The current name.
        name: String,
        /// The new name.
        new_name: String,
    },
    /// `ip -n NS link set NAME address MAC`.
    LinkSetMac {
        /// The namespace.
        ns: NetnsName,
        /// The link.
        name: String,
        /// The new address.
        mac: Mac,
    },
    /// `ip -n NS link set NAME mtu MTU`.
    LinkSetMtu {
        /// The namespace.
        ns: NetnsName,
        /// The link.
        name: String,
        /// The new MTU.
        mtu: u32,
    },
    /// `ip -n NS link set NAME txqueuelen N`.
    LinkSetTxQueueLen {
        /// The namespace.
        ns: NetnsName,
        /// The link.
        name: String,
        /// The queue length (Docker sets 0 on host veths).
        qlen: u32,
    },
    /// `ip -n NS link set NAME netns TARGET`.
    LinkSetNetns {
        /// The namespace the link is in now.
        ns: NetnsName,
        /// The link.
        name: String,
        /// Where it moves to.
        target: NetnsName,
    },
    /// `ip -n NS addr add CIDR [brd +] dev DEV`.
    AddrAdd {
        /// The namespace.
        ns: NetnsName,
        /// The device.
        dev: String,
        /// Address and prefix.
        addr: Ipv4Cidr,
        /// Whether to set the broadcast address (`brd +`), as netlink libraries do.
        broadcast: bool,
    },
    /// `ip -n NS addr del CIDR dev DEV`.
    AddrDel {
        /// The namespace.
        ns: NetnsName,
        /// The device.
        dev: String,
        /// Address and prefix.
        addr: Ipv4Cidr,
    },
    /// `ip -n NS route add ...` (protocol `boot`, as `ip route add` sets it, unless static).
    RouteAdd {
        /// The namespace.
        ns: NetnsName,
        /// The route.
        route: RouteSpec,
    },
    /// `ip -n NS route del ...`.
    RouteDel {
        /// The namespace.
        ns: NetnsName,
        /// The route.
        route: RouteSpec,
    },
    /// `ip netns exec NS sysctl -w KEY=VALUE` (keys in dotted form, e.g. `net.ipv4.ip_forward`).
    SysctlSet {
        /// The namespace.
        ns: NetnsName,
        /// The dotted key.
        key: String,
        /// The value, as written to `/proc/sys`.
        value: String,
    },
    /// `iptables -t T -N CHAIN`.
    ChainAdd {
        /// The namespace.
        ns: NetnsName,
        /// The table.
        table: Table,
        /// The user chain.
        chain: String,
    },
    /// `iptables -t T -X CHAIN` (the chain must be empty and unreferenced).
    ChainDel {
        /// The namespace.
        ns: NetnsName,
        /// The table.
        table: Table,
        /// The user chain.
        chain: String,
    },
    /// `iptables -t T -F CHAIN`.
    ChainFlush {
        /// The namespace.
        ns: NetnsName,
        /// The table.
        table: Table,
        /// The chain.
        chain: String,
    },
    /// `iptables -t T -P CHAIN POLICY` (built-in chains only).
    ChainPolicy {
        /// The namespace.
        ns: NetnsName,
        /// The table.
        table: Table,
        /// The built-in chain.
        chain: String,
        /// `ACCEPT` or `DROP`.
        policy: String,
    },
    /// `iptables -t T -I CHAIN [POS] RULE` (`pos` is 1-based; `None` is 1) or, with
    /// `append`, `iptables -t T -A CHAIN RULE`.
    RuleAdd {
        /// The namespace.
        ns: NetnsName,
        /// The table.
        table: Table,
        /// The chain.
        chain: String,
        /// The rule.
        rule: RuleSpec,
        /// Where it goes.
        at: RulePosition,
    },
    /// `iptables -t T -D CHAIN RULE` (the first rule equal to `rule`).
    RuleDel {
        /// The namespace.
        ns: NetnsName,
        /// The table.
        table: Table,
        /// The chain.
        chain: String,
        /// The rule.
        rule: RuleSpec,
    },
    /// `ip route add local DST dev lo`: every address in DST is this namespace's own
    /// (AnyIP; the scenario's "outside" answers for the internet this way).
    LocalRouteAdd {
        /// The namespace.
        ns: NetnsName,
        /// The addresses.
        dst: Ipv4Cidr,
    },
    /// A process opens a listening socket (a server, or a proxy that connects onward).
    SocketOpen {
        /// The namespace.
        ns: NetnsName,
        /// The socket.
        socket: Socket,
    },
    /// The process closes it.
    SocketClose {
        /// The namespace.
        ns: NetnsName,
        /// The socket.
        socket: Socket,
    },
}

/// Where [`Op::RuleAdd`] puts a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulePosition {
    /// `-A`: at the end.
    Append,
    /// `-I CHAIN N`: before the N-th rule (1-based).
    Insert(usize),
}

impl Op {
    /// The namespace the op acts in.
    pub fn ns(&self) -> &NetnsName {
        match self {
            Op::NetnsAdd { ns }
            | Op::NetnsDel { ns }
            | Op::LinkAdd { ns, .. }
            | Op::LinkDel { ns, .. }
            | Op::LinkSetUp { ns, .. }
            | Op::LinkSetMaster { ns, .. }
            | Op::LinkSetName { ns, .. }
            | Op::LinkSetMac { ns, .. }
            | Op::LinkSetMtu { ns, .. }
            | Op::LinkSetTxQueueLen { ns, .. }
            | Op::LinkSetNetns { ns, .. }
            | Op::AddrAdd { ns, .. }
            | Op::AddrDel { ns, .. }
            | Op::RouteAdd { ns, .. }
            | Op::RouteDel { ns, .. }
            | Op::SysctlSet { ns, .. }
            | Op::ChainAdd { ns, .. }
            | Op::ChainDel { ns, .. }
            | Op::ChainFlush { ns, .. }
            | Op::ChainPolicy { ns, .. }
            | Op::RuleAdd { ns, .. }
            | Op::RuleDel { ns, .. }
            | Op::LocalRouteAdd { ns, .. }
            | Op::SocketOpen { ns, .. }
            | Op::SocketClose { ns, .. } => ns,
        }
    }

    /// Whether the op changes iptables state (backends batch these per command).
    pub fn is_iptables(&self) -> bool {
        matches!(
            self,
            Op::ChainAdd { .. }
                | Op::ChainDel { .. }
                | Op::ChainFlush { .. }
                | Op::ChainPolicy { .. }
                | Op::RuleAdd { .. }
                | Op::RuleDel { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_math() {
        let c = Ipv4Cidr::parse("10.0.0.1/24").unwrap();
        assert_eq!(c.network(), Ipv4Addr::new(10, 0, 0, 0));
        assert_eq!(c.broadcast(), Ipv4Addr::new(10, 0, 0, 255));
        assert!(c.contains(Ipv4Addr::new(10, 0, 0, 200)));
        assert!(!c.contains(Ipv4Addr::new(10, 0, 1, 0)));
        assert!(c.overlaps(&Ipv4Cidr::parse("10.0.0.128/25").unwrap()));
        assert!(Ipv4Cidr::parse("10.0.0.0/33").is_none());
        assert!(Ipv4Cidr::parse("foo").is_none());
        assert_eq!(Ipv4Cidr::parse("0.0.0.0/0").unwrap().mask(), 0);
    }

    #[test]
    fn mac_roundtrip() {
        let m = Mac::parse("02:42:AC:11:00:02").unwrap();
        assert_eq!(m.to_string(), "02:42:ac:11:00:02");
        assert!(Mac::parse("02:42:ac:11:00").is_none());
    }
}
