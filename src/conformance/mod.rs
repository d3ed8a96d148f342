//! Conformance: a scenario replayed on docknet (sim) and on a real Docker 20.10 host, step
//! by step, compared after [`normalise`] has removed only what a real host makes random.
//!
//! The real host ([`oracle`]) is the scenario's host built by docknet's kernel backend with
//! Debian's dockerd 20.10 and CLI 20.10 in it, and the scenario's images built from this
//! machine's busybox ([`images`]). Steps that only docknet has (`docknet trace|reach`) are not
//! compared. Each compared step is equal when stdout, stderr and the exit status are.

pub mod images;
pub mod normalise;
pub mod oracle;
pub mod order;

use std::path::Path;

use docknet_engine::container::image::is_generated_name;
use docknet_engine::{CommandOutput, DEFAULT_SEED};

use crate::error::Error;
use crate::runner::{self, run_step};
use crate::scenario::Scenario;
use normalise::Normaliser;
use oracle::Oracle;

/// One compared step.
#[derive(Clone, Debug)]
pub struct StepComparison {
    /// The step's line in the scenario.
    pub line: usize,
    /// The command as written.
    pub command: String,
    /// docknet's output, normalised.
    pub docknet: CommandOutput,
    /// The real host's output, normalised.
    pub real: CommandOutput,
}

impl StepComparison {
    /// Whether both hosts printed the same.
    pub fn equal(&self) -> bool {
        self.docknet == self.real
    }

    /// A readable account of a difference (empty when equal).
    pub fn describe(&self) -> String {
        if self.equal() {
            return String::new();
        }
        let mut s = format!("line {}: $ {}\n", self.line, self.command);
        for (what, d, r) in [
            ("stdout", &self.docknet.stdout, &self.real.stdout),
            ("stderr", &self.docknet.stderr, &self.real.stderr),
        ] {
            if d != r {
                s += &format!("  {what} differs:\n{}", line_diff(d, r));
            }
        }
        if self.docknet.exit != self.real.exit {
            s += &format!(
                "  exit: docknet {}, docker {}\n",
                self.docknet.exit, self.real.exit
            );
        }
        s
    }
}

/// Lines only docknet printed (`-`) and only Docker printed (`+`), in order.
fn line_diff(docknet: &str, real: &str) -> String {
    let (d, r): (Vec<&str>, Vec<&str>) = (docknet.lines().collect(), real.lines().collect());
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < d.len() || j < r.len() {
        if i < d.len() && j < r.len() && d[i] == r[j] {
            i += 1;
            j += 1;
        } else if i < d.len() && !r[j..].contains(&d[i]) {
            out += &format!("    - {}\n", d[i]);
            i += 1;
        } else if j < r.len() {
            out += &format!("    + {}\n", r[j]);
            j += 1;
        } else {
            out += &format!("    - {}\n", d[i]);
            i += 1;
        }
    }
    out
}

/// Whether a step is compared (docknet's own diagnostics have no Docker counterpart).
pub fn compared(argv0: Option<&str>) -> bool {
    argv0 != Some("docknet")
}

/// Replays `scenario` on sim and on a real engine whose state lives under `base`.
pub fn compare(
    scenario: &Scenario,
    seed: Option<u64>,
    base: &Path,
) -> Result<Vec<StepComparison>, Error> {
    let seed = seed.or(scenario.seed).unwrap_or(DEFAULT_SEED);
    let mut kernel = docknet_sim::Sim::new();
    let transcript = runner::replay(scenario, Some(seed), &mut kernel)?;
    let oracle = Oracle::start(scenario, seed, base).map_err(setup)?;
    for image in images::used_by(scenario) {
        images::build(&|args| oracle.docker(args), oracle.base(), &image).map_err(setup)?;
    }
    let fixed: Vec<String> = scenario
        .host_ifs
        .iter()
        .map(|h| h.mac.to_string())
        .collect();
    let mut ours = Normaliser::new(fixed.clone(), is_generated_name);
    let mut theirs = Normaliser::new(fixed, is_generated_name);
    let mut out = Vec::new();
    for (step, record) in scenario.steps.iter().zip(&transcript.steps) {
        let real = run_step(step, &mut |argv| oracle.run(argv), |o| o);
        let first = step.argv.first().and_then(|w| w.literal());
        if !compared(first.as_deref()) {
            continue;
        }
        let words: Vec<String> = step.argv.iter().filter_map(|w| w.literal()).collect();
        let tty =
            words.first().is_some_and(|w| w == "docker") && oracle::tty_requested(&words[1..]);
        out.push(StepComparison {
            line: step.line,
            command: step.command.clone(),
            docknet: normalised(&mut ours, &step.command, &record.output, tty),
            real: normalised(&mut theirs, &step.command, &real, false),
        });
    }
    Ok(out)
}

/// `out` through `n`; under a terminal both streams arrive as one (the `tty` normalisation).
fn normalised(n: &mut Normaliser, command: &str, out: &CommandOutput, tty: bool) -> CommandOutput {
    let (stdout, stderr) = if tty {
        (format!("{}{}", out.stdout, out.stderr), String::new())
    } else {
        (out.stdout.clone(), out.stderr.clone())
    };
    CommandOutput {
        stdout: n.normalise(command, &stdout),
        stderr: n.normalise(command, &stderr),
        exit: out.exit,
    }
}

fn setup(reason: String) -> Error {
    Error::Setup(format!("real Docker host: {reason}"))
}
