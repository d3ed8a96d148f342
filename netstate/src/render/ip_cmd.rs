//! Recognises the `ip` (iproute2 6.1) show commands and runs them against a namespace.
//!
//! iproute2 accepts any prefix of an option, object or verb, and resolves ambiguous prefixes
//! by its own table order (`ip a` is `address`, `ip r` is `route`, `ip l` is `link`, `ip link s`
//! is `set`), so matching walks the same tables in the same order. Anything not modelled here
//! (`-s`, `-p`, `-br`, `-o`, `ip -6 route`, `ip neigh`, ...) yields `None`.

use super::addr::{self, Family};
use super::brief;
use super::link::{self, LinkFilter, ShowError};
use super::netns_id;
use super::route::{self, RouteFilter};
use crate::output::CommandOutput;
use crate::state::Netns;

/// iproute2's `matches(word, full)`: `word` is a non-empty prefix of `full`.
pub fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// The global options understood here.
#[derive(Debug, Default)]
struct Opts {
    family: Family,
    json: bool,
    details: bool,
    brief: bool,
}

/// `ip`'s object table, in its own order (prefix matching takes the first hit).
pub(crate) const IP_OBJECTS: &[&str] = &[
    "address",
    "addrlabel",
    "maddress",
    "route",
    "rule",
    "neighbor",
    "neighbour",
    "ntable",
    "ntbl",
    "link",
    "l2tp",
    "fou",
    "ila",
    "macsec",
    "tunnel",
    "tunl",
    "tuntap",
    "tap",
    "token",
    "tcpmetrics",
    "tcp_metrics",
    "monitor",
    "xfrm",
    "mroute",
    "mrule",
    "netns",
    "netconf",
    "vrf",
    "sr",
    "nexthop",
    "mptcp",
    "ioam",
    "stats",
    "help",
];

fn object(word: &str) -> Option<&'static str> {
    // The first match in ip's whole table decides; only these objects have views here.
    const SHOWN: &[&str] = &[
        "address",
        "addrlabel",
        "maddress",
        "route",
        "rule",
        "neighbor",
        "neighbour",
        "ntable",
        "ntbl",
        "link",
        "netns",
    ];
    IP_OBJECTS
        .iter()
        .find(|o| matches(word, o))
        .copied()
        .filter(|o| SHOWN.contains(o))
}

fn incomplete() -> CommandOutput {
    CommandOutput::fail("Command line is not complete. Try option \"help\"\n", 255)
}

fn show_error(e: &ShowError) -> CommandOutput {
    CommandOutput::fail(e.stderr(), e.exit())
}

/// Parses `ip link show` / `ip addr show` selectors; `None` if one is not modelled.
fn link_filter(args: &[String]) -> Result<Option<LinkFilter>, CommandOutput> {
    let mut f = LinkFilter::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(incomplete);
        match a.as_str() {
            "dev" => f.dev = Some(value()?),
            "up" => f.up = true,
            "master" => f.master = Some(value()?),
            "type" => f.kind = Some(value()?),
            w if w.starts_with('-') || f.dev.is_some() => return Ok(None),
            w if ["to", "scope", "label", "vrf", "nomaster", "help", "group"]
                .iter()
                .any(|k| matches(w, k)) =>
            {
                return Ok(None)
            }
            w => f.dev = Some(w.to_string()),
        }
    }
    Ok(Some(f))
}

fn is_show(verb: &str) -> bool {
    ["show", "list", "lst"].iter().any(|v| matches(verb, v))
}

fn run_link(ns: &Netns, o: &Opts, args: &[String]) -> Option<CommandOutput> {
    if let Some(verb) = args.first() {
        let earlier = ["add", "change", "set", "replace", "delete"];
        if earlier.iter().any(|v| matches(verb, v)) || !is_show(verb) {
            return None;
        }
    }
    if o.family != Family::Any {
        return None;
    }
    let filter = match link_filter(args.get(1..).unwrap_or_default()) {
        Ok(Some(f)) => f,
        Ok(None) => return None,
        Err(out) => return Some(out),
    };
    let r = if o.brief {
        brief::link_text(ns, &filter)
    } else if o.json {
        link::show_json(ns, &filter, o.details)
    } else {
        link::show_text(ns, &filter, o.details)
    };
    Some(r.map_or_else(|e| show_error(&e), CommandOutput::ok))
}

