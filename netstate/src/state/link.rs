//! A link (network interface) as `ip -d link show` reports it.

use crate::op::Mac;

/// What a link is (`ip -d link` prints it as `veth`, `bridge`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// `lo`.
    Loopback,
    /// A Linux bridge; its ports point at it through [`Link::master`].
    Bridge {
        /// STP on (`brctl show` "STP enabled"); Docker never turns it on.
        stp: bool,
        /// IFLA_TSO_MAX_SIZE: 65536 when made; the kernel's `br_set_gso_limits` sets the
        /// minimum over its ports (524280 with none) at every port join and leave, so a
        /// bridge that ever had a port shows 524280 (the conformance runner found it).
        tso_max_size: u32,
    },
    /// One end of a veth pair.
    Veth,
}

/// Operational state (IFLA_OPERSTATE), as `state X` in `ip link`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperState {
    /// `UNKNOWN` (lo when up; a bridge that is up with no ports on recent kernels).
    Unknown,
    /// `DOWN`.
    Down,
    /// `LOWERLAYERDOWN`.
    LowerLayerDown,
    /// `UP`.
    Up,
}

impl OperState {
    /// The word `ip` prints.
    pub fn name(self) -> &'static str {
        match self {
            OperState::Unknown => "UNKNOWN",
            OperState::Down => "DOWN",
            OperState::LowerLayerDown => "LOWERLAYERDOWN",
            OperState::Up => "UP",
        }
    }
}

/// The other end of a veth pair, as the link's own namespace sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The peer's ifindex in its namespace (`@ifN`).
    pub ifindex: u32,
    /// The peer's namespace as an nsid of this namespace; `None` when it is in the same one.
    pub netnsid: Option<u32>,
}

/// One network interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Interface index, unique in its namespace.
    pub ifindex: u32,
    /// Interface name.
    pub name: String,
    /// Loopback, bridge or veth.
    pub kind: LinkKind,
    /// Hardware address.
    pub mac: Mac,
    /// MTU.
    pub mtu: u32,
    /// Administratively up (IFF_UP).
    pub up: bool,
    /// Carrier present (IFF_LOWER_UP); without it an up link shows `NO-CARRIER`.
    pub lower_up: bool,
    /// Operational state.
    pub operstate: OperState,
    /// Queueing discipline name (`noop` until first up, then `noqueue` for these kinds).
    pub qdisc: String,
    /// Transmit queue length (`qlen`, printed only when non-zero).
    pub txqlen: u32,
    /// The bridge this link is a port of, by ifindex.
    pub master: Option<u32>,
    /// For a veth: its peer.
    pub peer: Option<Peer>,
    /// For a bridge port: the STP port state (3 = forwarding, 0 = disabled).
    pub port_state: Option<u8>,
    /// For a bridge port: its port number on the bridge (the kernel gives the lowest free one,
    /// from 1); `brctl show` lists ports in this order. `None` falls back to ifindex rank.
    pub port_no: Option<u16>,
}

impl Link {
    /// The flags `ip link` prints between `<` and `>`, in iproute2's order.
    pub fn flags(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        if self.up && !self.lower_up && self.kind != LinkKind::Loopback {
            f.push("NO-CARRIER");
        }
        match self.kind {
            LinkKind::Loopback => f.push("LOOPBACK"),
            _ => {
                f.push("BROADCAST");
                f.push("MULTICAST");
            }
        }
        if self.up {
            f.push("UP");
        }
        if self.lower_up {
            f.push("LOWER_UP");
        }
        f
    }
}
