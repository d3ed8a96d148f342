//! `ip netns list-id` of iproute2 6.1: the nsids this namespace has assigned to others, one
//! `nsid N \n` line each (trailing space included), or `[{"nsid":N},...]` with `-j`.
//! Namespaces created by `unshare` have no name under /run/netns, so no name is printed.

use super::json::Json;
use crate::state::Netns;

/// `ip netns list-id`.
pub fn list_text(ns: &Netns) -> String {
    ns.nsids.keys().map(|id| format!("nsid {id} \n")).collect()
}

/// `ip -j netns list-id`.
pub fn list_json(ns: &Netns) -> String {
    let items = ns
        .nsids
        .keys()
        .map(|id| Json::Obj(vec![("nsid", Json::Num((*id).into()))]))
        .collect();
    format!("{}\n", Json::Arr(items))
}
