//! Cross-check support: prints a scenario as `ip`/`sysctl`/`iptables` commands, then the
//! sim's state in a line format that a script can also produce from the real kernel
//! (`ip -j`, `sysctl`, `iptables-save` in a scratch namespace), so the two can be diffed.
//!
//! Usage: `cargo run -p docknet-sim --example crosscheck -- SCENARIO [STEPS]`; SCENARIO is
//! `docker`, `bridge`, `misc` or `errors`; STEPS keeps only the first ops.

mod scenarios;

use docknet_netstate::state::Netns;
use docknet_netstate::{Kernel, LinkAddKind, NetnsName, Op, RouteSpec, RulePosition};
use docknet_sim::Sim;

/// `ip` prefix for a namespace (`host` is the scratch root).
fn n(ns: &NetnsName) -> String {
    if ns.as_str() == NetnsName::HOST {
        String::new()
    } else {
        format!("-n {} ", ns)
    }
}

/// `ip netns exec` prefix for a namespace.
fn x(ns: &NetnsName) -> String {
    if ns.as_str() == NetnsName::HOST {
        String::new()
    } else {
        format!("ip netns exec {ns} ")
    }
}

/// The shell command equal to an op.
fn cmd(op: &Op) -> String {
    match op {
        Op::NetnsAdd { ns } => format!("ip netns add {ns}"),
        Op::NetnsDel { ns } => format!("ip netns del {ns}"),
        Op::LinkAdd {
            ns,
            name,
            mac,
            kind,
        } => {
            let m = mac.map(|m| format!(" address {m}")).unwrap_or_default();
            match kind {
                LinkAddKind::Bridge => format!("ip {}link add {name}{m} type bridge", n(ns)),
                LinkAddKind::Veth {
                    peer,
                    peer_ns,
                    peer_mac,
                } => {
                    let pm = peer_mac
                        .map(|m| format!(" address {m}"))
                        .unwrap_or_default();
                    let pn = peer_ns
                        .as_ref()
                        .map(|p| format!(" netns {p}"))
                        .unwrap_or_default();
                    format!(
                        "ip {}link add {name}{m} type veth peer name {peer}{pm}{pn}",
                        n(ns)
                    )
                }
            }
        }
        Op::LinkDel { ns, name } => format!("ip {}link del {name}", n(ns)),
        Op::LinkSetUp { ns, name, up } => {
            format!(
                "ip {}link set {name} {}",
                n(ns),
                if *up { "up" } else { "down" }
            )
        }
        Op::LinkSetMaster { ns, name, master } => match master {
            Some(m) => format!("ip {}link set {name} master {m}", n(ns)),
            None => format!("ip {}link set {name} nomaster", n(ns)),
        },
        Op::LinkSetName { ns, name, new_name } => {
            format!("ip {}link set {name} name {new_name}", n(ns))
        }
        Op::LinkSetMac { ns, name, mac } => format!("ip {}link set {name} address {mac}", n(ns)),
        Op::LinkSetMtu { ns, name, mtu } => format!("ip {}link set {name} mtu {mtu}", n(ns)),
        Op::LinkSetTxQueueLen { ns, name, qlen } => {
            format!("ip {}link set {name} txqueuelen {qlen}", n(ns))
        }
        Op::LinkSetNetns { ns, name, target } => {
            // The scratch root has no netns name: address it by the runner's pid.
            let t = if target.as_str() == NetnsName::HOST {
                "$HOSTPID".to_string()
            } else {
                target.to_string()
            };
            format!("ip {}link set {name} netns {t}", n(ns))
        }
        Op::AddrAdd {
            ns,
            dev,
            addr,
            broadcast,
        } => {
            let b = if *broadcast { " brd +" } else { "" };
            format!("ip {}addr add {addr}{b} dev {dev}", n(ns))
        }
        Op::AddrDel { ns, dev, addr } => format!("ip {}addr del {addr} dev {dev}", n(ns)),
        Op::RouteAdd { ns, route } => format!("ip {}route add {}", n(ns), spec(route)),
        Op::RouteDel { ns, route } => format!("ip {}route del {}", n(ns), spec(route)),
        Op::SysctlSet { ns, key, value } => format!("{}sysctl -qw {key}={value}", x(ns)),
        Op::ChainAdd { ns, table, chain } => format!("{}iptables -t {table} -N {chain}", x(ns)),
        Op::ChainDel { ns, table, chain } => format!("{}iptables -t {table} -X {chain}", x(ns)),
        Op::ChainFlush { ns, table, chain } => format!("{}iptables -t {table} -F {chain}", x(ns)),
        Op::ChainPolicy {
            ns,
            table,
            chain,
            policy,
        } => {
            format!("{}iptables -t {table} -P {chain} {policy}", x(ns))
        }
        Op::RuleAdd {
            ns,
            table,
            chain,
            rule,
            at,
        } => match at {
            RulePosition::Append => format!("{}iptables -t {table} -A {chain} {rule}", x(ns)),
            RulePosition::Insert(p) => {
                format!("{}iptables -t {table} -I {chain} {p} {rule}", x(ns))
            }
        },
        Op::RuleDel {
            ns,
            table,
            chain,
            rule,
        } => format!("{}iptables -t {table} -D {chain} {rule}", x(ns)),
        Op::LocalRouteAdd { ns, dst } => format!("ip {}route add local {dst} dev lo", n(ns)),
        Op::SocketOpen { ns, socket } | Op::SocketClose { ns, socket } => {
            format!(
                "# {}socket {} {}:{}",
                x(ns),
                socket.proto.name(),
                socket.addr,
                socket.port
            )
        }
    }
}

