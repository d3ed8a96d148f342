//! `iptables [-t T] -A|-I|-D|-R|-C|-N|-X|-F|-P ...`: rule and chain changes as kernel ops,
//! with iptables 1.8.9 (nf_tables)'s messages and statuses. Listings (`-S`, `-L`) go to the
//! renderers.
//!
//! Facts (iptables 1.8.9 (nf_tables) in a private namespace and in `../shared/oracle/`):
//! a missing chain is `iptables: No chain/target/match by that name.` (1); `-D` of a rule not
//! there `iptables: Bad rule (does a matching rule exist in that chain?).` (1); `-X` of a
//! referenced chain `iptables v1.8.9 (nf_tables):  CHAIN_DEL failed (Device or resource
//! busy): chain X` (4); `-N` of an existing chain `iptables: Chain already exists.` (1); `-P`
//! of a user chain `iptables: Bad built-in chain name.` (1) and of a bad policy `iptables:
//! Bad policy name. Run `dmesg' for more information.` (1); `-I` past the end `iptables:
//! Index of insertion too big.` (1); a jump to a chain that does not exist, and every
//! parse error, is `iptables v1.8.9 (nf_tables): MSG` plus the `Try ...` line (2).

use crate::kernel::{Errno, Kernel};
use crate::op::{NetnsName, Op, RulePosition, Table};
use crate::output::CommandOutput;
use crate::rule::{RuleError, RuleSpec, Target};
use crate::state::Netns;

use super::{show, Observed, Outcome};

const PREFIX: &str = "iptables v1.8.9 (nf_tables): ";
const TRY: &str = "Try `iptables -h' or 'iptables --help' for more information.\n";

/// Built-in targets that are not chains.
const TARGETS: &[&str] = &[
    "ACCEPT",
    "DROP",
    "RETURN",
    "REJECT",
    "LOG",
    "DNAT",
    "SNAT",
    "MASQUERADE",
];

fn usage_error(msg: &str) -> CommandOutput {
    CommandOutput::fail(format!("{PREFIX}{msg}\n{TRY}"), 2)
}

fn short(msg: &str) -> CommandOutput {
    CommandOutput::fail(format!("iptables: {msg}\n"), 1)
}

/// One change command, parsed.
enum Change {
    Add {
        chain: String,
        at: RulePosition,
        rule: RuleSpec,
    },
    Delete {
        chain: String,
        which: Which,
    },
    Replace {
        chain: String,
        n: usize,
        rule: RuleSpec,
    },
    Check {
        chain: String,
        rule: RuleSpec,
    },
    New(String),
    DeleteChain(Option<String>),
    Flush(Option<String>),
    Policy {
        chain: String,
        policy: String,
    },
}

/// `-D CHAIN RULE` or `-D CHAIN N`.
enum Which {
    Rule(RuleSpec),
    Number(usize),
}

fn rule(words: &[String]) -> Result<RuleSpec, CommandOutput> {
    RuleSpec::parse_words(words).map_err(|e| match e {
        RuleError::UnsupportedMatch(_) => CommandOutput::fail(format!("{e}\n"), 127),
        other => usage_error(&other.to_string()),
    })
}

/// Splits off `-t T`; returns the table and the rest.
fn table_of(args: &[String]) -> Result<(Table, Vec<String>), CommandOutput> {
    let mut table = Table::Filter;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let name = match a.as_str() {
            "-t" | "--table" => it.next().cloned(),
            s if s.starts_with("--table=") => Some(s["--table=".len()..].to_string()),
            s if s.starts_with("-t") && s.len() > 2 => Some(s[2..].to_string()),
            _ => {
                rest.push(a.clone());
                continue;
            }
        };
        let name = name.ok_or_else(|| usage_error("option \"-t\" requires an argument"))?;
        table = Table::parse(&name).ok_or_else(|| {
            CommandOutput::fail(format!("{PREFIX}table '{name}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n"), 3)
        })?;
    }
    Ok((table, rest))
}

