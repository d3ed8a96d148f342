//! docknet-kernel: the engine's `Kernel` trait on the real Linux kernel.
//!
//! Everything happens inside network namespaces this crate creates itself (a fresh "host"
//! namespace stands in for the machine's), held by file descriptor and gone when the backend
//! is dropped. Links, addresses and routes go through rtnetlink, sysctls through `/proc/sys`
//! from a thread inside the namespace, iptables through `iptables-restore`/`iptables-save`
//! spawned inside it. [`KernelBackend::observe`](docknet_netstate::Kernel::observe) reads it all
//! back into the same `KernelState` the simulated kernel produces.
//!
//! What keeps the real kernel as deterministic as the simulated one:
//! - every ifindex is pinned by the backend, replaying the kernel's own allocation rule
//!   (module `ifindex`), so the fused fast path and the op-by-op path agree;
//! - linkwatch work is settled before a link is raised and before state is read
//!   (module `linkwatch`), as if time had passed between ops;
//! - NetnsDel returns only once the kernel has removed the namespace's veth peers elsewhere.
//!
//! Speed: Docker's attach sequence (veth in the host, peer moved into the container) is fused
//! into one RTM_NEWLINK that creates the peer in place (module `fuse`); namespaces
//! for a batch are created ahead on background threads; iptables ops of a batch go through
//! one `iptables-restore`.

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
mod probe;
mod restore;
mod route;
mod socket;
mod sysctl;
pub mod tools;

pub use backend::KernelBackend;
/// Whether the backend can run here: namespaces can be made and configured (root, or
/// CAP_SYS_ADMIN + CAP_NET_ADMIN), and the programs it runs ([`tools::BACKEND_TOOLS`]) exist.
pub fn probe() -> Result<(), String> {
    netns::probe()?;
    tools::check(tools::BACKEND_TOOLS)
}

/// Why the backend could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum KernelBackendError {
    /// A system call or process failed.
    #[error("kernel backend: {0}")]
    Io(#[from] std::io::Error),
}
