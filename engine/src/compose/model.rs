//! The compose file as types: read from the YAML tree once, then only these are used.
//!
//! Facts (Compose 1.29.2 and 2.40.3): a service's `networks:` is a list of keys or a map of
//! key to `null` or `{aliases, ipv4_address, ipv6_address}`; without it (and without
//! `network_mode`) a service joins `default`; a top-level network is `external: true` with
//! an optional `name:`, or the legacy `external: {name: N}`; `links: ["db:database"]` names
//! a service and an alias. Keys docknet does not model are refused as unsupported, never
//! ignored.

use std::collections::BTreeMap;

use super::yaml::Node;

/// A parsed compose file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComposeFile {
    /// `version:`, if given (v2 warns that it is obsolete).
    pub version: Option<String>,
    /// Services by name (Compose orders them by name before dependencies).
    pub services: BTreeMap<String, Service>,
    /// Top-level networks in file order.
    pub networks: Vec<(String, NetworkDef)>,
}

/// One service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    /// `image:`.
    pub image: String,
    /// `command:` as words.
    pub command: Vec<String>,
    /// `command:` as written, when a string (v1's `config` echoes it).
    pub command_text: Option<String>,
    /// `ports:` as written (`HOST:CONTAINER`).
    pub ports: Vec<String>,
    /// `links:`: (service, alias if given).
    pub links: Vec<(String, Option<String>)>,
    /// `depends_on:` service names.
    pub depends_on: Vec<String>,
    /// The networks it joins, by key (empty with `network_mode`).
    pub networks: BTreeMap<String, ServiceNetwork>,
    /// `network_mode:`.
    pub network_mode: Option<NetworkModeSpec>,
}

/// A service's settings on one network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceNetwork {
    /// `aliases:`.
    pub aliases: Vec<String>,
    /// `ipv4_address:`.
    pub ipv4_address: Option<String>,
    /// `ipv6_address:` (docknet refuses IPv6).
    pub ipv6_address: Option<String>,
}

/// `network_mode:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkModeSpec {
    /// `host`.
    Host,
    /// `none`.
    None,
    /// `bridge`: the default bridge.
    Bridge,
    /// `service:S`: S's namespace.
    Service(String),
}

/// One top-level network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkDef {
    /// `name:`: the daemon's name for it instead of `proj_key`.
    pub name: Option<String>,
    /// `driver:`.
    pub driver: Option<String>,
    /// `driver_opts:`.
    pub driver_opts: BTreeMap<String, String>,
    /// `ipam.config`.
    pub ipam: Vec<IpamPool>,
    /// `internal:`.
    pub internal: bool,
    /// `attachable:`.
    pub attachable: bool,
    /// `enable_ipv6:` (docknet refuses IPv6).
    pub enable_ipv6: bool,
    /// `labels:`.
    pub labels: BTreeMap<String, String>,
    /// `external:`: `Some(legacy)` when external, `legacy` for `external: {name: N}`.
    pub external: Option<bool>,
}

/// One `ipam.config` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpamPool {
    /// `subnet`.
    pub subnet: Option<String>,
    /// `gateway`.
    pub gateway: Option<String>,
    /// `ip_range`.
    pub ip_range: Option<String>,
    /// `aux_addresses`.
    pub aux: BTreeMap<String, String>,
}

/// Why the tree is not a compose file docknet models; the caller words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// A key (path `services.web.volumes`) or value docknet does not model.
    Unsupported(String),
    /// A value of the wrong shape (path and what was expected).
    Invalid(String),
}

type Res<T> = Result<T, ModelError>;

fn unsupported<T>(path: &str) -> Res<T> {
    Err(ModelError::Unsupported(path.to_string()))
}

fn scalar(n: &Node, path: &str) -> Res<String> {
    match n {
        Node::Scalar(s, _) => Ok(s.clone()),
        _ => Err(ModelError::Invalid(format!("{path} must be a string"))),
    }
}

fn boolean(n: &Node, path: &str) -> Res<bool> {
    match n.text() {
        Some("true" | "True" | "yes") => Ok(true),
        Some("false" | "False" | "no") => Ok(false),
        _ => Err(ModelError::Invalid(format!("{path} must be a boolean"))),
    }
}

fn entries<'a>(n: &'a Node, path: &str) -> Res<&'a [(String, Node)]> {
    match n {
        Node::Null => Ok(&[]),
        _ => n
            .entries()
            .ok_or_else(|| ModelError::Invalid(format!("{path} must be a mapping"))),
    }
}

