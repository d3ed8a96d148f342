//! Applying a command's ops all-or-nothing.
//!
//! A Docker command becomes a [`Plan`]: ops, each with the op that undoes it. If the kernel
//! refuses one, the undo ops of everything already applied run in reverse order, so a failed
//! command changes nothing.

use crate::kernel::{Kernel, KernelError};
use crate::op::Op;

/// One op and how to take it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The change.
    pub op: Op,
    /// The change that reverts it, if it needs reverting (`None` for idempotent settings).
    pub undo: Option<Op>,
}

/// An ordered list of steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Steps in application order.
    pub steps: Vec<Step>,
}

impl Plan {
    /// An empty plan.
    pub fn new() -> Self {
        Plan::default()
    }

    /// Adds an op with its undo.
    pub fn push(&mut self, op: Op, undo: Option<Op>) {
        self.steps.push(Step { op, undo });
    }

    /// Adds every step of `other`.
    pub fn extend(&mut self, other: Plan) {
        self.steps.extend(other.steps);
    }

    /// The ops alone, in order.
    pub fn ops(&self) -> impl Iterator<Item = &Op> {
        self.steps.iter().map(|s| &s.op)
    }

    /// Applies every step; on the first failure reverts what was applied and returns the error.
    pub fn apply(&self, kernel: &mut dyn Kernel) -> Result<(), KernelError> {
        let ops: Vec<Op> = self.steps.iter().map(|s| s.op.clone()).collect();
        match kernel.apply_all(&ops) {
            Ok(()) => Ok(()),
            Err((failed, err)) => {
                for step in self.steps[..failed].iter().rev() {
                    if let Some(undo) = &step.undo {
                        // Best effort: a failing undo cannot be reported better than the
                        // original error, which is what the user needs to see.
                        let _ = kernel.apply(undo);
                    }
                }
                Err(err)
            }
        }
    }
}
