//! docknet-engine: Docker 20.10 bridge networking as pure data.
//!
//! Start here:
//! - [`op`]: the [`Op`] vocabulary, one value per kernel change;
//! - [`kernel`]: the [`Kernel`] trait every backend (sim, real kernel) implements;
//! - [`state`]: [`KernelState`], what a backend reads back, and [`render`], which prints it as
//!   `ip`, `bridge`, `brctl` and `iptables-save` do.
//!
//! The engine does no I/O, has no clock and no randomness but [`rng::SeededRng`]. Data flows one
//! way: command → engine → ops → kernel → observed state → render.

#![recursion_limit = "256"]

pub mod cli;
pub mod clock;
pub mod container;
pub mod daemon;
pub mod engine;
pub mod error;
pub mod firewall;
mod ids;
pub mod inspect;
pub mod ipam;
pub mod kernel;
pub mod network;
pub mod op;
pub mod output;
pub mod plan;
pub mod render;
pub mod rng;
pub mod state;

pub use engine::{Engine, DEFAULT_SEED};
pub use error::EngineError;
pub use kernel::{Errno, Kernel, KernelError};
pub use op::{Ipv4Cidr, LinkAddKind, Mac, NetnsName, Op, RouteSpec, RulePosition, Table};
pub use output::CommandOutput;
pub use plan::Plan;
pub use state::KernelState;
