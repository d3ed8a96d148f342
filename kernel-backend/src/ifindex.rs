//! Interface index allocation, done by the backend so every link gets a pinned index.
//!
//! The kernel allocates an ifindex as "the first free index at or after the namespace's
//! cursor", and moves the cursor past it (`xa_alloc_cyclic` on `net->ifindex`); lo holds 1 in
//! a fresh namespace, so the first link gets 2. A link moved into a namespace keeps its index
//! when it is free there, and otherwise is allocated like a new one. Explicitly requested
//! indexes do not move the kernel's cursor, so once the backend pins one index (which the
//! fused veth creation must) it has to pin all of them. [`Cursor`] replays the kernel's rule;
//! the resulting indexes are exactly the ones the kernel would have chosen by itself.

use std::cell::Cell;

use netlink_packet_route::link::LinkMessage;
use netlink_packet_route::RouteNetlinkMessage;

use crate::nl::{Conn, NlError};

/// One namespace's allocation cursor.
pub(crate) struct Cursor {
    /// The kernel's `net->ifindex`: allocation starts searching here.
    hint: Cell<u32>,
    /// Whether a link that arrived by a move may hold an index at or above `hint`; until then
    /// every index from `hint` on is known to be free and needs no probe.
    dirty: Cell<bool>,
}

impl Cursor {
    /// The cursor of a fresh namespace (only lo, index 1).
    pub(crate) fn fresh() -> Self {
        Cursor {
            hint: Cell::new(2),
            dirty: Cell::new(false),
        }
    }

    /// Saves the cursor, to undo allocations of a request the kernel refused.
    pub(crate) fn save(&self) -> (u32, bool) {
        (self.hint.get(), self.dirty.get())
    }

    /// Restores a saved cursor.
    pub(crate) fn restore(&self, saved: (u32, bool)) {
        self.hint.set(saved.0);
        self.dirty.set(saved.1);
    }

    /// Allocates the index the kernel would give the next new link here.
    pub(crate) async fn next(&self, conn: &Conn) -> Result<u32, NlError> {
        let mut i = self.hint.get();
        if self.dirty.get() {
            while !probe_free(conn, i).await? {
                i += 1;
            }
        }
        self.hint.set(i + 1);
        Ok(i)
    }

    /// Whether `index` is free here.
    pub(crate) async fn is_free(&self, conn: &Conn, index: u32) -> Result<bool, NlError> {
        if index >= self.hint.get() && !self.dirty.get() {
            return Ok(true);
        }
        probe_free(conn, index).await
    }

    /// Records that something outside the backend may have created links here (a tool run in
    /// the namespace): from now on every allocation checks that its index is free.
    pub(crate) fn taint(&self) {
        self.dirty.set(true);
    }

    /// Records that a moved-in link kept `index`.
    pub(crate) fn arrived(&self, index: u32) {
        if index >= self.hint.get() {
            self.dirty.set(true);
        }
    }

    /// Where a link with `index` lands when it moves here: its own index if free, otherwise a
    /// newly allocated one. Returns `(index, whether it had to be reallocated)`.
    pub(crate) async fn land(&self, conn: &Conn, index: u32) -> Result<(u32, bool), NlError> {
        if self.is_free(conn, index).await? {
            self.arrived(index);
            Ok((index, false))
        } else {
            Ok((self.next(conn).await?, true))
        }
    }
}

/// Asks the kernel whether no link has `index`.
async fn probe_free(conn: &Conn, index: u32) -> Result<bool, NlError> {
    let mut m = LinkMessage::default();
    m.header.index = index;
    match conn.get(RouteNetlinkMessage::GetLink(m)).await {
        Ok(_) => Ok(false),
        Err(NlError::Errno(e)) if e == nix::errno::Errno::ENODEV as i32 => Ok(true),
        Err(e) => Err(e),
    }
}
