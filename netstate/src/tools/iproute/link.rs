//! `ip link add|set|del`.

use crate::{CommandOutput, KernelState, LinkAddKind, Mac, NetnsName, Op};

use super::{cannot_find, garbage, has_link, matches, Change, Refused};
use crate::op::IFNAME_MAX;
use crate::tools::mac::MacSource;

/// `ip link` verbs docknet leaves to the renderers (or reports unsupported).
const KNOWN: &[&str] = &[
    "show", "list", "lst", "change", "replace", "xstats", "afstats", "property", "help",
];

/// Parses `ip link VERB ARGS`; `None` for show-like verbs.
pub fn change(verb: &str, args: &[String]) -> Option<Box<dyn Change>> {
    let parsed = if matches(verb, "add") {
        add(args)
    } else if matches(verb, "set") {
        set(args)
    } else if matches(verb, "delete") {
        del(args)
    } else if verb.is_empty() || KNOWN.iter().any(|v| matches(verb, v)) {
        return None;
    } else {
        Err(CommandOutput::fail(
            format!("Command \"{verb}\" is unknown, try \"ip link help\".\n"),
            255,
        ))
    };
    Some(parsed.unwrap_or_else(|out| Box::new(Refused(out))))
}

fn parse_mac(word: &str) -> Result<Mac, CommandOutput> {
    Mac::parse(word)
        .ok_or_else(|| CommandOutput::fail(format!("\"{word}\" is invalid lladdr.\n"), 1))
}

fn parse_mtu(word: &str) -> Result<u32, CommandOutput> {
    word.parse().map_err(|_| {
        CommandOutput::fail(
            format!("Error: argument \"{word}\" is wrong: Invalid \"mtu\" value\n\n"),
            255,
        )
    })
}

/// `ip link add [name] NAME [address MAC] [mtu N] type bridge|veth [peer [name] P [address MAC]]`.
struct Add {
    name: String,
    mac: Option<Mac>,
    mtu: Option<u32>,
    kind: AddKind,
}

enum AddKind {
    Bridge,
    Veth {
        peer: Option<String>,
        peer_mac: Option<Mac>,
    },
}

fn add(args: &[String]) -> Result<Box<dyn Change>, CommandOutput> {
    let (mut name, mut mac, mut mtu, mut kind) = (None, None, None, None);
    let mut it = args.iter().map(String::as_str);
    while let Some(w) = it.next() {
        let mut value = || {
            it.next().ok_or_else(|| {
                CommandOutput::fail("Command line is not complete. Try option \"help\"\n", 255)
            })
        };
        match w {
            "name" | "dev" => name = Some(value()?.to_string()),
            "address" => mac = Some(parse_mac(value()?)?),
            "mtu" => mtu = Some(parse_mtu(value()?)?),
            "type" => {
                kind = Some(match value()? {
                    "bridge" => AddKind::Bridge,
                    "veth" => veth_args(&mut it)?,
                    _ => return Err(CommandOutput::fail("Error: Unknown device type.\n", 2)),
                });
            }
            w if name.is_none() => name = Some(w.to_string()),
            w => return Err(garbage("name", w)),
        }
    }
    let Some(kind) = kind else {
        return Err(CommandOutput::fail(
            "Not enough information: \"type\" argument is required\n",
            1,
        ));
    };
    let Some(name) = name else {
        return Err(CommandOutput::fail(
            "Not enough information: \"dev\" argument is required.\n",
            1,
        ));
    };
    Ok(Box::new(Add {
        name,
        mac,
        mtu,
        kind,
    }))
}

fn veth_args<'a>(it: &mut impl Iterator<Item = &'a str>) -> Result<AddKind, CommandOutput> {
    let (mut peer, mut peer_mac) = (None, None);
    match it.next() {
        None => {}
        Some("peer") => {
            while let Some(w) = it.next() {
                let v = it.next().ok_or_else(|| garbage("name", w));
                match w {
                    "name" => peer = Some(v?.to_string()),
                    "address" => peer_mac = Some(parse_mac(v?)?),
                    w if peer.is_none() => {
                        peer = Some(w.to_string());
                        if let Ok(extra) = v {
                            return Err(garbage("name", extra));
                        }
                    }
                    w => return Err(garbage("name", w)),
                }
            }
        }
        Some(w) => return Err(garbage("type", w)),
    }
    Ok(AddKind::Veth { peer, peer_mac })
}

fn policy_error() -> CommandOutput {
    CommandOutput::fail("Error: Attribute failed policy validation.\n", 2)
}

