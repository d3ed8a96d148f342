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
use crate::output::CommandOutput;
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

/// `-s`/`-d` as `-L -n` prints them: a /32 without its length.
fn address(a: &str) -> String {
    a.strip_suffix("/32").unwrap_or(a).to_string()
}

fn protocol_number(p: &str) -> Option<&'static str> {
    Some(match p {
        "all" => "0",
        "icmp" => "1",
        "tcp" => "6",
        "udp" => "17",
        _ => return None,
    })
}

/// Parses a rule in `iptables-save` form; `None` for anything outside the vocabulary.
fn parse(rule: &str) -> Option<Row> {
    let mut row = Row {
        prot: (false, "0".to_string()),
        src: (false, "0.0.0.0/0".to_string()),
        dst: (false, "0.0.0.0/0".to_string()),
        ..Row::default()
    };
    let words: Vec<&str> = rule.split_whitespace().collect();
    let mut i = 0;
    let mut negate = false;
    let next = |i: &mut usize| {
        *i += 1;
        words.get(*i).copied()
    };
    while i < words.len() {
        let w = words[i];
        match w {
            "!" => {
                negate = true;
                i += 1;
                continue;
            }
            "-s" => row.src = (negate, address(next(&mut i)?)),
            "-d" => row.dst = (negate, address(next(&mut i)?)),
            "-i" | "-o" => {
                next(&mut i)?;
            }
            "-p" => row.prot = (negate, protocol_number(next(&mut i)?)?.to_string()),
            "-j" | "-g" => {
                row.goto = w == "-g";
                row.target = next(&mut i)?.to_string();
            }
            "-m" => {
                let m = next(&mut i)?;
                let mut parts = Vec::new();
                while let Some(opt) = words.get(i + 1).filter(|o| o.starts_with("--")) {
                    i += 1;
                    let v = next(&mut i)?;
                    parts.push(match (m, *opt) {
                        ("tcp" | "udp", "--dport") if v.contains(':') => format!("dpts:{v}"),
                        ("tcp" | "udp", "--dport") => format!("dpt:{v}"),
                        ("tcp" | "udp", "--sport") if v.contains(':') => format!("spts:{v}"),
                        ("tcp" | "udp", "--sport") => format!("spt:{v}"),
                        ("addrtype", "--dst-type") => format!("dst-type {v}"),
                        ("addrtype", "--src-type") => format!("src-type {v}"),
                        ("conntrack", "--ctstate") => format!("ctstate {v}"),
                        _ => return None,
                    });
                }
                row.extra.push(match m {
                    "tcp" | "udp" => format!("{m} {}", parts.join(" ")),
                    "addrtype" => format!("ADDRTYPE match {}", parts.join(" ")),
                    _ => parts.join(" "),
                });
            }
            "--to-destination" | "--to-source" => row.extra.push(format!("to:{}", next(&mut i)?)),
            "--reject-with" => row.extra.push(format!("reject-with {}", next(&mut i)?)),
            _ => return None,
        }
        if negate && !matches!(w, "-s" | "-d" | "-p" | "-i" | "-o") {
            return None;
        }
        negate = false;
        i += 1;
    }
    Some(row)
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
        rows.push(
            rules
                .iter()
                .map(|r| parse(r))
                .collect::<Option<Vec<Row>>>()?,
        );
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