fn parse(args: &[String]) -> Result<Option<Change>, CommandOutput> {
    let Some((verb, rest)) = args.split_first() else {
        return Ok(None);
    };
    let chain = || {
        rest.first()
            .cloned()
            .ok_or_else(|| usage_error(&format!("option \"{verb}\" requires an argument")))
    };
    let number = |s: &str| s.parse::<usize>().ok().filter(|n| *n > 0);
    Ok(Some(match verb.as_str() {
        "-A" | "--append" => Change::Add {
            chain: chain()?,
            at: RulePosition::Append,
            rule: rule(&rest[1..])?,
        },
        "-I" | "--insert" => {
            let (at, words) = match rest.get(1).and_then(|w| number(w)) {
                Some(n) => (n, &rest[2..]),
                None => (1, rest.get(1..).unwrap_or(&[])),
            };
            Change::Add {
                chain: chain()?,
                at: RulePosition::Insert(at),
                rule: rule(words)?,
            }
        }
        "-D" | "--delete" => {
            let which = match (rest.get(1).and_then(|w| number(w)), rest.len()) {
                (Some(n), 2) => Which::Number(n),
                _ => Which::Rule(rule(rest.get(1..).unwrap_or(&[]))?),
            };
            Change::Delete {
                chain: chain()?,
                which,
            }
        }
        "-R" | "--replace" => {
            let n = rest
                .get(1)
                .and_then(|w| number(w))
                .ok_or_else(|| usage_error("-R requires a rule number"))?;
            Change::Replace {
                chain: chain()?,
                n,
                rule: rule(&rest[2..])?,
            }
        }
        "-C" | "--check" => Change::Check {
            chain: chain()?,
            rule: rule(&rest[1..])?,
        },
        "-N" | "--new-chain" => Change::New(chain()?),
        "-X" | "--delete-chain" => Change::DeleteChain(rest.first().cloned()),
        "-F" | "--flush" => Change::Flush(rest.first().cloned()),
        "-P" | "--policy" => Change::Policy {
            chain: chain()?,
            policy: rest
                .get(1)
                .cloned()
                .ok_or_else(|| usage_error("-P requires a chain and a policy"))?,
        },
        _ => return Ok(None),
    }))
}

fn chains(ns: &Netns, t: Table) -> Vec<&str> {
    match ns.iptables.get(&t) {
        Some(tab) => tab.chains.iter().map(|c| c.name.as_str()).collect(),
        None => t.builtin_chains().to_vec(),
    }
}

fn rules_of(ns: &Netns, t: Table, chain: &str) -> Vec<RuleSpec> {
    ns.iptables
        .get(&t)
        .and_then(|tab| tab.chain(chain))
        .map(|c| c.rules.clone())
        .unwrap_or_default()
}

/// Checks a rule's jump target exists (iptables does that before it talks to the kernel).
fn target_exists(ns: &Netns, t: Table, r: &RuleSpec) -> Result<(), CommandOutput> {
    match &r.target {
        Some(Target::Jump(c) | Target::Goto(c))
            if !TARGETS.contains(&c.as_str()) && !chains(ns, t).contains(&c.as_str()) =>
        {
            Err(usage_error(&format!("Chain '{c}' does not exist")))
        }
        _ => Ok(()),
    }
}

/// The ops a change makes, checked against the state first as iptables checks.
fn ops(
    ns_name: &NetnsName,
    ns: &Netns,
    t: Table,
    change: Change,
) -> Result<Vec<Op>, CommandOutput> {
    let op_ns = ns_name.clone();
    let exists = |c: &str| chains(ns, t).contains(&c);
    let missing = || short("No chain/target/match by that name.");
    Ok(match change {
        Change::Add { chain, at, rule } => {
            target_exists(ns, t, &rule)?;
            vec![Op::RuleAdd {
                ns: op_ns,
                table: t,
                chain,
                rule,
                at,
            }]
        }
        Change::Delete { chain, which } => {
            if !exists(&chain) {
                return Err(missing());
            }
            let rules = rules_of(ns, t, &chain);
            let rule = match which {
                Which::Rule(r) => r,
                Which::Number(n) => rules
                    .get(n - 1)
                    .cloned()
                    .ok_or_else(|| short("Index of deletion too big."))?,
            };
            vec![Op::RuleDel {
                ns: op_ns,
                table: t,
                chain,
                rule,
            }]
        }
        Change::Replace { chain, n, rule } => {
            target_exists(ns, t, &rule)?;
            let old = rules_of(ns, t, &chain)
                .get(n - 1)
                .cloned()
                .ok_or_else(|| short("Index of replacement too big."))?;
            vec![
                Op::RuleDel {
                    ns: op_ns.clone(),
                    table: t,
                    chain: chain.clone(),
                    rule: old,
                },
                Op::RuleAdd {
                    ns: op_ns,
                    table: t,
                    chain,
                    rule,
                    at: RulePosition::Insert(n),
                },
            ]
        }
        Change::Check { .. } => Vec::new(),
        Change::New(chain) => vec![Op::ChainAdd {
            ns: op_ns,
            table: t,
            chain,
        }],
        Change::DeleteChain(Some(chain)) => vec![Op::ChainDel {
            ns: op_ns,
            table: t,
            chain,
        }],
        Change::DeleteChain(None) => {
            let user: Vec<&str> = chains(ns, t)
                .into_iter()
                .filter(|c| !t.builtin_chains().contains(c))
                .collect();
            user.into_iter()
                .map(|c| Op::ChainDel {
                    ns: op_ns.clone(),
                    table: t,
                    chain: c.into(),
                })
                .collect()
        }
        Change::Flush(Some(chain)) => vec![Op::ChainFlush {
            ns: op_ns,
            table: t,
            chain,
        }],
        Change::Flush(None) => chains(ns, t)
            .into_iter()
            .map(|c| Op::ChainFlush {
                ns: op_ns.clone(),
                table: t,
                chain: c.into(),
            })
            .collect(),
        Change::Policy { chain, policy } => {
            if !matches!(policy.as_str(), "ACCEPT" | "DROP") {
                return Err(short("Bad policy name. Run `dmesg' for more information."));
            }
            vec![Op::ChainPolicy {
                ns: op_ns,
                table: t,
                chain,
                policy,
            }]
        }
    })
}

