//! Every error a Docker command can end in, with Docker 20.10's exact wording.
//!
//! `Display` is the daemon's message *without* the `Error response from daemon: ` prefix; the
//! CLI layer adds prefixes and exit codes (see [`EngineError::render`]).

use crate::kernel::KernelError;

/// One failure of a Docker command. A command that fails changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The daemon knows no network by that name, ID or ID prefix.
    #[error("network {0} not found")]
    NetworkNotFound(String),
    /// A name or ID prefix matches more than one network.
    #[error("network {name} is ambiguous ({count} matches found {how})")]
    NetworkAmbiguous {
        /// What the user typed.
        name: String,
        /// How many networks matched.
        count: usize,
        /// `on name` or `based on ID prefix`.
        how: &'static str,
    },
    /// `network create` with a name already taken.
    #[error("network with name {0} already exists")]
    NetworkExists(String),
    /// `network create bridge|host|none`. The daemon's text ends in a space the CLI trims.
    #[error("operation is not permitted on predefined {0} network")]
    PredefinedNetworkCreate(String),
    /// `network rm bridge|host|none`.
    #[error("{0} is a pre-defined network and cannot be removed")]
    PredefinedNetworkRemove(String),
    /// `network rm` of a network that still has endpoints.
    #[error("error while removing network: network {name} id {id} has active endpoints")]
    ActiveEndpoints {
        /// Network name.
        name: String,
        /// Network ID (64 hex).
        id: String,
    },
    /// A driver docknet (and a plain dockerd) does not have.
    #[error("plugin \"{0}\" not found")]
    PluginNotFound(String),
    /// A second `host` or `null` network.
    #[error("only one instance of \"{0}\" network is allowed")]
    SingleInstance(String),
    /// A requested pool overlaps one already allocated.
    #[error("Pool overlaps with other one on this address space")]
    PoolOverlap,
    /// Default pools exhausted.
    #[error("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")]
    NoDefaultPool,
    /// A requested address is taken.
    #[error("Address already in use")]
    AddressInUse,
    /// A requested address lies outside the pool.
    #[error("Requested address is out of range")]
    AddressOutOfRange,
    /// A network ran out of addresses.
    #[error("no available IPv4 addresses on this network's address pools: {name} ({id})")]
    NoAvailableAddress {
        /// Network name.
        name: String,
        /// Network ID.
        id: String,
    },
    /// A CLI-side error: printed as is, without the daemon prefix, exit 1 (or the code given).
    #[error("{0}")]
    Cli(String),
    /// The CLI's translation of a 404 on rm/inspect: `Error: No such network: X`.
    #[error("Error: No such network: {0}")]
    NoSuchNetwork(String),
    /// The kernel refused an op.
    #[error("{0}")]
    Kernel(#[from] KernelError),
    /// Any other daemon message, verbatim.
    #[error("{0}")]
    Message(String),
    /// A Compose-side failure, worded as the Compose program prints it.
    #[error("{0}")]
    Compose(#[from] crate::compose::error::ComposeError),
    /// Something real Docker does that docknet does not model: never worded like Docker.
    #[error("docknet: unsupported: {0}")]
    Unsupported(String),
}

impl EngineError {
    /// Whether the CLI prints the message without `Error response from daemon: `.
    pub fn is_cli_side(&self) -> bool {
        matches!(
            self,
            EngineError::Cli(_)
                | EngineError::NoSuchNetwork(_)
                | EngineError::Unsupported(_)
                | EngineError::Compose(_)
        )
    }

    /// The exit status of a command that fails with this error: 127 for what docknet does
    /// not model (as for an unsupported command), else the CLI's 1.
    pub fn exit_status(&self) -> i32 {
        if matches!(self, EngineError::Unsupported(_)) {
            127
        } else {
            1
        }
    }

    /// The line(s) the docker CLI 20.10 prints on stderr for this error (with newline).
    pub fn render(&self) -> String {
        if self.is_cli_side() {
            format!("{self}\n")
        } else {
            format!("Error response from daemon: {self}\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_and_cli_wording() {
        assert_eq!(
            EngineError::NetworkExists(String::new()).render(),
            "Error response from daemon: network with name  already exists\n"
        );
        assert_eq!(
            EngineError::NoSuchNetwork("x".into()).render(),
            "Error: No such network: x\n"
        );
        assert_eq!(
            EngineError::PredefinedNetworkCreate("host".into()).to_string(),
            "operation is not permitted on predefined host network"
        );
    }
}
