//! `ip link show` of iproute2 6.1 (text and `-j`), and the interface header and `link/ether`
//! line that `ip addr show` shares with it. `-d` details come from [`super::link_details`].

use super::iface::{Iface, PeerRef};
use super::json::Json;
use super::link_details;
use crate::state::{LinkKind, Netns};

/// Which command prints the header: they differ in a few words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    /// `ip link`: has `mode DEFAULT`.
    Link,
    /// `ip addr`: no `mode`.
    Addr,
    /// `ip -6 addr` without a device: the kernel's `AF_INET6` link dump carries no qdisc,
    /// master, group nor hardware address, so `ip` prints only `mtu`, `state` and `qlen`.
    Inet6Dump,
}

/// The selectors `ip link show` / `ip addr show` accept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkFilter {
    /// `[dev] NAME`.
    pub dev: Option<String>,
    /// `up`: only links with IFF_UP.
    pub up: bool,
    /// `master BR`.
    pub master: Option<String>,
    /// `type KIND` (`bridge`, `veth`, `bridge_slave`).
    pub kind: Option<String>,
}

/// A device named on the command line does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoDevice(pub String);

/// Why `ip link show` / `ip addr show` fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShowError {
    /// `[dev] X`: `Device "X" does not exist.` (exit 1).
    NoDevice(String),
    /// `master X`: `Error: argument "X" is wrong: Device does not exist` and an empty line
    /// (exit 255).
    NoMaster(String),
}

impl ShowError {
    /// What `ip` prints on stderr.
    pub fn stderr(&self) -> String {
        match self {
            ShowError::NoDevice(d) => format!("Device \"{d}\" does not exist.\n"),
            ShowError::NoMaster(d) => {
                format!("Error: argument \"{d}\" is wrong: Device does not exist\n\n")
            }
        }
    }

    /// `ip`'s exit status.
    pub fn exit(&self) -> i32 {
        match self {
            ShowError::NoDevice(_) => 1,
            ShowError::NoMaster(_) => 255,
        }
    }
}

impl LinkFilter {
    /// The links of `ns` this filter selects, in ifindex order.
    pub fn select<'a>(&self, ns: &'a Netns) -> Result<Vec<Iface<'a>>, ShowError> {
        if let Some(m) = self
            .master
            .as_ref()
            .filter(|m| ns.link_by_name(m).is_none())
        {
            return Err(ShowError::NoMaster(m.clone()));
        }
        if let Some(d) = self.dev.as_ref().filter(|d| ns.link_by_name(d).is_none()) {
            return Err(ShowError::NoDevice(d.clone()));
        }
        let master = self.master.as_deref().and_then(|m| ns.link_by_name(m));
        Ok(super::iface::all(ns)
            .into_iter()
            .filter(|i| self.dev.as_ref().is_none_or(|d| &i.link.name == d))
            .filter(|i| !self.up || i.link.up)
            .filter(|i| master.is_none_or(|m| i.link.master == Some(m.ifindex)))
            .filter(|i| self.kind.as_deref().is_none_or(|k| kind_matches(i, k)))
            .collect())
    }
}

fn kind_matches(i: &Iface<'_>, kind: &str) -> bool {
    match kind {
        "bridge" => matches!(i.link.kind, LinkKind::Bridge { .. }),
        "veth" => i.link.kind == LinkKind::Veth,
        "bridge_slave" => i.link.master.is_some(),
        _ => false,
    }
}

/// `N: NAME@PEER: <FLAGS> mtu M qdisc Q master B state S mode DEFAULT group default qlen L`,
/// without the newline ([`tail_text`] ends the line).
///
/// Each word is followed by a space except `qlen N`, so a link with txqlen 0 ends in
/// `group default ` (a trailing space), exactly as `ip` prints it.
pub fn header_text(i: &Iface<'_>, header: Header) -> String {
    let l = i.link;
    let mut s = format!(
        "{}: {}: {} mtu {} ",
        l.ifindex,
        i.display_name(),
        i.flag_list(),
        l.mtu
    );
    if header != Header::Inet6Dump {
        s += &format!("qdisc {} ", l.qdisc);
        if let Some(m) = i.master {
            s += &format!("master {m} ");
        }
    }
    s += &format!("state {} ", l.operstate.name());
    if header == Header::Link {
        s += "mode DEFAULT ";
    }
    if header != Header::Inet6Dump {
        s += "group default ";
    }
    if l.txqlen != 0 {
        s += &format!("qlen {}", l.txqlen);
    }
    s
}

