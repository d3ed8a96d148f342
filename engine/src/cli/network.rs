//! `docker network ...` as CLI 20.10 parses, validates and prints it.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::flags::{self, FlagSpec};
use super::table::{natural_less, tabwrite};
use super::template::Template;
use super::{error_output, Usage};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::inspect::indented;
use crate::kernel::Kernel;
use crate::network::create::CreateRequest;
use crate::network::{IpamConfigEcho, Network};
use crate::op::Ipv4Cidr;
use crate::output::CommandOutput;

const CREATE: Usage = Usage {
    path: "docker network create",
    line: "docker network create [OPTIONS] NETWORK",
    short: "Create a network",
};
const LS: Usage = Usage {
    path: "docker network ls",
    line: "docker network ls [OPTIONS]",
    short: "List networks",
};
const INSPECT: Usage = Usage {
    path: "docker network inspect",
    line: "docker network inspect [OPTIONS] NETWORK [NETWORK...]",
    short: "Display detailed information on one or more networks",
};
const RM: Usage = Usage {
    path: "docker network rm",
    line: "docker network rm NETWORK [NETWORK...]",
    short: "Remove one or more networks",
};
const PRUNE: Usage = Usage {
    path: "docker network prune",
    line: "docker network prune [OPTIONS]",
    short: "Remove all unused networks",
};

const CREATE_FLAGS: &[FlagSpec] = &[
    FlagSpec::value("driver", Some('d')),
    FlagSpec::value("opt", Some('o')),
    FlagSpec::value("label", None),
    FlagSpec::boolean("internal", None),
    FlagSpec::boolean("ipv6", None),
    FlagSpec::boolean("attachable", None),
    FlagSpec::boolean("ingress", None),
    FlagSpec::value("scope", None),
    FlagSpec::boolean("config-only", None),
    FlagSpec::value("config-from", None),
    FlagSpec::value("ipam-driver", None),
    FlagSpec::value("subnet", None),
    FlagSpec::value("ip-range", None),
    FlagSpec::value("gateway", None),
    FlagSpec::value("aux-address", None),
    FlagSpec::value("ipam-opt", None),
];

/// `k=v` options (Docker's MapOpts): a key without `=` maps to "".
fn kv_map(items: &[String]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (s.clone(), String::new()),
        })
        .collect()
}

/// pflag's StringSlice: every occurrence, each split on commas.
fn string_slice(items: &[String]) -> Vec<String> {
    items
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::to_string)
        .collect()
}

/// The CLI's `subnetMatches`: does `data` (an IP or CIDR) lie in `subnet`?
fn subnet_matches(subnet: &str, data: &str) -> Result<bool, String> {
    let s = Ipv4Cidr::parse(subnet)
        .ok_or_else(|| format!("invalid subnet: invalid CIDR address: {subnet}"))?;
    let ip = if data.contains('/') {
        Ipv4Cidr::parse(data)
            .ok_or_else(|| format!("invalid CIDR address: {data}"))?
            .addr
    } else {
        match data.parse() {
            Ok(ip) => ip,
            Err(_) => return Ok(false),
        }
    };
    Ok(s.contains(ip))
}

/// The CLI's `consolidateIpam`: pairs ranges, gateways and aux addresses with subnets.
pub fn consolidate_ipam(
    subnets: &[String],
    ranges: &[String],
    gateways: &[String],
    aux: &BTreeMap<String, String>,
) -> Result<Vec<IpamConfigEcho>, String> {
    if subnets.len() < ranges.len() || subnets.len() < gateways.len() {
        return Err("every ip-range or gateway must have a corresponding subnet".to_string());
    }
    let mut data: Vec<IpamConfigEcho> = Vec::new();
    for s in subnets {
        for k in &data {
            if subnet_matches(s, &k.subnet)? || subnet_matches(&k.subnet, s)? {
                return Err("multiple overlapping subnet configuration is not supported".to_string());
            }
        }
        data.push(IpamConfigEcho {
            subnet: s.clone(),
            ..Default::default()
        });
    }
    for r in ranges {
        let mut matched = false;
        for d in data.iter_mut() {
            if !subnet_matches(&d.subnet, r)? {
                continue;
            }
            if let Some(prev) = &d.ip_range {
                return Err(format!(
                    "cannot configure multiple ranges ({r}, {prev}) on the same subnet ({})",
                    d.subnet
                ));
            }
            d.ip_range = Some(r.clone());
            matched = true;
        }
        if !matched {
            return Err(format!("no matching subnet for range {r}"));
        }
    }
    for g in gateways {
        let mut matched = false;
        for d in data.iter_mut() {
            if !subnet_matches(&d.subnet, g)? {
                continue;
            }
            if let Some(prev) = &d.gateway {
                return Err(format!(
                    "cannot configure multiple gateways ({g}, {prev}) for the same subnet ({})",
                    d.subnet
                ));
            }
            d.gateway = Some(g.clone());
            matched = true;
        }
        if !matched {
            return Err(format!("no matching subnet for gateway {g}"));
        }
    }
    for (key, addr) in aux {
        let mut matched = false;
        for d in data.iter_mut() {
            if !subnet_matches(&d.subnet, addr)? {
                continue;
            }
            d.aux.insert(key.clone(), addr.clone());
            matched = true;
        }
        if !matched {
            return Err(format!("no matching subnet for aux-address {addr}"));
        }
    }
    Ok(data)
}

