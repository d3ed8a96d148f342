//! Networks as the daemon keeps them, and Docker's rules for finding one by name or ID.

pub mod create;
pub mod remove;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::clock::Timestamp;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::op::Ipv4Cidr;

/// A network driver docknet knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Driver {
    /// `bridge`: a Linux bridge with NAT.
    Bridge,
    /// `host`: the host's own namespace.
    Host,
    /// `null`: no networking (the `none` network).
    Null,
}

impl Driver {
    /// The name `docker network ls` and inspect print.
    pub fn name(self) -> &'static str {
        match self {
            Driver::Bridge => "bridge",
            Driver::Host => "host",
            Driver::Null => "null",
        }
    }
}

/// The IPAM request as the user gave it; 20.10's inspect echoes it verbatim (facts §2.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpamConfigEcho {
    /// `Subnet` as typed (host bits kept), or the auto-allocated pool.
    pub subnet: String,
    /// `IPRange`, if given.
    pub ip_range: Option<String>,
    /// `Gateway`, if given (or allocated, for auto pools).
    pub gateway: Option<String>,
    /// `AuxiliaryAddresses`, by name.
    pub aux: BTreeMap<String, String>,
}

/// One network the daemon knows.
#[derive(Clone, Debug)]
pub struct Network {
    /// 64 hex.
    pub id: String,
    /// The user's name for it.
    pub name: String,
    /// Its driver.
    pub driver: Driver,
    /// When it was created.
    pub created: Timestamp,
    /// `--internal`: no route out.
    pub internal: bool,
    /// `--attachable`.
    pub attachable: bool,
    /// `--label k=v`.
    pub labels: BTreeMap<String, String>,
    /// `-o k=v`, as inspect shows them.
    pub options: BTreeMap<String, String>,
    /// The kernel bridge name; `""` for host/null.
    pub bridge: String,
    /// The masked IPAM pool (`None` for host/null).
    pub subnet: Option<Ipv4Cidr>,
    /// The bridge's address.
    pub gateway: Option<Ipv4Addr>,
    /// `--ip-range`, masked.
    pub ip_range: Option<Ipv4Cidr>,
    /// `enable_icc`.
    pub icc: bool,
    /// `enable_ip_masquerade`.
    pub masquerade: bool,
    /// `host_binding_ipv4`: the default host IP of `-p`.
    pub host_binding_ipv4: Ipv4Addr,
    /// `com.docker.network.driver.mtu`, if set.
    pub mtu: Option<u32>,
    /// Whether this is `bridge` (docker0).
    pub is_default_bridge: bool,
    /// What inspect prints under `IPAM.Config` (empty for host/null).
    pub ipam_config: Vec<IpamConfigEcho>,
    /// Whether `IPAM.Options` prints `{}` (CLI-created) rather than `null` (daemon-created).
    pub ipam_options_empty_map: bool,
    /// Whether docknet created the bridge device (Docker never deletes one it did not create).
    pub bridge_created: bool,
    /// Whether the user gave `--subnet` (only then may containers ask for `--ip`).
    pub user_subnet: bool,
}

impl Network {
    /// Whether this is one of `bridge`, `host`, `none`.
    pub fn is_predefined(&self) -> bool {
        self.is_default_bridge || matches!(self.driver, Driver::Host | Driver::Null)
    }

    /// Whether `--ip`/`--ip-range` style static addresses are allowed (user-configured subnet).
    pub fn user_configured_subnet(&self) -> bool {
        self.user_subnet
    }

    /// The 12-hex short ID.
    pub fn short_id(&self) -> &str {
        &self.id[..12]
    }
}

impl Engine {
    /// Finds a network as the daemon's `FindNetwork` does: exact ID, then exact name, then a
    /// unique ID prefix; several matches are an ambiguity error.
    pub(crate) fn network(&self, name_or_id: &str) -> Result<&Network, EngineError> {
        if let Some(n) = self.networks.iter().find(|n| n.id == name_or_id) {
            return Ok(n);
        }
        let by_name: Vec<&Network> = self
            .networks
            .iter()
            .filter(|n| n.name == name_or_id)
            .collect();
        let by_prefix: Vec<&Network> = self
            .networks
            .iter()
            .filter(|n| n.id.starts_with(name_or_id))
            .collect();
        match (by_name.len(), by_prefix.len()) {
            (1, _) => Ok(by_name[0]),
            (n, _) if n > 1 => Err(EngineError::NetworkAmbiguous {
                name: name_or_id.to_string(),
                count: n,
                how: "on name",
            }),
            (_, 1) => Ok(by_prefix[0]),
            (_, n) if n > 1 => Err(EngineError::NetworkAmbiguous {
                name: name_or_id.to_string(),
                count: n,
                how: "based on ID prefix",
            }),
            _ => Err(EngineError::NetworkNotFound(name_or_id.to_string())),
        }
    }

    /// `(kernel bridge, network name)` of every bridge network, in creation order: what a
    /// renderer labels a bridge with (the kernel knows only `br-<id>`).
    pub fn bridge_networks(&self) -> Vec<(String, String)> {
        self.networks
            .iter()
            .filter(|n| n.driver == Driver::Bridge)
            .map(|n| (n.bridge.clone(), n.name.clone()))
            .collect()
    }

    /// The network with exactly this ID.
    pub(crate) fn network_by_id(&self, id: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.id == id)
    }
}
