//! Recognises `bridge [-j] link [show] [dev X]` (iproute2 6.1) and `brctl show [BR...]`
//! (bridge-utils 1.7). Other forms yield `None`.

use super::brctl;
use super::bridge_link;
use super::ip_cmd::matches;
use crate::output::CommandOutput;
use crate::state::Netns;

/// `bridge [OPTIONS] link [show] [dev X]` (argv without the program name).
pub fn run_bridge(ns: &Netns, args: &[String]) -> Option<CommandOutput> {
    let mut json = false;
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-') && a.len() > 1) {
        let opt = a
            .strip_prefix('-')
            .filter(|s| s.starts_with('-'))
            .unwrap_or(a);
        if matches(opt, "-json") {
            json = true;
        } else {
            return None;
        }
        i += 1;
    }
    // bridge.c's table: link, fdb, mdb, vlan, vni, monitor, help.
    if !matches(args.get(i)?, "link") {
        return None;
    }
    let rest = &args[i + 1..];
    if let Some(verb) = rest.first() {
        let set = matches(verb, "set") || matches(verb, "change");
        let show = ["show", "lst", "list"].iter().any(|v| matches(verb, v));
        if set || !show {
            return None;
        }
    }
    let mut dev = None;
    let mut it = rest.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "dev" => dev = Some(it.next()?.as_str()),
            _ => return None,
        }
    }
    let r = if json {
        bridge_link::show_json(ns, dev)
    } else {
        bridge_link::show_text(ns, dev)
    };
    Some(r.map_or_else(
        |e| CommandOutput::fail(bridge_link::error_text(&e), 255),
        CommandOutput::ok,
    ))
}

/// `brctl show [BR...]` (argv without the program name).
pub fn run_brctl(ns: &Netns, args: &[String]) -> Option<CommandOutput> {
    match args.split_first() {
        Some((cmd, names)) if cmd == "show" => Some(brctl::show(ns, names)),
        _ => None,
    }
}
