//! Names as a container's resolver answers them, and who serves a port: what the engine
//! knows and the kernel cannot (the embedded DNS server's records, the container processes).
//!
//! Facts (20.10, `../shared/oracle/`): on user-defined networks the embedded DNS server
//! (127.0.0.11) answers container names and network aliases (the short ID among them) of
//! containers sharing a user-defined network, with the address on that network; on the
//! default bridge nothing resolves but the container's own `/etc/hosts` (its hostname,
//! `--link` names); an unknown name is `bad address`; `localhost` is 127.0.0.1.

use std::net::Ipv4Addr;

use crate::container::model::Container;
use crate::container::services::ServerProgram;
use crate::container::validate::user_defined;
use crate::engine::Engine;
use crate::op::NetnsName;

impl Engine {
    /// The running container whose processes see namespace `ns`.
    fn container_in(&self, ns: &NetnsName) -> Option<&Container> {
        self.containers
            .list
            .iter()
            .enumerate()
            .find(|(i, _)| self.netns_of_index(*i).as_ref() == Some(ns))
            .map(|(_, c)| c)
    }

    /// What the resolver of namespace `ns` answers for `name` (`None`: `bad address`).
    pub fn resolve(&self, ns: &NetnsName, name: &str) -> Option<Ipv4Addr> {
        if name == "localhost" {
            return Some(Ipv4Addr::LOCALHOST);
        }
        let me = self.container_in(ns)?;
        let sb = me.sandbox.as_ref()?;
        if name == me.hostname {
            return sb
                .sorted_endpoints()
                .into_iter()
                .find_map(|e| e.ip.map(|i| i.addr));
        }
        if let Some(ip) = self.resolve_link(me, name) {
            return Some(ip);
        }
        for ep in &sb.endpoints {
            let Some(net) = self.network_by_id(&ep.network_id) else {
                continue;
            };
            if !user_defined(net) {
                continue;
            }
            if let Some(ip) = self.name_on_network(&ep.network_id, name) {
                return Some(ip);
            }
        }
        None
    }

    /// The address on network `net_id` of the running container called `name` there (its
    /// name, or one of its aliases on that network).
    fn name_on_network(&self, net_id: &str, name: &str) -> Option<Ipv4Addr> {
        self.containers
            .list
            .iter()
            .filter(|c| c.running())
            .find_map(|c| {
                let ep = c
                    .sandbox
                    .as_ref()?
                    .endpoints
                    .iter()
                    .find(|e| e.network_id == net_id)?;
                let cfg = c.networks.get(&ep.network_name);
                let aliased = cfg
                    .and_then(|cfg| cfg.aliases.as_ref())
                    .is_some_and(|a| a.iter().any(|x| x == name));
                (c.name == name || aliased)
                    .then(|| ep.ip.map(|i| i.addr))
                    .flatten()
            })
    }

    /// The server program listening on `port` in namespace `ns`, if a container runs one.
    pub fn server_at(&self, ns: &NetnsName, port: u16) -> Option<ServerProgram> {
        let c = self.container_in(ns)?;
        c.listeners
            .iter()
            .find(|l| l.port == port)
            .map(|l| l.program.clone())
    }

    /// The image of the container whose processes see `ns` (its tools print the output).
    pub fn image_in(&self, ns: &NetnsName) -> Option<&str> {
        self.container_in(ns).map(|c| c.image.as_str())
    }
}

/// A running container as the traffic tools see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningContainer {
    /// Its name.
    pub name: String,
    /// The namespace its processes see.
    pub ns: NetnsName,
    /// Its addresses, by network name, in libnetwork's endpoint order.
    pub addrs: Vec<(String, Ipv4Addr)>,
    /// The TCP and UDP ports its servers listen on.
    pub ports: Vec<(crate::state::SocketProto, u16)>,
    /// The host ports published for it (`docker port`), in binding order.
    pub published: Vec<crate::container::port::BoundPort>,
}

impl Engine {
    /// Every running container, in creation order.
    pub fn running_containers(&self) -> Vec<RunningContainer> {
        (0..self.containers.list.len())
            .filter_map(|i| {
                let c = &self.containers.list[i];
                let ns = self.netns_of_index(i)?;
                let addrs = c
                    .sandbox
                    .as_ref()
                    .map(|sb| {
                        sb.sorted_endpoints()
                            .into_iter()
                            .filter_map(|e| e.ip.map(|ip| (e.network_name.clone(), ip.addr)))
                            .collect()
                    })
                    .unwrap_or_default();
                let ports = c.listeners.iter().map(|l| (l.proto, l.port)).collect();
                let published = c.sandbox.as_ref().map(|sb| sb.ports.clone());
                Some(RunningContainer {
                    name: c.name.clone(),
                    ns,
                    addrs,
                    ports,
                    published: published.unwrap_or_default(),
                })
            })
            .collect()
    }
}
