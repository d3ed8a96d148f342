//! Show commands (`ip ... show`, `brctl show`, `bridge link`, `iptables-save`,
//! `ip netns list-id`): observe the kernel, then let the engine's renderers print it.

use crate::{CommandOutput, NetnsName};

use super::observed::Observed;
use super::Outcome;
use super::ToolRun;

/// Renders `argv` as the real tool would print it in namespace `ns`.
pub fn show(kernel: &mut Observed<'_>, ns: &NetnsName, argv: &[String]) -> Outcome {
    let state = match kernel.state() {
        Ok(state) => state,
        Err(e) => {
            return Outcome::plain(CommandOutput::fail(
                format!("docknet: cannot read the kernel state: {e}\n"),
                1,
            ))
        }
    };
    match render(state, ns, argv) {
        Some(output) => Outcome {
            output,
            tool: Some(ToolRun {
                ns: ns.clone(),
                argv: argv.to_vec(),
                compare: super::Compare::Exact,
            }),
        },
        None => super::unsupported(argv),
    }
}

fn render(state: &crate::KernelState, ns: &NetnsName, argv: &[String]) -> Option<CommandOutput> {
    crate::render::run_tool(state, ns, argv)
}
