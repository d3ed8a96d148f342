//! Which kernel a replay runs on: the simulated one (default) or the real one.

use std::cell::RefCell;
use std::rc::Rc;

use docknet_engine::{CommandOutput, Kernel, KernelError, KernelState, Op};

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

    /// Whether this build can run the backend at all (test harnesses only make trials for
    /// built backends; both are built on Linux).
    pub fn is_built(self) -> bool {
        true
    }

    /// A fresh kernel and, for a real kernel, a [`ToolRunner`] that runs the real `ip`,
    /// `bridge`, `brctl` and `iptables-save` inside it.
    pub fn kernel_with_tools(self) -> Result<(Box<dyn Kernel>, Option<ToolRunner>), Error> {
        match self {
            Backend::Sim => Ok((sim()?, None)),
            Backend::Kernel => {
                docknet_kernel::tools::check(docknet_kernel::tools::SHOW_TOOLS)
                    .map_err(|e| unavailable(format!("the real tools to compare with are {e}")))?;
                real()
            }
        }
    }

    /// A fresh kernel of this kind, with only the host namespace.
    pub fn kernel(self) -> Result<Box<dyn Kernel>, Error> {
        match self {
            Backend::Sim => sim(),
            Backend::Kernel => real().map(|(kernel, _)| kernel),
        }
    }
}

fn sim() -> Result<Box<dyn Kernel>, Error> {
    Ok(Box::new(docknet_sim::Sim::new()))
}

/// Why the real kernel cannot be used here.
fn unavailable(reason: String) -> Error {
    Error::Backend {
        backend: Backend::Kernel.name().into(),
        reason,
    }
}

/// The real kernel, shared between the replay (which applies ops) and the tool runner (which
/// runs `ip` and friends between steps, never during an op).
fn real() -> Result<(Box<dyn Kernel>, Option<ToolRunner>), Error> {
    docknet_kernel::probe().map_err(unavailable)?;
    let backend = docknet_kernel::KernelBackend::new().map_err(|e| unavailable(e.to_string()))?;
    let shared = Rc::new(RefCell::new(backend));
    let for_tools = Rc::clone(&shared);
    let tools: ToolRunner = Box::new(move |run: &ToolRun| {
        let out = for_tools.borrow().run_in_netns(&run.ns, &run.argv)?;
        Ok(CommandOutput {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            exit: out.status.code().unwrap_or(128),
        })
    });
    Ok((Box::new(SharedKernel(shared)), Some(tools)))
}

/// A [`docknet_kernel::KernelBackend`] that a [`ToolRunner`] can also reach.
struct SharedKernel(Rc<RefCell<docknet_kernel::KernelBackend>>);

impl Kernel for SharedKernel {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        self.0.borrow_mut().apply(op)
    }

    fn apply_all(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        self.0.borrow_mut().apply_all(ops)
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        self.0.borrow_mut().observe()
    }

    fn probe(
        &mut self,
        probe: &docknet_netstate::walk::Probe,
    ) -> Result<docknet_netstate::walk::Outcome, KernelError> {
        self.0.borrow_mut().probe(probe)
    }

    fn sends_real_packets(&self) -> bool {
        true
    }
}
