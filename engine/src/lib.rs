//! docknet-engine: Docker 20.10 bridge networking as pure data.
//!
//! Start here: [`Engine`] takes `docker ...` argv and turns each command into a [`Plan`] of
//! kernel ops ([`op`], from the Docker-free contract crate `docknet-netstate`, re-exported
//! here with [`kernel`], [`state`], [`render`], [`output`] and [`rng`]); [`network`],
//! [`container`], [`ipam`] and [`firewall`] hold Docker's semantics, [`cli`] its front end.
//!
//! The engine does no I/O, has no clock and no randomness but [`rng::SeededRng`]. Data flows one
//! way: command → engine → ops → kernel → observed state → render.

#![recursion_limit = "256"]

pub use docknet_netstate::{kernel, op, output, render, rng, state};

pub mod api;
pub mod cli;
pub mod clock;
pub mod compose;
pub mod container;
pub mod daemon;
pub mod engine;
pub mod error;
pub mod firewall;
mod ids;
pub mod inspect;
pub mod ipam;
pub mod network;
pub mod plan;

pub use engine::{Engine, DEFAULT_SEED};
pub use error::EngineError;
pub use kernel::{Errno, Kernel, KernelError};
pub use op::{Ipv4Cidr, LinkAddKind, Mac, NetnsName, Op, RouteSpec, RulePosition, Table};
pub use output::CommandOutput;
pub use plan::Plan;
pub use state::KernelState;
