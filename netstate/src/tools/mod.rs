//! The Linux tools' front ends: `ip`, `bridge`, `brctl`, `iptables-save`/`iptables` as a
//! shell on a host with this kernel would run them.
//!
//! Show commands render the observed state ([`show`], through [`crate::render`]); changing
//! commands become [`crate::Op`]s applied to the kernel, with the real tools' error texts and
//! statuses ([`iproute`], [`brctl`]). Links the tools create get MACs from a [`MacSource`]
//! so that sim and the real kernel print the same. Anything else is
//! `docknet: unsupported command: ...` with status 127.

pub mod brctl;
pub mod iproute;
pub mod iptables;
pub mod mac;
pub mod observed;
pub mod show;

use crate::op::NetnsName;
use crate::output::CommandOutput;

pub use mac::MacSource;
pub use observed::Observed;

/// A show command answered by rendering kernel state: which tool ran in which namespace, so
/// a harness can run the real binary there and compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolRun {
    /// The namespace the tool looked at.
    pub ns: NetnsName,
    /// The tool's argv (`ip`, `-d`, `link`, `show`...).
    pub argv: Vec<String>,
    /// How the real tool's output compares with docknet's.
    pub compare: Compare,
}

/// How a harness compares the real tool's output with docknet's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Byte for byte (renderings of the state).
    Exact,
    /// Exit status and the `N packets transmitted, M received` line (a ping, whose times
    /// are the real clock's).
    PingCounts,
}

/// What one command printed, and which renderer printed it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// stdout, stderr, exit status.
    pub output: CommandOutput,
    /// Set when a show command was answered by rendering kernel state.
    pub tool: Option<ToolRun>,
}

impl Outcome {
    /// An outcome not produced by a renderer.
    pub fn plain(output: CommandOutput) -> Self {
        Outcome { output, tool: None }
    }
}

/// The status and message for a command docknet does not model.
pub fn unsupported(argv: &[String]) -> Outcome {
    Outcome::plain(CommandOutput::fail(
        format!("docknet: unsupported command: {}\n", argv.join(" ")),
        127,
    ))
}

/// Runs a network tool in namespace `ns`: `ip`, `brctl`, `bridge`, `iptables-save`,
/// `iptables`.
pub fn run(
    kernel: &mut Observed<'_>,
    macs: &mut MacSource,
    ns: &NetnsName,
    argv: &[String],
) -> Outcome {
    match argv.first().map(String::as_str) {
        Some("ip") => iproute::run(kernel, macs, ns, argv),
        Some("brctl") => brctl::run(kernel, macs, ns, argv),
        Some("iptables") => iptables::run(kernel, ns, argv),
        Some("bridge" | "iptables-save") => show::show(kernel, ns, argv),
        _ => unsupported(argv),
    }
}