fn strings(n: &Node, path: &str) -> Res<Vec<String>> {
    match n {
        Node::Seq(items) => items.iter().map(|i| scalar(i, path)).collect(),
        Node::Null => Ok(Vec::new()),
        _ => Err(ModelError::Invalid(format!("{path} must be a list"))),
    }
}

/// `KEY: VALUE` maps and `["KEY=VALUE"]` lists, as Compose accepts both for labels.
fn string_map(n: &Node, path: &str) -> Res<BTreeMap<String, String>> {
    if let Node::Seq(_) = n {
        return Ok(strings(n, path)?
            .into_iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv, String::new()),
            })
            .collect());
    }
    entries(n, path)?
        .iter()
        .map(|(k, v)| Ok((k.clone(), v.text().unwrap_or("").to_string())))
        .collect()
}

impl ComposeFile {
    /// Reads the whole tree.
    pub fn from_tree(root: &Node) -> Res<ComposeFile> {
        let mut f = ComposeFile::default();
        for (key, v) in entries(root, "top level")? {
            match key.as_str() {
                "version" => f.version = Some(scalar(v, "version")?),
                "services" => {
                    for (name, s) in entries(v, "services")? {
                        let svc = Service::from_tree(s, &format!("services.{name}"))?;
                        f.services.insert(name.clone(), svc);
                    }
                }
                "networks" => {
                    for (name, n) in entries(v, "networks")? {
                        let def = NetworkDef::from_tree(n, &format!("networks.{name}"))?;
                        f.networks.push((name.clone(), def));
                    }
                }
                other => return unsupported(other),
            }
        }
        Ok(f)
    }

    /// The top-level network under `key`.
    pub fn network(&self, key: &str) -> Option<&NetworkDef> {
        self.networks.iter().find(|(k, _)| k == key).map(|(_, d)| d)
    }
}

impl Service {
    fn from_tree(n: &Node, path: &str) -> Res<Service> {
        let mut s = Service::default();
        let mut networks_given = false;
        for (key, v) in entries(n, path)? {
            let here = format!("{path}.{key}");
            match key.as_str() {
                "image" => s.image = scalar(v, &here)?,
                "command" => s.command_from(v, &here)?,
                "ports" => s.ports = strings(v, &here)?,
                "depends_on" => s.depends_on = depends_on(v, &here)?,
                "links" => {
                    s.links = strings(v, &here)?
                        .into_iter()
                        .map(|l| match l.split_once(':') {
                            Some((svc, alias)) => (svc.to_string(), Some(alias.to_string())),
                            None => (l, None),
                        })
                        .collect()
                }
                "networks" => {
                    networks_given = true;
                    s.networks = service_networks(v, &here)?;
                }
                "network_mode" => s.network_mode = Some(network_mode(v, &here)?),
                _ => return unsupported(&here),
            }
        }
        if s.image.is_empty() {
            return unsupported(&format!("{path} without image"));
        }
        if !networks_given && s.network_mode.is_none() {
            s.networks
                .insert("default".into(), ServiceNetwork::default());
        }
        Ok(s)
    }

    fn command_from(&mut self, v: &Node, path: &str) -> Res<()> {
        match v {
            Node::Scalar(text, _) => {
                self.command = crate::container::process::split_words(text)
                    .ok_or_else(|| ModelError::Invalid(format!("{path} has unbalanced quotes")))?;
                self.command_text = Some(text.clone());
            }
            _ => self.command = strings(v, path)?,
        }
        Ok(())
    }
}

fn depends_on(v: &Node, path: &str) -> Res<Vec<String>> {
    match v {
        Node::Seq(_) => strings(v, path),
        _ => Ok(entries(v, path)?.iter().map(|(k, _)| k.clone()).collect()),
    }
}

fn network_mode(v: &Node, path: &str) -> Res<NetworkModeSpec> {
    let text = scalar(v, path)?;
    match text.as_str() {
        "host" => Ok(NetworkModeSpec::Host),
        "none" => Ok(NetworkModeSpec::None),
        "bridge" => Ok(NetworkModeSpec::Bridge),
        t => match t.strip_prefix("service:") {
            Some(s) => Ok(NetworkModeSpec::Service(s.to_string())),
            None => unsupported(&format!("{path}: {t}")),
        },
    }
}

