//! Which kernel a replay runs on: the simulated one (default) or the real one.

use docknet_engine::Kernel;

use crate::error::Error;

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

    /// A fresh kernel of this kind, with only the host namespace.
    pub fn kernel(self) -> Result<Box<dyn Kernel>, Error> {
        match self {
            Backend::Sim => sim(),
            Backend::Kernel => Err(Error::Backend {
                backend: self.name().into(),
                reason: "docknet-kernel is not wired into the CLI yet".into(),
            }),
        }
    }
}

fn sim() -> Result<Box<dyn Kernel>, Error> {
    Ok(Box::new(docknet_sim::Sim::new()))
}
