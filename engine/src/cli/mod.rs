//! The docker CLI 20.10 front end: argv parsing, dispatch, and output/exit-status conventions.

pub mod commands;
pub mod flags;
pub mod help;
pub mod network;
pub mod system;
pub mod table;
pub mod template;
pub mod version;

use crate::container::verbs::Invoked;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::output::CommandOutput;

/// A command's identity, for usage errors: `docker network create`, its use line, its blurb.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// `docker network create`.
    pub path: &'static str,
    /// `docker network create [OPTIONS] NETWORK`.
    pub line: &'static str,
    /// `Create a network`.
    pub short: &'static str,
}

impl Usage {
    /// A pflag error: `unknown flag: --foo\nSee 'docker network create --help'.`, exit 125.
    pub fn flag_error(&self, err: &str) -> CommandOutput {
        CommandOutput::fail(format!("{err}\nSee '{} --help'.\n", self.path), 125)
    }

    /// cobra's argument-count errors (`requires exactly 1 argument`, ...), exit 1.
    pub fn args_error(&self, what: &str) -> CommandOutput {
        CommandOutput::fail(
            format!(
                "\"{}\" {what}.\nSee '{} --help'.\n\nUsage:  {}\n\n{}\n",
                self.path, self.path, self.line, self.short
            ),
            1,
        )
    }

    /// `--help`: the usage header (docknet prints no option table).
    pub fn help(&self) -> CommandOutput {
        CommandOutput::ok(format!("\nUsage:  {}\n\n{}\n", self.line, self.short))
    }

    /// Checks the positional count: `exact` or at least `min`.
    pub fn check_args(&self, n: usize, exact: Option<usize>, min: usize) -> Option<CommandOutput> {
        let plural = |k: usize| if k == 1 { "argument" } else { "arguments" };
        match exact {
            Some(0) if n > 0 => Some(self.args_error("accepts no arguments")),
            Some(k) if n != k && k > 0 => {
                Some(self.args_error(&format!("requires exactly {k} {}", plural(k))))
            }
            None if n < min => {
                Some(self.args_error(&format!("requires at least {min} {}", plural(min))))
            }
            _ => None,
        }
    }
}

/// How the CLI prints a failed API call: `Error response from daemon: MSG`, exit 1.
pub fn error_output(e: &EngineError) -> CommandOutput {
    CommandOutput::fail(e.render(), e.exit_status())
}

/// `docker exec` runs a host tool inside a container: the scenario runner does that itself.
fn exec_elsewhere() -> CommandOutput {
    CommandOutput::fail(
        "docknet: docker exec is handled by the scenario runner\n",
        1,
    )
}

impl Engine {
    /// Routes one `docker` argv (without `docker`) to its command.
    pub(crate) fn dispatch(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let Some(cmd) = args.first() else {
            // CLI 20.10 prints its whole help on stderr and exits 0 (as root: ~/.docker is
            // /root/.docker).
            return CommandOutput {
                stdout: String::new(),
                stderr: include_str!("docker-help-20.10.txt").to_string(),
                exit: 0,
            };
        };
        let rest = &args[1..];
        match cmd.as_str() {
            "network" => self.dispatch_network(k, rest),
            "container" => self.dispatch_container(k, rest),
            "run" => self.cmd_run(k, rest),
            "create" => self.cmd_create(k, rest),
            "start" => self.cmd_start(k, rest, Invoked::Top),
            "stop" => self.cmd_stop(k, rest, Invoked::Top),
            "restart" => self.cmd_restart(k, rest, Invoked::Top),
            "rm" => self.cmd_rm(k, rest, Invoked::Top),
            "ps" => self.cmd_ps(k, rest),
            "port" => self.cmd_port(k, rest),
            "exec" => exec_elsewhere(),
            "inspect" => self.cmd_inspect_any(k, rest),
            "version" => version::version(rest),
            "info" => self.cmd_info(rest),
            "system" => self.dispatch_system(k, rest),
            "--version" | "-v" => {
                CommandOutput::ok("Docker version 20.10.24+dfsg1, build 297e128\n")
            }
            other if commands::DOCKER_COMMANDS_20_10.contains(&other) => {
                commands::unsupported(args)
            }
            // cobra parses the flags first: an unknown flag anywhere wins over the command.
            other => match args.iter().find(|a| a.starts_with('-') && a.len() > 1) {
                Some(flag) => commands::unknown_global_flag(flag, !other.starts_with('-')),
                None => commands::unknown_command(other),
            },
        }
    }

    /// `docker system SUB ...`.
    fn dispatch_system(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let sub = args.first().map(String::as_str);
        match sub {
            Some("info") => self.cmd_info(&args[1..]),
            Some("prune") => self.cmd_system_prune(k, &args[1..]),
            Some(s) if commands::SYSTEM_COMMANDS_20_10.contains(&s) => {
                let mut argv = vec!["system".to_string()];
                argv.extend_from_slice(args);
                commands::unsupported(&argv)
            }
            _ => commands::group_usage(commands::SYSTEM_USAGE, sub),
        }
    }

    /// `docker container SUB ...`.
    fn dispatch_container(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let Some(sub) = args.first() else {
            return commands::group_usage(commands::CONTAINER_USAGE, None);
        };
        let rest = &args[1..];
        match sub.as_str() {
            "run" => self.cmd_run(k, rest),
            "create" => self.cmd_create(k, rest),
            "start" => self.cmd_start(k, rest, Invoked::Container),
            "stop" => self.cmd_stop(k, rest, Invoked::Container),
            "restart" => self.cmd_restart(k, rest, Invoked::Container),
            "rm" | "remove" => self.cmd_rm(k, rest, Invoked::Container),
            "ls" | "ps" | "list" => self.cmd_ps(k, rest),
            "port" => self.cmd_port(k, rest),
            "exec" => exec_elsewhere(),
            "inspect" => {
                // `docker container inspect` asks for containers only, so a miss reads
                // "No such container", not the generic "No such object".
                let mut typed = vec!["--type".to_string(), "container".to_string()];
                typed.extend_from_slice(rest);
                self.cmd_inspect(k, &typed)
            }
            "prune" => self.cmd_container_prune(rest),
            other if commands::CONTAINER_COMMANDS_20_10.contains(&other) => {
                let mut argv = vec!["container".to_string()];
                argv.extend_from_slice(args);
                commands::unsupported(&argv)
            }
            other => commands::group_usage(commands::CONTAINER_USAGE, Some(other)),
        }
    }

    /// `docker inspect`: containers go to the containers half; names that are only networks
    /// (or `--type network`) are inspected as networks.
    fn cmd_inspect_any(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        use flags::FlagSpec;
        const SPECS: &[FlagSpec] = &[
            FlagSpec::value("format", Some('f')),
            FlagSpec::boolean("size", Some('s')),
            FlagSpec::value("type", None),
        ];
        let Ok(p) = flags::parse(SPECS, args, true) else {
            return self.cmd_inspect(k, args);
        };
        let is_network_type = p.last("type") == Some("network");
        let all_networks = !p.args.is_empty()
            && p.args
                .iter()
                .all(|n| self.containers.find(n).is_err() && self.network(n).is_ok());
        if is_network_type || (p.last("type").is_none() && all_networks) {
            let mut net_args: Vec<String> = Vec::new();
            if let Some(f) = p.last("format") {
                net_args.push("--format".to_string());
                net_args.push(f.to_string());
            }
            net_args.extend(p.args.iter().cloned());
            return self.network_inspect(&net_args);
        }
        self.cmd_inspect(k, args)
    }
}
