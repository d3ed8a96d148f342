//! Which kernel a replay runs on: the simulated one (default) or the real one.

use docknet_engine::{CommandOutput, Kernel};

use crate::error::Error;
use crate::transcript::ToolRun;

/// Runs the real binary of a rendered show command in the namespace the backend holds, for
/// comparing docknet's rendering with the real tool's output (real kernels only).
pub type ToolRunner = Box<dyn FnMut(&ToolRun) -> std::io::Result<CommandOutput>>;

/// A kernel implementation a replay can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// docknet-sim: in memory, deterministic, no privileges needed.
    Sim,
    /// docknet-kernel: the real Linux kernel, inside namespaces it creates (needs root).
    Kernel,
}

impl Backend {
    /// Parses `sim` or `kernel`.
    pub fn parse(s: &str) -> Option<Backend> {
        match s {
            "sim" => Some(Backend::Sim),
            "kernel" => Some(Backend::Kernel),
            _ => None,
        }
    }

    /// The name `--backend` takes.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sim => "sim",
            Backend::Kernel => "kernel",
        }
    }

    /// Whether this build can run the backend at all (the kernel backend is not wired into
    /// the root package yet; test harnesses only make trials for built backends).
    pub fn is_built(self) -> bool {
        match self {
            Backend::Sim => true,
            Backend::Kernel => false,
        }
    }

    /// A fresh kernel and, for a real kernel, a [`ToolRunner`] that runs the real `ip`,
    /// `bridge`, `brctl` and `iptables-save` inside it.
    pub fn kernel_with_tools(self) -> Result<(Box<dyn Kernel>, Option<ToolRunner>), Error> {
        match self {
            Backend::Sim => Ok((sim()?, None)),
            Backend::Kernel => Err(Error::Backend {
                backend: self.name().into(),
                reason: "docknet-kernel is not wired into the CLI yet".into(),
            }),
        }
    }

    /// A fresh kernel of this kind, with only the host namespace.
    pub fn kernel(self) -> Result<Box<dyn Kernel>, Error> {
        self.kernel_with_tools().map(|(kernel, _)| kernel)
    }
}

fn sim() -> Result<Box<dyn Kernel>, Error> {
    Ok(Box::new(docknet_sim::Sim::new()))
}
