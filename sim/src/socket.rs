//! Listening sockets: what a server (or docker-proxy) process holds open in a namespace.
//!
//! Facts (Linux): binding a port that a socket of the same protocol already holds on the same
//! or an overlapping address fails with EADDRINUSE; closing an unknown socket is a no-op for a
//! process, but an op naming one that is not open is refused here (ENOENT) so that a plan's
//! bookkeeping errors show; deleting a namespace closes its sockets. Local-table routes
//! (AnyIP) live here too: like sockets, they make a namespace answer for addresses.

use docknet_netstate::kernel::Errno;
use docknet_netstate::state::Socket;
use docknet_netstate::{Ipv4Cidr, NetnsName};

use crate::error::{fail, SimError};
use crate::Sim;

impl Sim {
    /// A process listens on `socket` in `ns`.
    pub(crate) fn socket_open(&mut self, ns: &NetnsName, socket: &Socket) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        let sockets = &mut self.nets.get_mut(&net).expect("live namespace").sockets;
        let clash = sockets.iter().any(|s| {
            s.proto == socket.proto
                && s.port == socket.port
                && (s.addr == socket.addr
                    || s.addr.is_unspecified()
                    || socket.addr.is_unspecified())
        });
        if clash {
            return fail(Errno::EADDRINUSE);
        }
        sockets.push(socket.clone());
        Ok(())
    }

    /// The process closes `socket`.
    pub(crate) fn socket_close(&mut self, ns: &NetnsName, socket: &Socket) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        let sockets = &mut self.nets.get_mut(&net).expect("live namespace").sockets;
        let Some(i) = sockets.iter().position(|s| s == socket) else {
            return fail(Errno::ENOENT);
        };
        sockets.remove(i);
        Ok(())
    }

    /// `ip route add local DST dev lo` (AnyIP): refused if the same route exists.
    pub(crate) fn local_route_add(
        &mut self,
        ns: &NetnsName,
        dst: Ipv4Cidr,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        let routes = &mut self
            .nets
            .get_mut(&net)
            .expect("live namespace")
            .local_routes;
        if routes.contains(&dst.masked()) {
            return fail(Errno::EEXIST);
        }
        routes.push(dst.masked());
        Ok(())
    }
}
