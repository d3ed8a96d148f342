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

use docknet_engine::CommandOutput;
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

pub use docknet_netstate::tools::ToolRun;

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
        self.steps.iter().map(StepRecord::to_text).collect()
    }

    /// The JSON form: an array of `{line, command, stdout, stderr, exit}`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let mut stream = JsonStream::default();
        for step in &self.steps {
            out.push_str(&stream.step(step));
        }
        out.push_str(&stream.finish());
        out
    }
}

impl StepRecord {
    /// This step in the transcript's text form.
    pub fn to_text(&self) -> String {
        let mut out = format!("$ {}\n", self.command);
        push_block(&mut out, &self.output.stdout);
        push_block(&mut out, &self.output.stderr);
        if self.output.exit != 0 {
            out.push_str(&format!("[exit {}]\n", self.output.exit));
        }
        out
    }

    fn json(&self) -> JsonStep<'_> {
        JsonStep {
            line: self.line,
            command: &self.command,
            stdout: &self.output.stdout,
            stderr: &self.output.stderr,
            exit: self.output.exit,
        }
    }
}

/// Writes [`Transcript::to_json`]'s document one step at a time, so a long replay shows its
/// progress; the pieces joined are byte-identical to the whole document.
#[derive(Debug, Default)]
pub struct JsonStream {
    started: bool,
}

impl JsonStream {
    /// The text for one more step (the array's opening bracket comes with the first).
    pub fn step(&mut self, step: &StepRecord) -> String {
        let pretty = serde_json::to_string_pretty(&step.json()).expect("plain strings serialise");
        let mut out = String::from(if self.started { ",\n" } else { "[\n" });
        self.started = true;
        let indented: Vec<String> = pretty.lines().map(|l| format!("  {l}")).collect();
        out.push_str(&indented.join("\n"));
        out
    }

    /// The closing text: `]` (or `[]` when no step was written) and a newline.
    pub fn finish(self) -> String {
        if self.started { "\n]\n" } else { "[]\n" }.to_string()
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

    #[test]
    fn streamed_json_is_serde_json_pretty_output() {
        let t = transcript();
        let steps: Vec<JsonStep<'_>> = t.steps.iter().map(StepRecord::json).collect();
        let whole = serde_json::to_string_pretty(&steps).unwrap() + "\n";
        assert_eq!(t.to_json(), whole);
        let empty = Transcript::default();
        assert_eq!(empty.to_json(), "[]\n");
        assert_eq!(
            serde_json::to_string_pretty(&Vec::<JsonStep<'_>>::new()).unwrap(),
            "[]"
        );
    }
}
