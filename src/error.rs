//! docknet's one error type: what can stop a replay before or between steps.
//!
//! A step that fails (a Docker error, a missing device) is not an error here: it is part of
//! the transcript, exactly as a terminal shows it.

/// Why a scenario could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario text is malformed; names the file, the line and what was expected.
    #[error("{file}:{line}: expected {expected}")]
    Parse {
        /// The scenario's name as given (a path, or `<stdin>`).
        file: String,
        /// 1-based line number.
        line: usize,
        /// What the parser wanted to see there.
        expected: String,
    },
    /// `--at LINE` names a line that holds no step.
    #[error("{file}:{line}: no step starts on this line (--at takes the line of a `$ ` step)")]
    NoStepAt {
        /// The scenario's name as given.
        file: String,
        /// The line asked for.
        line: usize,
    },
    /// The scenario file could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The path.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The requested kernel backend cannot be used here.
    #[error("backend `{backend}` is not available: {reason}")]
    Backend {
        /// `sim` or `kernel`.
        backend: String,
        /// Why not.
        reason: String,
    },
    /// Building the scenario's host or starting the daemon failed in the kernel.
    #[error("cannot set up the host: {0}")]
    Setup(String),
}
