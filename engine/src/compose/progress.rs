//! The progress lines each program prints on stderr while it works.
//!
//! Facts (`tests/oracle/compose-*.log`, stderr not a terminal): 2.40 prints
//! ` Container NAME  Creating` / `Created` / `Starting` / `Started` (and `Network`, and
//! `Stopping`, `Stopped`, `Removing`, `Removed`); 1.29 prints `Creating NAME ... ` and later
//! `Creating NAME ... done`, each name padded to the longest it has printed so far in the
//! command (a line that follows `\r`: docknet leaves the `\r` out).

use super::program::Program;

/// What a progress line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Object {
    /// A container.
    Container,
    /// A network.
    Network,
}

/// The stderr text of one command, in the program's style.
#[derive(Debug)]
pub struct Progress {
    program: Program,
    width: usize,
    /// What was printed so far.
    pub text: String,
}

impl Progress {
    /// Nothing printed yet.
    pub fn new(program: Program) -> Self {
        Progress {
            program,
            width: 0,
            text: String::new(),
        }
    }

    /// Whose style this is.
    pub fn program(&self) -> Program {
        self.program
    }

    /// 1.29's writer learns a name before it prints it: later lines pad to the longest.
    pub fn learn(&mut self, name: &str) {
        self.width = self.width.max(name.len());
    }

    /// 2.40's ` Container NAME  Status`.
    pub fn event(&mut self, what: Object, name: &str, status: &str) {
        if self.program == Program::V2 {
            let kind = match what {
                Object::Container => "Container",
                Object::Network => "Network",
            };
            self.text.push_str(&format!(" {kind} {name}  {status}\n"));
        }
    }

    /// 1.29's `Verb NAME ... STATUS` (STATUS empty when it starts).
    pub fn step(&mut self, verb: &str, name: &str, status: &str) {
        if self.program == Program::V1 {
            self.learn(name);
            let w = self.width;
            self.text
                .push_str(&format!("{verb} {name:<w$} ... {status}\n"));
        }
    }

    /// 1.29's batch: every name starts, then every name is done, in order.
    pub fn batch(&mut self, verb: &str, names: &[String]) {
        for n in names {
            self.step(verb, n, "");
        }
        for n in names {
            self.step(verb, n, "done");
        }
    }

    /// A line as it is (1.29's network lines, errors).
    pub fn line(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push('\n');
    }
}
