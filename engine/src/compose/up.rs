//! `up -d`: the project's networks, then its containers, created in dependency order and
//! started, through the engine's own `network create`, `create` and `start`.
//!
//! Facts (`tests/oracle/compose-*.log`): external networks must exist (else the
//! program's own refusal, before anything is made); each service's networks are joined
//! in key order, the first at create (it is `HostConfig.NetworkMode`); 1.29 makes every
//! network attachable. Unlike Compose, a failing `up` takes back everything it made, so
//! the host is as before the command (docknet's contract for every command).

use super::error::ComposeError;
use super::labels;
use super::model::{NetworkModeSpec, Service};
use super::program::Program;
use super::progress::{Object, Progress};
use super::Loaded;
use crate::container::links::Link;
use crate::container::model::{EndpointConfig, IpamConfigStyle};
use crate::container::options::RunOptions;
use crate::container::port::parse_publish;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::network::create::{ipv6_unsupported, CreateRequest};
use crate::network::IpamConfigEcho;

/// What an `up` made so far, to take back if it fails.
#[derive(Debug, Default)]
struct Made {
    networks: Vec<String>,
    containers: Vec<String>,
}

impl Engine {
    /// `up -d`; the progress text (stderr) and the error, if any.
    pub(super) fn compose_up(
        &mut self,
        k: &mut dyn Kernel,
        l: &Loaded,
        levels: &[Vec<String>],
        out: &mut Progress,
    ) -> Result<(), EngineError> {
        self.check_up(l)?;
        let mut made = Made::default();
        let r = self
            .up_networks(k, l, out, &mut made)
            .and_then(|_| self.up_containers(k, l, levels, out, &mut made));
        if r.is_err() {
            self.take_back(k, &made);
        }
        r
    }

    /// Everything Compose refuses before it makes anything.
    fn check_up(&self, l: &Loaded) -> Result<(), EngineError> {
        let program = l.project.program;
        for (name, svc) in &l.file.services {
            for (key, sn) in &svc.networks {
                if key != "default" && l.file.network(key).is_none() {
                    return Err(ComposeError::UndefinedNetwork {
                        program,
                        service: name.clone(),
                        network: key.clone(),
                    }
                    .into());
                }
                if sn.ipv6_address.is_some() {
                    return Err(ipv6_unsupported());
                }
            }
            if self
                .containers
                .find(&l.project.container_name(name))
                .is_ok()
            {
                return Err(EngineError::Unsupported(format!(
                    "compose up of a service whose container exists ({}); run down first",
                    l.project.container_name(name)
                )));
            }
        }
        for (key, def) in self.used_networks(l) {
            let ipv6 = def.enable_ipv6
                || def
                    .ipam
                    .iter()
                    .any(|p| p.subnet.as_deref().is_some_and(|s| s.contains(':')));
            if ipv6 {
                return Err(ipv6_unsupported());
            }
            let name = l.project.network_name(&key, def.name.as_deref());
            if def.is_external() && self.network(&name).is_err() {
                return Err(ComposeError::ExternalMissing { program, name }.into());
            }
        }
        Ok(())
    }

    /// The networks some service joins, in file order (an undeclared `default` last).
    pub(super) fn used_networks(&self, l: &Loaded) -> Vec<(String, super::model::NetworkDef)> {
        let used = |key: &str| {
            l.file
                .services
                .values()
                .any(|s| s.networks.contains_key(key))
        };
        let mut out: Vec<_> = l
            .file
            .networks
            .iter()
            .filter(|(k, _)| used(k))
            .cloned()
            .collect();
        if used("default") && l.file.network("default").is_none() {
            out.push(("default".into(), Default::default()));
        }
        out
    }

