//! The text form: one block per namespace, one line per interface, bridge ports indented
//! under their bridge, `<->` naming the other end of each veth pair; then, with the reach
//! overlay, the ICMP matrix and each published port tried from the outside.
//!
//! It is what scenario snapshots hold, so it changes only when the state does: fields are
//! two spaces apart, in the order the tutorial labels an interface (ifindex and name,
//! addresses, MAC, state).

use std::fmt::Write;

use super::reach::Reach;
use super::topology::{End, IfaceKind, Interface, Role, Topology};

/// The whole text diagram.
pub fn render(topology: &Topology, reach: Option<&Reach>) -> String {
    let mut out = String::new();
    for ns in 0..topology.namespaces.len() {
        namespace(&mut out, topology, ns);
    }
    if let Some(reach) = reach {
        reach_section(&mut out, topology, reach);
    }
    out
}

fn namespace(out: &mut String, topology: &Topology, ns: usize) {
    let n = &topology.namespaces[ns];
    let _ = writeln!(out, "{}: {}", n.title, n.subtitle);
    let mut listed = 0;
    for i in n.interfaces.iter().filter(|i| i.master.is_none()) {
        line(out, topology, ns, i, "  ");
        listed += 1;
        if i.kind == IfaceKind::Bridge {
            let ports = topology.ports(ns, i.ifindex);
            for p in &ports {
                line(out, topology, ns, p, "    ");
            }
            listed += ports.len();
        }
    }
    // A port whose bridge is gone from the state would otherwise vanish.
    for i in n.interfaces.iter().filter(|i| {
        i.master
            .is_some_and(|m| !n.interfaces.iter().any(|b| b.ifindex == m))
    }) {
        line(out, topology, ns, i, "  ");
        listed += 1;
    }
    if listed == 0 {
        out.push_str("  (no interface but lo)\n");
    }
    if n.role == Role::Host {
        for p in &topology.published {
            let _ = writeln!(out, "  published {}", p.label());
        }
    }
}

/// The fields of one interface line, without indent.
pub fn fields(topology: &Topology, ns: usize, i: &Interface) -> Vec<String> {
    let mut f = vec![i.title()];
    if i.kind == IfaceKind::Bridge {
        f.push(match &i.network {
            Some(net) => format!("bridge of network {net}"),
            None => "bridge".to_string(),
        });
    }
    if let Some(no) = i.port_no.filter(|_| i.master.is_some()) {
        f.push(format!("port {no}"));
    }
    f.extend(i.addrs.iter().map(|a| a.to_string()));
    f.push(i.mac.to_string());
    f.push(i.state.name().to_string());
    let end = End {
        ns,
        ifindex: i.ifindex,
    };
    if let Some(peer) = topology.peer(end) {
        f.push(format!("<-> {}", topology.end_label(peer)));
    }
    f
}

fn line(out: &mut String, topology: &Topology, ns: usize, i: &Interface, indent: &str) {
    let _ = writeln!(out, "{indent}{}", fields(topology, ns, i).join("  "));
}

/// A short name for an endpoint of the matrix: the container's name, or `outside`.
pub fn short_name(topology: &Topology, ns: usize) -> String {
    let n = &topology.namespaces[ns];
    n.title.trim_start_matches("container ").to_string()
}

fn reach_section(out: &mut String, topology: &Topology, reach: &Reach) {
    out.push_str("reach: ping from each row to each column\n");
    let names: Vec<String> = reach
        .nodes
        .iter()
        .map(|&n| short_name(topology, n))
        .collect();
    let mut rows = vec![std::iter::once("FROM \\ TO".to_string())
        .chain(names.iter().cloned())
        .collect::<Vec<_>>()];
    for (i, name) in names.iter().enumerate() {
        let mut row = vec![name.clone()];
        for j in 0..names.len() {
            row.push(match (i == j, reach.icmp[i][j]) {
                (true, _) => "-".to_string(),
                (false, true) => "yes".to_string(),
                (false, false) => "no".to_string(),
            });
        }
        rows.push(row);
    }
    table(out, &rows);
    for (p, probe) in topology.published.iter().zip(&reach.published) {
        let verdict = match probe {
            Some(pr) => format!(
                "outside -> {}:{}/{}: {}",
                pr.addr,
                p.host_port,
                p.proto,
                if pr.reached { "yes" } else { "no" }
            ),
            None => "not tried (no outside address to try from)".to_string(),
        };
        let _ = writeln!(out, "  published {}: {verdict}", p.label());
    }
}

/// Columns padded to their widest cell, two spaces apart, indented by two.
fn table(out: &mut String, rows: &[Vec<String>]) {
    let cols = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
}
