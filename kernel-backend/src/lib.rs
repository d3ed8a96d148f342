//! docknet-kernel: the engine's `Kernel` trait on the real Linux kernel.
//!
//! Everything happens inside network namespaces this crate creates itself (a fresh "host"
//! namespace stands in for the machine's), held by file descriptor and gone when the backend
//! is dropped. Links, addresses and routes go through rtnetlink, sysctls through `/proc/sys`
//! from a thread inside the namespace, iptables through `iptables-restore`/`iptables-save`
//! spawned inside it. [`KernelBackend::observe`](docknet_engine::Kernel::observe) reads it all
//! back into the same `KernelState` the simulated kernel produces.

mod addr;
mod apply;
mod backend;
mod fuse;
mod ifindex;
mod iptables;
mod link;
mod linkwatch;
mod netns;
mod nl;
mod nsid;
mod observe;
mod restore;
mod route;
mod sysctl;

pub use backend::KernelBackend;
pub use netns::{inode as netns_inode, probe};

/// Why the backend could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum KernelBackendError {
    /// A system call or process failed.
    #[error("kernel backend: {0}")]
    Io(#[from] std::io::Error),
}
