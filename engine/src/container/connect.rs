//! `docker network connect` and `disconnect`: 20.10's checks in its order, the hot-plugged
//! endpoint (`ethN` from the sandbox's counter), and gateway re-election by sorted endpoint
//! order (the default route and published ports move with it).
//!
//! Like 20.10, a running container's connect records the network in the container's settings
//! before the endpoint is created, so an IPAM failure there (`Address already in use`) leaves
//! a stale entry that inspect shows and a later restart trips over.

use std::net::Ipv4Addr;

use crate::cli::flags::{self, FlagSpec};
use crate::container::lifecycle::{leave_plan, port_rules};
use crate::container::model::{
    elect_gateway, EndpointConfig, IpamConfigStyle, NetworkMode, Sandbox,
};
use crate::container::validate::{user_defined, validate_endpoint};
use crate::container::{endpoint, options};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::network::{Driver, Network};
use crate::output::CommandOutput;
use crate::plan::Plan;

const CONNECT_FLAGS: &[FlagSpec] = &[
    FlagSpec::value("ip", None),
    FlagSpec::value("ip6", None),
    FlagSpec::value("alias", None),
    FlagSpec::value("link", None),
    FlagSpec::value("link-local-ip", None),
    FlagSpec::value("driver-opt", None),
];

const DISCONNECT_FLAGS: &[FlagSpec] = &[FlagSpec::boolean("force", Some('f'))];

fn usage(cmd: &str, what: &str, summary: &str) -> CommandOutput {
    CommandOutput::fail(
        format!(
            "\"docker network {cmd}\" requires exactly 2 arguments.\nSee 'docker network {cmd} --help'.\n\nUsage:  docker network {cmd} [OPTIONS] NETWORK CONTAINER\n\n{summary}\n"
        )
        .replace("{what}", what),
        1,
    )
}

fn shared_conflict() -> EngineError {
    EngineError::Message(
        "container sharing network namespace with another container or host cannot be connected to any other network".into(),
    )
}

fn host_conflict() -> EngineError {
    EngineError::Message(
        "container cannot be disconnected from host network or connected to host network".into(),
    )
}

impl Engine {
    /// `docker network connect [--ip IP] [--alias A] NETWORK CONTAINER`.
    pub(crate) fn cmd_network_connect(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
    ) -> CommandOutput {
        let p = match flags::parse(CONNECT_FLAGS, args, true) {
            Ok(p) => p,
            Err(e) => {
                return CommandOutput::fail(
                    format!("{e}\nSee 'docker network connect --help'.\n"),
                    125,
                )
            }
        };
        if p.args.len() != 2 {
            return usage("connect", "", "Connect a container to a network");
        }
        let ip = p.last("ip").filter(|s| !s.is_empty()).map(str::to_string);
        let aliases = p.all("alias").to_vec();
        let links = p.all("link").to_vec();
        match self.connect(k, &p.args[0], &p.args[1], ip.as_deref(), aliases, &links) {
            Ok(()) => CommandOutput::ok(""),
            Err(e) => CommandOutput::fail(e.render(), 1),
        }
    }

