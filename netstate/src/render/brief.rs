//! `ip -br link show` and `ip -br addr show` of iproute2 6.1: one line per link, the name
//! (with `@peer`) padded to 16 columns and the operational state to 14, each followed by a
//! space, then the MAC and flags, or the addresses; every item ends in a space.

use super::addr::Family;
use super::iface::Iface;
use super::link::{LinkFilter, ShowError};
use crate::state::Netns;

fn name_and_state(i: &Iface<'_>) -> String {
    format!("{:<16} {:<14} ", i.display_name(), i.link.operstate.name())
}

/// `ip -br link show [FILTER]`.
pub fn link_text(ns: &Netns, filter: &LinkFilter) -> Result<String, ShowError> {
    Ok(filter
        .select(ns)?
        .iter()
        .map(|i| format!("{}{} {} \n", name_and_state(i), i.link.mac, i.flag_list()))
        .collect())
}

/// `ip -br [-4|-6] addr show [FILTER]`; with a family, links without such an address are
/// skipped, and `-6` without a device resolves peers locally (the `AF_INET6` link dump).
pub fn addr_text(ns: &Netns, filter: &LinkFilter, family: Family) -> Result<String, ShowError> {
    let mut out = String::new();
    for i in filter.select(ns)? {
        let idx = i.link.ifindex;
        let v4: Vec<String> = ns.addrs_of(idx).map(|a| a.cidr.to_string()).collect();
        let v6: Vec<String> = ns
            .addrs6_of(idx)
            .map(|a| format!("{}/{}", a.addr, a.prefix))
            .collect();
        let shown: Vec<String> = match family {
            Family::Any => v4.into_iter().chain(v6).collect(),
            Family::Inet => v4,
            Family::Inet6 => v6,
        };
        if family != Family::Any && shown.is_empty() {
            continue;
        }
        let i = if family == Family::Inet6 && filter.dev.is_none() {
            Iface::new_local_peer(ns, i.link)
        } else {
            i
        };
        out += &name_and_state(&i);
        for a in shown {
            out += &a;
            out.push(' ');
        }
        out.push('\n');
    }
    Ok(out)
}
