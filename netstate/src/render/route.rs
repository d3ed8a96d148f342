//! `ip route show` of iproute2 6.1 (main table, IPv4), text and `-j`.
//!
//! Text: every word is followed by a space, so each line ends in `" \n"` as the real tool's
//! does. `proto boot` and `scope global` are not printed; a /32 destination is printed
//! without its length. `ip route show dev X` leaves `dev X` out.

use super::json::Json;
use super::link::NoDevice;
use crate::state::{AddrScope, Netns, Route, RouteProtocol};

/// The selectors `ip route show` accepts here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteFilter {
    /// `dev NAME`.
    pub dev: Option<String>,
}

fn dst(r: &Route) -> String {
    match r.dst {
        None => "default".to_string(),
        Some(c) if c.prefix == 32 => c.addr.to_string(),
        Some(c) => c.to_string(),
    }
}

fn protocol(r: &Route) -> Option<&'static str> {
    match r.protocol {
        RouteProtocol::Boot => None,
        RouteProtocol::Kernel => Some("kernel"),
        RouteProtocol::Static => Some("static"),
    }
}

fn scope(r: &Route) -> Option<&'static str> {
    (r.scope != AddrScope::Global).then(|| r.scope.name())
}

fn flags(r: &Route) -> Vec<&'static str> {
    let mut f = Vec::new();
    if r.onlink {
        f.push("onlink");
    }
    if r.linkdown {
        f.push("linkdown");
    }
    f
}

/// `Cannot find device "X"` (stderr, exit 1), as `ip route show dev X` reports it.
fn no_device(name: &str) -> NoDevice {
    NoDevice(name.to_string())
}

/// The routes the filter selects, with their device names.
fn select<'a>(ns: &'a Netns, filter: &RouteFilter) -> Result<Vec<(&'a Route, &'a str)>, NoDevice> {
    let only = match &filter.dev {
        Some(d) => Some(ns.link_by_name(d).ok_or_else(|| no_device(d))?.ifindex),
        None => None,
    };
    Ok(ns
        .routes
        .iter()
        .filter(|r| only.is_none_or(|i| r.ifindex == i))
        .map(|r| {
            let dev = ns.links.get(&r.ifindex).map_or("", |l| l.name.as_str());
            (r, dev)
        })
        .collect())
}

/// The error text `ip route` prints for an unknown `dev`.
pub fn error_text(e: &NoDevice) -> String {
    format!("Cannot find device \"{}\"\n", e.0)
}

/// `ip route show [dev X]`.
pub fn show_text(ns: &Netns, filter: &RouteFilter) -> Result<String, NoDevice> {
    let mut out = String::new();
    for (r, dev) in select(ns, filter)? {
        let mut words = vec![dst(r)];
        if let Some(via) = r.via {
            words.push(format!("via {via}"));
        }
        if filter.dev.is_none() {
            words.push(format!("dev {dev}"));
        }
        if let Some(p) = protocol(r) {
            words.push(format!("proto {p}"));
        }
        if let Some(s) = scope(r) {
            words.push(format!("scope {s}"));
        }
        if let Some(src) = r.src {
            words.push(format!("src {src}"));
        }
        words.extend(flags(r).into_iter().map(str::to_string));
        for w in words {
            out += &w;
            out.push(' ');
        }
        out.push('\n');
    }
    Ok(out)
}

/// `ip -j route show [dev X]`: one line of compact JSON.
pub fn show_json(ns: &Netns, filter: &RouteFilter) -> Result<String, NoDevice> {
    let items = select(ns, filter)?
        .into_iter()
        .map(|(r, dev)| {
            let mut o = vec![("dst", Json::str(dst(r)))];
            if let Some(via) = r.via {
                o.push(("gateway", Json::str(via.to_string())));
            }
            if filter.dev.is_none() {
                o.push(("dev", Json::str(dev)));
            }
            if let Some(p) = protocol(r) {
                o.push(("protocol", Json::str(p)));
            }
            if let Some(s) = scope(r) {
                o.push(("scope", Json::str(s)));
            }
            if let Some(src) = r.src {
                o.push(("prefsrc", Json::str(src.to_string())));
            }
            o.push(("flags", Json::strs(flags(r))));
            Json::Obj(o)
        })
        .collect();
    Ok(format!("{}\n", Json::Arr(items)))
}