fn run_addr(ns: &Netns, o: &Opts, args: &[String]) -> Option<CommandOutput> {
    if let Some(verb) = args.first() {
        let earlier = ["add", "change", "chg", "replace", "delete", "flush"];
        if earlier.iter().any(|v| matches(verb, v)) || !is_show(verb) {
            return None;
        }
    }
    let filter = match link_filter(args.get(1..).unwrap_or_default()) {
        Ok(Some(f)) => f,
        Ok(None) => return None,
        Err(out) => return Some(out),
    };
    let r = if o.brief {
        brief::addr_text(ns, &filter, o.family)
    } else if o.json {
        addr::show_json(ns, &filter, o.family, o.details)
    } else {
        addr::show_text(ns, &filter, o.family, o.details)
    };
    Some(r.map_or_else(|e| show_error(&e), CommandOutput::ok))
}

fn run_route(ns: &Netns, o: &Opts, args: &[String]) -> Option<CommandOutput> {
    if let Some(verb) = args.first() {
        let earlier = [
            "add", "change", "chg", "replace", "prepend", "append", "test", "delete",
        ];
        if earlier.iter().any(|v| matches(verb, v)) || !is_show(verb) {
            return None;
        }
    }
    if o.family == Family::Inet6 || o.details || o.brief {
        return None;
    }
    let mut filter = RouteFilter::default();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "dev" | "oif" => match it.next() {
                Some(d) => filter.dev = Some(d.clone()),
                None => return Some(incomplete()),
            },
            "table" => match it.next().map(String::as_str) {
                Some("main") | Some("254") => {}
                Some(_) => return None,
                None => return Some(incomplete()),
            },
            _ => return None,
        }
    }
    let r = if o.json {
        route::show_json(ns, &filter)
    } else {
        route::show_text(ns, &filter)
    };
    Some(r.map_or_else(
        |e| CommandOutput::fail(route::error_text(&e), 1),
        CommandOutput::ok,
    ))
}

fn run_netns(ns: &Netns, o: &Opts, args: &[String]) -> Option<CommandOutput> {
    if args.len() != 1 || args[0] != "list-id" {
        return None;
    }
    Some(CommandOutput::ok(if o.json {
        netns_id::list_json(ns)
    } else {
        netns_id::list_text(ns)
    }))
}

/// `ip [OPTIONS] OBJECT [COMMAND [ARGS]]` (argv without the program name).
pub fn run(ns: &Netns, args: &[String]) -> Option<CommandOutput> {
    let mut o = Opts::default();
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-') && a.len() > 1) {
        // `ip` treats `--opt` as `-opt`.
        let opt = a
            .strip_prefix('-')
            .filter(|s| s.starts_with('-'))
            .unwrap_or(a);
        match opt {
            "-4" => o.family = Family::Inet,
            "-6" => o.family = Family::Inet6,
            "-f" | "-family" => {
                i += 1;
                o.family = match args.get(i).map(String::as_str) {
                    Some("inet") => Family::Inet,
                    Some("inet6") => Family::Inet6,
                    _ => return None,
                };
            }
            w if matches(w, "-details") => o.details = true,
            // `-b` is `-batch`, so `-brief` needs at least `-br`.
            w if w.len() >= 3 && matches(w, "-brief") => o.brief = true,
            w if matches(w, "-json") => o.json = true,
            _ => return None,
        }
        i += 1;
    }
    if o.brief && (o.json || o.details) {
        return None;
    }
    let obj = object(args.get(i)?)?;
    let rest = &args[i + 1..];
    match obj {
        "link" => run_link(ns, &o, rest),
        "address" => run_addr(ns, &o, rest),
        "route" => run_route(ns, &o, rest),
        "netns" => run_netns(ns, &o, rest),
        _ => None,
    }
}
