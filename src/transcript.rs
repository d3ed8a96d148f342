//! A replay's transcript: what a terminal would have shown, step by step.
//!
//! Text form (what `docknet replay` prints and what snapshots hold):
//!
//! ```text
//! $ docker rm test2
//! Error response from daemon: You cannot remove a running container ...
//! [exit 1]
//! ```
//!
//! Each step is its `$ command` line, then its stdout, then its stderr, then `[exit N]` when
//! the status is not 0. Output that does not end in a newline gets one, followed by a
//! `[no newline at end of output]` line, so a missing newline is visible, not hidden.
//! The JSON form keeps stdout and stderr apart: `[{"line", "command", "stdout", "stderr",
//! "exit"}]`.

use docknet_engine::{CommandOutput, NetnsName};
use serde::Serialize;

/// The whole replay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    /// One entry per step, in order.
    pub steps: Vec<StepRecord>,
}

/// What one step printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// The step's line in the scenario.
    pub line: usize,
    /// The command as written.
    pub command: String,
    /// stdout, stderr and exit status.
    pub output: CommandOutput,
    /// When the output came from a renderer: which tool ran in which namespace, so a harness
    /// can run the real binary there and compare.
    pub tool: Option<ToolRun>,
}

/// A show command docknet answered by rendering kernel state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolRun {
    /// The namespace the tool looked at.
    pub ns: NetnsName,
    /// The tool's argv (`ip`, `-d`, `link`, `show`...).
    pub argv: Vec<String>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    line: usize,
    command: &'a str,
    stdout: &'a str,
    stderr: &'a str,
    exit: i32,
}

impl Transcript {
    /// The text form, byte-for-byte stable for equal transcripts.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            out.push_str("$ ");
            out.push_str(&step.command);
            out.push('\n');
            push_block(&mut out, &step.output.stdout);
            push_block(&mut out, &step.output.stderr);
            if step.output.exit != 0 {
                out.push_str(&format!("[exit {}]\n", step.output.exit));
            }
        }
        out
    }

    /// The JSON form: an array of `{line, command, stdout, stderr, exit}`.
    pub fn to_json(&self) -> String {
        let steps: Vec<JsonStep<'_>> = self
            .steps
            .iter()
            .map(|s| JsonStep {
                line: s.line,
                command: &s.command,
                stdout: &s.output.stdout,
                stderr: &s.output.stderr,
                exit: s.output.exit,
            })
            .collect();
        let mut json = serde_json::to_string_pretty(&steps).expect("plain strings serialise");
        json.push('\n');
        json
    }
}

fn push_block(out: &mut String, block: &str) {
    if block.is_empty() {
        return;
    }
    out.push_str(block);
    if !block.ends_with('\n') {
        out.push_str("\n[no newline at end of output]\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript() -> Transcript {
        Transcript {
            steps: vec![
                StepRecord {
                    line: 3,
                    command: "docker ps".into(),
                    output: CommandOutput::ok("CONTAINER ID\n"),
                    tool: None,
                },
                StepRecord {
                    line: 4,
                    command: "docker rm x".into(),
                    output: CommandOutput::fail("Error: No such container: x", 1),
                    tool: None,
                },
            ],
        }
    }

    #[test]
    fn text_form() {
        assert_eq!(
            transcript().to_text(),
            "$ docker ps\nCONTAINER ID\n$ docker rm x\nError: No such container: x\n\
             [no newline at end of output]\n[exit 1]\n"
        );
    }

    #[test]
    fn json_form() {
        let v: serde_json::Value = serde_json::from_str(&transcript().to_json()).unwrap();
        assert_eq!(v[1]["line"], 4);
        assert_eq!(v[1]["command"], "docker rm x");
        assert_eq!(v[1]["stdout"], "");
        assert_eq!(v[1]["exit"], 1);
        let keys: Vec<_> = v[0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["line", "command", "stdout", "stderr", "exit"]);
    }
}
