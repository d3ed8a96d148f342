//! Connectivity diagrams, drawn from the observed state: the tutorial's "current
//! connectivity" pictures.
//!
//! Contract: a diagram reads only a [`KernelState`] and the [`Labels`] its caller knows
//! (container and network names, published ports), builds one [`Topology`], and emits it as
//! text, Mermaid, DOT or SVG. Equal inputs give byte-identical output (every collection is
//! ordered; the SVG layout is a fixed layered one, not an iterative one). With `reach`, the
//! [`Reach`] overlay runs the packet walk over the same state and adds who reaches whom.
//!
//! Facts (what the tutorial's pictures show, `../shared/tutorial/`, "Connectivity" and
//! "Below is the current connectivity"):
//! - the host's root namespace as a box holding its NICs (`ens160` with its address,
//!   `ens192` unused) and the `docker0` bridge with `172.17.0.1/16`;
//! - each container as a namespace box of its own, its `eth0` with ifindex, address and
//!   MAC, joined by a veth pair to a `veth…` port of the bridge in the root namespace;
//! - a user network's `br-<id>` bridge beside `docker0`, down until its first port.
//!
//! The layers top to bottom, in every format: the outside, the host's NICs (and published
//! ports at its edge), its bridges with their ports, the containers.

pub mod dot;
pub mod labels;
pub mod mermaid;
pub mod reach;
pub mod svg;
pub mod text;
pub mod topology;

#[cfg(test)]
mod tests;

pub use labels::{Labels, Published};
pub use reach::Reach;
pub use topology::Topology;

use crate::state::KernelState;
use crate::walk::WalkError;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Indented plain text (what scenario snapshots hold).
    Text,
    /// A Mermaid `flowchart`, for Markdown that renders it.
    Mermaid,
    /// A Graphviz `graph`, for `dot -Tsvg`.
    Dot,
    /// A standalone SVG picture.
    Svg,
}

impl Format {
    /// Every format's name, as `--format` takes it.
    pub const NAMES: &'static str = "svg|dot|mermaid|text";

    /// The format called `name` (`svg`, `dot`, `mermaid`, `text`).
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "mermaid" => Some(Format::Mermaid),
            "dot" => Some(Format::Dot),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }

    /// The format a file name's extension asks for (`.svg`, `.dot`/`.gv`, `.mmd`, `.txt`).
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1;
        match ext {
            "svg" => Some(Format::Svg),
            "dot" | "gv" => Some(Format::Dot),
            "mmd" | "mermaid" => Some(Format::Mermaid),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }
}

/// What to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The output format.
    pub format: Format,
    /// Whether to overlay the walk's reachability.
    pub reach: bool,
}

/// The diagram of `state` named by `labels`; fails only when the reach overlay's walk does.
pub fn draw(state: &KernelState, labels: &Labels, options: Options) -> Result<String, WalkError> {
    let topology = Topology::build(state, labels);
    let reach = if options.reach {
        Some(Reach::compute(state, &topology)?)
    } else {
        None
    };
    let reach = reach.as_ref();
    Ok(match options.format {
        Format::Text => text::render(&topology, reach),
        Format::Mermaid => mermaid::render(&topology, reach),
        Format::Dot => dot::render(&topology, reach),
        Format::Svg => svg::render(&topology, reach),
    })
}
