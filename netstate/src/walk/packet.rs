//! The packets the walk moves: IPv4 with an ICMP, TCP or UDP header, as far as routing,
//! netfilter and conntrack look at them.

use std::fmt;
use std::net::Ipv4Addr;

/// The transport part of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum L4 {
    /// ICMP echo request (`ping`).
    EchoRequest {
        /// Echo identifier (conntrack keys ICMP flows on it).
        id: u16,
    },
    /// ICMP echo reply.
    EchoReply {
        /// Echo identifier.
        id: u16,
    },
    /// An ICMP error (destination/port unreachable, prohibited) about a packet of a flow.
    IcmpError {
        /// The `--reject-with` type or the kernel's reason.
        kind: IcmpError,
    },
    /// A TCP segment.
    Tcp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Which segment of the handshake.
        flags: TcpFlags,
    },
    /// A UDP datagram.
    Udp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
    },
}

/// The handshake segments the walk follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpFlags {
    /// The opening SYN.
    Syn,
    /// The listener's SYN-ACK.
    SynAck,
    /// A reset (no listener, or `--reject-with tcp-reset`).
    Rst,
}

/// ICMP errors the walk produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcmpError {
    /// Port unreachable (a closed UDP port, `icmp-port-unreachable`).
    PortUnreachable,
    /// Host unreachable.
    HostUnreachable,
    /// Network unreachable.
    NetUnreachable,
    /// Administratively prohibited (`icmp-*-prohibited`).
    Prohibited,
}

impl IcmpError {
    /// The error a `REJECT --reject-with TYPE` sends.
    pub fn for_reject(with: &str) -> IcmpError {
        match with {
            "icmp-net-unreachable" => IcmpError::NetUnreachable,
            "icmp-host-unreachable" => IcmpError::HostUnreachable,
            "icmp-port-unreachable" | "icmp-proto-unreachable" => IcmpError::PortUnreachable,
            _ => IcmpError::Prohibited,
        }
    }
}

/// One IPv4 packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Time to live.
    pub ttl: u8,
    /// Transport.
    pub l4: L4,
}

impl Packet {
    /// The IP protocol number.
    pub fn proto(&self) -> u8 {
        match self.l4 {
            L4::EchoRequest { .. } | L4::EchoReply { .. } | L4::IcmpError { .. } => 1,
            L4::Tcp { .. } => 6,
            L4::Udp { .. } => 17,
        }
    }

    /// Source and destination ports (TCP and UDP).
    pub fn ports(&self) -> Option<(u16, u16)> {
        match self.l4 {
            L4::Tcp { sport, dport, .. } | L4::Udp { sport, dport } => Some((sport, dport)),
            _ => None,
        }
    }

    /// The same packet with new ports.
    pub fn with_ports(mut self, sport: u16, dport: u16) -> Packet {
        match &mut self.l4 {
            L4::Tcp {
                sport: s, dport: d, ..
            }
            | L4::Udp { sport: s, dport: d } => {
                *s = sport;
                *d = dport;
            }
            _ => {}
        }
        self
    }

    /// The answer a destination sends: addresses and ports swapped, fresh TTL.
    pub fn answer(&self, l4: L4) -> Packet {
        let l4 = match (self.l4, l4) {
            (L4::Tcp { sport, dport, .. }, L4::Tcp { flags, .. }) => L4::Tcp {
                sport: dport,
                dport: sport,
                flags,
            },
            (L4::Udp { sport, dport }, L4::Udp { .. }) => L4::Udp {
                sport: dport,
                dport: sport,
            },
            (_, other) => other,
        };
        Packet {
            src: self.dst,
            dst: self.src,
            ttl: 64,
            l4,
        }
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.l4 {
            L4::EchoRequest { .. } => write!(f, "icmp echo-request {} > {}", self.src, self.dst),
            L4::EchoReply { .. } => write!(f, "icmp echo-reply {} > {}", self.src, self.dst),
            L4::IcmpError { kind } => {
                write!(f, "icmp {kind:?} {} > {}", self.src, self.dst)
            }
            L4::Tcp {
                sport,
                dport,
                flags,
            } => {
                let fl = match flags {
                    TcpFlags::Syn => "SYN",
                    TcpFlags::SynAck => "SYN-ACK",
                    TcpFlags::Rst => "RST",
                };
                write!(f, "tcp {fl} {}:{sport} > {}:{dport}", self.src, self.dst)
            }
            L4::Udp { sport, dport } => {
                write!(f, "udp {}:{sport} > {}:{dport}", self.src, self.dst)
            }
        }
    }
}
