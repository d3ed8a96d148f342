//! docknet-sim: an in-memory, deterministic Linux network kernel.
