//! The observed kernel state: what `Kernel::observe` returns and every renderer reads.
//!
//! It holds what `ip`, `bridge`, `brctl`, `sysctl` and `iptables-save` can show, and nothing
//! they cannot: a backend fills it from netlink dumps (or from its own model) and the
//! renderers in [`crate::render`] print it exactly as the real tools do. Plain data, ordered
//! containers only, so two equal states print byte-identical output.

mod iptables;
mod link;

pub use iptables::{Chain, IptablesTable};
pub use link::{Link, LinkKind, OperState, Peer};

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::op::{Ipv4Cidr, NetnsName, Table};

/// Every namespace a backend owns, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelState {
    /// Namespaces by name; [`NetnsName::HOST`] is always present.
    pub namespaces: BTreeMap<NetnsName, Netns>,
}

impl KernelState {
    /// The namespace called `name`, if it exists.
    pub fn ns(&self, name: &str) -> Option<&Netns> {
        self.namespaces.get(&NetnsName::new(name))
    }

    /// The host namespace.
    pub fn host(&self) -> &Netns {
        self.ns(NetnsName::HOST)
            .expect("the host namespace always exists")
    }
}

/// One network namespace as its own tools see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Netns {
    /// Links by ifindex (the order `ip link show` prints).
    pub links: BTreeMap<u32, Link>,
    /// IPv4 addresses, in the order `ip addr` lists them per link.
    pub addrs: Vec<Addr>,
    /// IPv6 addresses (link-local and loopback), in kernel order per link.
    pub addrs6: Vec<Addr6>,
    /// IPv4 routes of the main table, in the kernel's dump order.
    pub routes: Vec<Route>,
    /// nsid → the namespace it names, as seen from this namespace (`ip netns list-id`).
    pub nsids: BTreeMap<u32, NetnsName>,
    /// Sysctls that docknet reads or writes, by dotted key.
    pub sysctls: BTreeMap<String, String>,
    /// iptables tables that exist in this namespace (ones never touched are absent).
    pub iptables: BTreeMap<Table, IptablesTable>,
    /// Listening sockets (`ss -ltun`), in the order they were opened.
    pub sockets: Vec<Socket>,
    /// Local-table routes added by hand (`ip route add local DST dev lo`), in order: every
    /// address they cover is local (the kernel's own per-address entries are not listed).
    pub local_routes: Vec<Ipv4Cidr>,
}

/// A socket's transport protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SocketProto {
    /// TCP (a listening socket).
    Tcp,
    /// UDP (a bound socket).
    Udp,
}

impl SocketProto {
    /// `tcp` or `udp`.
    pub fn name(self) -> &'static str {
        match self {
            SocketProto::Tcp => "tcp",
            SocketProto::Udp => "udp",
        }
    }
}

/// A listening socket, and where a proxy behind it connects onward (docker-proxy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Socket {
    /// TCP or UDP.
    pub proto: SocketProto,
    /// The bound address (`0.0.0.0`: every address).
    pub addr: Ipv4Addr,
    /// The port.
    pub port: u16,
    /// For a proxy: the address it connects each accepted connection to.
    pub forward: Option<std::net::SocketAddrV4>,
}

impl Socket {
    /// Whether a packet for `dst:port` over `proto` reaches this socket.
    pub fn accepts(&self, proto: SocketProto, dst: Ipv4Addr, port: u16) -> bool {
        self.proto == proto && self.port == port && (self.addr.is_unspecified() || self.addr == dst)
    }
}

impl Netns {
    /// The link named `name`.
    pub fn link_by_name(&self, name: &str) -> Option<&Link> {
        self.links.values().find(|l| l.name == name)
    }

    /// IPv4 addresses on the link with this ifindex, in order.
    pub fn addrs_of(&self, ifindex: u32) -> impl Iterator<Item = &Addr> {
        self.addrs.iter().filter(move |a| a.ifindex == ifindex)
    }

    /// IPv6 addresses on the link with this ifindex, in order.
    pub fn addrs6_of(&self, ifindex: u32) -> impl Iterator<Item = &Addr6> {
        self.addrs6.iter().filter(move |a| a.ifindex == ifindex)
    }
}

/// An IPv4 address on a link (`ip -4 addr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addr {
    /// The link it is on.
    pub ifindex: u32,
    /// Address and prefix length.
    pub cidr: Ipv4Cidr,
    /// Broadcast address, if one was set (`brd`).
    pub broadcast: Option<Ipv4Addr>,
    /// Scope: `host` for 127/8 on lo, else `global`.
    pub scope: AddrScope,
    /// The label, normally the link name (`ip` prints it last on the `inet` line).
    pub label: String,
    /// Whether it is a secondary address (a second address in an already covered prefix).
    pub secondary: bool,
}

/// An IPv6 address on a link (`ip -6 addr`); docknet only sees kernel-made ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addr6 {
    /// The link it is on.
    pub ifindex: u32,
    /// The address.
    pub addr: std::net::Ipv6Addr,
    /// Prefix length.
    pub prefix: u8,
    /// `host` for ::1, `link` for fe80::/64.
    pub scope: AddrScope,
}

/// Address or route scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AddrScope {
    /// `scope global` (0).
    Global,
    /// `scope link` (253).
    Link,
    /// `scope host` (254).
    Host,
}

impl AddrScope {
    /// The word `ip` prints.
    pub fn name(self) -> &'static str {
        match self {
            AddrScope::Global => "global",
            AddrScope::Link => "link",
            AddrScope::Host => "host",
        }
    }
}

/// Who installed a route (`proto`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteProtocol {
    /// `proto kernel`: added by the kernel with an address.
    Kernel,
    /// `proto boot` (3): `ip route add`'s default; `ip route show` prints nothing for it.
    Boot,
    /// `proto static` (4): what netlink libraries send by default.
    Static,
}

/// An IPv4 route in the main table (`ip route show`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Destination; `None` is `default`.
    pub dst: Option<Ipv4Cidr>,
    /// Next hop (`via`).
    pub via: Option<Ipv4Addr>,
    /// Output link.
    pub ifindex: u32,
    /// `proto`.
    pub protocol: RouteProtocol,
    /// `scope`: link for connected routes, global for gateway routes.
    pub scope: AddrScope,
    /// Preferred source (`src`), set on kernel prefix routes.
    pub src: Option<Ipv4Addr>,
    /// `onlink` flag.
    pub onlink: bool,
    /// `linkdown`: the kernel flags a next hop whose link has no carrier (RTNH_F_LINKDOWN).
    pub linkdown: bool,
}