/// `ip route` arguments of a route.
fn spec(r: &RouteSpec) -> String {
    let dst = r.dst.map(|d| d.to_string()).unwrap_or("default".into());
    let via = r.via.map(|v| format!(" via {v}")).unwrap_or_default();
    let onlink = if r.onlink { " onlink" } else { "" };
    format!("{dst}{via} dev {}{onlink}", r.dev)
}

/// The normalized line format (also produced from the real kernel by the companion script).
fn dump(st: &docknet_netstate::KernelState) {
    for (name, ns) in &st.namespaces {
        println!("ns {name}");
        dump_ns(ns);
    }
}

/// One namespace in line format.
fn dump_ns(ns: &Netns) {
    for l in ns.links.values() {
        let kind = match l.kind {
            docknet_netstate::state::LinkKind::Loopback => "loopback",
            docknet_netstate::state::LinkKind::Bridge { .. } => "bridge",
            docknet_netstate::state::LinkKind::Veth => "veth",
        };
        let master = l.master.map(|m| m.to_string()).unwrap_or("-".into());
        let peer = match &l.peer {
            Some(p) => match p.netnsid {
                Some(id) => format!("{}@{}", p.ifindex, id),
                None => p.ifindex.to_string(),
            },
            None => "-".into(),
        };
        let port = match (l.port_state, l.port_no) {
            (Some(s), Some(n)) => format!("{s}#{n}"),
            _ => "-".into(),
        };
        println!(
            "L {} {} {kind} {} mtu={} flags={} oper={} qdisc={} qlen={} master={master} peer={peer} port={port}",
            l.ifindex,
            l.name,
            l.mac,
            l.mtu,
            l.flags().join(","),
            l.operstate.name(),
            l.qdisc,
            l.txqlen
        );
    }
    for a in &ns.addrs {
        let brd = a.broadcast.map(|b| b.to_string()).unwrap_or("-".into());
        let sec = if a.secondary { " secondary" } else { "" };
        println!(
            "A {} {} brd={brd} scope={} label={}{sec}",
            a.ifindex,
            a.cidr,
            a.scope.name(),
            a.label
        );
    }
    for a in &ns.addrs6 {
        println!(
            "A6 {} {}/{} scope={}",
            a.ifindex,
            a.addr,
            a.prefix,
            a.scope.name()
        );
    }
    for r in &ns.routes {
        let dst = r.dst.map(|d| d.to_string()).unwrap_or("default".into());
        let via = r.via.map(|v| v.to_string()).unwrap_or("-".into());
        let proto = match r.protocol {
            docknet_netstate::state::RouteProtocol::Kernel => "kernel",
            docknet_netstate::state::RouteProtocol::Boot => "boot",
            docknet_netstate::state::RouteProtocol::Static => "static",
        };
        let src = r.src.map(|s| s.to_string()).unwrap_or("-".into());
        let mut flags = Vec::new();
        if r.onlink {
            flags.push("onlink");
        }
        if r.linkdown {
            flags.push("linkdown");
        }
        println!(
            "R {dst} via={via} dev={} proto={proto} scope={} src={src} flags={}",
            r.ifindex,
            r.scope.name(),
            flags.join(",")
        );
    }
    for (id, name) in &ns.nsids {
        println!("N {id} {name}");
    }
    for (k, v) in &ns.sysctls {
        println!("S {k}={v}");
    }
    for (t, tab) in &ns.iptables {
        println!("T *{t}");
        for c in &tab.chains {
            println!("T :{} {} [0:0]", c.name, c.policy.as_deref().unwrap_or("-"));
        }
        for c in &tab.chains {
            for r in &c.rules {
                println!("T -A {} {r}", c.name);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ops = match args.get(1).map(String::as_str) {
        Some("docker") => scenarios::docker(),
        Some("bridge") => scenarios::bridge(),
        Some("misc") => scenarios::misc(),
        Some("errors") => scenarios::errors(),
        _ => {
            eprintln!("usage: crosscheck docker|bridge|misc|errors [STEPS]");
            std::process::exit(2);
        }
    };
    let steps = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(ops.len());
    let mut sim = Sim::new();
    println!("#CMDS");
    for op in ops.iter().take(steps) {
        let res = sim.apply(op);
        let e = res.err().map(|e| format!(" # {e}")).unwrap_or_default();
        println!("{}{e}", cmd(op));
    }
    println!("#STATE");
    dump(&sim.observe().expect("observe"));
}
