//! Containers and their network endpoints, as Docker 20.10 manages them.
//!
//! A container holds its configuration and, while it runs, a [`model::Sandbox`]: a network
//! namespace named by its sandbox key with one [`model::Endpoint`] per network. Starting,
//! stopping, connecting and disconnecting are [`crate::plan::Plan`]s, so a kernel failure
//! leaves both the kernel and the engine as they were.
//!
//! Time: every command reads the engine clock once (it advances a seeded sub-second amount per
//! read), and `docker stop` of a process that ignores SIGTERM advances it the 10 s Docker waits
//! before SIGKILL, so `docker ps` ages read like the real ones.

pub mod connect;
pub mod dns;
pub mod endpoint;
#[cfg(test)]
mod flows;
#[cfg(test)]
mod flows_cli;
#[cfg(test)]
mod flows_inspect;
pub mod foreground;
pub mod image;
pub mod inspect;
pub mod lifecycle;
pub mod links;
pub mod model;
pub mod options;
pub mod port;
pub mod process;
pub mod ps;
pub mod run;
pub mod services;
#[cfg(test)]
pub(crate) mod testkit;
pub mod validate;
pub(crate) mod verbs;

use std::collections::BTreeSet;

use crate::engine::Engine;
use crate::error::EngineError;
use crate::op::{Ipv4Cidr, Mac, NetnsName};

pub use model::{Container, Endpoint, NetworkMode, RunState, Sandbox};
pub use port::PortAllocator;

/// The directory Docker keeps sandbox namespaces in.
pub const NETNS_DIR: &str = "/var/run/docker/netns";

/// Every container the daemon knows, with its endpoints.
#[derive(Debug, Default)]
pub struct Containers {
    /// Containers in creation order.
    pub(crate) list: Vec<Container>,
    /// Host ports in use by published ports.
    pub(crate) ports: PortAllocator,
    /// Whether `/var/run/docker/netns/default` exists (made by the first host-mode sandbox).
    pub(crate) default_key_made: bool,
    /// Whether `/var/run/docker/netns` exists: libnetwork makes it with the first sandbox
    /// and never removes it (the conformance runner saw `ls` fail on a fresh 20.10 host).
    pub(crate) netns_dir_made: bool,
    /// The last PID handed out.
    pub(crate) next_pid: u32,
    /// Images pulled so far (`name:tag`), which `docker info` counts.
    pub(crate) images: std::collections::BTreeSet<String>,
}

/// One endpoint as `docker network inspect` lists it under `Containers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointView {
    /// The container's ID (the map key).
    pub container_id: String,
    /// The container's name.
    pub name: String,
    /// The endpoint's ID.
    pub endpoint_id: String,
    /// The container-side MAC ("" in inspect when `None`).
    pub mac: Option<Mac>,
    /// Address with prefix (`None` for host/null networks: "" in inspect).
    pub ipv4: Option<Ipv4Cidr>,
}

impl Containers {
    /// Docker's `GetContainer`: full ID, then exact name, then a unique ID prefix.
    pub fn find(&self, name_or_id: &str) -> Result<usize, EngineError> {
        let key = name_or_id.strip_prefix('/').unwrap_or(name_or_id);
        if key.is_empty() {
            return Err(no_such_container(name_or_id));
        }
        if let Some(i) = self.list.iter().position(|c| c.id == key) {
            return Ok(i);
        }
        if let Some(i) = self.list.iter().position(|c| c.name == key) {
            return Ok(i);
        }
        let hits: Vec<usize> = (0..self.list.len())
            .filter(|&i| self.list[i].id.starts_with(key))
            .collect();
        match hits.len() {
            1 => Ok(hits[0]),
            0 => Err(no_such_container(name_or_id)),
            _ => Err(EngineError::Message(format!(
                "Multiple IDs found with provided prefix: {name_or_id}"
            ))),
        }
    }

    /// The container at `index`.
    pub fn get(&self, index: usize) -> &Container {
        &self.list[index]
    }

    /// The container with this full ID.
    pub fn by_id(&self, id: &str) -> Option<&Container> {
        self.list.iter().find(|c| c.id == id)
    }
}

/// The daemon's 404 for a container.
pub fn no_such_container(name: &str) -> EngineError {
    EngineError::Message(format!("No such container: {name}"))
}

impl Engine {
    /// The sandbox keys under `/var/run/docker/netns`, sorted as `ls` prints them.
    pub(crate) fn ctr_sandbox_keys(&self) -> Vec<String> {
        let mut keys: BTreeSet<String> = self
            .containers
            .list
            .iter()
            .filter_map(|c| c.sandbox.as_ref())
            .filter(|s| s.has_netns)
            .map(|s| s.key.clone())
            .collect();
        if self.containers.default_key_made {
            keys.insert(format!("{NETNS_DIR}/default"));
        }
        keys.into_iter().collect()
    }

    /// The namespace a running container's processes see: its sandbox's, the host's in host
    /// mode, or the other container's in `container:X` mode.
    pub(crate) fn ctr_container_netns(&self, name_or_id: &str) -> Option<NetnsName> {
        let i = self.containers.find(name_or_id).ok()?;
        self.netns_of(i, 0)
    }

    /// The namespace the processes of the container at `index` see, while it runs.
    pub(crate) fn netns_of_index(&self, index: usize) -> Option<NetnsName> {
        self.netns_of(index, 0)
    }

    fn netns_of(&self, index: usize, depth: usize) -> Option<NetnsName> {
        let c = self.containers.get(index);
        if !c.running() || depth > 8 {
            return None;
        }
        if let NetworkMode::Container(other) = &c.network_mode {
            let j = self.containers.list.iter().position(|o| &o.id == other)?;
            return self.netns_of(j, depth + 1);
        }
        let sb = c.sandbox.as_ref()?;
        Some(if sb.has_netns {
            NetnsName::new(sb.key.clone())
        } else {
            NetnsName::host()
        })
    }

    /// The live endpoints on a network, sorted by container ID (network inspect's
    /// `Containers`; `network rm` refuses while this is non-empty).
    pub(crate) fn endpoints_on(&self, network_id: &str) -> Vec<EndpointView> {
        let mut out: Vec<EndpointView> = Vec::new();
        for c in &self.containers.list {
            let Some(sb) = &c.sandbox else { continue };
            for ep in sb.endpoints.iter().filter(|e| e.network_id == network_id) {
                out.push(EndpointView {
                    container_id: c.id.clone(),
                    name: c.name.clone(),
                    endpoint_id: ep.id.clone(),
                    mac: ep.mac,
                    ipv4: ep.ip,
                });
            }
        }
        out.sort_by(|a, b| a.container_id.cmp(&b.container_id));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;

    #[test]
    fn lookup_by_id_name_and_prefix() {
        let (mut e, mut k) = booted();
        let id = run_ok(&mut e, &mut k, "run -d --name web img sleep 1");
        let c = &e.containers;
        assert_eq!(c.find("web").unwrap(), 0);
        assert_eq!(c.find(&id).unwrap(), 0);
        assert_eq!(c.find(&id[..5]).unwrap(), 0);
        assert_eq!(
            c.find("nope").unwrap_err().to_string(),
            "No such container: nope"
        );
        assert!(e.ctr_container_netns("web").is_some());
        assert_eq!(e.ctr_sandbox_keys().len(), 1);
    }
}