/// One row of `docker network ls`, as the formatter's fields see it.
fn ls_row(n: &Network, trunc: bool) -> Value {
    let labels: Vec<String> = n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    json!({
        "ID": if trunc { n.short_id().to_string() } else { n.id.clone() },
        "Name": n.name,
        "Driver": n.driver.name(),
        "Scope": "local",
        "IPv6": "false",
        "Internal": n.internal.to_string(),
        "Labels": labels.join(","),
        "CreatedAt": n.created.go_string(),
    })
}

/// Column titles of `network ls` table formats.
fn ls_header() -> Value {
    json!({
        "ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE",
        "IPv6": "IPV6", "Internal": "INTERNAL", "Labels": "LABELS", "CreatedAt": "CREATED AT",
    })
}

/// The daemon's `filters.Match`: exact, or the value read as an (unanchored) pattern.
fn filter_match(pattern: &str, value: &str) -> bool {
    if pattern == value {
        return true;
    }
    let (anchored_start, p) = match pattern.strip_prefix('^') {
        Some(p) => (true, p),
        None => (false, pattern),
    };
    let (anchored_end, p) = match p.strip_suffix('$') {
        Some(p) => (true, p),
        None => (false, p),
    };
    match (anchored_start, anchored_end) {
        (true, true) => value == p,
        (true, false) => value.starts_with(p),
        (false, true) => value.ends_with(p),
        (false, false) => value.contains(p),
    }
}

fn template_error(e: &str) -> CommandOutput {
    CommandOutput::fail(format!("Template parsing error: {e}\n"), 64)
}

impl Engine {
    /// `docker network SUB ...`.
    pub(crate) fn dispatch_network(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let Some(sub) = args.first() else {
            return CommandOutput::ok("\nUsage:  docker network COMMAND\n\nManage networks\n");
        };
        let rest = &args[1..];
        match sub.as_str() {
            "create" => self.network_create(k, rest),
            "ls" | "list" => self.network_ls(rest),
            "inspect" => self.network_inspect(rest),
            "rm" | "remove" => self.network_rm(k, rest),
            "prune" => self.network_prune(k, rest),
            "connect" => self.cmd_network_connect(k, rest),
            "disconnect" => self.cmd_network_disconnect(k, rest),
            other => CommandOutput::fail(
                format!(
                    "docker: 'network {other}' is not a docker command.\nSee 'docker --help'\n"
                ),
                1,
            ),
        }
    }

    fn network_create(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let p = match flags::parse(CREATE_FLAGS, args, true) {
            Ok(p) => p,
            Err(e) => return CREATE.flag_error(&e),
        };
        if p.help {
            return CREATE.help();
        }
        if let Some(out) = CREATE.check_args(p.args.len(), Some(1), 1) {
            return out;
        }
        let ipam = match consolidate_ipam(
            &string_slice(p.all("subnet")),
            &string_slice(p.all("ip-range")),
            &string_slice(p.all("gateway")),
            &kv_map(p.all("aux-address")),
        ) {
            Ok(c) => c,
            Err(e) => return CommandOutput::fail(format!("{e}\n"), 1),
        };
        let req = CreateRequest {
            name: p.args[0].clone(),
            driver: p.last("driver").unwrap_or("bridge").to_string(),
            ipam,
            internal: p.flag("internal"),
            attachable: p.flag("attachable"),
            labels: kv_map(p.all("label")),
            options: kv_map(p.all("opt")),
        };
        match self.create_network(k, req) {
            Ok(id) => CommandOutput::ok(format!("{id}\n")),
            Err(e) => error_output(&e),
        }
    }

