//! Renderer tests against real-tool output.
//!
//! Every expected string is a file in `testdata/`, written by the real `ip`, `bridge`, `brctl`
//! and `iptables-save` of this machine: `testdata/capture.sh` builds the same kernel state in
//! scratch namespaces (`unshare --net bash capture.sh host`, `... capture.sh lab`) and saves
//! each command's stdout. The fixtures below are those states, built by hand.

pub(crate) mod fixtures;
mod ip_text;
mod json;
mod recorded;
mod tools;

use crate::output::CommandOutput;
use crate::state::KernelState;
use crate::NetnsName;

/// Runs `cmd` (split on spaces) in namespace `ns` with the context the capture used.
fn run_in(state: &KernelState, ns: &str, cmd: &str) -> Option<CommandOutput> {
    let argv: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
    let ctx = super::RenderContext {
        iptables_date: fixtures::capture_date().to_string(),
    };
    super::run_tool_with(&ctx, state, &NetnsName::new(ns), &argv)
}

/// The stdout of a command that must succeed.
fn stdout(state: &KernelState, ns: &str, cmd: &str) -> String {
    let out = run_in(state, ns, cmd).unwrap_or_else(|| panic!("{cmd}: not recognised"));
    assert_eq!((out.exit, out.stderr.as_str()), (0, ""), "{cmd}");
    out.stdout
}

/// Asserts `cmd` prints exactly `expected`, showing the first differing line on failure.
fn check(state: &KernelState, ns: &str, cmd: &str, expected: &str) {
    let got = stdout(state, ns, cmd);
    if got != expected {
        for (n, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
            assert_eq!(g, e, "{cmd}: line {}", n + 1);
        }
        assert_eq!(got, expected, "{cmd}");
    }
}
