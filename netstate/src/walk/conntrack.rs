//! Connection tracking for the walk: one table per namespace, as the kernel keeps it.
//!
//! Facts (Linux conntrack): the first packet of a flow is NEW and creates an entry whose
//! reply tuple is the reversed original; NAT on that first packet rewrites the expected reply
//! tuple; a packet matching the reply tuple is ESTABLISHED and gets the NAT undone (its
//! destination at PREROUTING/OUTPUT, its source at POSTROUTING/INPUT); an ICMP error about a
//! tracked flow is RELATED; echo replies and TCP SYN-ACK/RST belong to their flow.

use std::net::Ipv4Addr;

use super::packet::{Packet, L4};
use crate::op::NetnsName;
use crate::rule::CtState;

/// A flow's five-tuple (ICMP echo: the id as both ports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tuple {
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    sport: u16,
    dport: u16,
}

impl Tuple {
    fn of(p: &Packet) -> Tuple {
        let (sport, dport) = match p.l4 {
            L4::EchoRequest { id } | L4::EchoReply { id } => (id, id),
            L4::Tcp { sport, dport, .. } | L4::Udp { sport, dport } => (sport, dport),
            L4::IcmpError { .. } => (0, 0),
        };
        Tuple {
            src: p.src,
            dst: p.dst,
            proto: p.proto(),
            sport,
            dport,
        }
    }

    fn reversed(self) -> Tuple {
        Tuple {
            src: self.dst,
            dst: self.src,
            sport: self.dport,
            dport: self.sport,
            ..self
        }
    }
}

#[derive(Clone, Debug)]
struct Conn {
    ns: NetnsName,
    orig: Tuple,
    reply: Tuple,
}

/// How a packet relates to the tracked flows of its namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Direction {
    /// The first packet of a flow.
    New,
    /// A later packet in the original direction.
    Established,
    /// A reply: its destination is already restored; its source is restored to this at
    /// POSTROUTING or INPUT when a DNAT is undone.
    Reply(Option<(Ipv4Addr, u16)>),
    /// An ICMP error about a flow.
    Related,
}

impl Direction {
    /// The state `-m conntrack --ctstate` sees.
    pub(super) fn state(self) -> CtState {
        match self {
            Direction::New => CtState::New,
            Direction::Established | Direction::Reply(_) => CtState::Established,
            Direction::Related => CtState::Related,
        }
    }
}

/// Every namespace's conntrack table.
#[derive(Debug, Default)]
pub(super) struct Conntrack {
    conns: Vec<Conn>,
}

impl Conntrack {
    /// Classifies `pkt` at PREROUTING or OUTPUT of `ns`, creating an entry for a new flow and
    /// undoing source NAT on a reply (its destination goes back to the original sender).
    pub(super) fn classify(&mut self, ns: &NetnsName, pkt: &mut Packet, _local: bool) -> Direction {
        let t = Tuple::of(pkt);
        if let L4::IcmpError { .. } = pkt.l4 {
            if let Some(c) = self
                .conns
                .iter()
                .find(|c| &c.ns == ns && c.reply.dst == t.dst)
            {
                pkt.dst = c.orig.src;
                return Direction::Related;
            }
        }
        if let Some(c) = self.conns.iter().find(|c| &c.ns == ns && c.reply == t) {
            pkt.dst = c.orig.src;
            let dport = c.orig.sport;
            if let Some((s, _)) = pkt.ports() {
                *pkt = pkt.with_ports(s, dport);
            }
            let restore = (c.orig.dst != c.reply.src || c.orig.dport != c.reply.sport)
                .then_some((c.orig.dst, c.orig.dport));
            return Direction::Reply(restore);
        }
        if self.conns.iter().any(|c| &c.ns == ns && c.orig == t) {
            return Direction::Established;
        }
        self.conns.push(Conn {
            ns: ns.clone(),
            orig: t,
            reply: t.reversed(),
        });
        Direction::New
    }

    /// Records a NAT rewrite of a new flow's packet from `before` to `after`: the reply the
    /// flow now expects changes with it.
    pub(super) fn nat(&mut self, ns: &NetnsName, before: &Packet, after: &Packet) {
        let b = Tuple::of(before);
        if let Some(c) = self
            .conns
            .iter_mut()
            .find(|c| &c.ns == ns && c.reply.reversed() == b)
        {
            c.reply = Tuple::of(after).reversed();
        }
    }
}

/// A reply's source restored to the address the sender originally asked for.
pub(super) fn restore_src(dir: Direction, pkt: &mut Packet) {
    if let Direction::Reply(Some((addr, port))) = dir {
        pkt.src = addr;
        if let Some((_, d)) = pkt.ports() {
            *pkt = pkt.with_ports(port, d);
        }
    }
}
