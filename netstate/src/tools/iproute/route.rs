//! `ip route add|del [to] default|PREFIX [via GW] [dev DEV] [onlink]`.

use std::net::Ipv4Addr;

use crate::{CommandOutput, Ipv4Cidr, KernelError, KernelState, NetnsName, Op, RouteSpec};

use super::{change_for, garbage, rtnetlink_answers, Change};
use crate::tools::mac::MacSource;

/// `ip route` verbs docknet leaves to the renderers (or reports unsupported).
const KNOWN: &[&str] = &[
    "change", "replace", "prepend", "append", "test", "show", "list", "lst", "get", "flush",
    "save", "restore", "showdump", "help",
];

/// Parses `ip route VERB ARGS`; `None` for show-like verbs.
pub fn change(verb: &str, args: &[String]) -> Option<Box<dyn Change>> {
    change_for("route", KNOWN, verb, |add| parse(add, args))
}

struct RouteChange {
    add: bool,
    dst: Option<Option<Ipv4Cidr>>,
    via: Option<Ipv4Addr>,
    dev: Option<String>,
    onlink: bool,
}

fn destination(word: &str) -> Result<Option<Ipv4Cidr>, CommandOutput> {
    if word == "default" || word == "all" || word == "any" {
        return Ok(None);
    }
    let parsed = if word.contains('/') {
        Ipv4Cidr::parse(word)
    } else {
        word.parse::<Ipv4Addr>().ok().map(|a| Ipv4Cidr::new(a, 32))
    };
    parsed.map(Some).ok_or_else(|| {
        CommandOutput::fail(
            format!("Error: any valid prefix is expected rather than \"{word}\".\n"),
            1,
        )
    })
}

fn parse(add: bool, args: &[String]) -> Result<RouteChange, CommandOutput> {
    let mut r = RouteChange {
        add,
        dst: None,
        via: None,
        dev: None,
        onlink: false,
    };
    let mut it = args.iter().map(String::as_str);
    while let Some(w) = it.next() {
        let mut value = || {
            it.next().ok_or_else(|| {
                CommandOutput::fail("Command line is not complete. Try option \"help\"\n", 255)
            })
        };
        match w {
            "via" => {
                let v = value()?;
                r.via = Some(v.parse().map_err(|_| {
                    CommandOutput::fail(
                        format!("Error: inet address is expected rather than \"{v}\".\n"),
                        1,
                    )
                })?);
            }
            "dev" | "oif" => r.dev = Some(value()?.to_string()),
            "onlink" => r.onlink = true,
            "to" => r.dst = Some(destination(value()?)?),
            w if r.dst.is_none() => r.dst = Some(destination(w)?),
            w => return Err(garbage("to", w)),
        }
    }
    if r.dst.is_none() {
        return Err(CommandOutput::fail(
            "Command line is not complete. Try option \"help\"\n",
            255,
        ));
    }
    Ok(r)
}

fn invalid_gateway() -> CommandOutput {
    CommandOutput::fail("Error: Nexthop has invalid gateway.\n", 2)
}

fn no_such_process() -> CommandOutput {
    CommandOutput::fail("RTNETLINK answers: No such process\n", 2)
}

impl RouteChange {
    /// The output device: given, or (like the kernel) the link whose prefix holds the gateway
    /// for `add`, or the matching route's device for `del`.
    fn resolve_dev(&self, state: &KernelState, ns: &NetnsName) -> Result<String, CommandOutput> {
        let netns = state.namespaces.get(ns);
        if let Some(dev) = &self.dev {
            return match netns.and_then(|n| n.link_by_name(dev)) {
                Some(_) => Ok(dev.clone()),
                None => Err(super::cannot_find(dev)),
            };
        }
        let Some(netns) = netns else {
            return Err(rtnetlink_answers(&KernelError::Other(
                "No such device".into(),
            )));
        };
        let ifindex = if self.add {
            let Some(via) = self.via else {
                return Err(CommandOutput::fail(
                    "RTNETLINK answers: No such device\n",
                    2,
                ));
            };
            netns
                .addrs
                .iter()
                .find(|a| a.cidr.contains(via))
                .map(|a| a.ifindex)
                .ok_or_else(invalid_gateway)?
        } else {
            let dst = self.dst.expect("checked at parse");
            netns
                .routes
                .iter()
                .find(|r| r.dst == dst && self.via.is_none_or(|v| r.via == Some(v)))
                .map(|r| r.ifindex)
                .ok_or_else(no_such_process)?
        };
        netns
            .links
            .get(&ifindex)
            .map(|l| l.name.clone())
            .ok_or_else(|| CommandOutput::fail("RTNETLINK answers: No such device\n", 2))
    }
}

impl Change for RouteChange {
    fn ops(
        &self,
        state: &KernelState,
        ns: &NetnsName,
        _: &mut MacSource,
    ) -> Result<Vec<Op>, CommandOutput> {
        let route = RouteSpec {
            dst: self.dst.expect("checked at parse"),
            via: self.via,
            dev: self.resolve_dev(state, ns)?,
            onlink: self.onlink,
        };
        let ns = ns.clone();
        Ok(vec![if self.add {
            Op::RouteAdd { ns, route }
        } else {
            Op::RouteDel { ns, route }
        }])
    }

    fn kernel_error(&self, _: &Op, err: &KernelError) -> CommandOutput {
        use crate::Errno::*;
        match (self.add, err.errno_value()) {
            (true, Some(ENETUNREACH | EINVAL)) => invalid_gateway(),
            (false, Some(ESRCH | ENOENT)) => no_such_process(),
            _ => rtnetlink_answers(err),
        }
    }
}