    /// The daemon's `ConnectContainerToNetwork`.
    pub(crate) fn connect(
        &mut self,
        k: &mut dyn Kernel,
        network: &str,
        container: &str,
        ip: Option<&str>,
        mut aliases: Vec<String>,
        links: &[String],
    ) -> Result<(), EngineError> {
        // The daemon looks the container up first (conformance: `network connect n1 c3` with
        // neither present answers "No such container: c3").
        let idx = self.containers.find(container)?;
        let ip: Option<Ipv4Addr> = match ip {
            Some(s) => Some(options::parse_ip(s).map_err(EngineError::Message)?),
            None => None,
        };
        let net = match self.network(network) {
            Ok(n) => n.clone(),
            // A container that is not running only has its config updated: 20.10 records a
            // network it cannot find and fails the start instead (conformance runner).
            Err(_) if !self.containers.get(idx).running() => {
                let cfg = connect_config(network, ip, aliases, links);
                self.containers.list[idx]
                    .networks
                    .insert(network.to_string(), cfg);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let c = self.containers.get(idx);
        if matches!(c.network_mode, NetworkMode::Container(_)) {
            return Err(shared_conflict());
        }
        // updateNetworkConfig: the short ID becomes an alias on user-defined networks.
        validate_endpoint(&net, ip, &aliases)?;
        if user_defined(&net) && !aliases.iter().any(|a| a == c.short_id()) {
            aliases.push(c.short_id().to_string());
        }
        // updateNetworkSettings: conflicts with the networks it already has.
        if c.network_mode != NetworkMode::Host && net.driver == Driver::Host {
            return Err(host_conflict());
        }
        let mut already = false;
        for cfg in c.networks.values() {
            let lookup = if cfg.network_id.is_empty() {
                &cfg.network_name
            } else {
                &cfg.network_id
            };
            let Ok(sn) = self.network(lookup) else {
                continue;
            };
            if sn.name == net.name {
                already = true;
                break;
            }
            if matches!(sn.driver, Driver::Host) || matches!(net.driver, Driver::Host) {
                return Err(shared_conflict());
            }
            if sn.driver == Driver::Null || net.driver == Driver::Null {
                return Err(EngineError::Message(
                    "container cannot be connected to multiple networks with one of the networks in private (none) mode".into(),
                ));
            }
        }
        let cfg = connect_config(&net.name, ip, aliases, links);
        let running = c.running();
        // On a user-defined network a link is a name the embedded DNS answers (as at run).
        let dns_links = self.links_on_network(links);
        if !already {
            let c = &mut self.containers.list[idx];
            c.networks.insert(net.name.clone(), cfg);
            c.links.extend(dns_links);
        }
        if !running {
            return Ok(());
        }
        self.hot_plug(k, idx, &net, ip)
    }

    /// Creates and joins an endpoint on a running container's sandbox.
    fn hot_plug(
        &mut self,
        k: &mut dyn Kernel,
        idx: usize,
        net: &Network,
        ip: Option<Ipv4Addr>,
    ) -> Result<(), EngineError> {
        let c = self.containers.get(idx);
        let Some(sb) = c.sandbox.clone() else {
            return Err(shared_conflict());
        };
        if sb.endpoints.iter().any(|e| e.network_id == net.id) {
            return Err(EngineError::Message(format!(
                "endpoint with name {} already exists in network {}",
                c.name, net.name
            )));
        }
        if net.driver != Driver::Bridge || !sb.has_netns {
            return Err(shared_conflict());
        }
        let mut ep = self.new_endpoint(net, ip, None)?;
        let mut new_sb = sb.clone();
        let mut plan = Plan::new();
        if let Some(v) = &ep.veth {
            endpoint::veth_create(&mut plan, v, net.mtu);
        }
        // Join without the gateway part; the re-election below decides that.
        new_sb.gateway_endpoint = None;
        self.join_plan(&mut plan, &mut new_sb, &mut ep);
        new_sb.gateway_endpoint = sb.gateway_endpoint.clone();
        new_sb.endpoints.push(ep.clone());
        let bind = self.regateway(&mut plan, idx, &sb, &mut new_sb);
        if let Err(e) = bind.and_then(|_| plan.apply(k).map_err(EngineError::from)) {
            self.release_endpoints(std::slice::from_ref(&ep), &[]);
            return Err(e);
        }
        let c = &mut self.containers.list[idx];
        if let Some(cfg) = c.networks.get_mut(&net.name) {
            cfg.network_id = net.id.clone();
        }
        c.sandbox = Some(new_sb);
        Ok(())
    }

    /// Moves the default route and port rules if the elected gateway endpoint changed
    /// between `old` and `new` (whose endpoint list is already updated).
    fn regateway(
        &mut self,
        plan: &mut Plan,
        idx: usize,
        old: &Sandbox,
        new: &mut Sandbox,
    ) -> Result<(), EngineError> {
        let elected = elect_gateway(&new.endpoints);
        if elected == old.gateway_endpoint {
            return Ok(());
        }
        if let Some(prev) = old
            .endpoints
            .iter()
            .find(|e| Some(&e.id) == old.gateway_endpoint.as_ref())
        {
            if new.endpoints.iter().any(|e| e.id == prev.id) {
                port_rules(plan, prev, &old.ports, false);
                if let (Some(v), Some(gw)) = (&prev.veth, prev.gateway) {
                    endpoint::gateway_del(plan, &old.key, &v.ifname, gw);
                }
            }
        }
        new.gateway_endpoint = elected.clone();
        let Some(next) = new
            .endpoints
            .iter()
            .find(|e| Some(&e.id) == elected.as_ref())
            .cloned()
        else {
            return Ok(());
        };
        if let (Some(v), Some(gw)) = (&next.veth, next.gateway) {
            endpoint::gateway_add(plan, &new.key, &v.ifname, gw);
        }
        let c = self.containers.get(idx);
        if old.ports.is_empty() && (!c.port_bindings.is_empty() || c.publish_all) {
            if let Some(net) = self.network_by_id(&next.network_id).cloned() {
                new.ports = self.bind_ports(idx, &next, &net)?;
            }
        }
        port_rules(plan, &next, &new.ports, true);
        Ok(())
    }

    /// `docker network disconnect [-f] NETWORK CONTAINER`.
    pub(crate) fn cmd_network_disconnect(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
    ) -> CommandOutput {
        let p = match flags::parse(DISCONNECT_FLAGS, args, true) {
            Ok(p) => p,
            Err(e) => {
                return CommandOutput::fail(
                    format!("{e}\nSee 'docker network disconnect --help'.\n"),
                    125,
                )
            }
        };
        if p.args.len() != 2 {
            return usage("disconnect", "", "Disconnect a container from a network");
        }
        match self.disconnect(k, &p.args[0], &p.args[1], p.flag("force")) {
            Ok(()) => CommandOutput::ok(""),
            Err(e) => CommandOutput::fail(e.render(), 1),
        }
    }

    /// The daemon's `DisconnectContainerFromNetwork`.
    pub(crate) fn disconnect(
        &mut self,
        k: &mut dyn Kernel,
        network: &str,
        container: &str,
        force: bool,
    ) -> Result<(), EngineError> {
        let idx = self.containers.find(container)?;
        let net = self.network(network).cloned();
        let c = self.containers.get(idx);
        if !c.running() || (net.is_err() && force) {
            if !c.networks.contains_key(network) {
                return Err(EngineError::Message(format!(
                    "container {} is not connected to the network {network}",
                    c.id
                )));
            }
            self.containers.list[idx].networks.remove(network);
            return Ok(());
        }
        let net = net?;
        if c.network_mode == NetworkMode::Host && net.driver == Driver::Host {
            return Err(host_conflict());
        }
        let sb = c.sandbox.clone();
        let Some(sb) = sb.filter(|sb| sb.endpoints.iter().any(|e| e.network_id == net.id)) else {
            return Err(EngineError::Message(format!(
                "container {} is not connected to network {}",
                c.id, net.name
            )));
        };
        let ep = sb
            .endpoints
            .iter()
            .find(|e| e.network_id == net.id)
            .cloned()
            .expect("checked above");
        let mut plan = Plan::new();
        leave_plan(&mut plan, &sb, &ep);
        if let Some(v) = &ep.veth {
            endpoint::veth_delete(&mut plan, v);
        }
        let mut new_sb = sb.clone();
        new_sb.endpoints.retain(|e| e.id != ep.id);
        let was_gateway = sb.gateway_endpoint.as_ref() == Some(&ep.id);
        if was_gateway {
            // The old gateway's rules and route went with leave_plan; elect afresh.
            let mut bare = sb.clone();
            bare.gateway_endpoint = None;
            bare.endpoints.retain(|e| e.id != ep.id);
            new_sb.gateway_endpoint = None;
            let elected = elect_gateway(&new_sb.endpoints);
            new_sb.gateway_endpoint = elected.clone();
            if let Some(next) = new_sb
                .endpoints
                .iter()
                .find(|e| Some(&e.id) == elected.as_ref())
                .cloned()
            {
                if let (Some(v), Some(gw)) = (&next.veth, next.gateway) {
                    endpoint::gateway_add(&mut plan, &new_sb.key, &v.ifname, gw);
                }
                port_rules(&mut plan, &next, &new_sb.ports, true);
            }
        }
        plan.apply(k)?;
        let released_ports = if new_sb.gateway_endpoint.is_none() {
            std::mem::take(&mut new_sb.ports)
        } else {
            Vec::new()
        };
        self.release_endpoints(std::slice::from_ref(&ep), &released_ports);
        let c = &mut self.containers.list[idx];
        c.sandbox = Some(new_sb);
        c.networks.remove(&net.name);
        Ok(())
    }
}

/// The endpoint config `docker network connect` records (what inspect then shows).
fn connect_config(
    network: &str,
    ip: Option<Ipv4Addr>,
    aliases: Vec<String>,
    links: &[String],
) -> EndpointConfig {
    EndpointConfig {
        network_name: network.to_string(),
        network_id: String::new(),
        ipv4: ip,
        ipam_style: IpamConfigStyle::Object,
        aliases: Some(aliases),
        driver_opts_map: true,
        links: (!links.is_empty()).then(|| links.to_vec()),
    }
}
