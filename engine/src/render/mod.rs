//! Renderers: print a [`crate::KernelState`] exactly as the real tools on this machine do.
