//! The contract every kernel implements: apply ops, observe state.

use crate::op::Op;
use crate::state::KernelState;
use crate::walk::{walk, Outcome, Probe};

/// A Linux errno that a kernel operation can fail with (the subset docknet meets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Errno {
    /// 1: operation not permitted.
    EPERM,
    /// 2: no such file or directory (e.g. a missing namespace or chain).
    ENOENT,
    /// 16: device or resource busy (e.g. deleting a referenced chain).
    EBUSY,
    /// 17: file exists.
    EEXIST,
    /// 19: no such device.
    ENODEV,
    /// 22: invalid argument.
    EINVAL,
    /// 95: operation not supported.
    EOPNOTSUPP,
    /// 99: cannot assign requested address.
    EADDRNOTAVAIL,
    /// 101: network is unreachable (a route whose gateway no prefix covers).
    ENETUNREACH,
    /// 107: transport endpoint is not connected (a veth end up before its pair exists).
    ENOTCONN,
    /// 3: no such process (netlink's answer for a missing route or address: ESRCH).
    ESRCH,
    /// 100: network is down (a route through a link that is not up).
    ENETDOWN,
    /// 7: argument list too long (iptables: index of insertion too big).
    E2BIG,
    /// 40: too many levels of symbolic links (a bridge enslaved to a bridge).
    ELOOP,
    /// 98: address already in use (a second listener on a port).
    EADDRINUSE,
}

impl Errno {
    /// The errno number.
    pub fn code(self) -> i32 {
        match self {
            Errno::EPERM => 1,
            Errno::ENOENT => 2,
            Errno::ESRCH => 3,
            Errno::EBUSY => 16,
            Errno::EEXIST => 17,
            Errno::ENODEV => 19,
            Errno::EINVAL => 22,
            Errno::EOPNOTSUPP => 95,
            Errno::EADDRNOTAVAIL => 99,
            Errno::ENETUNREACH => 101,
            Errno::ENOTCONN => 107,
            Errno::ENETDOWN => 100,
            Errno::E2BIG => 7,
            Errno::ELOOP => 40,
            Errno::EADDRINUSE => 98,
        }
    }

    /// The errno for a number, if docknet knows it.
    pub fn from_code(code: i32) -> Option<Errno> {
        [
            Errno::EPERM,
            Errno::ENOENT,
            Errno::ESRCH,
            Errno::EBUSY,
            Errno::EEXIST,
            Errno::ENODEV,
            Errno::EINVAL,
            Errno::EOPNOTSUPP,
            Errno::EADDRNOTAVAIL,
            Errno::ENETUNREACH,
            Errno::ENOTCONN,
            Errno::ENETDOWN,
            Errno::E2BIG,
            Errno::ELOOP,
            Errno::EADDRINUSE,
        ]
        .into_iter()
        .find(|e| e.code() == code.abs())
    }

    /// strerror(3) text, as `RTNETLINK answers: ...` shows it.
    pub fn message(self) -> &'static str {
        match self {
            Errno::EPERM => "Operation not permitted",
            Errno::ENOENT => "No such file or directory",
            Errno::ESRCH => "No such process",
            Errno::EBUSY => "Device or resource busy",
            Errno::EEXIST => "File exists",
            Errno::ENODEV => "No such device",
            Errno::EINVAL => "Invalid argument",
            Errno::EOPNOTSUPP => "Operation not supported",
            Errno::EADDRNOTAVAIL => "Cannot assign requested address",
            Errno::ENETUNREACH => "Network is unreachable",
            Errno::ENOTCONN => "Transport endpoint is not connected",
            Errno::ENETDOWN => "Network is down",
            Errno::E2BIG => "Argument list too long",
            Errno::ELOOP => "Too many levels of symbolic links",
            Errno::EADDRINUSE => "Address already in use",
        }
    }
}

/// Why a kernel refused or failed an op.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KernelError {
    /// The kernel answered with an errno.
    #[error("{}", .errno.message())]
    Errno {
        /// The errno.
        errno: Errno,
        /// The op that failed, for diagnostics.
        op: Box<Op>,
    },
    /// Anything else (a tool that failed, an I/O error, an unsupported request).
    #[error("{0}")]
    Other(String),
}

impl KernelError {
    /// An errno failure of `op`.
    pub fn errno(errno: Errno, op: &Op) -> Self {
        KernelError::Errno {
            errno,
            op: Box::new(op.clone()),
        }
    }

    /// The errno, if the failure was one.
    pub fn errno_value(&self) -> Option<Errno> {
        match self {
            KernelError::Errno { errno, .. } => Some(*errno),
            KernelError::Other(_) => None,
        }
    }
}

/// A Linux network kernel: the simulated one or the real one.
///
/// The engine applies ops one at a time and rolls back on failure; `observe` reads everything
/// back. A kernel never knows Docker.
pub trait Kernel {
    /// Applies one op, or changes nothing and says why.
    fn apply(&mut self, op: &Op) -> Result<(), KernelError>;

    /// Applies ops in order; stops at the first failure and returns its index. Ops before it
    /// stay applied (the caller rolls them back). Backends override this to batch.
    fn apply_all(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        for (i, op) in ops.iter().enumerate() {
            self.apply(op).map_err(|e| (i, e))?;
        }
        Ok(())
    }

    /// Reads the whole state back.
    fn observe(&mut self) -> Result<KernelState, KernelError>;

    /// Sends one probe (a ping, a TCP connect, a UDP datagram) and reports what came back.
    /// The default walks the packet through the observed state ([`crate::walk`]); a real
    /// kernel sends real packets.
    fn probe(&mut self, probe: &Probe) -> Result<Outcome, KernelError> {
        walk_probe(&self.observe()?, probe)
    }

    /// Whether [`Kernel::probe`] sends real packets (a wrapper that caches the observed
    /// state may walk that state instead when it does not).
    fn sends_real_packets(&self) -> bool {
        false
    }
}

/// [`Kernel::probe`]'s walk over an already observed state.
pub fn walk_probe(state: &KernelState, probe: &Probe) -> Result<Outcome, KernelError> {
    walk(state, probe)
        .map(|t| t.outcome)
        .map_err(|e| KernelError::Other(e.to_string()))
}
