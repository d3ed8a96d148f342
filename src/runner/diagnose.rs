//! `docknet trace FROM TO [tcp|udp PORT]` and `docknet reach`: the packet walk made visible,
//! as steps of a scenario.
//!
//! FROM and TO are a container name, an IPv4 address, `host` or `outside`. A container as TO
//! means its address on a network it shares with FROM (as its name would resolve there),
//! else its first address. The trace lists every routing decision, each rule that decided
//! (table, chain, number, text), each NAT rewrite and link crossed, then the outcome; `reach`
//! prints which containers reach which (ICMP and each listening port).

use std::net::Ipv4Addr;

use docknet_engine::container::dns::RunningContainer;
use docknet_engine::state::{KernelState, SocketProto};
use docknet_engine::{CommandOutput, Engine, NetnsName};
use docknet_netstate::walk::matrix::{matrix, Endpoint};
use docknet_netstate::walk::{walk, Probe, ProbeKind, WalkError};

/// Where a trace starts: a namespace.
fn source(state: &KernelState, running: &[RunningContainer], what: &str) -> Option<NetnsName> {
    match what {
        "host" => return Some(NetnsName::host()),
        "outside" => return Some(NetnsName::outside()),
        _ => {}
    }
    if let Some(c) = running.iter().find(|c| c.name == what) {
        return Some(c.ns.clone());
    }
    let ip: Ipv4Addr = what.parse().ok()?;
    state
        .namespaces
        .iter()
        .find(|(_, n)| n.addrs.iter().any(|a| a.cidr.addr == ip))
        .map(|(name, _)| name.clone())
}

/// Where a trace goes: an address.
fn target(
    state: &KernelState,
    running: &[RunningContainer],
    from: &NetnsName,
    what: &str,
) -> Option<Ipv4Addr> {
    if let Ok(ip) = what.parse() {
        return Some(ip);
    }
    let first_global = |ns: &NetnsName| {
        state
            .namespaces
            .get(ns)?
            .addrs
            .iter()
            .find(|a| a.cidr.addr.octets()[0] != 127)
            .map(|a| a.cidr.addr)
    };
    match what {
        "host" => return first_global(&NetnsName::host()),
        "outside" => return first_global(&NetnsName::outside()),
        _ => {}
    }
    let to = running.iter().find(|c| c.name == what)?;
    let from_nets: Vec<&String> = running
        .iter()
        .find(|c| &c.ns == from)
        .map(|c| c.addrs.iter().map(|(n, _)| n).collect())
        .unwrap_or_default();
    to.addrs
        .iter()
        .find(|(n, _)| from_nets.contains(&n))
        .or(to.addrs.first())
        .map(|(_, ip)| *ip)
}

fn kind(args: &[String]) -> Result<ProbeKind, String> {
    match args {
        [] => Ok(ProbeKind::Echo),
        [p, port] if p == "tcp" || p == "udp" => {
            let port: u16 = port
                .parse()
                .map_err(|_| format!("a port number, not `{port}`"))?;
            Ok(if p == "tcp" {
                ProbeKind::Tcp(port)
            } else {
                ProbeKind::Udp(port)
            })
        }
        _ => Err("usage: docknet trace FROM TO [tcp|udp PORT]".into()),
    }
}

/// `docknet trace FROM TO [tcp|udp PORT] [--json]` over `state`.
pub fn trace(state: &KernelState, engine: &Engine, args: &[String]) -> CommandOutput {
    let json = args.iter().any(|a| a == "--json");
    let args: Vec<String> = args.iter().filter(|a| *a != "--json").cloned().collect();
    let fail = |m: String| CommandOutput::fail(format!("docknet: {m}\n"), 2);
    let [from, to, rest @ ..] = args.as_slice() else {
        return fail("usage: docknet trace FROM TO [tcp|udp PORT]".into());
    };
    let running = engine.running_containers();
    let Some(ns) = source(state, &running, from) else {
        return fail(format!(
            "trace: no container, address or namespace `{from}`"
        ));
    };
    let Some(dst) = target(state, &running, &ns, to) else {
        return fail(format!("trace: no container or address `{to}`"));
    };
    let kind = match kind(rest) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    match walk(
        state,
        &Probe {
            from: ns,
            dst,
            kind,
        },
    ) {
        Ok(t) => CommandOutput {
            stdout: if json { trace_json(&t) } else { t.to_string() },
            stderr: String::new(),
            exit: i32::from(!t.outcome.reached()),
        },
        Err(e) => CommandOutput::fail(format!("docknet: trace: {e}\n"), 1),
    }
}

/// A trace as JSON: `{"steps": [...], "outcome": "...", "reached": bool}`.
fn trace_json(t: &docknet_netstate::walk::Trace) -> String {
    let steps: Vec<String> = t.steps.iter().map(|s| s.to_string()).collect();
    let doc = serde_json::json!({
        "steps": steps,
        "outcome": t.outcome.to_string(),
        "reached": t.outcome.reached(),
    });
    serde_json::to_string_pretty(&doc).expect("plain values serialise") + "\n"
}

/// `docknet reach`: for every pair of running containers, what gets through.
pub fn reach(state: &KernelState, engine: &Engine) -> CommandOutput {
    let running = engine.running_containers();
    match reach_table(state, &running) {
        Ok(rows) => CommandOutput::ok(table(&rows)),
        Err(e) => CommandOutput::fail(format!("docknet: reach: {e}\n"), 1),
    }
}

/// The reachability matrix as table rows: ICMP, then each port a container listens on.
fn reach_table(
    state: &KernelState,
    running: &[RunningContainer],
) -> Result<Vec<Vec<String>>, WalkError> {
    let eps: Vec<Endpoint> = running
        .iter()
        .map(|c| Endpoint {
            ns: c.ns.clone(),
            addrs: c.addrs.iter().map(|(_, a)| *a).collect(),
        })
        .collect();
    let icmp = matrix(state, &eps, ProbeKind::Echo)?;
    let mut ports: Vec<(SocketProto, u16)> = running
        .iter()
        .flat_map(|c| c.ports.iter().copied())
        .collect();
    ports.sort();
    ports.dedup();
    let mut by_port = Vec::new();
    for (proto, port) in &ports {
        let k = if *proto == SocketProto::Tcp {
            ProbeKind::Tcp(*port)
        } else {
            ProbeKind::Udp(*port)
        };
        by_port.push(matrix(state, &eps, k)?);
    }
    let mut rows = vec![std::iter::once("FROM \\ TO".to_string())
        .chain(running.iter().map(|c| c.name.clone()))
        .collect::<Vec<_>>()];
    for (i, from) in running.iter().enumerate() {
        let mut row = vec![from.name.clone()];
        for (j, to) in running.iter().enumerate() {
            if i == j {
                row.push("-".into());
                continue;
            }
            let mut ok = Vec::new();
            if icmp[i][j] {
                ok.push("icmp".to_string());
            }
            for (n, (proto, port)) in ports.iter().enumerate() {
                if to.ports.contains(&(*proto, *port)) && by_port[n][i][j] {
                    ok.push(format!("{port}/{}", proto.name()));
                }
            }
            row.push(if ok.is_empty() {
                "x".into()
            } else {
                ok.join(",")
            });
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Columns padded to their widest cell, two spaces apart.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_string() + "\n"
        })
        .collect()
}
