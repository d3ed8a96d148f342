//! iptables: ops become `iptables-restore --noflush` scripts, and `iptables-save` output is
//! parsed back into [`IptablesTable`]s.

use std::collections::BTreeMap;

use docknet_netstate::kernel::Errno;
use docknet_netstate::op::{Op, RulePosition, Table};
use docknet_netstate::rule::RuleSpec;
use docknet_netstate::state::{Chain, IptablesTable};

/// `VERB CHAIN RULE`, without a trailing space for an empty rule.
fn rule_line(verb: &str, chain: &str, rule: &RuleSpec) -> String {
    let spec = rule.to_string();
    if spec.is_empty() {
        format!("{verb} {chain}")
    } else {
        format!("{verb} {chain} {spec}")
    }
}

/// The restore command line for one iptables op (restore accepts iptables commands verbatim).
fn command(op: &Op) -> Option<(Table, String)> {
    Some(match op {
        Op::ChainAdd { table, chain, .. } => (*table, format!("-N {chain}")),
        Op::ChainDel { table, chain, .. } => (*table, format!("-X {chain}")),
        Op::ChainFlush { table, chain, .. } => (*table, format!("-F {chain}")),
        Op::ChainPolicy {
            table,
            chain,
            policy,
            ..
        } => (*table, format!("-P {chain} {policy}")),
        Op::RuleAdd {
            table,
            chain,
            rule,
            at,
            ..
        } => match at {
            RulePosition::Append => (*table, rule_line("-A", chain, rule)),
            RulePosition::Insert(n) => (*table, rule_line("-I", &format!("{chain} {n}"), rule)),
        },
        Op::RuleDel {
            table, chain, rule, ..
        } => (*table, rule_line("-D", chain, rule)),
        _ => return None,
    })
}

/// A `*table ... COMMIT` section: committed atomically, independent of the others.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Section {
    /// Script lines (1-based) from `*table` to `COMMIT`.
    pub lines: std::ops::RangeInclusive<usize>,
    /// The ops (indices into the batch) it carries.
    pub ops: std::ops::Range<usize>,
}

/// A restore script for a batch of iptables ops of one namespace.
#[derive(Debug)]
pub(crate) struct Script {
    /// The text fed to `iptables-restore --noflush`.
    pub text: String,
    /// Sections in order; a run of ops on the same table shares one.
    pub sections: Vec<Section>,
}

/// Builds the script; non-iptables ops must not be in `ops`.
pub(crate) fn script(ops: &[Op]) -> Script {
    let mut text = String::new();
    let mut sections = Vec::new();
    let mut line = 0;
    let mut i = 0;
    while i < ops.len() {
        let (table, _) = command(&ops[i]).expect("iptables op");
        let start_line = line + 1;
        text.push_str(&format!("*{}\n", table.name()));
        line += 1;
        let start = i;
        while i < ops.len() {
            let (t, cmd) = command(&ops[i]).expect("iptables op");
            if t != table {
                break;
            }
            text.push_str(&cmd);
            text.push('\n');
            line += 1;
            i += 1;
        }
        text.push_str("COMMIT\n");
        line += 1;
        sections.push(Section {
            lines: start_line..=line,
            ops: start..i,
        });
    }
    Script { text, sections }
}

/// The script line an `iptables-restore` error names (`line N failed`, `Error occurred at
/// line: N`, `line N: ...`).
pub(crate) fn failed_line(stderr: &str) -> Option<usize> {
    let mut rest = stderr;
    while let Some(pos) = rest.find("line") {
        let after = rest[pos + 4..].trim_start_matches([':', ' ']);
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse() {
            return Some(n);
        }
        rest = &rest[pos + 4..];
    }
    None
}

/// The errno an iptables error message stands for, when it names one docknet knows.
pub(crate) fn errno(stderr: &str) -> Option<Errno> {
    let table = [
        ("already exists", Errno::EEXIST),
        ("Device or resource busy", Errno::EBUSY),
        ("does not exist", Errno::ENOENT),
        ("No chain/target/match", Errno::ENOENT),
        ("Bad rule", Errno::ENOENT),
        ("Bad built-in chain name", Errno::ENOENT),
        ("Index of insertion too big", Errno::E2BIG),
    ];
    table
        .iter()
        .find(|(text, _)| stderr.contains(text))
        .map(|(_, e)| *e)
}

/// Parses `iptables-save` output; a rule docknet cannot type is an error naming it.
pub(crate) fn parse_save(text: &str) -> Result<BTreeMap<Table, IptablesTable>, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(Table, IptablesTable)> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('*') {
            current = Table::parse(name.trim()).map(|t| (t, IptablesTable::default()));
        } else if line == "COMMIT" {
            if let Some((t, tbl)) = current.take() {
                out.insert(t, tbl);
            }
        } else if let (Some(decl), Some((_, tbl))) = (line.strip_prefix(':'), current.as_mut()) {
            let mut parts = decl.split_whitespace();
            let name = parts.next().unwrap_or_default().to_string();
            let policy = parts.next().filter(|p| *p != "-").map(str::to_string);
            tbl.chains.push(Chain {
                name,
                policy,
                rules: Vec::new(),
            });
        } else if let (Some(rule), Some((_, tbl))) = (line.strip_prefix("-A "), current.as_mut()) {
            let (chain, rest) = rule.split_once(' ').unwrap_or((rule, ""));
            let spec = RuleSpec::parse(rest).map_err(|e| format!("`{line}`: {e}"))?;
            if let Some(c) = tbl.chains.iter_mut().find(|c| c.name == chain) {
                c.rules.push(spec);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use docknet_netstate::op::NetnsName;

    fn rule(table: Table, chain: &str, rule: &str) -> Op {
        Op::RuleAdd {
            ns: NetnsName::host(),
            table,
            chain: chain.into(),
            rule: docknet_netstate::rule::RuleSpec::parse(rule).unwrap(),
            at: RulePosition::Append,
        }
    }

    #[test]
    fn script_groups_runs_of_one_table() {
        let ops = vec![
            rule(Table::Filter, "FORWARD", "-j DOCKER"),
            rule(Table::Filter, "FORWARD", "-j ACCEPT"),
            rule(Table::Nat, "POSTROUTING", "-j MASQUERADE"),
        ];
        let s = script(&ops);
        assert_eq!(
            s.text,
            "*filter\n-A FORWARD -j DOCKER\n-A FORWARD -j ACCEPT\nCOMMIT\n*nat\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n"
        );
        assert_eq!(s.sections[0].lines, 1..=4);
        assert_eq!(s.sections[1].ops, 2..3);
    }

    #[test]
    fn failed_line_forms() {
        assert_eq!(failed_line("iptables-restore: line 5 failed: x"), Some(5));
        assert_eq!(failed_line("x\nError occurred at line: 3\n"), Some(3));
        assert_eq!(
            failed_line("line 2: CHAIN_DEL failed (Device or resource busy)"),
            Some(2)
        );
        assert_eq!(
            errno("line 2 failed: Chain already exists."),
            Some(Errno::EEXIST)
        );
    }

    #[test]
    fn parse_save_reads_chains_and_rules() {
        let t = parse_save(
            "# Generated\n*filter\n:INPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n-A DOCKER -j RETURN\nCOMMIT\n# Completed\n",
        )
        .unwrap();
        let f = &t[&Table::Filter];
        assert_eq!(f.chains[0].policy.as_deref(), Some("ACCEPT"));
        assert_eq!(f.chain("DOCKER").unwrap().rules, vec!["-j RETURN"]);
    }
}
