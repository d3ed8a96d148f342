//! Recognises `iptables-save [-t TABLE] [-c]` and `iptables [-t TABLE] -S [CHAIN]`
//! (iptables 1.8.9, nf_tables). Other forms (`-L`, `-v`, changes) yield `None`.

use super::iptables_save;
use super::RenderContext;
use crate::output::CommandOutput;
use crate::state::Netns;

/// Reads `-t X`, `-tX`, `--table X`, `--table=X` at `args[*i]`, advancing `i`.
fn table_arg(args: &[String], i: &mut usize) -> Option<Option<String>> {
    let a = &args[*i];
    if a == "-t" || a == "--table" {
        *i += 1;
        return Some(Some(args.get(*i)?.clone()));
    }
    if let Some(t) = a.strip_prefix("--table=") {
        return Some(Some(t.to_string()));
    }
    if let Some(t) = a.strip_prefix("-t").filter(|t| !t.is_empty()) {
        return Some(Some(t.to_string()));
    }
    Some(None)
}

/// `iptables-save [-t TABLE] [-c]` (argv without the program name).
pub fn run_save(ctx: &RenderContext, ns: &Netns, args: &[String]) -> Option<CommandOutput> {
    let mut table = None;
    let mut counters = false;
    let mut i = 0;
    while i < args.len() {
        if let Some(t) = table_arg(args, &mut i)? {
            table = Some(t);
        } else if args[i] == "-c" || args[i] == "--counters" {
            counters = true;
        } else {
            return None;
        }
        i += 1;
    }
    Some(iptables_save::save(ctx, ns, table.as_deref(), counters))
}

/// `iptables [-t TABLE] -S [CHAIN]` (argv without the program name).
pub fn run_iptables(ns: &Netns, args: &[String]) -> Option<CommandOutput> {
    let mut table = "filter".to_string();
    let mut list = false;
    let mut chain = None;
    let mut i = 0;
    while i < args.len() {
        if let Some(t) = table_arg(args, &mut i)? {
            table = t;
        } else if args[i] == "-S" || args[i] == "--list-rules" {
            list = true;
            if let Some(c) = args.get(i + 1).filter(|c| !c.starts_with('-')) {
                chain = Some(c.clone());
                i += 1;
            }
        } else if args[i] == "-w" || args[i] == "--wait" {
            // Waiting for the xtables lock changes nothing in the output.
        } else {
            return None;
        }
        i += 1;
    }
    list.then(|| iptables_save::list_rules(ns, &table, chain.as_deref()))
}
