//! The sim's one error type: an errno, as the real kernel (or iptables) would answer.

use docknet_netstate::kernel::Errno;
use docknet_netstate::{KernelError, Op};

/// Why the simulated kernel refused an op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// The errno the real kernel returns for the same request.
    #[error("{}", .0.message())]
    Errno(Errno),
}

impl SimError {
    /// The engine's error for `op` failing this way.
    pub fn into_kernel_error(self, op: &Op) -> KernelError {
        match self {
            SimError::Errno(e) => KernelError::errno(e, op),
        }
    }
}

impl From<Errno> for SimError {
    fn from(e: Errno) -> Self {
        SimError::Errno(e)
    }
}

/// Shorthand for an errno failure.
pub(crate) fn fail<T>(e: Errno) -> Result<T, SimError> {
    Err(SimError::Errno(e))
}