/// iptables' text for a refused op.
fn refusal(op: &Op, errno: Option<Errno>) -> CommandOutput {
    match (op, errno) {
        (
            Op::RuleAdd {
                at: RulePosition::Insert(_),
                ..
            },
            Some(Errno::E2BIG),
        ) => short("Index of insertion too big."),
        (Op::RuleDel { .. }, Some(Errno::ENOENT)) => {
            short("Bad rule (does a matching rule exist in that chain?).")
        }
        (Op::ChainAdd { .. }, Some(Errno::EEXIST)) => short("Chain already exists."),
        (Op::ChainDel { chain, .. }, Some(Errno::EBUSY)) => CommandOutput::fail(
            format!("{PREFIX} CHAIN_DEL failed (Device or resource busy): chain {chain}\n"),
            4,
        ),
        (Op::ChainPolicy { .. }, Some(Errno::EINVAL | Errno::ENOENT)) => {
            short("Bad built-in chain name.")
        }
        (_, Some(Errno::ENOENT)) => short("No chain/target/match by that name."),
        (_, e) => CommandOutput::fail(
            format!("iptables: {}.\n", e.map_or("Unknown error", Errno::message)),
            1,
        ),
    }
}

/// `iptables ...` in namespace `ns`: a change, or a listing.
pub fn run(kernel: &mut Observed<'_>, ns: &NetnsName, argv: &[String]) -> Outcome {
    let (table, args) = match table_of(&argv[1..]) {
        Ok(x) => x,
        Err(out) => return Outcome::plain(out),
    };
    let change = match parse(&args) {
        Ok(Some(c)) => c,
        Ok(None) => return show::show(kernel, ns, argv),
        Err(out) => return Outcome::plain(out),
    };
    let state = match kernel.state() {
        Ok(s) => s,
        Err(e) => return Outcome::plain(CommandOutput::fail(format!("docknet: {e}\n"), 1)),
    };
    let Some(here) = state.namespaces.get(ns) else {
        return Outcome::plain(CommandOutput::fail(
            format!("docknet: no namespace {ns}\n"),
            1,
        ));
    };
    if let Change::Check { chain, rule } = &change {
        let found = rules_of(here, table, chain).iter().any(|r| r == rule);
        return Outcome::plain(if found {
            CommandOutput::ok("")
        } else {
            short("Bad rule (does a matching rule exist in that chain?).")
        });
    }
    let ops = match ops(ns, here, table, change) {
        Ok(o) => o,
        Err(out) => return Outcome::plain(out),
    };
    let undo: Vec<Option<Op>> = ops.iter().map(|op| inverse(op, here)).collect();
    for (i, op) in ops.iter().enumerate() {
        if let Err(e) = kernel.apply(op) {
            // A command that fails part-way takes back what it did.
            for u in undo[..i].iter().rev().flatten() {
                let _ = kernel.apply(u);
            }
            return Outcome::plain(refusal(op, e.errno_value()));
        }
    }
    Outcome::plain(CommandOutput::ok(""))
}

/// The op that takes `op` back, given the state before it.
fn inverse(op: &Op, before: &Netns) -> Option<Op> {
    Some(match op.clone() {
        Op::RuleAdd {
            ns,
            table,
            chain,
            rule,
            ..
        } => Op::RuleDel {
            ns,
            table,
            chain,
            rule,
        },
        Op::RuleDel {
            ns,
            table,
            chain,
            rule,
        } => {
            let pos = rules_of(before, table, &chain)
                .iter()
                .position(|r| *r == rule)?;
            Op::RuleAdd {
                ns,
                table,
                chain,
                rule,
                at: RulePosition::Insert(pos + 1),
            }
        }
        Op::ChainDel { ns, table, chain } => Op::ChainAdd { ns, table, chain },
        Op::ChainAdd { ns, table, chain } => Op::ChainDel { ns, table, chain },
        _ => return None,
    })
}