    fn up_networks(
        &mut self,
        k: &mut dyn Kernel,
        l: &Loaded,
        out: &mut Progress,
        made: &mut Made,
    ) -> Result<(), EngineError> {
        let p = &l.project;
        for (key, def) in self.used_networks(l) {
            let name = p.network_name(&key, def.name.as_deref());
            if def.is_external() || self.network(&name).is_ok() {
                continue;
            }
            out.event(Object::Network, &name, "Creating");
            if p.program == Program::V1 {
                out.line(&match &def.driver {
                    Some(d) => format!("Creating network \"{name}\" with driver \"{d}\""),
                    None => format!("Creating network \"{name}\" with the default driver"),
                });
            }
            let req = CreateRequest {
                name: name.clone(),
                driver: def.driver.clone().unwrap_or_default(),
                ipam: def.ipam.iter().map(ipam_echo).collect(),
                internal: def.internal,
                attachable: def.attachable || p.program == Program::V1,
                labels: labels::network_labels(p, &key, &def),
                options: def.driver_opts.clone(),
                ipam_options_null: true,
            };
            match self.create_network(k, req) {
                Ok(id) => made.networks.push(id),
                Err(e) => {
                    out.event(Object::Network, &name, "Error");
                    return Err(match p.program {
                        Program::V2 if !matches!(e, EngineError::Unsupported(_)) => {
                            EngineError::Cli(format!(
                                "failed to create network {name}: {}",
                                e.render().trim_end()
                            ))
                        }
                        // 1.29 prints the daemon's message alone.
                        Program::V1 if !matches!(e, EngineError::Unsupported(_)) => {
                            EngineError::Cli(e.to_string())
                        }
                        _ => e,
                    });
                }
            }
            out.event(Object::Network, &name, "Created");
        }
        Ok(())
    }

    fn up_containers(
        &mut self,
        k: &mut dyn Kernel,
        l: &Loaded,
        levels: &[Vec<String>],
        out: &mut Progress,
        made: &mut Made,
    ) -> Result<(), EngineError> {
        let p = &l.project;
        for level in levels {
            for s in level {
                out.event(Object::Container, &p.container_name(s), "Creating");
                let id = self.create_service(l, s)?;
                made.containers.push(id);
                out.event(Object::Container, &p.container_name(s), "Created");
            }
        }
        for level in levels {
            let names: Vec<String> = level.iter().map(|s| p.container_name(s)).collect();
            for (s, name) in level.iter().zip(&names) {
                out.event(Object::Container, name, "Starting");
                let idx = self.containers.find(name)?;
                self.start_container(k, idx)
                    .and_then(|_| self.run_main_process(k, idx, false).map(|_| ()))
                    .map_err(|e| start_error(p.program, name, s, e))?;
                out.event(Object::Container, name, "Started");
            }
            out.batch("Creating", &names);
        }
        Ok(())
    }

    /// Creates the container of service `s` with its networks, aliases and links.
    fn create_service(&mut self, l: &Loaded, s: &str) -> Result<String, EngineError> {
        let p = &l.project;
        let svc = &l.file.services[s];
        let nets = self.service_endpoints(l, s, svc);
        let mut o = RunOptions {
            detach: true,
            name: Some(p.container_name(s)),
            image: svc.image.clone(),
            cmd: svc.command.clone(),
            labels: labels::container_labels(p, s, svc),
            ..Default::default()
        };
        o.network = match &svc.network_mode {
            Some(NetworkModeSpec::Host) => Some("host".into()),
            Some(NetworkModeSpec::None) => Some("none".into()),
            Some(NetworkModeSpec::Bridge) => Some("bridge".into()),
            Some(NetworkModeSpec::Service(t)) => {
                let i = self.containers.find(&p.container_name(t))?;
                Some(format!("container:{}", self.containers.get(i).id))
            }
            None => nets.first().map(|c| c.network_name.clone()),
        };
        for spec in &svc.ports {
            let specs = parse_publish(spec).map_err(|e| {
                EngineError::Unsupported(format!("compose ports entry {spec:?} ({e})"))
            })?;
            for b in &specs {
                if !o.expose.contains(&b.container) {
                    o.expose.push(b.container);
                }
            }
            o.publish.extend(specs);
        }
        let idx = self.create_container(&o)?;
        let links = self.service_links(l, svc)?;
        let c = &mut self.containers.list[idx];
        if svc.network_mode.is_none() {
            c.networks = nets
                .into_iter()
                .map(|mut cfg| {
                    cfg.links = (!links.0.is_empty()).then(|| links.0.clone());
                    (cfg.network_name.clone(), cfg)
                })
                .collect();
        }
        c.links = links.1;
        Ok(c.id.clone())
    }

