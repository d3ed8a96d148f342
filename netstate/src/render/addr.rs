//! `ip address show` of iproute2 6.1, text and `-j`, including the `-4`/`-6` family filters.
//!
//! Per link: the header (as `ip link` without `mode`), the `link/ether` line, then IPv4
//! addresses in kernel order, then IPv6 ones. With `-4` or `-6` the link line is left out and
//! links without an address of that family are skipped; `-6` without a device uses the
//! kernel's `AF_INET6` link dump, whose header is shorter (see [`Header::Inet6Dump`]).

use super::iface::Iface;
use super::json::Json;
use super::link::{self, Header, LinkFilter, ShowError};
use crate::state::{Addr, Addr6, Netns};

/// `-4`, `-6` or neither.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Family {
    /// Both families, and the link line.
    #[default]
    Any,
    /// `-4`.
    Inet,
    /// `-6`.
    Inet6,
}

/// `    inet A/P [brd B] scope S [secondary] LABEL\n       valid_lft forever preferred_lft forever\n`.
fn inet_text(a: &Addr) -> String {
    let mut s = format!("    inet {}", a.cidr);
    if let Some(b) = a.broadcast {
        s += &format!(" brd {b}");
    }
    s += &format!(" scope {} ", a.scope.name());
    if a.secondary {
        s += "secondary ";
    }
    s += &a.label;
    s + "\n       valid_lft forever preferred_lft forever\n"
}

/// `    inet6 A/P scope S \n       valid_lft forever preferred_lft forever\n` (the trailing
/// space is the tool's: it stands where an IPv4 label would be).
fn inet6_text(a: &Addr6) -> String {
    format!(
        "    inet6 {}/{} scope {} \n       valid_lft forever preferred_lft forever\n",
        a.addr,
        a.prefix,
        a.scope.name()
    )
}

fn inet_json(a: &Addr) -> Json {
    let mut o = vec![
        ("family", Json::str("inet")),
        ("local", Json::str(a.cidr.addr.to_string())),
        ("prefixlen", Json::Num(a.cidr.prefix.into())),
    ];
    if let Some(b) = a.broadcast {
        o.push(("broadcast", Json::str(b.to_string())));
    }
    o.push(("scope", Json::str(a.scope.name())));
    if a.secondary {
        o.push(("secondary", Json::Bool(true)));
    }
    o.push(("label", Json::str(a.label.as_str())));
    o.push(("valid_life_time", Json::Num(u32::MAX.into())));
    o.push(("preferred_life_time", Json::Num(u32::MAX.into())));
    Json::Obj(o)
}

fn inet6_json(a: &Addr6) -> Json {
    Json::Obj(vec![
        ("family", Json::str("inet6")),
        ("local", Json::str(a.addr.to_string())),
        ("prefixlen", Json::Num(a.prefix.into())),
        ("scope", Json::str(a.scope.name())),
        ("valid_life_time", Json::Num(u32::MAX.into())),
        ("preferred_life_time", Json::Num(u32::MAX.into())),
    ])
}

/// The links to print, each with its header style, after the family filter.
fn select<'a>(
    ns: &'a Netns,
    filter: &LinkFilter,
    family: Family,
) -> Result<Vec<(Iface<'a>, Header)>, ShowError> {
    let selected = filter.select(ns)?;
    let short_header = family == Family::Inet6 && filter.dev.is_none();
    Ok(selected
        .into_iter()
        .filter(|i| match family {
            Family::Any => true,
            Family::Inet => ns.addrs_of(i.link.ifindex).next().is_some(),
            Family::Inet6 => ns.addrs6_of(i.link.ifindex).next().is_some(),
        })
        .map(|i| {
            if short_header {
                (Iface::new_local_peer(ns, i.link), Header::Inet6Dump)
            } else {
                (i, Header::Addr)
            }
        })
        .collect())
}

/// `ip [-4|-6] [-d] addr show [FILTER]`.
pub fn show_text(
    ns: &Netns,
    filter: &LinkFilter,
    family: Family,
    details: bool,
) -> Result<String, ShowError> {
    let mut out = String::new();
    for (i, header) in select(ns, filter, family)? {
        out += &link::header_text(&i, header);
        out += &link::tail_text(ns, &i, header, family == Family::Any, details);
        if family != Family::Inet6 {
            out.extend(ns.addrs_of(i.link.ifindex).map(inet_text));
        }
        if family != Family::Inet {
            out.extend(ns.addrs6_of(i.link.ifindex).map(inet6_text));
        }
    }
    Ok(out)
}

/// `ip -j [-4|-6] [-d] addr show [FILTER]`: one line of compact JSON.
pub fn show_json(
    ns: &Netns,
    filter: &LinkFilter,
    family: Family,
    details: bool,
) -> Result<String, ShowError> {
    let mut items = Vec::new();
    for (i, header) in select(ns, filter, family)? {
        let mut o = link::json_fields(&i, header);
        o.extend(link::json_tail(
            ns,
            &i,
            header,
            family == Family::Any,
            details,
        ));
        let mut info = Vec::new();
        if family != Family::Inet6 {
            info.extend(ns.addrs_of(i.link.ifindex).map(inet_json));
        }
        if family != Family::Inet {
            info.extend(ns.addrs6_of(i.link.ifindex).map(inet6_json));
        }
        o.push(("addr_info", Json::Arr(info)));
        items.push(Json::Obj(o));
    }
    Ok(format!("{}\n", Json::Arr(items)))
}
