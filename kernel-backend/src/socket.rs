//! Listening sockets opened inside a namespace, held for as long as the op says.
//!
//! A socket is bound from a thread that entered the namespace (a socket belongs to the
//! namespace it was created in, whichever thread uses it later). The kernel completes TCP
//! handshakes for a listening socket on its own, so a listener needs no thread to accept.

use std::net::{SocketAddrV4, TcpListener, UdpSocket};
use std::os::fd::BorrowedFd;

use docknet_netstate::kernel::{Errno, KernelError};
use docknet_netstate::op::Op;
use docknet_netstate::state::{Socket, SocketProto};

use crate::backend::io_err;
use crate::netns;

/// An open socket and what it was opened as.
pub(crate) struct Held {
    /// As the op named it (and as observe reports it).
    pub socket: Socket,
    /// Keeps it open.
    _handle: Handle,
}

/// The open socket itself: never read, only kept (dropping it closes the socket).
#[allow(dead_code)]
enum Handle {
    Tcp(TcpListener),
    Udp(UdpSocket),
}

/// Binds `socket` inside the namespace `ns`.
pub(crate) fn open(ns: BorrowedFd<'_>, socket: &Socket, op: &Op) -> Result<Held, KernelError> {
    let addr = SocketAddrV4::new(socket.addr, socket.port);
    let proto = socket.proto;
    let handle = netns::run_in(ns, false, move || match proto {
        SocketProto::Tcp => TcpListener::bind(addr).map(Handle::Tcp),
        SocketProto::Udp => UdpSocket::bind(addr).map(Handle::Udp),
    })
    .map_err(|e| io_err(e, op))?;
    Ok(Held {
        socket: socket.clone(),
        _handle: handle,
    })
}

/// Closes the held socket equal to `socket`.
pub(crate) fn close(held: &mut Vec<Held>, socket: &Socket, op: &Op) -> Result<(), KernelError> {
    let Some(i) = held.iter().position(|h| &h.socket == socket) else {
        return Err(KernelError::errno(Errno::ENOENT, op));
    };
    held.remove(i);
    Ok(())
}
