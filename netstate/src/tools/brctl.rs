//! `brctl` (bridge-utils 1.7): `addbr`, `delbr`, `addif`, `delif` as kernel ops; every other
//! subcommand (`show`, `showmacs`, ...) goes to the renderers.
//!
//! Each refusal is checked against the observed state first, with the texts, streams and
//! statuses recorded from the real tool on this machine. `addbr` sets the bridge's MAC from
//! the scenario seed (see [`crate::tools::mac`]); like the real tool it silently cuts a name
//! to 15 characters.

use crate::state::LinkKind;
use crate::{CommandOutput, Kernel, KernelState, LinkAddKind, NetnsName, Op};

use super::mac::MacSource;
use super::observed::Observed;
use super::{show, Outcome};
use crate::op::IFNAME_MAX;

/// brctl's command table: name and help, as its usage prints them.
const COMMANDS: &[(&str, &str)] = &[
    ("addbr", "<bridge>\t\tadd bridge"),
    ("delbr", "<bridge>\t\tdelete bridge"),
    ("addif", "<bridge> <device>\tadd interface to bridge"),
    ("delif", "<bridge> <device>\tdelete interface from bridge"),
    ("hairpin", "<bridge> <port> {on|off}\tturn hairpin on/off"),
    ("setageing", "<bridge> <time>\t\tset ageing time"),
    ("setbridgeprio", "<bridge> <prio>\t\tset bridge priority"),
    ("setfd", "<bridge> <time>\t\tset bridge forward delay"),
    ("sethello", "<bridge> <time>\t\tset hello time"),
    ("setmaxage", "<bridge> <time>\t\tset max message age"),
    ("setpathcost", "<bridge> <port> <cost>\tset path cost"),
    ("setportprio", "<bridge> <port> <prio>\tset port priority"),
    ("show", "[ <bridge> ]\t\tshow a list of bridges"),
    ("showmacs", "<bridge>\t\tshow a list of mac addrs"),
    ("showstp", "<bridge>\t\tshow bridge stp info"),
    ("stp", "<bridge> {on|off}\tturn stp on/off"),
];

/// brctl's full usage text (stdout).
fn usage() -> String {
    let mut s = String::from("Usage: brctl [commands]\ncommands:\n");
    for (name, help) in COMMANDS {
        s.push_str(&format!("\t{name:<10}\t{help}\n"));
    }
    s
}

fn fail(stderr: String) -> CommandOutput {
    CommandOutput::fail(stderr, 1)
}

/// Runs `brctl ARGS...` in namespace `ns`.
pub fn run(
    kernel: &mut Observed<'_>,
    macs: &mut MacSource,
    ns: &NetnsName,
    argv: &[String],
) -> Outcome {
    let Some(cmd) = argv.get(1) else {
        return Outcome::plain(CommandOutput {
            stdout: usage(),
            stderr: String::new(),
            exit: 1,
        });
    };
    let Some(&(name, help)) = COMMANDS.iter().find(|(n, _)| n == cmd) else {
        return Outcome::plain(CommandOutput {
            stdout: usage(),
            stderr: format!("never heard of command [{cmd}]\n"),
            exit: 1,
        });
    };
    let args = &argv[2..];
    let needed = match name {
        "addbr" | "delbr" => 1,
        "addif" | "delif" => 2,
        _ => return show::show(kernel, ns, argv),
    };
    if args.len() < needed {
        return Outcome::plain(CommandOutput {
            stdout: format!(
                "Incorrect number of arguments for command\nUsage: brctl {name} {help}\n"
            ),
            stderr: String::new(),
            exit: 1,
        });
    }
    let state = match kernel.state() {
        Ok(s) => s,
        Err(e) => {
            return Outcome::plain(fail(format!(
                "docknet: cannot read the kernel state: {e}\n"
            )))
        }
    };
    let (ops, refusal) = match name {
        "addbr" => whole(addbr(state, ns, &args[0], macs)),
        "delbr" => whole(delbr(state, ns, &args[0])),
        _ => ports(state, ns, name == "addif", &args[0], &args[1..]),
    };
    for op in &ops {
        if let Err(e) = kernel.apply(op) {
            return Outcome::plain(fail(kernel_refusal(op, &args[0], &e)));
        }
    }
    Outcome::plain(refusal.unwrap_or_default())
}

fn whole(planned: Result<Vec<Op>, CommandOutput>) -> (Vec<Op>, Option<CommandOutput>) {
    match planned {
        Ok(ops) => (ops, None),
        Err(out) => (Vec::new(), Some(out)),
    }
}

/// brctl's message when the kernel itself refuses.
fn kernel_refusal(op: &Op, bridge: &str, err: &crate::KernelError) -> String {
    match op {
        Op::LinkAdd { .. } => format!("add bridge failed: {err}\n"),
        Op::LinkDel { .. } => format!("can't delete bridge {bridge}: {err}\n"),
        Op::LinkSetMaster {
            name,
            master: Some(_),
            ..
        } => {
            format!("can't add {name} to bridge {bridge}: {err}\n")
        }
        Op::LinkSetMaster { name, .. } => format!("can't delete {name} from {bridge}: {err}\n"),
        _ => format!("docknet: brctl: {err}\n"),
    }
}

fn kind_of<'s>(state: &'s KernelState, ns: &NetnsName, name: &str) -> Option<&'s LinkKind> {
    state
        .namespaces
        .get(ns)?
        .link_by_name(name)
        .map(|l| &l.kind)
}

