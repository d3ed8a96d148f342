//! `iptables [-t TABLE] -L [CHAIN] -n` of iptables 1.8.9 (nf_tables): the numeric table
//! listing, for the rule vocabulary Docker uses (`-s`, `-d`, `-i`, `-o`, `-p`, the `tcp`,
//! `udp`, `addrtype` and `conntrack` matches, `-j`/`-g` with DNAT/SNAT/REJECT options).
//! A rule outside that vocabulary makes the whole listing `None` rather than a wrong guess.
//!
//! Layout, checked against the real tool (see the tests): `Chain NAME (policy P)` or
//! `Chain NAME (N references)`, a fixed column header, then per rule `%-9s ` target, the
//! protocol's `!` or space, `%-5s` protocol number (`0` for all), `-- `, then source and
//! destination each as `!`/space and `%-19s `; `[goto] ` for `-g`; then each match and the
//! target's options, each with a leading space. Chains are separated by an empty line.

use super::iptables_save::{chains, no_chain, no_table, ORDER};
use crate::op::Ipv4Cidr;
use crate::output::CommandOutput;
use crate::rule::{CtState, Module, Neg, PortRange, RuleSpec, Target};
use crate::state::Netns;

const HEADER: &str = "target     prot opt source               destination         \n";

/// One rule, parsed into the columns `-L` prints.
#[derive(Debug, Default)]
struct Row {
    target: String,
    goto: bool,
    prot: (bool, String),
    src: (bool, String),
    dst: (bool, String),
    extra: Vec<String>,
}

/// `-s`/`-d` as `-L -n` prints them: a /32 without its length, none as `0.0.0.0/0`.
fn address(a: &Option<Neg<Ipv4Cidr>>) -> (bool, String) {
    match a {
        None => (false, "0.0.0.0/0".into()),
        Some(n) if n.value.prefix == 32 => (n.negated, n.value.addr.to_string()),
        Some(n) => (n.negated, n.value.to_string()),
    }
}

fn ports(kind: &str, p: &Neg<PortRange>) -> Option<String> {
    if p.negated {
        return None;
    }
    Some(if p.value.lo == p.value.hi {
        format!("{kind}:{}", p.value)
    } else {
        format!("{kind}s:{}", p.value)
    })
}

/// A match module in `-L` form; `None` outside the vocabulary.
fn module_text(m: &Module) -> Option<String> {
    let port_parts = |sport: &Option<Neg<PortRange>>, dport: &Option<Neg<PortRange>>| {
        let mut v = Vec::new();
        if let Some(p) = sport {
            v.push(ports("spt", p)?);
        }
        if let Some(p) = dport {
            v.push(ports("dpt", p)?);
        }
        Some(v.join(" "))
    };
    Some(match m {
        Module::Tcp {
            sport,
            dport,
            flags: None,
        } => format!("tcp {}", port_parts(sport, dport)?),
        Module::Udp { sport, dport } => format!("udp {}", port_parts(sport, dport)?),
        Module::AddrType { src, dst } => {
            let mut v = vec!["ADDRTYPE match".to_string()];
            for (name, t) in [("src-type", src), ("dst-type", dst)] {
                if let Some(t) = t {
                    v.push(format!(
                        "{}{name} {}",
                        if t.negated { "!" } else { "" },
                        t.value
                    ));
                }
            }
            v.join(" ")
        }
        Module::Conntrack(st) if !st.negated => format!("ctstate {}", CtState::join(&st.value)),
        _ => return None,
    })
}

/// A rule in the columns `-L -n` prints; `None` for anything outside the vocabulary.
fn parse(rule: &RuleSpec) -> Option<Row> {
    let mut extra: Vec<String> = rule
        .modules
        .iter()
        .map(module_text)
        .collect::<Option<_>>()?;
    let (target, goto) = match &rule.target {
        None => (String::new(), false),
        Some(t) => {
            match t {
                Target::Dnat(to) | Target::Snat(to) => extra.push(format!("to:{to}")),
                Target::Reject(with) => extra.push(format!("reject-with {with}")),
                Target::Log { .. } | Target::Masquerade(Some(_)) => return None,
                _ => {}
            }
            (t.name().to_string(), matches!(t, Target::Goto(_)))
        }
    };
    let prot = match &rule.proto {
        None => (false, "0".to_string()),
        Some(p) if matches!(p.value.0, 1 | 6 | 17) => (p.negated, p.value.0.to_string()),
        Some(_) => return None,
    };
    Some(Row {
        target,
        goto,
        prot,
        src: address(&rule.src),
        dst: address(&rule.dst),
        extra,
    })
}

fn row_text(r: &Row) -> String {
    let bang = |b: bool| if b { '!' } else { ' ' };
    let mut s = format!(
        "{:<9} {}{:<5}-- {}{:<19} {}{:<19} ",
        r.target,
        bang(r.prot.0),
        r.prot.1,
        bang(r.src.0),
        r.src.1,
        bang(r.dst.0),
        r.dst.1
    );
    if r.goto {
        s += "[goto] ";
    }
    for e in &r.extra {
        s.push(' ');
        s += e;
    }
    s.push('\n');
    s
}

/// `iptables -t TABLE -L [CHAIN] -n`; `None` if a rule is outside the vocabulary.
pub fn list(ns: &Netns, table: &str, chain: Option<&str>) -> Option<CommandOutput> {
    if !ORDER.contains(&table) {
        return Some(no_table(table));
    }
    let all = chains(ns, table);
    let mut rows = Vec::new();
    for (_, _, rules) in &all {
        rows.push(rules.iter().map(parse).collect::<Option<Vec<Row>>>()?);
    }
    let mut blocks = Vec::new();
    for ((name, policy, _), chain_rows) in all.iter().zip(&rows) {
        if chain.is_some_and(|c| c != name) {
            continue;
        }
        let mut s = if policy == "-" {
            let refs = rows.iter().flatten().filter(|r| &r.target == name).count();
            format!("Chain {name} ({refs} references)\n")
        } else {
            format!("Chain {name} (policy {policy})\n")
        };
        s += HEADER;
        s.extend(chain_rows.iter().map(row_text));
        blocks.push(s);
    }
    if blocks.is_empty() {
        return Some(no_chain(chain.unwrap_or_default(), table));
    }
    Some(CommandOutput::ok(blocks.join("\n")))
}
