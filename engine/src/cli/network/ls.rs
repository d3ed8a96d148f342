//! `docker network ls`: daemon-side filters, CLI-side sorting, formatting and tables.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::docs::{LS, LS_DOCS};
use super::template_error;
use crate::cli::error_output;
use crate::cli::flags::{self, FlagSpec};
use crate::cli::help::help_text;
use crate::cli::table::{natural_less, tabwrite};
use crate::cli::template::Template;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::network::Network;
use crate::output::CommandOutput;

/// One row of `docker network ls`, as the formatter's fields see it.
fn ls_row(n: &Network, trunc: bool) -> Value {
    let labels: Vec<String> = n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    // Keys in Go's sorted order, so `{{json .}}` prints them as Docker does.
    json!({
        "CreatedAt": n.created.go_string(),
        "Driver": n.driver.name(),
        "ID": if trunc { n.short_id().to_string() } else { n.id.clone() },
        "IPv6": "false",
        "Internal": n.internal.to_string(),
        "Labels": labels.join(","),
        "Name": n.name,
        "Scope": "local",
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

impl Engine {
    /// `docker network ls`.
    pub(crate) fn network_ls(&mut self, args: &[String]) -> CommandOutput {
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
            return CommandOutput::ok(help_text(&LS, Some("ls, list"), LS_DOCS));
        }
        if let Some(out) = LS.check_args(p.args.len(), Some(0), 0) {
            return out;
        }
        let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in p.all("filter") {
            let Some((key, val)) = f.split_once('=') else {
                return LS.flag_error(&format!(
                    "invalid argument \"{f}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)"
                ));
            };
            let key = key.trim().to_lowercase();
            if !["driver", "name", "id", "label", "scope", "type", "dangling"]
                .contains(&key.as_str())
            {
                return error_output(&EngineError::Message(format!("Invalid filter '{key}'")));
            }
            filters.entry(key).or_default().push(val.trim().to_string());
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
        // NewNetworkFormat: -q only changes the built-in formats.
        let format = match (p.last("format").unwrap_or("table"), p.flag("quiet")) {
            ("table", true) => "{{.ID}}",
            ("table", false) => "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}",
            ("raw", true) => "network_id: {{.ID}}",
            ("raw", false) => {
                "network_id: {{.ID}}\nname: {{.Name}}\ndriver: {{.Driver}}\nscope: {{.Scope}}\n"
            }
            (f, _) => f,
        };
        let is_table = format.starts_with("table");
        let body = format
            .strip_prefix("table")
            .unwrap_or(format)
            .trim_matches(' ');
        let body = body.replace("\\t", "\t").replace("\\n", "\n");
        let tmpl = match Template::parse(&body) {
            Ok(t) => t,
            Err(e) => return template_error(&e, 1),
        };
        let mut text = String::new();
        for n in nets {
            match tmpl.execute(&ls_row(n, trunc)) {
                Ok(l) => {
                    text.push_str(&l);
                    text.push('\n');
                }
                Err(e) => return template_error(&e, 1),
            }
        }
        if !is_table {
            return CommandOutput::ok(text);
        }
        let header = match tmpl.execute(&ls_header()) {
            Ok(h) => h,
            Err(e) => return template_error(&e, 1),
        };
        let all = format!("{header}\n{text}");
        let lines: Vec<String> = all.lines().map(str::to_string).collect();
        CommandOutput::ok(tabwrite(&lines))
    }

    /// The daemon's network list filters: `driver` exact; `name`, `id` pattern; `label`
    /// key or key=value (all must hold); `type` custom|builtin; `scope` exact.
    pub(crate) fn ls_filter(&self, n: &Network, f: &BTreeMap<String, Vec<String>>) -> bool {
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
}
