//! `docker exec`'s program, run in the container's namespace with the in-container tools;
//! shared by a replay's `docker exec` step and the Engine API's exec.

use docknet_engine::output::CommandOutput;

use super::{clients, net, unsupported, Outcome, Runner};

/// `docker exec` of a program the image lacks, as CLI 20.10 prints runc 1.1.5's refusal (on
/// stdout, status 126; seen with the conformance runner).
fn exec_not_found(program: &str) -> CommandOutput {
    CommandOutput {
        stdout: format!(
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \
             \"{program}\": executable file not found in $PATH: unknown\n"
        ),
        stderr: String::new(),
        exit: 126,
    }
}

impl Runner<'_> {
    /// Runs `cmd` in `container`'s namespace (the part of `docker exec` after its flags;
    /// `argv` is the whole command line, for the "unsupported" message).
    pub(crate) fn exec_in(&mut self, argv: &[String], container: &str, cmd: &[String]) -> Outcome {
        let Some(ns) = self.engine.container_netns(container) else {
            return Outcome::plain(self.exec_refusal(container));
        };
        if net::flavour(&self.engine, &ns) == clients::Flavour::Busybox
            && !clients::busybox_applets::has(&cmd[0])
        {
            return Outcome::plain(exec_not_found(&cmd[0]));
        }
        if matches!(cmd[0].as_str(), "bash" | "sh" | "ash") && cmd.len() == 1 {
            return Outcome::plain(CommandOutput::fail(
                format!(
                    "docknet: interactive shells are not supported; run the command directly, \
                     e.g. `docker exec {container} ip address show`\n"
                ),
                127,
            ));
        }
        let outcome = self.tool(&ns, cmd);
        if outcome.output.exit == 127 && outcome.tool.is_none() {
            return unsupported(argv);
        }
        outcome
    }

    /// Why a container has no namespace to exec in: unknown, or not running.
    fn exec_refusal(&mut self, container: &str) -> CommandOutput {
        let query: Vec<String> = ["container", "inspect", "-f", "{{.Id}}", container]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let found = self.engine.docker(&mut self.kernel, &query);
        if found.exit != 0 {
            return CommandOutput::fail(format!("Error: No such container: {container}\n"), 1);
        }
        CommandOutput::fail(
            format!(
                "Error response from daemon: Container {} is not running\n",
                found.stdout.trim()
            ),
            1,
        )
    }
}
