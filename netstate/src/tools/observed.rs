//! The kernel as the runner sees it: the last observed state is kept until an op changes it.
//!
//! Show commands often follow each other without a change in between (`brctl show`, then
//! `ip link show`), and the daemon must be told the host's routes before each Docker command;
//! reading the whole state back for each of them would dominate a replay's time. Any op
//! applied through this wrapper (by the runner or by the engine) drops the cached state.
//! A kernel whose state changed without an op (the real kernel settling an operstate) is
//! read again after the next op.

use crate::{Kernel, KernelError, KernelState, Op};

/// A kernel plus the state last read from it.
pub struct Observed<'k> {
    kernel: &'k mut dyn Kernel,
    state: Option<KernelState>,
}

impl<'k> Observed<'k> {
    /// Wraps `kernel`; nothing is read yet.
    pub fn new(kernel: &'k mut dyn Kernel) -> Self {
        Observed {
            kernel,
            state: None,
        }
    }

    /// The current state, read from the kernel only if an op was applied since the last read.
    pub fn state(&mut self) -> Result<&KernelState, KernelError> {
        if self.state.is_none() {
            self.state = Some(self.kernel.observe()?);
        }
        Ok(self.state.as_ref().expect("just filled"))
    }
}

impl Kernel for Observed<'_> {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        self.state = None;
        self.kernel.apply(op)
    }

    fn apply_all(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        self.state = None;
        self.kernel.apply_all(ops)
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        self.state().cloned()
    }

    fn probe(&mut self, probe: &crate::walk::Probe) -> Result<crate::walk::Outcome, KernelError> {
        if self.kernel.sends_real_packets() {
            return self.kernel.probe(probe);
        }
        crate::kernel::walk_probe(self.state()?, probe)
    }

    fn sends_real_packets(&self) -> bool {
        self.kernel.sends_real_packets()
    }
}
