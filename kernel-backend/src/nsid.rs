//! Namespace ids (RTM_GETNSID): how one namespace numbers the others it has links into.

use std::os::fd::RawFd;

use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use netlink_packet_route::RouteNetlinkMessage;

use crate::nl::{Conn, NlError};

/// Every nsid the connection's namespace has assigned (`ip netns list-id`), unnamed.
pub(crate) async fn dump(conn: &Conn) -> Result<Vec<u32>, NlError> {
    let answers = conn
        .dump(RouteNetlinkMessage::GetNsId(NsidMessage::default()))
        .await?;
    Ok(answers.iter().filter_map(id_of).collect())
}

/// The nsid the connection's namespace uses for the namespace behind `target`, if any
/// (a query never assigns one).
pub(crate) async fn of(conn: &Conn, target: RawFd) -> Result<Option<u32>, NlError> {
    let mut m = NsidMessage::default();
    m.attributes.push(NsidAttribute::Fd(target as u32));
    let answers = conn.get(RouteNetlinkMessage::GetNsId(m)).await?;
    Ok(answers.iter().find_map(id_of))
}

fn id_of(m: &RouteNetlinkMessage) -> Option<u32> {
    let RouteNetlinkMessage::NewNsId(m) = m else {
        return None;
    };
    m.attributes.iter().find_map(|a| match a {
        NsidAttribute::Id(id) if *id >= 0 => Some(*id as u32),
        _ => None,
    })
}
