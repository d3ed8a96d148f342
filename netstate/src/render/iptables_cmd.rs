//! Recognises `iptables-save [-t TABLE] [-c]`, `iptables [-t TABLE] -S [CHAIN]` and
//! `iptables [-t TABLE] -L [CHAIN] -n` (iptables 1.8.9, nf_tables). Other forms (`-v`,
//! `-L` without `-n`, changes) yield `None`.

use super::iptables_list;
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

/// What `iptables` was asked to print.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// `-S`.
    Rules,
    /// `-L` (with `-n`).
    Table,
}

/// `iptables [-t TABLE] -S [CHAIN]` and `iptables [-t TABLE] -L [CHAIN] -n` (argv without
/// the program name; short flags may be clustered, as in `-nL`).
pub fn run_iptables(ns: &Netns, args: &[String]) -> Option<CommandOutput> {
    let mut table = "filter".to_string();
    let mut listing = None;
    let mut numeric = false;
    let mut chain = None;
    let mut i = 0;
    while i < args.len() {
        if let Some(t) = table_arg(args, &mut i)? {
            table = t;
            i += 1;
            continue;
        }
        let flags: Vec<char> = match args[i].as_str() {
            "--list-rules" => vec!['S'],
            "--list" => vec!['L'],
            "--numeric" => vec!['n'],
            "--wait" => vec!['w'],
            a if a.starts_with('-') && !a.starts_with("--") => a[1..].chars().collect(),
            _ => return None,
        };
        for f in flags {
            match f {
                'S' => listing = Some(Listing::Rules),
                'L' => listing = Some(Listing::Table),
                'n' => numeric = true,
                // Waiting for the xtables lock changes nothing in the output.
                'w' => {}
                _ => return None,
            }
        }
        if let Some(c) = args.get(i + 1).filter(|c| !c.starts_with('-')) {
            if listing.is_some() && chain.is_none() {
                chain = Some(c.clone());
                i += 1;
            }
        }
        i += 1;
    }
    match listing? {
        Listing::Rules => Some(iptables_save::list_rules(ns, &table, chain.as_deref())),
        // Without -n the real tool resolves names (`anywhere`, service names): not modelled.
        Listing::Table if numeric => iptables_list::list(ns, &table, chain.as_deref()),
        Listing::Table => None,
    }
}