fn addbr(
    state: &KernelState,
    ns: &NetnsName,
    name: &str,
    macs: &mut MacSource,
) -> Result<Vec<Op>, CommandOutput> {
    let name: String = name.chars().take(IFNAME_MAX).collect();
    if kind_of(state, ns, &name).is_some() {
        return Err(fail(format!(
            "device {name} already exists; can't create bridge with the same name\n"
        )));
    }
    Ok(vec![Op::LinkAdd {
        ns: ns.clone(),
        name,
        mac: Some(macs.next_mac()),
        kind: LinkAddKind::Bridge,
    }])
}

fn delbr(state: &KernelState, ns: &NetnsName, name: &str) -> Result<Vec<Op>, CommandOutput> {
    let link = state.namespaces.get(ns).and_then(|n| n.link_by_name(name));
    match link {
        None => Err(fail(format!(
            "bridge {name} doesn't exist; can't delete it\n"
        ))),
        Some(l) if !matches!(l.kind, LinkKind::Bridge { .. }) => Err(fail(format!(
            "can't delete bridge {name}: Operation not permitted\n"
        ))),
        Some(l) if l.up => Err(fail(format!(
            "bridge {name} is still up; can't delete it\n"
        ))),
        Some(_) => Ok(vec![Op::LinkDel {
            ns: ns.clone(),
            name: name.to_string(),
        }]),
    }
}

/// `addif`/`delif BR DEV...`: the ops for the devices before the first refusal, and that
/// refusal (brctl handles devices one by one and stops at its first error).
fn ports(
    state: &KernelState,
    ns: &NetnsName,
    add: bool,
    bridge: &str,
    devs: &[String],
) -> (Vec<Op>, Option<CommandOutput>) {
    let no_bridge = || {
        (
            Vec::new(),
            Some(fail(format!("bridge {bridge} does not exist!\n"))),
        )
    };
    let Some(netns) = state.namespaces.get(ns) else {
        return no_bridge();
    };
    let Some(br) = netns.link_by_name(bridge) else {
        return no_bridge();
    };
    let mut ops = Vec::new();
    for dev in devs {
        let Some(port) = netns.link_by_name(dev) else {
            return (
                ops,
                Some(fail(format!("interface {dev} does not exist!\n"))),
            );
        };
        let refusal = if add && matches!(port.kind, LinkKind::Bridge { .. }) {
            Some(format!("device {dev} is a bridge device itself; can't add a bridge device to a bridge device.\n"))
        } else if add && port.master.is_some() {
            Some(format!(
                "device {dev} is already a member of a bridge; can't add it to bridge {bridge}.\n"
            ))
        } else if add && !matches!(br.kind, LinkKind::Bridge { .. }) {
            Some(format!(
                "can't add {dev} to bridge {bridge}: Operation not supported\n"
            ))
        } else if !add && port.master != Some(br.ifindex) {
            Some(format!("device {dev} is not a port of {bridge}\n"))
        } else {
            None
        };
        if let Some(msg) = refusal {
            return (ops, Some(fail(msg)));
        }
        ops.push(Op::LinkSetMaster {
            ns: ns.clone(),
            name: dev.clone(),
            master: add.then(|| bridge.to_string()),
        });
    }
    (ops, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::iproute::tests::state;

    fn host() -> NetnsName {
        NetnsName::host()
    }

    fn stderr(planned: Result<Vec<Op>, CommandOutput>) -> String {
        planned.unwrap_err().stderr
    }

    #[test]
    fn addbr_and_delbr() {
        let mut macs = MacSource::new(1);
        let ops = addbr(&state(), &host(), "averyveryverylongname", &mut macs).unwrap();
        assert!(
            matches!(&ops[..], [Op::LinkAdd { name, mac: Some(_), .. }] if name == "averyveryverylo")
        );
        assert_eq!(
            stderr(addbr(&state(), &host(), "b0", &mut macs)),
            "device b0 already exists; can't create bridge with the same name\n"
        );
        assert_eq!(
            stderr(delbr(&state(), &host(), "b0")),
            "bridge b0 is still up; can't delete it\n"
        );
        assert_eq!(
            stderr(delbr(&state(), &host(), "nosuch")),
            "bridge nosuch doesn't exist; can't delete it\n"
        );
        assert_eq!(
            stderr(delbr(&state(), &host(), "v1")),
            "can't delete bridge v1: Operation not permitted\n"
        );
    }

    #[test]
    fn addif_and_delif() {
        let devs = |d: &[&str]| d.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (ops, refusal) = ports(&state(), &host(), true, "b0", &devs(&["v1", "nosuch"]));
        assert_eq!(ops.len(), 1);
        assert_eq!(
            refusal.unwrap().stderr,
            "interface nosuch does not exist!\n"
        );
        let (_, refusal) = ports(&state(), &host(), true, "nosuch", &devs(&["v1"]));
        assert_eq!(refusal.unwrap().stderr, "bridge nosuch does not exist!\n");
        let (_, refusal) = ports(&state(), &host(), false, "b0", &devs(&["v1"]));
        assert_eq!(refusal.unwrap().stderr, "device v1 is not a port of b0\n");
        let (_, refusal) = ports(&state(), &host(), true, "v1", &devs(&["b0"]));
        assert!(refusal
            .unwrap()
            .stderr
            .contains("is a bridge device itself"));
    }

    #[test]
    fn usage_texts() {
        assert!(usage().starts_with(
            "Usage: brctl [commands]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n"
        ));
        assert!(usage().contains("\tsetbridgeprio\t<bridge> <prio>\t\tset bridge priority\n"));
    }
}
