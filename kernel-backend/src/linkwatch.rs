//! Settling the kernel's linkwatch before link state is read or relied on.
//!
//! Carrier changes reach `operstate`, `IFF_RUNNING`, the routes' `linkdown` flag and IPv6
//! link-local addresses only when linkwatch processes them, from a work queue: at once for
//! "urgent" events, up to a second later for others (a bridge's own events, and a veth pair
//! whose two ends have the same ifindex in their two namespaces, e.g. `ens160`=2 in the host
//! and its peer 2 in "outside"). NETDEV_UP decides on IPv6 addrconf from the operstate, so a
//! stale one changes what gets created. A plain RTM_GETLINK for one device makes the kernel run
//! that device's pending linkwatch work first (`rtnl_getlink` calls `linkwatch_sync_dev`;
//! the ethtool GLINK path only does so for running devices), which turns eventually
//! consistent link state into a deterministic one, as if time had passed between the ops.

use crate::link;
use crate::nl::{Conn, NlError};

/// Runs the pending linkwatch work of link `name` (ENODEV if there is no such link).
pub(crate) async fn sync(conn: &Conn, name: &str) -> Result<(), NlError> {
    link::index(conn, name).await.map(|_| ())
}

/// Brings `name` up or down, syncing its linkwatch state first. Both requests go out at once:
/// the kernel handles a socket's requests in order, so the sync still happens before the
/// change, without a round trip in between.
pub(crate) async fn set_up(conn: &Conn, name: &str, up: bool) -> Result<(), NlError> {
    let (_, r) = futures::join!(sync(conn, name), link::set_up(conn, name, up));
    r
}

/// Runs the pending linkwatch work of every bridge in the connection's namespace: a command
/// that gave a bridge its first port has the bridge's carrier-up (and with it the IPv6
/// link-local address) still queued, and the next command might take the port away before
/// linkwatch ran, so the outcome would depend on timing. Settling at the end of each batch
/// is time passing between commands, which sim assumes.
pub(crate) async fn settle_bridges(conn: &Conn) -> Result<(), NlError> {
    use docknet_netstate::state::LinkKind;
    let links = link::dump(conn).await?;
    // Ports first: a bridge learns of a port's carrier from the port's own linkwatch event.
    let ports = links.iter().filter(|l| l.master.is_some());
    let bridges = links
        .iter()
        .filter(|l| matches!(l.kind, LinkKind::Bridge { .. }));
    for l in ports.chain(bridges) {
        sync(conn, &l.name).await?;
    }
    Ok(())
}
