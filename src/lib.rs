//! docknet: Docker 20.10 bridge networking, replayed on a simulated or a real Linux kernel.
//!
//! Start here:
//! - [`scenario`]: the `.scn` format (host directives and `$ command` steps) and its parser;
//! - [`runner`]: builds the host, boots the engine, and answers each step (Docker commands
//!   through the engine, `ip`/`brctl`/`bridge`/`iptables-save` through kernel ops and
//!   renderers);
//! - [`transcript`]: what a replay printed, as text or JSON;
//! - [`backend`]: the kernel a replay runs on;
//! - [`conformance`]: a scenario on docknet and on a real Docker 20.10, compared step by step.
//!
//! Docker semantics live in `docknet-engine`, the simulated kernel in `docknet-sim`; this
//! crate only wires them to scenario files and the command line.

pub mod backend;
pub mod conformance;
pub mod error;
pub mod runner;
pub mod scenario;
pub mod serve;
pub mod transcript;

pub use backend::Backend;
pub use error::Error;
pub use runner::{replay, replay_then, replay_with};
pub use scenario::{parse, Scenario};
pub use transcript::Transcript;

/// Reads and parses a scenario file (`-` reads standard input).
pub fn load(path: &str) -> Result<Scenario, Error> {
    let (name, text) = if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|source| {
            Error::Read {
                file: "<stdin>".into(),
                source,
            }
        })?;
        ("<stdin>".to_string(), text)
    } else {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            file: path.into(),
            source,
        })?;
        (path.to_string(), text)
    };
    parse(&name, &text)
}

/// Parses, then replays on a fresh kernel of `backend`.
pub fn replay_file(path: &str, seed: Option<u64>, backend: Backend) -> Result<Transcript, Error> {
    replay_file_with(path, seed, backend, &mut |_| {})
}

/// [`replay_file`], calling `after_step` with each step as soon as it has run.
pub fn replay_file_with(
    path: &str,
    seed: Option<u64>,
    backend: Backend,
    after_step: &mut dyn FnMut(&transcript::StepRecord),
) -> Result<Transcript, Error> {
    let scenario = load(path)?;
    let mut kernel = backend.kernel()?;
    replay_with(&scenario, seed, kernel.as_mut(), after_step)
}

/// Replays a scenario file on `backend`, then runs `then` (a `docknet trace ...` or
/// `docknet reach` line) on the host it left; returns what that printed.
pub fn diagnose_file(
    path: &str,
    seed: Option<u64>,
    backend: Backend,
    then: &[String],
) -> Result<docknet_engine::CommandOutput, Error> {
    diagnose_file_at(path, seed, backend, then, None)
}

/// [`diagnose_file`], replaying only the steps up to and including the one on line `at`
/// (all of them when `None`); a line with no step is [`Error::NoStepAt`].
pub fn diagnose_file_at(
    path: &str,
    seed: Option<u64>,
    backend: Backend,
    then: &[String],
    at: Option<usize>,
) -> Result<docknet_engine::CommandOutput, Error> {
    let mut scenario = load(path)?;
    if let Some(line) = at {
        if !scenario.steps.iter().any(|s| s.line == line) {
            return Err(Error::NoStepAt {
                file: scenario.file.clone(),
                line,
            });
        }
        scenario.steps.retain(|s| s.line <= line);
    }
    let mut kernel = backend.kernel()?;
    replay_then(&scenario, seed, kernel.as_mut(), &mut |_| {}, then).map(|(_, out)| out)
}
