//! docknet-kernel: the engine's `Kernel` trait on the real Linux kernel.
