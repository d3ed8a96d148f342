//! `ip` (iproute2 6.1): show commands go to the renderers, `link`/`address`/`route`
//! `add`/`set`/`del` become kernel ops.
//!
//! Objects and verbs are matched the way `ip` matches them (any prefix, first entry of its
//! table wins: `ip a` is `address`, `ip r` is `route`, `ip l` is `link`). Names are resolved
//! against the observed state first, as `ip` resolves them to ifindexes before it talks to
//! the kernel, so "Cannot find device" comes out exactly when the real tool prints it. Error
//! texts and statuses were recorded from the real tools on this machine.

mod addr;
mod link;
mod route;

use crate::{CommandOutput, Kernel, KernelError, KernelState, NetnsName, Op};

use super::mac::MacSource;
use super::observed::Observed;
use super::{show, unsupported, Outcome};

/// Global options that take a value.
const OPTIONS_WITH_VALUE: &[&str] = &[
    "-n", "-netns", "-b", "-batch", "-rc", "-rcvbuf", "-l", "-loops", "-f", "-family",
];

/// Whether `word` is an abbreviation of `full`, as iproute2's `matches()` decides.
pub fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// Runs `ip ARGS...` in namespace `ns`.
pub fn run(
    kernel: &mut Observed<'_>,
    macs: &mut MacSource,
    ns: &NetnsName,
    argv: &[String],
) -> Outcome {
    let mut i = 1;
    while i < argv.len() && argv[i].starts_with('-') {
        if OPTIONS_WITH_VALUE.contains(&argv[i].as_str()) {
            // `ip -n NS` looks in /run/netns, where Docker's namespaces are not.
            return unsupported(argv);
        }
        i += 1;
    }
    let Some(word) = argv.get(i) else {
        return show::show(kernel, ns, argv);
    };
    let Some(object) = crate::render::ip_cmd::IP_OBJECTS
        .iter()
        .find(|o| matches(word, o))
    else {
        return Outcome::plain(CommandOutput::fail(
            format!("Object \"{word}\" is unknown, try \"ip help\".\n"),
            1,
        ));
    };
    let verb = argv.get(i + 1).map(String::as_str).unwrap_or("");
    let args = argv.get(i + 2..).unwrap_or(&[]);
    let changed = match *object {
        "link" => link::change(verb, args),
        "address" => addr::change(verb, args),
        "route" => route::change(verb, args),
        _ => None,
    };
    match changed {
        Some(command) => Outcome::plain(command.run(kernel, macs, ns)),
        None => show::show(kernel, ns, argv),
    }
}

/// A parsed changing command, ready to resolve names and apply.
pub(super) trait Change {
    /// Resolves names against `state` and returns the ops, or the tool's error output.
    fn ops(
        &self,
        state: &KernelState,
        ns: &NetnsName,
        macs: &mut MacSource,
    ) -> Result<Vec<Op>, CommandOutput>;

    /// The tool's output when the kernel refuses `op`.
    fn kernel_error(&self, op: &Op, err: &KernelError) -> CommandOutput {
        let _ = op;
        rtnetlink_answers(err)
    }
}

/// How `ip OBJECT VERB ...` is answered: by a change parsed from the rest of the line, by
/// rendering (a show-like verb: `None`), or by iproute2's unknown-verb error.
pub(super) fn change_for<C: Change + 'static>(
    object: &str,
    known: &[&str],
    verb: &str,
    parse: impl FnOnce(bool) -> Result<C, CommandOutput>,
) -> Option<Box<dyn Change>> {
    let add = if matches(verb, "add") {
        true
    } else if matches(verb, "delete") {
        false
    } else if verb.is_empty() || known.iter().any(|v| matches(verb, v)) {
        return None;
    } else {
        return Some(Box::new(Refused(CommandOutput::fail(
            format!("Command \"{verb}\" is unknown, try \"ip {object} help\".\n"),
            255,
        ))));
    };
    Some(match parse(add) {
        Ok(c) => Box::new(c),
        Err(out) => Box::new(Refused(out)),
    })
}

/// A command the parser already knows to be an error (usage, garbage arguments).
pub(super) struct Refused(pub CommandOutput);

impl Change for Refused {
    fn ops(
        &self,
        _: &KernelState,
        _: &NetnsName,
        _: &mut MacSource,
    ) -> Result<Vec<Op>, CommandOutput> {
        Err(self.0.clone())
    }
}

impl dyn Change {
    fn run(
        &self,
        kernel: &mut Observed<'_>,
        macs: &mut MacSource,
        ns: &NetnsName,
    ) -> CommandOutput {
        let state = match kernel.state() {
            Ok(s) => s,
            Err(e) => {
                return CommandOutput::fail(
                    format!("docknet: cannot read the kernel state: {e}\n"),
                    1,
                )
            }
        };
        let ops = match self.ops(state, ns, macs) {
            Ok(ops) => ops,
            Err(out) => return out,
        };
        // Like `ip`, which sends one request and does not undo earlier ones, stop at the first
        // refusal.
        for op in &ops {
            if let Err(e) = kernel.apply(op) {
                return self.kernel_error(op, &e);
            }
        }
        CommandOutput::default()
    }
}

/// `RTNETLINK answers: <strerror>`, status 2: how `ip` reports a plain errno.
pub fn rtnetlink_answers(err: &KernelError) -> CommandOutput {
    CommandOutput::fail(format!("RTNETLINK answers: {err}\n"), 2)
}

/// `Cannot find device "X"`, status 1: `ip` could not resolve a name.
pub fn cannot_find(dev: &str) -> CommandOutput {
    CommandOutput::fail(format!("Cannot find device \"{dev}\"\n"), 1)
}

/// iproute2's answer to an argument it cannot place.
pub fn garbage(key: &str, word: &str) -> CommandOutput {
    CommandOutput::fail(
        format!("Error: either \"{key}\" is duplicate, or \"{word}\" is a garbage.\n"),
        255,
    )
}

/// Whether `name` is a link in `ns`.
pub fn has_link(state: &KernelState, ns: &NetnsName, name: &str) -> bool {
    state
        .namespaces
        .get(ns)
        .is_some_and(|n| n.link_by_name(name).is_some())
}

#[cfg(test)]
pub(crate) mod tests;
