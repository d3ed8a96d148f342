//! `docker network ...` as CLI 20.10 parses, validates and prints it.

mod docs;
mod inspect;
mod ipam_config;
mod ls;

use std::collections::BTreeMap;

use super::error_output;
use super::flags::{self, FlagSpec};
use super::help::help_text;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::network::create::CreateRequest;
use crate::output::CommandOutput;

use docs::{CREATE, CREATE_DOCS, PRUNE, PRUNE_DOCS, RM};
pub use ipam_config::consolidate_ipam;

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

/// A template that fails to parse or run: `template parsing error: ...` (inspect exits 64 on
/// parse errors, everything else 1).
pub(crate) fn template_error(e: &str, exit: i32) -> CommandOutput {
    CommandOutput::fail(format!("template parsing error: {e}\n"), exit)
}

impl Engine {
    /// `docker network SUB ...`.
    pub(crate) fn dispatch_network(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
    ) -> CommandOutput {
        let Some(sub) = args.first() else {
            // `docker network` alone shows its help on stderr and succeeds.
            return CommandOutput {
                stdout: String::new(),
                stderr: format!("\n{}\n", docs::NETWORK_USAGE),
                exit: 0,
            };
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
            "--help" | "-h" | "help" => CommandOutput::ok(format!("\n{}\n", docs::NETWORK_USAGE)),
            // cobra's NoArgs on a command with subcommands: the usage as the error.
            _ => CommandOutput::fail(format!("\n{}\n", docs::NETWORK_USAGE), 1),
        }
    }

    /// `docker network create`.
    fn network_create(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let p = match flags::parse(CREATE_FLAGS, args, true) {
            Ok(p) => p,
            Err(e) => return CREATE.flag_error(&e),
        };
        if p.help {
            return CommandOutput::ok(help_text(&CREATE, None, CREATE_DOCS));
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
        for l in p.all("label") {
            let key = l.split('=').next().unwrap_or("").trim_start();
            if key.is_empty() {
                return CREATE.flag_error(&format!(
                    "invalid argument \"{l}\" for \"--label\" flag: invalid label '{l}': empty name"
                ));
            }
            if key.contains(char::is_whitespace) {
                return CREATE.flag_error(&format!(
                    "invalid argument \"{l}\" for \"--label\" flag: label '{key}' contains whitespaces"
                ));
            }
        }
        // 20.10 wants an IPv6 pool for `--ipv6` and has no default one; an IPv6 subnet given
        // with it is refused by create as unsupported (docknet models IPv4 only).
        if p.flag("ipv6") && !ipam.iter().any(|c| c.subnet.contains(':')) {
            return error_output(&EngineError::Message(
                "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network".to_string(),
            ));
        }
        let req = CreateRequest {
            name: p.args[0].clone(),
            driver: p.last("driver").unwrap_or("bridge").to_string(),
            ipam,
            internal: p.flag("internal"),
            attachable: p.flag("attachable"),
            labels: kv_map(p.all("label")),
            options: kv_map(p.all("opt")),
            ipam_options_null: false,
        };
        match self.create_network(k, req) {
            Ok(id) => CommandOutput::ok(format!("{id}\n")),
            Err(e) => error_output(&e),
        }
    }

    /// `docker network rm NET...`: each name printed as given, errors on stderr.
    fn network_rm(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let p = match flags::parse(&[], args, true) {
            Ok(p) => p,
            Err(e) => return RM.flag_error(&e),
        };
        if p.help {
            return CommandOutput::ok(help_text(&RM, Some("rm, remove"), &[]));
        }
        if let Some(out) = RM.check_args(p.args.len(), None, 1) {
            return out;
        }
        let mut out = CommandOutput::ok("");
        for name in &p.args {
            match self.remove_network(k, name) {
                Ok(()) => out.stdout.push_str(&format!("{name}\n")),
                Err(EngineError::NetworkNotFound(_)) => {
                    out.stderr
                        .push_str(&EngineError::NoSuchNetwork(name.clone()).render());
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

    /// `docker network prune [-f]`.
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
            return CommandOutput::ok(help_text(&PRUNE, None, PRUNE_DOCS));
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
