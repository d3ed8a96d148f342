//! `config`: the project as Compose 2.40 prints it back (its canonical YAML).
//!
//! Facts (`tests/oracle/compose-*.log`, 2.40.3): `name:` first, services and their keys in
//! name order, `command` as a list, `depends_on` in its long form (`restart: true` for
//! links), `networks` as a map (`null` without settings), `ports` in the long form, then the
//! top-level networks with their `name:`; strings that would read as numbers or booleans are
//! double-quoted. A service naming an undefined network is refused as `up` refuses it.
//! 1.29's `config` (which echoes the file and does not check networks) is not modelled.

use std::fmt::Write;

use super::error::ComposeError;
use super::model::{NetworkDef, NetworkModeSpec, Service};
use super::program::Program;
use super::Loaded;
use crate::engine::Engine;
use crate::error::EngineError;

/// go-yaml's scalar: quoted when plain would change its type.
fn scalar(s: &str) -> String {
    let typed = s.parse::<f64>().is_ok()
        || matches!(s, "true" | "false" | "null" | "~" | "yes" | "no" | "")
        || s.starts_with(['*', '&', '!', '[', '{', '"', '\'', '#', '@', '%', '`'])
        || s.contains(": ")
        || s.ends_with(':');
    if typed {
        format!("{s:?}")
    } else {
        s.to_string()
    }
}

impl Engine {
    /// What `config` refuses before printing.
    pub(super) fn check_config(&self, l: &Loaded) -> Result<(), EngineError> {
        if l.project.program == Program::V1 {
            return Err(EngineError::Unsupported(
                "docker-compose config (docknet models Compose 2.40's config)".into(),
            ));
        }
        for (name, svc) in &l.file.services {
            if let Some(key) = svc
                .networks
                .keys()
                .find(|k| *k != "default" && l.file.network(k).is_none())
            {
                return Err(ComposeError::UndefinedNetwork {
                    program: Program::V2,
                    service: name.clone(),
                    network: key.clone(),
                }
                .into());
            }
        }
        Ok(())
    }
}

/// The canonical YAML of the project.
pub fn render(l: &Loaded) -> Result<String, EngineError> {
    let mut o = format!("name: {}\nservices:\n", l.project.name);
    for (name, svc) in &l.file.services {
        let _ = writeln!(o, "  {name}:");
        service(&mut o, svc);
    }
    let used: Vec<&(String, NetworkDef)> = l
        .file
        .networks
        .iter()
        .filter(|(k, _)| l.file.services.values().any(|s| s.networks.contains_key(k)))
        .collect();
    let implicit = l.file.network("default").is_none()
        && l.file
            .services
            .values()
            .any(|s| s.networks.contains_key("default"));
    if !used.is_empty() || implicit {
        o.push_str("networks:\n");
    }
    let default = ("default".to_string(), NetworkDef::default());
    for (key, def) in used.into_iter().chain(implicit.then_some(&default)) {
        let _ = writeln!(o, "  {key}:");
        let name = l.project.network_name(key, def.name.as_deref());
        network(&mut o, def, &name);
    }
    Ok(o)
}

fn list(o: &mut String, indent: &str, items: &[String]) {
    for i in items {
        let _ = writeln!(o, "{indent}- {}", scalar(i));
    }
}

fn service(o: &mut String, s: &Service) {
    if !s.command.is_empty() {
        o.push_str("    command:\n");
        list(o, "      ", &s.command);
    }
    let mut deps: Vec<(&str, bool)> = s.depends_on.iter().map(|d| (d.as_str(), false)).collect();
    for (l, _) in &s.links {
        deps.retain(|(d, _)| d != l);
        deps.push((l, true));
    }
    deps.sort();
    if !deps.is_empty() {
        o.push_str("    depends_on:\n");
        for (d, restart) in deps {
            let _ = writeln!(o, "      {d}:\n        condition: service_started");
            if restart {
                o.push_str("        restart: true\n");
            }
            o.push_str("        required: true\n");
        }
    }
    let _ = writeln!(o, "    image: {}", scalar(&s.image));
    if !s.links.is_empty() {
        o.push_str("    links:\n");
        let links: Vec<String> = s
            .links
            .iter()
            .map(|(t, a)| a.as_ref().map_or(t.clone(), |a| format!("{t}:{a}")))
            .collect();
        list(o, "      ", &links);
    }
    match &s.network_mode {
        Some(NetworkModeSpec::Host) => o.push_str("    network_mode: host\n"),
        Some(NetworkModeSpec::None) => o.push_str("    network_mode: none\n"),
        Some(NetworkModeSpec::Bridge) => o.push_str("    network_mode: bridge\n"),
        Some(NetworkModeSpec::Service(t)) => {
            let _ = writeln!(o, "    network_mode: service:{t}");
        }
        None => {}
    }
    if !s.networks.is_empty() {
        o.push_str("    networks:\n");
    }
    for (key, sn) in &s.networks {
        if sn.aliases.is_empty() && sn.ipv4_address.is_none() {
            let _ = writeln!(o, "      {key}: null");
            continue;
        }
        let _ = writeln!(o, "      {key}:");
        if !sn.aliases.is_empty() {
            o.push_str("        aliases:\n");
            list(o, "          ", &sn.aliases);
        }
        if let Some(ip) = &sn.ipv4_address {
            let _ = writeln!(o, "        ipv4_address: {ip}");
        }
    }
    if !s.ports.is_empty() {
        o.push_str("    ports:\n");
    }
    for p in &s.ports {
        let (published, target) = match p.rsplit_once(':') {
            Some((h, c)) => (Some(h.rsplit(':').next().unwrap_or(h)), c),
            None => (None, p.as_str()),
        };
        let (target, proto) = target.split_once('/').unwrap_or((target, "tcp"));
        let _ = writeln!(o, "      - mode: ingress\n        target: {target}");
        if let Some(h) = published {
            let _ = writeln!(o, "        published: \"{h}\"");
        }
        let _ = writeln!(o, "        protocol: {proto}");
    }
}

fn network(o: &mut String, d: &NetworkDef, name: &str) {
    let _ = writeln!(o, "    name: {}", scalar(name));
    if let Some(drv) = &d.driver {
        let _ = writeln!(o, "    driver: {drv}");
    }
    if !d.driver_opts.is_empty() {
        o.push_str("    driver_opts:\n");
        for (k, v) in &d.driver_opts {
            let _ = writeln!(o, "      {k}: {}", scalar(v));
        }
    }
    if !d.ipam.is_empty() {
        o.push_str("    ipam:\n      config:\n");
    }
    for p in &d.ipam {
        let mut first = true;
        let mut field = |o: &mut String, k: &str, v: &Option<String>| {
            if let Some(v) = v {
                let lead = if first { "        - " } else { "          " };
                first = false;
                let _ = writeln!(o, "{lead}{k}: {v}");
            }
        };
        field(o, "subnet", &p.subnet);
        field(o, "gateway", &p.gateway);
        field(o, "ip_range", &p.ip_range);
        if !p.aux.is_empty() {
            o.push_str("          aux_addresses:\n");
            for (k, v) in &p.aux {
                let _ = writeln!(o, "            {k}: {v}");
            }
        }
    }
    if d.is_external() {
        o.push_str("    external: true\n");
    }
    if d.internal {
        o.push_str("    internal: true\n");
    }
    if d.attachable {
        o.push_str("    attachable: true\n");
    }
    if !d.labels.is_empty() {
        o.push_str("    labels:\n");
        for (k, v) in &d.labels {
            let _ = writeln!(o, "      {k}: {}", scalar(v));
        }
    }
}