    fn network_ls(&mut self, args: &[String]) -> CommandOutput {
        const SPECS: &[FlagSpec] = &[
            FlagSpec::value("filter", Some('f')),
            FlagSpec::value("format", None),
            FlagSpec::boolean("no-trunc", None),
            FlagSpec::boolean("quiet", Some('q')),
        ];
        let p = match flags::parse(SPECS, args, true) {
            Ok(p) => p,
            Err(e) => return LS.flag_error(&e),
        };
        if p.help {
            return LS.help();
        }
        if let Some(out) = LS.check_args(p.args.len(), Some(0), 0) {
            return out;
        }
        let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in p.all("filter") {
            let Some((key, val)) = f.split_once('=') else {
                return CommandOutput::fail(
                    format!("bad format of filter (expected name=value)\nSee '{} --help'.\n", LS.path),
                    125,
                );
            };
            let key = key.trim().to_lowercase();
            if !["driver", "name", "id", "label", "scope", "type", "dangling"].contains(&key.as_str()) {
                return error_output(&EngineError::Message(format!("Invalid filter '{key}'")));
            }
            filters.entry(key).or_default().push(val.to_string());
        }
        let mut nets: Vec<&Network> = self
            .networks
            .iter()
            .filter(|n| self.ls_filter(n, &filters))
            .collect();
        nets.sort_by(|a, b| {
            if natural_less(&a.name, &b.name) {
                std::cmp::Ordering::Less
            } else if natural_less(&b.name, &a.name) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        let trunc = !p.flag("no-trunc");
        if p.flag("quiet") {
            let ids: String = nets.iter().map(|n| format!("{}\n", ls_row(n, trunc)["ID"].as_str().unwrap_or(""))).collect();
            return CommandOutput::ok(ids);
        }
        let format = p
            .last("format")
            .unwrap_or("table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}");
        let (is_table, body) = match format.strip_prefix("table") {
            Some(rest) => (true, rest.trim_start()),
            None => (false, format),
        };
        let body = if is_table && body.is_empty() {
            "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
        } else {
            body
        };
        let tmpl = match Template::parse(body) {
            Ok(t) => t,
            Err(e) => return template_error(&e),
        };
        let mut lines = Vec::new();
        if is_table {
            match tmpl.execute(&ls_header()) {
                Ok(h) => lines.push(h),
                Err(e) => return template_error(&e),
            }
        }
        for n in nets {
            match tmpl.execute(&ls_row(n, trunc)) {
                Ok(l) => lines.push(l),
                Err(e) => return template_error(&e),
            }
        }
        if is_table {
            CommandOutput::ok(tabwrite(&lines))
        } else {
            CommandOutput::ok(lines.iter().map(|l| format!("{l}\n")).collect::<String>())
        }
    }

    /// The daemon's network list filters: `driver` exact; `name`, `id` pattern; `label`
    /// key or key=value (all must hold); `type` custom|builtin; `scope` exact.
    fn ls_filter(&self, n: &Network, f: &BTreeMap<String, Vec<String>>) -> bool {
        let any = |key: &str, test: &dyn Fn(&str) -> bool| {
            f.get(key).is_none_or(|vals| vals.iter().any(|v| test(v)))
        };
        let labels_ok = f.get("label").is_none_or(|vals| {
            vals.iter().all(|v| match v.split_once('=') {
                Some((k, want)) => n.labels.get(k).is_some_and(|have| have == want),
                None => n.labels.contains_key(v),
            })
        });
        any("driver", &|v| v == n.driver.name())
            && any("name", &|v| filter_match(v, &n.name))
            && any("id", &|v| filter_match(v, &n.id))
            && any("scope", &|v| v == "local")
            && any("type", &|v| match v {
                "custom" => !n.is_predefined(),
                "builtin" => n.is_predefined(),
                _ => false,
            })
            && any("dangling", &|v| match v {
                "true" | "1" => !n.is_predefined() && self.endpoints_on(&n.id).is_empty(),
                _ => true,
            })
            && labels_ok
    }

    /// `docker network inspect [-f FORMAT] NET...`.
    pub(crate) fn network_inspect(&mut self, args: &[String]) -> CommandOutput {
        const SPECS: &[FlagSpec] = &[
            FlagSpec::value("format", Some('f')),
            FlagSpec::boolean("verbose", Some('v')),
        ];
        let p = match flags::parse(SPECS, args, true) {
            Ok(p) => p,
            Err(e) => return INSPECT.flag_error(&e),
        };
        if p.help {
            return INSPECT.help();
        }
        if let Some(out) = INSPECT.check_args(p.args.len(), None, 1) {
            return out;
        }
        let tmpl = match p.last("format").filter(|f| !f.is_empty()) {
            Some(f) => match Template::parse(f) {
                Ok(t) => Some(t),
                Err(e) => return template_error(&e),
            },
            None => None,
        };
        let mut docs = Vec::new();
        let mut errs = Vec::new();
        for name in &p.args {
            match self.network(name) {
                Ok(n) => docs.push(self.network_json(n)),
                Err(EngineError::NetworkNotFound(_)) => {
                    errs.push(EngineError::NoSuchNetwork(name.clone()).render())
                }
                Err(e) => errs.push(e.render()),
            }
        }
        let stdout = match &tmpl {
            None => indented(&docs),
            Some(t) => {
                let mut out = String::new();
                for d in &docs {
                    match t.execute(d) {
                        Ok(s) => {
                            out.push_str(&s);
                            out.push('\n');
                        }
                        Err(e) => return template_error(&e),
                    }
                }
                if out.is_empty() {
                    out.push('\n');
                }
                out
            }
        };
        CommandOutput {
            stdout,
            exit: if errs.is_empty() { 0 } else { 1 },
            stderr: errs.concat(),
        }
    }

    fn network_rm(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let p = match flags::parse(&[], args, true) {
            Ok(p) => p,
            Err(e) => return RM.flag_error(&e),
        };
        if p.help {
            return RM.help();
        }
        if let Some(out) = RM.check_args(p.args.len(), None, 1) {
            return out;
        }
        let mut out = CommandOutput::ok("");
        for name in &p.args {
            match self.remove_network(k, name) {
                Ok(()) => out.stdout.push_str(&format!("{name}\n")),
                Err(EngineError::NetworkNotFound(_)) => {
                    out.stderr.push_str(&EngineError::NoSuchNetwork(name.clone()).render());
                    out.exit = 1;
                }
                Err(e) => {
                    out.stderr.push_str(&e.render());
                    out.exit = 1;
                }
            }
        }
        out
    }

    fn network_prune(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        const SPECS: &[FlagSpec] = &[
            FlagSpec::boolean("force", Some('f')),
            FlagSpec::value("filter", None),
        ];
        let p = match flags::parse(SPECS, args, true) {
            Ok(p) => p,
            Err(e) => return PRUNE.flag_error(&e),
        };
        if p.help {
            return PRUNE.help();
        }
        if let Some(out) = PRUNE.check_args(p.args.len(), Some(0), 0) {
            return out;
        }
        if !p.flag("force") {
            // No terminal to answer the prompt: an empty answer means "no".
            return CommandOutput::ok(
                "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ",
            );
        }
        let mut removed = self.prune_networks(k);
        removed.sort();
        if removed.is_empty() {
            return CommandOutput::ok("");
        }
        let mut s = String::from("Deleted Networks:\n");
        for n in removed {
            s.push_str(&n);
            s.push('\n');
        }
        s.push('\n');
        CommandOutput::ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn consolidate_errors_match_cli() {
        let none = BTreeMap::new();
        assert_eq!(
            consolidate_ipam(&[], &[], &v(&["10.0.0.1"]), &none).unwrap_err(),
            "every ip-range or gateway must have a corresponding subnet"
        );
        assert_eq!(
            consolidate_ipam(&v(&["10.1.0.0/24"]), &[], &v(&["10.2.0.1"]), &none).unwrap_err(),
            "no matching subnet for gateway 10.2.0.1"
        );
        assert_eq!(
            consolidate_ipam(&v(&["10.5.0.0/24"]), &v(&["10.6.0.0/24"]), &[], &none).unwrap_err(),
            "no matching subnet for range 10.6.0.0/24"
        );
        assert_eq!(
            consolidate_ipam(&v(&["10.0.0.0/16", "10.0.1.0/24"]), &[], &[], &none).unwrap_err(),
            "multiple overlapping subnet configuration is not supported"
        );
        assert_eq!(
            consolidate_ipam(&v(&["foo"]), &[], &v(&["1.2.3.4"]), &none).unwrap_err(),
            "invalid subnet: invalid CIDR address: foo"
        );
        // A lone bad subnet passes the CLI; the daemon words that error.
        assert!(consolidate_ipam(&v(&["foo"]), &[], &[], &none).is_ok());
    }
}
