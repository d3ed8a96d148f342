//! `ip address add|del IFADDR [brd +] dev IFNAME`.
//!
//! Plain `ip addr add` sets no broadcast address (only `brd +` does), which is why the
//! tutorial's `10.10.10.1/24` on testbridge shows no `brd`.

use std::net::Ipv4Addr;

use crate::{CommandOutput, Ipv4Cidr, KernelError, KernelState, NetnsName, Op};

use super::{cannot_find, change_for, garbage, rtnetlink_answers, Change};
use crate::tools::mac::MacSource;

/// `ip address` verbs docknet leaves to the renderers (or reports unsupported).
const KNOWN: &[&str] = &[
    "show", "list", "lst", "change", "chg", "replace", "flush", "save", "showdump", "restore",
    "help",
];

/// Parses `ip address VERB ARGS`; `None` for show-like verbs.
pub fn change(verb: &str, args: &[String]) -> Option<Box<dyn Change>> {
    change_for("address", KNOWN, verb, |add| parse(add, args))
}

struct AddrChange {
    add: bool,
    addr: Ipv4Cidr,
    dev: String,
    broadcast: bool,
}

/// Parses `1.2.3.4/24` or a bare address (a /32), as `ip` does.
fn prefix(word: &str) -> Result<Ipv4Cidr, CommandOutput> {
    let parsed = if word.contains('/') {
        Ipv4Cidr::parse(word)
    } else {
        word.parse::<Ipv4Addr>().ok().map(|a| Ipv4Cidr::new(a, 32))
    };
    parsed.ok_or_else(|| {
        CommandOutput::fail(
            format!("Error: any valid prefix is expected rather than \"{word}\".\n"),
            1,
        )
    })
}

fn parse(add: bool, args: &[String]) -> Result<AddrChange, CommandOutput> {
    let (mut addr, mut dev, mut broadcast) = (None, None, false);
    let mut it = args.iter().map(String::as_str);
    while let Some(w) = it.next() {
        let mut value = || {
            it.next().ok_or_else(|| {
                CommandOutput::fail("Command line is not complete. Try option \"help\"\n", 255)
            })
        };
        match w {
            "dev" => dev = Some(value()?.to_string()),
            "brd" | "broadcast" => match value()? {
                "+" => broadcast = true,
                other => {
                    return Err(CommandOutput::fail(
                        format!("docknet: unsupported: `brd {other}` (only `brd +` is modelled)\n"),
                        127,
                    ))
                }
            },
            "local" => addr = Some(prefix(value()?)?),
            w if addr.is_none() => addr = Some(prefix(w)?),
            w => return Err(garbage("local", w)),
        }
    }
    let Some(dev) = dev else {
        return Err(CommandOutput::fail(
            "Not enough information: \"dev\" argument is required.\n",
            1,
        ));
    };
    let Some(addr) = addr else {
        return Err(CommandOutput::fail(
            "RTNETLINK answers: Operation not supported\n",
            2,
        ));
    };
    Ok(AddrChange {
        add,
        addr,
        dev,
        broadcast,
    })
}

fn already_assigned() -> CommandOutput {
    CommandOutput::fail("Error: ipv4: Address already assigned.\n", 2)
}

fn not_found() -> CommandOutput {
    CommandOutput::fail("Error: ipv4: Address not found.\n", 2)
}

impl Change for AddrChange {
    fn ops(
        &self,
        state: &KernelState,
        ns: &NetnsName,
        _: &mut MacSource,
    ) -> Result<Vec<Op>, CommandOutput> {
        let netns = state.namespaces.get(ns);
        let Some(link) = netns.and_then(|n| n.link_by_name(&self.dev)) else {
            return Err(cannot_find(&self.dev));
        };
        let present = netns.is_some_and(|n| n.addrs_of(link.ifindex).any(|a| a.cidr == self.addr));
        let (ns, dev, addr) = (ns.clone(), self.dev.clone(), self.addr);
        match (self.add, present) {
            (true, true) => Err(already_assigned()),
            (false, false) => Err(not_found()),
            (true, false) => Ok(vec![Op::AddrAdd {
                ns,
                dev,
                addr,
                broadcast: self.broadcast,
            }]),
            (false, true) => Ok(vec![Op::AddrDel { ns, dev, addr }]),
        }
    }

    fn kernel_error(&self, _: &Op, err: &KernelError) -> CommandOutput {
        use crate::Errno::*;
        match (self.add, err.errno_value()) {
            (true, Some(EEXIST)) => already_assigned(),
            (false, Some(EADDRNOTAVAIL | ESRCH | ENOENT)) => not_found(),
            _ => rtnetlink_answers(err),
        }
    }
}
