//! What a command prints: the engine's answer to one Docker command line.

/// stdout, stderr and exit status of one command, as a terminal would show them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Standard output, with its trailing newline if the real tool prints one.
    pub stdout: String,
    /// Standard error, likewise.
    pub stderr: String,
    /// Exit status.
    pub exit: i32,
}

impl CommandOutput {
    /// Success with this stdout.
    pub fn ok(stdout: impl Into<String>) -> Self {
        CommandOutput {
            stdout: stdout.into(),
            stderr: String::new(),
            exit: 0,
        }
    }

    /// Failure with this stderr and exit status.
    pub fn fail(stderr: impl Into<String>, exit: i32) -> Self {
        CommandOutput {
            stdout: String::new(),
            stderr: stderr.into(),
            exit,
        }
    }
}