/// What follows the header up to the end of the link's lines: with `link_line`,
/// `\n    link/ether MAC brd BRD`; then ` link-netnsid N` for a remote peer (at the end of the
/// header when the link line is left out, as `ip -4 addr` prints it); then, with `details`,
/// the `-d` tail (whose `addrgenmode` only `ip link` prints, see `header`); then `\n`.
pub fn tail_text(
    ns: &Netns,
    i: &Iface<'_>,
    header: Header,
    link_line: bool,
    details: bool,
) -> String {
    let mut s = String::new();
    if link_line || details {
        s += &format!(
            "\n    link/{} {} brd {}",
            i.link_type(),
            i.link.mac,
            i.broadcast()
        );
    }
    if let PeerRef::Remote { netnsid, .. } = i.peer {
        s += &format!(" link-netnsid {netnsid}");
    }
    if details {
        s += &link_details::text(ns, i, header == Header::Link);
    }
    s.push('\n');
    s
}

/// `ip [-d] link show [FILTER]`.
pub fn show_text(ns: &Netns, filter: &LinkFilter, details: bool) -> Result<String, ShowError> {
    Ok(filter
        .select(ns)?
        .iter()
        .map(|i| header_text(i, Header::Link) + &tail_text(ns, i, Header::Link, true, details))
        .collect())
}

/// The JSON members of one interface before its link-layer members, in `ip -j`'s order.
pub fn json_fields(i: &Iface<'_>, header: Header) -> Vec<(&'static str, Json)> {
    let l = i.link;
    let mut o: Vec<(&'static str, Json)> = vec![("ifindex", Json::Num(l.ifindex.into()))];
    match &i.peer {
        PeerRef::None => {}
        PeerRef::Local(p) => o.push(("link", Json::str(p.as_str()))),
        PeerRef::Remote { ifindex, .. } => o.push(("link_index", Json::Num((*ifindex).into()))),
    }
    o.push(("ifname", Json::str(l.name.as_str())));
    o.push(("flags", Json::strs(i.flags.iter().copied())));
    o.push(("mtu", Json::Num(l.mtu.into())));
    if header != Header::Inet6Dump {
        o.push(("qdisc", Json::str(l.qdisc.as_str())));
        if let Some(m) = i.master {
            o.push(("master", Json::str(m)));
        }
    }
    o.push(("operstate", Json::str(l.operstate.name())));
    if header == Header::Link {
        o.push(("linkmode", Json::str("DEFAULT")));
    }
    if header != Header::Inet6Dump {
        o.push(("group", Json::str("default")));
    }
    if l.txqlen != 0 {
        o.push(("txqlen", Json::Num(l.txqlen.into())));
    }
    o
}

/// The link-layer members (`link_type`, `address`, `broadcast`, left out by `ip -4/-6 addr`
/// unless `details`), `link_netnsid` for a remote peer, and with `details` the `-d` members.
pub fn json_tail(
    ns: &Netns,
    i: &Iface<'_>,
    header: Header,
    link_line: bool,
    details: bool,
) -> Vec<(&'static str, Json)> {
    let mut o = Vec::new();
    if link_line || details {
        o.extend([
            ("link_type", Json::str(i.link_type())),
            ("address", Json::str(i.link.mac.to_string())),
            ("broadcast", Json::str(i.broadcast())),
        ]);
    }
    if let PeerRef::Remote { netnsid, .. } = i.peer {
        o.push(("link_netnsid", Json::Num(netnsid.into())));
    }
    if details {
        o.extend(link_details::json(ns, i, header == Header::Link));
    }
    o
}

/// `ip -j [-d] link show [FILTER]`: one line of compact JSON.
pub fn show_json(ns: &Netns, filter: &LinkFilter, details: bool) -> Result<String, ShowError> {
    let items = filter
        .select(ns)?
        .iter()
        .map(|i| {
            let mut o = json_fields(i, Header::Link);
            o.extend(json_tail(ns, i, Header::Link, true, details));
            Json::Obj(o)
        })
        .collect();
    Ok(format!("{}\n", Json::Arr(items)))
}
