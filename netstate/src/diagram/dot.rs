//! The DOT form: an undirected Graphviz `graph`, one `cluster_<index>` per namespace, one
//! box per interface (bridges filled blue, down links grey and dashed), edges for bridge
//! membership and veth pairs, and with the reach overlay green edges between the first
//! interfaces of containers that ping each other (`constraint=false`, so they do not move
//! the layers).
//!
//! Node ids are `n<namespace index>_<ifindex>`; `dot -Tsvg` draws it.

use std::fmt::Write;

use super::reach::Reach;
use super::text::fields;
use super::topology::{IfaceKind, Interface, Role, Topology};

/// The whole DOT graph.
pub fn render(topology: &Topology, reach: Option<&Reach>) -> String {
    let mut out = String::from(
        "graph docknet {\n  rankdir=TB;\n  fontname=\"monospace\";\n  labeljust=l;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n",
    );
    for ns in 0..topology.namespaces.len() {
        cluster(&mut out, topology, ns);
    }
    for (ns, n) in topology.namespaces.iter().enumerate() {
        for i in &n.interfaces {
            if let Some(m) = i.master {
                let _ = writeln!(out, "  {} -- {};", id(ns, m), id(ns, i.ifindex));
            }
        }
    }
    for w in &topology.wires {
        let style = if w.up {
            " [label=\"veth\"]"
        } else {
            " [label=\"veth\", style=dashed, color=gray50]"
        };
        let _ = writeln!(
            out,
            "  {} -- {}{style};",
            id(w.a.ns, w.a.ifindex),
            id(w.b.ns, w.b.ifindex)
        );
    }
    for (p, published) in topology.published.iter().enumerate() {
        if let Some(to) = topology
            .container(&published.container)
            .and_then(|ns| first_addressed(topology, ns))
        {
            let _ = writeln!(out, "  pub{p} -- {to} [style=dotted, constraint=false];");
        }
    }
    if let Some(reach) = reach {
        reach_edges(&mut out, topology, reach);
    }
    out.push_str("}\n");
    out
}

/// `n<ns>_<ifindex>`.
fn id(ns: usize, ifindex: u32) -> String {
    format!("n{ns}_{ifindex}")
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn cluster(out: &mut String, topology: &Topology, ns: usize) {
    let n = &topology.namespaces[ns];
    let _ = writeln!(
        out,
        "  subgraph cluster_{ns} {{\n    label=\"{}\\n{}\";{}",
        quote(&n.title),
        quote(&n.subtitle),
        // Containers are wired from above: their title goes underneath.
        if n.role == Role::Container {
            " labelloc=b;"
        } else {
            ""
        }
    );
    for i in &n.interfaces {
        let _ = writeln!(
            out,
            "    {} [{}];",
            id(ns, i.ifindex),
            attrs(topology, ns, i)
        );
    }
    if n.interfaces.is_empty() {
        let _ = writeln!(
            out,
            "    lo{ns} [shape=plaintext, label=\"no interface but lo\"];"
        );
    }
    if n.role == Role::Host {
        for (p, published) in topology.published.iter().enumerate() {
            let _ = writeln!(
                out,
                "    pub{p} [shape=cds, label=\"published {}\"];",
                quote(&published.label())
            );
        }
    }
    out.push_str("  }\n");
}

fn attrs(topology: &Topology, ns: usize, i: &Interface) -> String {
    let mut f = fields(topology, ns, i);
    f.retain(|s| !s.starts_with("<-> "));
    let label: Vec<String> = f.iter().map(|s| quote(s)).collect();
    let mut a = format!("label=\"{}\"", label.join("\\n"));
    if i.kind == IfaceKind::Bridge {
        a.push_str(", style=filled, fillcolor=\"#dbe9f7\"");
    }
    if !i.is_up() {
        a.push_str(", style=\"dashed,filled\", fillcolor=gray92, fontcolor=gray40");
    }
    a
}

/// The node of a namespace's first interface with an address.
fn first_addressed(topology: &Topology, ns: usize) -> Option<String> {
    topology.first_addressed(ns).map(|e| id(e.ns, e.ifindex))
}

fn reach_edges(out: &mut String, topology: &Topology, reach: &Reach) {
    let first = |ns: usize| first_addressed(topology, ns);
    for (i, &a) in reach.nodes.iter().enumerate() {
        for (j, &b) in reach.nodes.iter().enumerate() {
            let dir = match (reach.icmp[i][j], reach.icmp[j][i]) {
                (true, true) if i < j => "both",
                (true, false) => "forward",
                _ => continue,
            };
            let (Some(x), Some(y)) = (first(a), first(b)) else {
                continue;
            };
            let _ = writeln!(
                out,
                "  {x} -- {y} [color=\"#2f855a\", penwidth=2, dir={dir}, label=\"ping\", constraint=false];"
            );
        }
    }
}
