//! The packet walk: what the kernel in [`KernelState`] does with one probe (a ping, a TCP
//! connect, a UDP datagram), hop by hop, and what the sender gets back.
//!
//! It reads only the observed state, so it predicts the real kernel too: the same walk over
//! the state the kernel backend observed must agree with real packets. Per namespace a packet
//! meets, in the kernel's order: conntrack, `raw`/`mangle`/`nat`/`filter` at PREROUTING,
//! the routing decision (local, forward if `ip_forward`, or drop), INPUT or FORWARD,
//! locally generated packets OUTPUT, and POSTROUTING; layer 2 moves it through veth pairs and
//! bridges ([`segment`]), through FORWARD of the bridge's namespace when that namespace has
//! `net.bridge.bridge-nf-call-iptables=1`. Replies go back the same way as ESTABLISHED, with
//! NAT undone. A listening socket answers a SYN with a SYN-ACK, no socket with a RST; a socket
//! with a `forward` address is a proxy, which connects onward from its own namespace.
//!
//! Facts the modules state come from the kernel's documented behaviour and from the real
//! Docker 20.10 host in `../shared/oracle/` (same-bridge traffic meets FORWARD there;
//! container to host addresses always answer; isolation drops silently).

mod conntrack;
pub mod matrix;
mod netfilter;
pub mod packet;
mod path;
pub mod route;
pub mod segment;
mod trace;

#[cfg(test)]
mod tests;

use std::net::{Ipv4Addr, SocketAddrV4};

use crate::op::NetnsName;
use crate::state::{KernelState, SocketProto};
use conntrack::Conntrack;
pub use netfilter::{RuleHit, Verdict};
use packet::{IcmpError, Packet, TcpFlags, L4};
pub use trace::{Step, Trace};

/// Why the walk could not decide.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    /// A rule the walk cannot interpret, named.
    #[error("{0}")]
    Rule(String),
    /// The probe's namespace does not exist.
    #[error("no namespace {0}")]
    NoNamespace(String),
    /// The packet went round more than a packet's TTL allows.
    #[error("the packet loops")]
    Loop,
}

/// What to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    /// An ICMP echo request.
    Echo,
    /// A TCP connect to this port.
    Tcp(u16),
    /// A UDP datagram to this port.
    Udp(u16),
}

/// One probe: from a namespace to an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The sender's namespace.
    pub from: NetnsName,
    /// The destination.
    pub dst: Ipv4Addr,
    /// What is sent.
    pub kind: ProbeKind,
}

/// What the sender sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An echo reply from `from`, with the TTL it arrived with.
    EchoReply {
        /// The replying address.
        from: Ipv4Addr,
        /// Its TTL on arrival.
        ttl: u8,
    },
    /// The connection was accepted by the socket at `socket` in `ns` (after any DNAT).
    Connected {
        /// Where the listening socket is.
        ns: NetnsName,
        /// Its address and port as the packet reached it.
        socket: SocketAddrV4,
        /// For a proxy: what its onward connection got.
        onward: Option<Box<Outcome>>,
    },
    /// The UDP datagram reached a socket.
    Delivered {
        /// Where the socket is.
        ns: NetnsName,
    },
    /// A TCP reset from `from` ("Connection refused").
    Refused {
        /// The resetting address.
        from: Ipv4Addr,
    },
    /// An ICMP error from `from`.
    IcmpError {
        /// The sending address.
        from: Ipv4Addr,
        /// What it says.
        kind: IcmpError,
    },
    /// Nothing came back (dropped, nobody answered ARP, forwarding off).
    NoReply,
    /// The sender has no route (ENETUNREACH: "Network is unreachable").
    NetUnreachable,
}

impl Outcome {
    /// Whether the probe got the answer it wanted.
    pub fn reached(&self) -> bool {
        match self {
            Outcome::EchoReply { .. } | Outcome::Delivered { .. } => true,
            Outcome::Connected { onward, .. } => onward.as_ref().is_none_or(|o| o.reached()),
            _ => false,
        }
    }
}

/// The ephemeral port and echo id every probe uses (deterministic).
pub const CLIENT_PORT: u16 = 40_000;

/// Walks `probe` through `state`: every step, and the outcome.
pub fn walk(state: &KernelState, probe: &Probe) -> Result<Trace, WalkError> {
    let mut w = Walker {
        state,
        ct: Conntrack::default(),
        steps: Vec::new(),
    };
    let outcome = w.probe(probe, None, 0)?;
    Ok(Trace {
        steps: w.steps,
        outcome,
    })
}

/// Where a packet's journey ended.
enum Arrival {
    /// Delivered to the stack of `ns` (a socket or the kernel answers).
    Local { ns: NetnsName, pkt: Packet },
    /// Discarded.
    Dropped,
    /// Refused by a `REJECT` in `ns`, about `pkt`.
    Rejected {
        ns: NetnsName,
        pkt: Packet,
        with: String,
    },
    /// No route in the sending namespace.
    Unroutable,
}

struct Walker<'s> {
    state: &'s KernelState,
    ct: Conntrack,
    steps: Vec<Step>,
}