impl Change for Add {
    fn ops(
        &self,
        state: &KernelState,
        ns: &NetnsName,
        macs: &mut MacSource,
    ) -> Result<Vec<Op>, CommandOutput> {
        if self.name.len() > IFNAME_MAX {
            return Err(policy_error());
        }
        let exists = CommandOutput::fail("RTNETLINK answers: File exists\n", 2);
        if has_link(state, ns, &self.name) {
            return Err(exists);
        }
        let kind = match &self.kind {
            AddKind::Bridge => LinkAddKind::Bridge,
            AddKind::Veth { peer, peer_mac } => {
                // Without a name the kernel picks the lowest free `vethN`.
                let peer = match peer {
                    Some(p) => p.clone(),
                    None => (0..)
                        .map(|n| format!("veth{n}"))
                        .find(|p| !has_link(state, ns, p) && *p != self.name)
                        .expect("unbounded"),
                };
                if peer.len() > IFNAME_MAX {
                    return Err(policy_error());
                }
                if has_link(state, ns, &peer) || peer == self.name {
                    return Err(exists);
                }
                // The kernel registers the peer first; it draws its MAC first too.
                let peer_mac = Some(peer_mac.unwrap_or_else(|| macs.next_mac()));
                LinkAddKind::Veth {
                    peer,
                    peer_ns: None,
                    peer_mac,
                }
            }
        };
        let mac = Some(self.mac.unwrap_or_else(|| macs.next_mac()));
        let mut ops = vec![Op::LinkAdd {
            ns: ns.clone(),
            name: self.name.clone(),
            mac,
            kind,
        }];
        if let Some(mtu) = self.mtu {
            ops.push(Op::LinkSetMtu {
                ns: ns.clone(),
                name: self.name.clone(),
                mtu,
            });
        }
        Ok(ops)
    }
}

/// `ip link set [dev] DEV [up|down] [master BR|nomaster] [name N] [address MAC] [mtu N]`.
#[derive(Default)]
struct Set {
    dev: Option<String>,
    up: Option<bool>,
    master: Option<Option<String>>,
    name: Option<String>,
    mac: Option<Mac>,
    mtu: Option<u32>,
}

fn set(args: &[String]) -> Result<Box<dyn Change>, CommandOutput> {
    let mut s = Set::default();
    let mut it = args.iter().map(String::as_str);
    while let Some(w) = it.next() {
        let mut value = || {
            it.next().ok_or_else(|| {
                CommandOutput::fail("Command line is not complete. Try option \"help\"\n", 255)
            })
        };
        match w {
            "up" => s.up = Some(true),
            "down" => s.up = Some(false),
            "master" => s.master = Some(Some(value()?.to_string())),
            "nomaster" => s.master = Some(None),
            "name" => s.name = Some(value()?.to_string()),
            "address" => s.mac = Some(parse_mac(value()?)?),
            "mtu" => s.mtu = Some(parse_mtu(value()?)?),
            "dev" => s.dev = Some(value()?.to_string()),
            w if s.dev.is_none() => s.dev = Some(w.to_string()),
            w => return Err(garbage("dev", w)),
        }
    }
    if s.dev.is_none() {
        return Err(CommandOutput::fail(
            "Not enough information: \"dev\" argument is required.\n",
            255,
        ));
    }
    Ok(Box::new(s))
}

impl Change for Set {
    fn ops(
        &self,
        state: &KernelState,
        ns: &NetnsName,
        _: &mut MacSource,
    ) -> Result<Vec<Op>, CommandOutput> {
        let dev = self.dev.clone().expect("checked at parse");
        if !has_link(state, ns, &dev) {
            return Err(cannot_find(&dev));
        }
        if let Some(Some(master)) = &self.master {
            if !has_link(state, ns, master) {
                return Err(CommandOutput::fail(
                    format!("Error: argument \"{master}\" is wrong: Device does not exist\n\n"),
                    255,
                ));
            }
        }
        let ns = ns.clone();
        let mut name = dev;
        let mut ops = Vec::new();
        if let Some(mac) = self.mac {
            ops.push(Op::LinkSetMac {
                ns: ns.clone(),
                name: name.clone(),
                mac,
            });
        }
        if let Some(mtu) = self.mtu {
            ops.push(Op::LinkSetMtu {
                ns: ns.clone(),
                name: name.clone(),
                mtu,
            });
        }
        if let Some(new_name) = &self.name {
            if new_name.len() > IFNAME_MAX {
                return Err(policy_error());
            }
            ops.push(Op::LinkSetName {
                ns: ns.clone(),
                name: name.clone(),
                new_name: new_name.clone(),
            });
            name = new_name.clone();
        }
        if let Some(master) = &self.master {
            ops.push(Op::LinkSetMaster {
                ns: ns.clone(),
                name: name.clone(),
                master: master.clone(),
            });
        }
        if let Some(up) = self.up {
            ops.push(Op::LinkSetUp { ns, name, up });
        }
        Ok(ops)
    }
}

/// `ip link del [dev] DEV [type T]`.
struct Del {
    dev: String,
}

fn del(args: &[String]) -> Result<Box<dyn Change>, CommandOutput> {
    let mut dev = None;
    let mut it = args.iter().map(String::as_str);
    while let Some(w) = it.next() {
        match w {
            "dev" | "name" => dev = it.next().map(String::from),
            "type" => {
                it.next();
            }
            w if dev.is_none() => dev = Some(w.to_string()),
            w => return Err(garbage("dev", w)),
        }
    }
    match dev {
        Some(dev) => Ok(Box::new(Del { dev })),
        None => Err(CommandOutput::fail(
            "Not enough information: \"dev\" argument is required.\n",
            1,
        )),
    }
}

impl Change for Del {
    fn ops(
        &self,
        state: &KernelState,
        ns: &NetnsName,
        _: &mut MacSource,
    ) -> Result<Vec<Op>, CommandOutput> {
        if !has_link(state, ns, &self.dev) {
            return Err(cannot_find(&self.dev));
        }
        Ok(vec![Op::LinkDel {
            ns: ns.clone(),
            name: self.dev.clone(),
        }])
    }
}
