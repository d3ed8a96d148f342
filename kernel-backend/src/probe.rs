//! Real packets: an ICMP echo from a raw socket, a TCP connect, a UDP datagram, each from a
//! socket opened inside the source namespace, with what came back mapped to the walk's
//! [`Outcome`].
//!
//! Facts (Linux): the kernel answers echo requests itself; a raw ICMP socket receives every
//! ICMP packet that arrives in its namespace (so the reply is picked out by its echo id);
//! `connect()` fails with ECONNREFUSED on a RST and on an ICMP port unreachable alike, with
//! EHOSTUNREACH/ENETUNREACH on those ICMP errors or a missing route; a dropped SYN, or a
//! next hop nobody answers ARP for, is silence until the timeout (ARP gives up after about
//! 3 s, well past it).

use std::io::{ErrorKind, Read};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream, UdpSocket};
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use docknet_netstate::walk::packet::IcmpError;
use docknet_netstate::walk::{Outcome, ProbeKind, CLIENT_PORT};
use socket2::{Domain, Protocol, Socket, Type};

use crate::netns;

/// How long a probe waits for an answer: replies between namespaces of one machine take
/// well under a millisecond, so silence for this long is a drop.
pub(crate) const WAIT: Duration = Duration::from_millis(400);

/// Sends one probe from inside `ns`.
pub(crate) fn send(ns: BorrowedFd<'_>, dst: Ipv4Addr, kind: ProbeKind) -> std::io::Result<Outcome> {
    netns::run_in(ns, false, move || match kind {
        ProbeKind::Echo => echo(dst),
        ProbeKind::Tcp(port) => tcp(dst, port),
        ProbeKind::Udp(port) => udp(dst, port),
    })
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for chunk in data.chunks(2) {
        let word = u16::from_be_bytes([chunk[0], *chunk.get(1).unwrap_or(&0)]);
        sum += u32::from(word);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An echo request with docknet's id and 56 bytes of payload.
fn echo_request() -> Vec<u8> {
    let mut p = vec![8, 0, 0, 0];
    p.extend_from_slice(&CLIENT_PORT.to_be_bytes());
    p.extend_from_slice(&1u16.to_be_bytes());
    p.extend(std::iter::repeat_n(0x5a, 56));
    let sum = checksum(&p);
    p[2..4].copy_from_slice(&sum.to_be_bytes());
    p
}

fn echo(dst: Ipv4Addr) -> std::io::Result<Outcome> {
    let sock = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))?;
    let to = SocketAddr::V4(SocketAddrV4::new(dst, 0));
    match sock.send_to(&echo_request(), &to.into()) {
        Err(e) if e.raw_os_error() == Some(101) => return Ok(Outcome::NetUnreachable),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let deadline = Instant::now() + WAIT;
    let mut buf = [0u8; 1500];
    let mut reader = &sock;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Outcome::NoReply);
        }
        sock.set_read_timeout(Some(left))?;
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(Outcome::NoReply)
            }
            Err(e) => return Err(e),
        };
        if let Some(o) = answer(&buf[..n]) {
            return Ok(o);
        }
    }
}