    /// The endpoint settings of a service, in key order (the first is its network mode).
    fn service_endpoints(&self, l: &Loaded, s: &str, svc: &Service) -> Vec<EndpointConfig> {
        let p = &l.project;
        svc.networks
            .iter()
            .map(|(key, sn)| {
                let def = l.file.network(key).cloned().unwrap_or_default();
                let name = p.network_name(key, def.name.as_deref());
                let mut aliases = match p.program {
                    Program::V1 => vec![s.to_string()],
                    Program::V2 => vec![p.container_name(s), s.to_string()],
                };
                aliases.extend(sn.aliases.iter().cloned());
                let ipv4 = sn.ipv4_address.as_deref().and_then(|a| a.parse().ok());
                EndpointConfig {
                    network_name: name,
                    network_id: String::new(),
                    ipv4,
                    ipam_style: if ipv4.is_some() {
                        IpamConfigStyle::Object
                    } else {
                        IpamConfigStyle::Null
                    },
                    aliases: Some(aliases),
                    driver_opts_map: false,
                    links: None,
                }
            })
            .collect()
    }

    /// `links:` as the endpoint's `Links` and the names the embedded DNS answers.
    fn service_links(
        &self,
        l: &Loaded,
        svc: &Service,
    ) -> Result<(Vec<String>, Vec<Link>), EngineError> {
        let p = &l.project;
        let mut shown = Vec::new();
        let mut links = Vec::new();
        for (target, alias) in &svc.links {
            let cname = p.container_name(target);
            let i = self.containers.find(&cname)?;
            let alias = alias.clone().unwrap_or_else(|| target.clone());
            let names = match p.program {
                Program::V1 => vec![cname.clone(), alias, p.short_container_name(target)],
                Program::V2 => vec![alias, p.short_container_name(target), cname.clone()],
            };
            for n in names {
                shown.push(format!("{cname}:{n}"));
                links.push(Link {
                    target: self.containers.get(i).id.clone(),
                    name: cname.clone(),
                    alias: n,
                    legacy: false,
                });
            }
        }
        if p.program == Program::V1 {
            shown.sort();
        }
        Ok((shown, links))
    }

    /// Removes what a failed `up` made, newest first.
    fn take_back(&mut self, k: &mut dyn Kernel, made: &Made) {
        for id in made.containers.iter().rev() {
            if let Ok(i) = self.containers.find(id) {
                // Best effort, as `rm -f`: the error the user sees is the one that failed `up`.
                let _ = self.stop_container(k, i, 137);
                self.containers.list.remove(i);
            }
        }
        for id in made.networks.iter().rev() {
            let _ = self.remove_network(k, id);
        }
    }
}

fn ipam_echo(p: &super::model::IpamPool) -> IpamConfigEcho {
    IpamConfigEcho {
        subnet: p.subnet.clone().unwrap_or_default(),
        ip_range: p.ip_range.clone(),
        gateway: p.gateway.clone(),
        aux: p.aux.clone(),
    }
}

/// A container that did not start, as each program reports it.
fn start_error(program: Program, name: &str, service: &str, e: EngineError) -> EngineError {
    if matches!(e, EngineError::Unsupported(_)) {
        return e;
    }
    let msg = e.to_string();
    match program {
        Program::V1 => EngineError::Cli(format!(
            "ERROR: for {name}  Cannot start service {service}: {msg}\nEncountered errors while bringing up the project."
        )),
        Program::V2 => EngineError::Cli(format!("Error response from daemon: {msg}")),
    }
}
