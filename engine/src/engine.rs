//! The Docker daemon's networking half: the entry point for every command.

use crate::kernel::Kernel;
use crate::op::NetnsName;
use crate::output::CommandOutput;
use crate::rng::SeededRng;

/// The seed used when a scenario names none.
pub const DEFAULT_SEED: u64 = 20_10_24;

/// One simulated `dockerd`: its networks, containers and endpoints.
#[derive(Debug)]
pub struct Engine {
    pub(crate) rng: SeededRng,
}

impl Engine {
    /// A daemon that has not started yet; all its randomness comes from `seed`.
    pub fn new(seed: u64) -> Self {
        Engine {
            rng: SeededRng::new(seed),
        }
    }

    /// Daemon start: creates docker0, sets sysctls and the base iptables chains, and the
    /// `bridge`, `host` and `none` networks.
    pub fn boot(&mut self, kernel: &mut dyn Kernel) -> Result<(), crate::KernelError> {
        let _ = kernel;
        Ok(())
    }

    /// Runs one `docker ...` command line (`args` without the leading `docker`).
    pub fn docker(&mut self, kernel: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let _ = (kernel, args);
        CommandOutput::fail("docker: not implemented yet\n", 1)
    }

    /// The sandbox keys Docker keeps under `/var/run/docker/netns` (`ls` order: sorted).
    pub fn sandbox_keys(&self) -> Vec<String> {
        Vec::new()
    }

    /// The namespace of a running container, by name, full ID or ID prefix.
    pub fn container_netns(&self, name_or_id: &str) -> Option<NetnsName> {
        let _ = name_or_id;
        None
    }
}
