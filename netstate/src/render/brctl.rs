//! `brctl show [BRIDGE...]` of bridge-utils 1.7.
//!
//! Columns are separated by tabs exactly as brctl prints them: `NAME\t\tID\tSTP\t\tPORT`,
//! further ports on lines of seven tabs. Bridges come sorted by name (brctl scans
//! `/sys/class/net` with `alphasort`; seen on a real kernel: `br-98c31c0fe86e` before an older
//! `docker0`), and ports sorted by name too (it scans each bridge's `brif/` the same way).
//! (Without a sysfs of the namespace brctl falls back to ioctls and lists by index instead;
//! a real host always has one.) The bridge id
//! is `8000.` followed by the bridge MAC without colons.

use crate::output::CommandOutput;
use crate::state::{Link, LinkKind, Netns};

const TITLE: &str = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n";

fn bridge_text(ns: &Netns, br: &Link, stp: bool) -> String {
    let m = br.mac.0;
    let mut s = format!(
        "{}\t\t8000.{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}\t{}\t\t",
        br.name,
        m[0],
        m[1],
        m[2],
        m[3],
        m[4],
        m[5],
        if stp { "yes" } else { "no" }
    );
    let mut ports: Vec<&Link> = ns
        .links
        .values()
        .filter(|l| l.master == Some(br.ifindex))
        .collect();
    ports.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    if ports.is_empty() {
        s.push('\n');
    }
    for (n, p) in ports.iter().enumerate() {
        if n > 0 {
            s += "\t\t\t\t\t\t\t";
        }
        s += &p.name;
        s.push('\n');
    }
    s
}

/// `brctl show [BRIDGE...]`. Unknown names and non-bridges are reported on stderr and make
/// the exit status 1, the bridges that do exist are still listed; with no bridge found for any
/// name the title line is not printed either.
pub fn show(ns: &Netns, names: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    let as_bridge = |l: &Link| match l.kind {
        LinkKind::Bridge { stp, .. } => Some(stp),
        _ => None,
    };
    if names.is_empty() {
        out.stdout += TITLE;
        let mut bridges: Vec<(&Link, bool)> = ns
            .links
            .values()
            .filter_map(|l| as_bridge(l).map(|stp| (l, stp)))
            .collect();
        bridges.sort_by(|a, b| a.0.name.as_bytes().cmp(b.0.name.as_bytes()));
        for (l, stp) in bridges {
            out.stdout += &bridge_text(ns, l, stp);
        }
        return out;
    }
    let mut body = String::new();
    for name in names {
        match ns.link_by_name(name) {
            None => {
                out.stderr += &format!("bridge {name} does not exist!\n");
                out.exit = 1;
            }
            Some(l) => match as_bridge(l) {
                Some(stp) => body += &bridge_text(ns, l, stp),
                None => {
                    out.stderr += &format!("device {name} is not a bridge!\n");
                    out.exit = 1;
                }
            },
        }
    }
    if !body.is_empty() {
        out.stdout = format!("{TITLE}{body}");
    }
    out
}
