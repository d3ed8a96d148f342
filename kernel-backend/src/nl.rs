//! One netlink route connection per namespace: send a request, collect the answer.
//!
//! rtnetlink's typed requests cover only part of what docknet needs (nsid queries, dumps in
//! the exact shape `observe` wants), so requests go through [`Conn`] as raw
//! [`RouteNetlinkMessage`]s and answers come back as messages or a plain errno.

use std::io;
use std::os::fd::{FromRawFd, IntoRawFd};

use futures::StreamExt;
use netlink_packet_core::{NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST};
use netlink_packet_route::RouteNetlinkMessage;
use rtnetlink::Handle;
use tokio::task::JoinHandle;

use crate::netns::RouteSocketFd;

/// Why a netlink request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NlError {
    /// The kernel answered with this (positive) errno.
    Errno(i32),
    /// The connection broke or answered nonsense.
    Broken(String),
}

/// A netlink connection bound to one namespace, driven by a task on the backend's runtime.
pub(crate) struct Conn {
    handle: Handle,
    task: JoinHandle<()>,
}

impl Conn {
    /// Wraps a socket made inside a namespace; must run inside the runtime (it registers the fd).
    pub(crate) fn new(sock: RouteSocketFd) -> io::Result<Conn> {
        // SAFETY: we hand over sole ownership of an open netlink socket.
        let tokio_sock = unsafe { rtnetlink::sys::TokioSocket::from_raw_fd(sock.into_raw_fd()) };
        let (conn, handle, _) = rtnetlink::from_socket(tokio_sock);
        let task = tokio::spawn(conn);
        Ok(Conn { handle, task })
    }

    /// Closes the socket for sure: a netlink socket pins its namespace until it is closed.
    pub(crate) async fn close(self) {
        let Conn { handle, task } = self;
        drop(handle);
        task.abort();
        let _ = task.await;
    }

    /// Sends one request with `flags` (plus REQUEST|ACK) and waits for the ack.
    pub(crate) async fn ack(&self, msg: RouteNetlinkMessage, flags: u16) -> Result<(), NlError> {
        self.exchange(msg, NLM_F_REQUEST | NLM_F_ACK | flags)
            .await
            .map(|_| ())
    }

    /// Sends a dump request and collects every answer.
    pub(crate) async fn dump(
        &self,
        msg: RouteNetlinkMessage,
    ) -> Result<Vec<RouteNetlinkMessage>, NlError> {
        self.exchange(msg, NLM_F_REQUEST | NLM_F_DUMP).await
    }

    /// Sends a plain get request (no dump) and returns its answers.
    pub(crate) async fn get(
        &self,
        msg: RouteNetlinkMessage,
    ) -> Result<Vec<RouteNetlinkMessage>, NlError> {
        self.exchange(msg, NLM_F_REQUEST).await
    }

    async fn exchange(
        &self,
        msg: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>, NlError> {
        let mut req = NetlinkMessage::from(msg);
        req.header.flags = flags;
        let mut handle = self.handle.clone();
        let mut answers = handle
            .request(req)
            .map_err(|e| NlError::Broken(e.to_string()))?;
        let mut out = Vec::new();
        while let Some(answer) = answers.next().await {
            match answer.payload {
                NetlinkPayload::InnerMessage(m) => out.push(m),
                NetlinkPayload::Error(e) if e.code.is_some() => {
                    return Err(NlError::Errno(-e.raw_code()));
                }
                _ => {}
            }
        }
        Ok(out)
    }
}
