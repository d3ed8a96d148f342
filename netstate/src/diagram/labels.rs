//! What a diagram names that the kernel cannot hold: which container lives in which
//! namespace, which network a bridge is, which host ports are published.
//!
//! Plain data handed in by whoever knows those names (the CLI reads them off the engine);
//! the diagram never asks anything else. Every field is optional in effect: an empty
//! [`Labels`] draws the bare kernel state, namespaces by their names.

use std::collections::BTreeMap;

use crate::op::NetnsName;

/// The names a diagram prints beside the kernel's own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// The containers whose processes see each namespace (several for `container:X`
    /// sharing; host-mode containers under the host's name).
    pub containers: BTreeMap<NetnsName, Vec<String>>,
    /// The network each kernel bridge implements, by bridge name.
    pub networks: BTreeMap<String, String>,
    /// Published host ports, in the order they are listed.
    pub published: Vec<Published>,
}

/// One published port: a host address and port forwarded to a container's port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// The host address as Docker prints it (`0.0.0.0`: every address).
    pub host_ip: String,
    /// The host port.
    pub host_port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub proto: String,
    /// The container it forwards to.
    pub container: String,
    /// The container's port.
    pub container_port: u16,
}

impl Published {
    /// `0.0.0.0:8080/tcp -> web:80`, as the diagram labels it.
    pub fn label(&self) -> String {
        format!(
            "{}:{}/{} -> {}:{}",
            self.host_ip, self.host_port, self.proto, self.container, self.container_port
        )
    }
}

impl Labels {
    /// The container names for `ns`, joined with `, ` (`None` when nobody is named there).
    pub fn containers_in(&self, ns: &NetnsName) -> Option<String> {
        self.containers
            .get(ns)
            .filter(|names| !names.is_empty())
            .map(|names| names.join(", "))
    }
}
