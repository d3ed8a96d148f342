//! docknet-netstate: what every kernel speaks, and nothing about Docker.
//!
//! Start here:
//! - [`op`]: the [`Op`] vocabulary, one value per kernel change (netlink-level);
//! - [`kernel`]: the [`Kernel`] trait every backend (sim, real kernel) implements;
//! - [`state`]: [`KernelState`], what a backend reads back;
//! - [`render`]: prints a state as `ip`, `bridge`, `brctl` and `iptables-save` do.
//!
//! Like netlink-packet-route under rtnetlink, this crate is data: no I/O, no clock, no
//! randomness but [`rng::SeededRng`]. The Docker engine builds ops from it; sim and the real
//! kernel backend apply them and observe state into it; the renderers and the packet walk
//! read only that state.

pub mod diagram;
pub mod kernel;
pub mod op;
pub mod output;
pub mod render;
pub mod rng;
pub mod rule;
pub mod state;
pub mod tools;
pub mod walk;

pub use kernel::{Errno, Kernel, KernelError};
pub use op::{Ipv4Cidr, LinkAddKind, Mac, NetnsName, Op, RouteSpec, RulePosition, Table};
pub use output::CommandOutput;
pub use state::KernelState;