fn service_networks(v: &Node, path: &str) -> Res<BTreeMap<String, ServiceNetwork>> {
    if let Node::Seq(_) = v {
        return Ok(strings(v, path)?
            .into_iter()
            .map(|k| (k, ServiceNetwork::default()))
            .collect());
    }
    let mut out = BTreeMap::new();
    for (key, n) in entries(v, path)? {
        let mut sn = ServiceNetwork::default();
        for (k, x) in entries(n, &format!("{path}.{key}"))? {
            let here = format!("{path}.{key}.{k}");
            match k.as_str() {
                "aliases" => sn.aliases = strings(x, &here)?,
                "ipv4_address" => sn.ipv4_address = Some(scalar(x, &here)?),
                "ipv6_address" => sn.ipv6_address = Some(scalar(x, &here)?),
                _ => return unsupported(&here),
            }
        }
        out.insert(key.clone(), sn);
    }
    Ok(out)
}

impl NetworkDef {
    fn from_tree(n: &Node, path: &str) -> Res<NetworkDef> {
        let mut d = NetworkDef::default();
        for (key, v) in entries(n, path)? {
            let here = format!("{path}.{key}");
            match key.as_str() {
                "name" => d.name = Some(scalar(v, &here)?),
                "driver" => d.driver = Some(scalar(v, &here)?),
                "driver_opts" => d.driver_opts = string_map(v, &here)?,
                "internal" => d.internal = boolean(v, &here)?,
                "attachable" => d.attachable = boolean(v, &here)?,
                "enable_ipv6" => d.enable_ipv6 = boolean(v, &here)?,
                "labels" => d.labels = string_map(v, &here)?,
                "ipam" => d.ipam = ipam(v, &here)?,
                "external" => d.external_from(v, &here)?,
                _ => return unsupported(&here),
            }
        }
        Ok(d)
    }

    fn external_from(&mut self, v: &Node, path: &str) -> Res<()> {
        if let Node::Map(_) = v {
            if let Some(name) = v.get("name") {
                self.name = Some(scalar(name, &format!("{path}.name"))?);
            }
            self.external = Some(true);
        } else if boolean(v, path)? {
            self.external = Some(false);
        }
        Ok(())
    }

    /// Whether Compose leaves this network to the user.
    pub fn is_external(&self) -> bool {
        self.external.is_some()
    }
}

fn ipam(v: &Node, path: &str) -> Res<Vec<IpamPool>> {
    let mut pools = Vec::new();
    for (key, x) in entries(v, path)? {
        let here = format!("{path}.{key}");
        match key.as_str() {
            "driver" if x.text() == Some("default") => {}
            "config" => {
                let Node::Seq(items) = x else {
                    return Err(ModelError::Invalid(format!("{here} must be a list")));
                };
                for item in items {
                    pools.push(ipam_pool(item, &here)?);
                }
            }
            _ => return unsupported(&here),
        }
    }
    Ok(pools)
}

fn ipam_pool(n: &Node, path: &str) -> Res<IpamPool> {
    let mut p = IpamPool::default();
    for (k, v) in entries(n, path)? {
        let here = format!("{path}.{k}");
        match k.as_str() {
            "subnet" => p.subnet = Some(scalar(v, &here)?),
            "gateway" => p.gateway = Some(scalar(v, &here)?),
            "ip_range" => p.ip_range = Some(scalar(v, &here)?),
            "aux_addresses" => p.aux = string_map(v, &here)?,
            _ => return unsupported(&here),
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    fn file(text: &str) -> Res<ComposeFile> {
        ComposeFile::from_tree(&parse(text).unwrap())
    }

    #[test]
    fn service_networks_list_map_and_default() {
        let f = file("services:\n  a:\n    image: x\n    networks: [front]\n  b:\n    image: x\n    networks:\n      back:\n        aliases: [db2]\n        ipv4_address: 10.0.0.5\n  c:\n    image: x\n").unwrap();
        assert!(f.services["a"].networks.contains_key("front"));
        assert_eq!(f.services["b"].networks["back"].aliases, ["db2"]);
        assert!(f.services["c"].networks.contains_key("default"));
    }

    #[test]
    fn external_both_forms_and_unsupported_keys() {
        let f = file("services: {}\nnetworks:\n  default:\n    external:\n      name: old\n  s:\n    external: true\n    name: new\n").unwrap();
        assert_eq!(f.network("default").unwrap().name.as_deref(), Some("old"));
        assert_eq!(f.network("default").unwrap().external, Some(true));
        assert_eq!(f.network("s").unwrap().external, Some(false));
        assert_eq!(
            file("services:\n  a:\n    image: x\n    volumes: [v]\n"),
            Err(ModelError::Unsupported("services.a.volumes".into()))
        );
    }
}