impl Walker<'_> {
    fn probe(
        &mut self,
        p: &Probe,
        src: Option<Ipv4Addr>,
        depth: usize,
    ) -> Result<Outcome, WalkError> {
        if !self.state.namespaces.contains_key(&p.from) {
            return Err(WalkError::NoNamespace(p.from.0.clone()));
        }
        let l4 = match p.kind {
            ProbeKind::Echo => L4::EchoRequest { id: CLIENT_PORT },
            ProbeKind::Tcp(port) => L4::Tcp {
                sport: CLIENT_PORT,
                dport: port,
                flags: TcpFlags::Syn,
            },
            ProbeKind::Udp(port) => L4::Udp {
                sport: CLIENT_PORT,
                dport: port,
            },
        };
        let pkt = Packet {
            src: src.unwrap_or(Ipv4Addr::UNSPECIFIED),
            dst: p.dst,
            ttl: 64,
            l4,
        };
        let sent_from = match self.journey(&p.from, pkt)? {
            (Arrival::Unroutable, _) => return Ok(Outcome::NetUnreachable),
            (Arrival::Dropped, _) => return Ok(Outcome::NoReply),
            (Arrival::Rejected { ns, pkt, with }, _) => {
                let answer = path::reject_answer(&pkt, &with, self.state, &ns);
                return self.answer(&ns, answer, &p.from, depth);
            }
            (Arrival::Local { ns, pkt }, src) => (ns, pkt, src),
        };
        let (ns, pkt, _src) = sent_from;
        self.respond(&ns, pkt, &p.from, depth)
    }

    /// What the destination stack does with a delivered packet.
    fn respond(
        &mut self,
        ns: &NetnsName,
        pkt: Packet,
        origin: &NetnsName,
        depth: usize,
    ) -> Result<Outcome, WalkError> {
        let here = &self.state.namespaces[ns];
        match pkt.l4 {
            L4::EchoRequest { id } => {
                self.steps.push(Step::Deliver {
                    ns: ns.clone(),
                    what: "the kernel answers the echo request".into(),
                });
                self.answer(ns, pkt.answer(L4::EchoReply { id }), origin, depth)
            }
            L4::Tcp { dport, .. } => {
                let sock = here
                    .sockets
                    .iter()
                    .find(|s| s.accepts(SocketProto::Tcp, pkt.dst, dport))
                    .cloned();
                let Some(sock) = sock else {
                    self.steps.push(Step::Deliver {
                        ns: ns.clone(),
                        what: format!("no socket listens on tcp {}:{dport}: RST", pkt.dst),
                    });
                    let rst = pkt.answer(L4::Tcp {
                        sport: 0,
                        dport: 0,
                        flags: TcpFlags::Rst,
                    });
                    return self.answer(ns, rst, origin, depth);
                };
                self.steps.push(Step::Deliver {
                    ns: ns.clone(),
                    what: format!("tcp socket {}:{} accepts", sock.addr, sock.port),
                });
                let synack = pkt.answer(L4::Tcp {
                    sport: 0,
                    dport: 0,
                    flags: TcpFlags::SynAck,
                });
                let back = self.answer(ns, synack, origin, depth)?;
                if !matches!(back, Outcome::Connected { .. }) {
                    return Ok(back);
                }
                let onward = match sock.forward {
                    Some(to) if depth < 4 => {
                        self.steps.push(Step::Proxy { ns: ns.clone(), to });
                        let leg = Probe {
                            from: ns.clone(),
                            dst: *to.ip(),
                            kind: ProbeKind::Tcp(to.port()),
                        };
                        Some(Box::new(self.probe(&leg, None, depth + 1)?))
                    }
                    _ => None,
                };
                Ok(Outcome::Connected {
                    ns: ns.clone(),
                    socket: SocketAddrV4::new(pkt.dst, dport),
                    onward,
                })
            }
            L4::Udp { dport, .. } => {
                if here
                    .sockets
                    .iter()
                    .any(|s| s.accepts(SocketProto::Udp, pkt.dst, dport))
                {
                    self.steps.push(Step::Deliver {
                        ns: ns.clone(),
                        what: format!("udp socket {}:{dport} receives", pkt.dst),
                    });
                    return Ok(Outcome::Delivered { ns: ns.clone() });
                }
                self.steps.push(Step::Deliver {
                    ns: ns.clone(),
                    what: format!("no udp socket on {dport}: port unreachable"),
                });
                let err = pkt.answer(L4::IcmpError {
                    kind: IcmpError::PortUnreachable,
                });
                self.answer(ns, err, origin, depth)
            }
            // Answers reaching a namespace that did not send anything are dropped.
            _ => Ok(Outcome::NoReply),
        }
    }

    /// Sends an answer back and reads what the origin receives.
    fn answer(
        &mut self,
        from: &NetnsName,
        pkt: Packet,
        origin: &NetnsName,
        _depth: usize,
    ) -> Result<Outcome, WalkError> {
        let (arrival, _) = self.journey(from, pkt)?;
        let Arrival::Local { ns, pkt } = arrival else {
            return Ok(Outcome::NoReply);
        };
        if &ns != origin {
            return Ok(Outcome::NoReply);
        }
        Ok(match pkt.l4 {
            L4::EchoReply { .. } => Outcome::EchoReply {
                from: pkt.src,
                ttl: pkt.ttl,
            },
            L4::Tcp {
                flags: TcpFlags::SynAck,
                ..
            } => Outcome::Connected {
                ns: NetnsName::new(""),
                socket: SocketAddrV4::new(pkt.src, pkt.ports().map_or(0, |p| p.0)),
                onward: None,
            },
            L4::Tcp {
                flags: TcpFlags::Rst,
                ..
            } => Outcome::Refused { from: pkt.src },
            L4::IcmpError { kind } => Outcome::IcmpError {
                from: pkt.src,
                kind,
            },
            _ => Outcome::NoReply,
        })
    }
}
