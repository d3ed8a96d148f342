//! The Mermaid form: a top-down `flowchart`, one `subgraph` per namespace, one node per
//! interface (bridges as `[[...]]`, published ports as flags on the host), `---` for veth
//! pairs and bridge membership, `-.-` where a link is down; with the reach overlay, a
//! `reach` subgraph beside it whose green `<-->` join the endpoints that ping each other
//! (`-->` when only one way).
//!
//! Node ids are `n<namespace index>_<ifindex>`, subgraph ids `ns<index>`: stable for a
//! state. Labels are quoted, `"` written as `#quot;`.

use std::fmt::Write;

use super::reach::Reach;
use super::text::{fields, short_name};
use super::topology::{IfaceKind, Interface, Role, Topology};

/// The whole Mermaid diagram.
pub fn render(topology: &Topology, reach: Option<&Reach>) -> String {
    let mut out = String::from("flowchart TB\n");
    for ns in 0..topology.namespaces.len() {
        subgraph(&mut out, topology, ns);
    }
    let mut links = 0;
    let mut down = Vec::new();
    for (ns, n) in topology.namespaces.iter().enumerate() {
        for i in n.interfaces.iter() {
            let Some(m) = i.master else { continue };
            let _ = writeln!(out, "  {} --- {}", id(ns, m), id(ns, i.ifindex));
            links += 1;
        }
    }
    for w in &topology.wires {
        let edge = if w.up { "---" } else { "-.-" };
        let _ = writeln!(
            out,
            "  {} {edge}|veth| {}",
            id(w.a.ns, w.a.ifindex),
            id(w.b.ns, w.b.ifindex)
        );
        links += 1;
    }
    for (p, published) in topology.published.iter().enumerate() {
        let to = topology.container(&published.container);
        if let Some(e) = to.and_then(|ns| topology.first_addressed(ns)) {
            let _ = writeln!(out, "  pub{p} -.-> {}", id(e.ns, e.ifindex));
            links += 1;
        }
    }
    for (ns, n) in topology.namespaces.iter().enumerate() {
        down.extend(
            n.interfaces
                .iter()
                .filter(|i| !i.is_up())
                .map(|i| id(ns, i.ifindex)),
        );
    }
    if let Some(reach) = reach {
        reach_edges(&mut out, topology, reach, links);
    }
    out.push_str(
        "  classDef down fill:#eeeeee,stroke:#999999,stroke-dasharray:4 3,color:#777777\n",
    );
    out.push_str("  classDef bridge fill:#dbe9f7,stroke:#2b6cb0\n");
    let bridges = ids_where(topology, |k| k == IfaceKind::Bridge);
    if !bridges.is_empty() {
        let _ = writeln!(out, "  class {} bridge", bridges.join(","));
    }
    if !down.is_empty() {
        let _ = writeln!(out, "  class {} down", down.join(","));
    }
    out
}

/// `n<ns>_<ifindex>`.
fn id(ns: usize, ifindex: u32) -> String {
    format!("n{ns}_{ifindex}")
}

fn quote(s: &str) -> String {
    s.replace('"', "#quot;")
}

fn subgraph(out: &mut String, topology: &Topology, ns: usize) {
    let n = &topology.namespaces[ns];
    let _ = writeln!(
        out,
        "  subgraph ns{ns}[\"{}: {}\"]",
        quote(&n.title),
        quote(&n.subtitle)
    );
    for i in &n.interfaces {
        let label = quote(&node_fields(topology, ns, i).join("<br/>"));
        let (open, close) = if i.kind == IfaceKind::Bridge {
            ("[[", "]]")
        } else {
            ("[", "]")
        };
        let _ = writeln!(out, "    {}{open}\"{label}\"{close}", id(ns, i.ifindex));
    }
    if n.interfaces.is_empty() {
        let _ = writeln!(out, "    lo{ns}[\"no interface but lo\"]");
    }
    if n.role == Role::Host {
        for (p, published) in topology.published.iter().enumerate() {
            let _ = writeln!(
                out,
                "    pub{p}>\"published {}\"]",
                quote(&published.label())
            );
        }
    }
    out.push_str("  end\n");
}

/// An interface's fields without the `<->` peer (the edge says that).
fn node_fields(topology: &Topology, ns: usize, i: &Interface) -> Vec<String> {
    let mut f = fields(topology, ns, i);
    f.retain(|s| !s.starts_with("<-> "));
    f
}

fn ids_where(topology: &Topology, kind: impl Fn(IfaceKind) -> bool) -> Vec<String> {
    let mut ids = Vec::new();
    for (ns, n) in topology.namespaces.iter().enumerate() {
        ids.extend(
            n.interfaces
                .iter()
                .filter(|i| kind(i.kind))
                .map(|i| id(ns, i.ifindex)),
        );
    }
    ids
}

/// One edge per reaching pair (both ways drawn once), styled green by index.
/// The overlay as a graph of its own beside the picture: one node per endpoint, an edge per
/// pair that pings. Mermaid has no non-constraining edge, and edges across the picture would
/// pull its layers apart; here an isolated group shows as an island.
fn reach_edges(out: &mut String, topology: &Topology, reach: &Reach, first_link: usize) {
    out.push_str("  subgraph reach[\"reach: who pings whom\"]\n");
    for &n in &reach.nodes {
        let _ = writeln!(out, "    r{n}([\"{}\"])", quote(&short_name(topology, n)));
    }
    out.push_str("  end\n");
    let mut styled = Vec::new();
    let mut link = first_link;
    for (i, &a) in reach.nodes.iter().enumerate() {
        for (j, &b) in reach.nodes.iter().enumerate() {
            let (ab, ba) = (reach.icmp[i][j], reach.icmp[j][i]);
            let edge = match (ab, ba) {
                (true, true) if i < j => "<-->",
                (true, false) => "-->",
                _ => continue,
            };
            let _ = writeln!(out, "  r{a} {edge} r{b}");
            styled.push(link.to_string());
            link += 1;
        }
    }
    if !styled.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#2f855a,stroke-width:2px",
            styled.join(",")
        );
    }
}