/// The outcome an incoming IPv4+ICMP packet means for our echo, if it is about it.
fn answer(pkt: &[u8]) -> Option<Outcome> {
    let ihl = usize::from(pkt.first()? & 0x0f) * 4;
    let ttl = *pkt.get(8)?;
    let from = Ipv4Addr::new(*pkt.get(12)?, pkt[13], pkt[14], pkt[15]);
    let icmp = pkt.get(ihl..)?;
    let id_at = |at: usize| {
        icmp.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    match *icmp.first()? {
        0 if id_at(4)? == CLIENT_PORT => Some(Outcome::EchoReply { from, ttl }),
        3 => {
            // The offending packet follows the 8-byte header: its ICMP id must be ours.
            let inner = icmp.get(8..)?;
            let inner_ihl = usize::from(inner.first()? & 0x0f) * 4;
            let inner_id = inner.get(inner_ihl + 4..inner_ihl + 6)?;
            if u16::from_be_bytes([inner_id[0], inner_id[1]]) != CLIENT_PORT {
                return None;
            }
            let kind = match icmp[1] {
                0 => IcmpError::NetUnreachable,
                1 => IcmpError::HostUnreachable,
                3 => IcmpError::PortUnreachable,
                _ => IcmpError::Prohibited,
            };
            Some(Outcome::IcmpError { from, kind })
        }
        _ => None,
    }
}

fn tcp(dst: Ipv4Addr, port: u16) -> std::io::Result<Outcome> {
    let to = SocketAddr::V4(SocketAddrV4::new(dst, port));
    match TcpStream::connect_timeout(&to, WAIT) {
        Ok(_) => Ok(Outcome::Connected {
            ns: docknet_netstate::NetnsName::new(""),
            socket: SocketAddrV4::new(dst, port),
            onward: None,
        }),
        Err(e) => Ok(match e.raw_os_error() {
            Some(111) => Outcome::Refused { from: dst },
            Some(113) => Outcome::IcmpError {
                from: dst,
                kind: IcmpError::HostUnreachable,
            },
            Some(101) => Outcome::NetUnreachable,
            _ if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                Outcome::NoReply
            }
            _ => return Err(e),
        }),
    }
}

fn udp(dst: Ipv4Addr, port: u16) -> std::io::Result<Outcome> {
    let sock = UdpSocket::bind("0.0.0.0:0")?;
    match sock.connect(SocketAddrV4::new(dst, port)) {
        Err(e) if e.raw_os_error() == Some(101) => return Ok(Outcome::NetUnreachable),
        r => r?,
    }
    sock.send(b"docknet")?;
    sock.set_read_timeout(Some(WAIT))?;
    let mut buf = [0u8; 16];
    Ok(match sock.recv(&mut buf) {
        Err(e) if e.raw_os_error() == Some(111) => Outcome::IcmpError {
            from: dst,
            kind: IcmpError::PortUnreachable,
        },
        // Silence: delivered or dropped, which UDP cannot tell apart.
        _ => Outcome::NoReply,
    })
}

/// Whether a real outcome and the walk's prediction say the same thing (what a real socket
/// can tell apart: a TCP RST and an ICMP port unreachable are both ECONNREFUSED; UDP
/// silence is delivery or a drop).
pub(crate) fn agree(real: &Outcome, predicted: &Outcome, kind: ProbeKind) -> bool {
    use Outcome::*;
    match (real, predicted) {
        (EchoReply { from: a, ttl: x }, EchoReply { from: b, ttl: y }) => a == b && x == y,
        (Connected { .. }, Connected { .. }) => true,
        (Refused { .. }, Refused { .. }) => true,
        (
            Refused { .. },
            IcmpError {
                kind: docknet_netstate::walk::packet::IcmpError::PortUnreachable,
                ..
            },
        ) => {
            matches!(kind, ProbeKind::Tcp(_))
        }
        (IcmpError { kind: a, .. }, IcmpError { kind: b, .. }) => a == b,
        (NoReply, NoReply) | (NetUnreachable, NetUnreachable) => true,
        (NoReply, Delivered { .. }) => matches!(kind, ProbeKind::Udp(_)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_request_checksums_to_zero() {
        assert_eq!(checksum(&echo_request()), 0);
    }

    #[test]
    fn reads_replies_and_errors() {
        let mut reply = vec![
            0x45, 0, 0, 0, 0, 0, 0, 0, 63, 1, 0, 0, 10, 0, 0, 3, 10, 0, 0, 2,
        ];
        reply.extend_from_slice(&[0, 0, 0, 0]);
        reply.extend_from_slice(&CLIENT_PORT.to_be_bytes());
        reply.extend_from_slice(&[0, 1]);
        assert_eq!(
            answer(&reply),
            Some(Outcome::EchoReply {
                from: Ipv4Addr::new(10, 0, 0, 3),
                ttl: 63
            })
        );
        reply[20] = 8;
        assert_eq!(answer(&reply), None);
    }
}
