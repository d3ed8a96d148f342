//! `docker run`, `create`, `start`, `stop`, `restart` and `rm`, with CLI 20.10's output.

use std::collections::BTreeMap;

use crate::container::foreground::foreground_refusal;
use crate::container::image;
use crate::container::model::{Container, EndpointConfig, NetworkMode, RunState};
use crate::container::options::{self, OptionsError, RunOptions};
use crate::container::validate::ipam_style;
use crate::container::verbs::{self, Invoked};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::output::CommandOutput;

/// The host's name, which a host-mode container shares (the tutorial machine's).
pub const HOST_HOSTNAME: &str = "ubuntu26";

/// Docker waits this long after SIGTERM before it sends SIGKILL (`docker stop` default).
const STOP_TIMEOUT_NANOS: u64 = 10_000_000_000;

/// `docker: MSG.` as CLI 20.10's `reportError` prints it, with or without the help line.
fn report(cmd: &str, msg: &str, help: bool) -> String {
    let mut s = format!("docker: {}.", msg.trim_end_matches('.'));
    if help {
        s.push_str(&format!("\nSee 'docker {cmd} --help'."));
    }
    s.push('\n');
    s
}

fn options_failure(cmd: &str, e: OptionsError) -> CommandOutput {
    match e {
        OptionsError::MissingImage => CommandOutput::fail(
            format!(
                "\"docker {cmd}\" requires at least 1 argument.\nSee 'docker {cmd} --help'.\n\nUsage:  docker {cmd} [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n{}\n",
                if cmd == "run" { "Run a command in a new container" } else { "Create a new container" }
            ),
            1,
        ),
        OptionsError::Flag(m) | OptionsError::Invalid(m) => {
            CommandOutput::fail(format!("{m}\nSee 'docker {cmd} --help'.\n"), 125)
        }
        OptionsError::Conflict(m) => CommandOutput::fail(report(cmd, &m, true), 125),
        OptionsError::Unsupported(flag) => CommandOutput::fail(
            format!("docknet: unsupported option: docker {cmd} {flag}\n"),
            127,
        ),
    }
}

/// Daemon errors as the CLI prints them (`Error response from daemon: ...`).
fn daemon_line(e: &EngineError) -> String {
    e.render()
}

impl Engine {
    /// The daemon's `ContainerCreate`: validates, names and records the container.
    pub(crate) fn create_container(&mut self, o: &RunOptions) -> Result<usize, EngineError> {
        if let Some(ip) = &o.ip {
            options::parse_ip(ip).map_err(EngineError::Message)?;
        }
        let name = match &o.name {
            Some(n) => {
                let n = n.strip_prefix('/').unwrap_or(n).to_string();
                if !options::valid_name(&n) {
                    return Err(EngineError::Message(format!(
                        "Invalid container name ({n}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
                    )));
                }
                if let Some(other) = self.containers.list.iter().find(|c| c.name == n) {
                    return Err(EngineError::Message(format!(
                        "Conflict. The container name \"/{n}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                        other.id
                    )));
                }
                Some(n)
            }
            None => None,
        };
        let mode = match o.network.as_deref() {
            None | Some("default") => NetworkMode::Default,
            Some("host") => NetworkMode::Host,
            Some("none") => NetworkMode::None,
            Some(n) if n.starts_with("container:") => {
                let target = &n["container:".len()..];
                let j = self.containers.find(target)?;
                NetworkMode::Container(self.containers.get(j).id.clone())
            }
            Some(n) => NetworkMode::Named(n.to_string()),
        };
        let links = match &mode {
            NetworkMode::Named(n) if n != "bridge" => self.links_on_network(&o.links),
            _ => self.resolve_links(&o.links)?,
        };
        let id = self.new_id();
        let name = match name {
            Some(n) => n,
            None => loop {
                let n = image::random_name(&mut self.rng);
                if !self.containers.list.iter().any(|c| c.name == n) {
                    break n;
                }
            },
        };
        let created = self.now();
        let img = image::lookup(&o.image);
        let cmd = if o.cmd.is_empty() {
            img.cmd.clone()
        } else {
            o.cmd.clone()
        };
        let mut argv = img.entrypoint.clone().unwrap_or_default();
        argv.extend(cmd.iter().cloned());
        let mut exposed = img.exposed.clone();
        for p in &o.expose {
            if !exposed.contains(p) {
                exposed.push(*p);
            }
        }
        exposed.sort();
        let ip = o.ip.as_deref().and_then(|s| s.parse().ok());
        let mut networks = BTreeMap::new();
        let key = match &mode {
            NetworkMode::Default => Some("bridge".to_string()),
            NetworkMode::Named(n) => {
                Some(self.network(n).map(|x| x.name.clone()).unwrap_or(n.clone()))
            }
            NetworkMode::Host => Some("host".to_string()),
            NetworkMode::None => Some("none".to_string()),
            NetworkMode::Container(_) => None,
        };
        if let Some(key) = key {
            networks.insert(
                key.clone(),
                EndpointConfig {
                    network_name: key,
                    network_id: String::new(),
                    ipv4: ip,
                    ipam_style: ipam_style(ip),
                    aliases: (!o.aliases.is_empty()).then(|| o.aliases.clone()),
                    driver_opts_map: false,
                    links: None,
                },
            );
        }
        let hostname = match (&o.hostname, &mode) {
            (Some(h), _) => h.clone(),
            (None, NetworkMode::Host) => HOST_HOSTNAME.to_string(),
            (None, NetworkMode::Container(other)) => self
                .containers
                .by_id(other)
                .map(|c| c.hostname.clone())
                .unwrap_or_default(),
            (None, _) => id[..12].to_string(),
        };
        let container = Container {
            id,
            name,
            image: o.image.clone(),
            path: argv.first().cloned().unwrap_or_default(),
            args: argv.iter().skip(1).cloned().collect(),
            cmd,
            entrypoint: img.entrypoint.clone(),
            hostname,
            tty: o.tty,
            open_stdin: o.interactive,
            attach: !o.detach,
            created,
            state: RunState::Created,
            started_at: None,
            finished_at: None,
            exit_code: 0,
            error: String::new(),
            pid: 0,
            stop_exit_code: img.stop_exit_code,
            network_mode: mode,
            exposed,
            port_bindings: o.publish.clone(),
            publish_all: o.publish_all,
            networks,
            sandbox: None,
            last_sandbox: None,
            auto_remove: o.auto_remove,
            mac_address: o.mac_address.zip(o.mac_address_text.clone()),
            listeners: crate::container::services::listeners(&o.image, &argv),
            links,
            labels: o.labels.clone(),
        };
        self.containers.images.insert(image::pulled_name(&o.image));
        self.containers.list.push(container);
        Ok(self.containers.list.len() - 1)
    }

    /// `docker run`.
    pub(crate) fn cmd_run(&mut self, k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let o = match options::parse(args) {
            Ok(o) => o,
            Err(e) => return options_failure("run", e),
        };
        if matches!(o.network.as_deref(), Some(n) if n.starts_with("container:"))
            && !o.publish.is_empty()
        {
            return CommandOutput::fail(
                report(
                    "run",
                    "conflicting options: port publishing and the container type network mode",
                    true,
                ),
                125,
            );
        }
        if !o.detach {
            if let Some(e) = foreground_refusal(&o) {
                return CommandOutput::fail(e.render(), e.exit_status());
            }
        }
        let idx = match self.create_container(&o) {
            Ok(i) => i,
            Err(e) => return CommandOutput::fail(report("run", &e.render_plain(), true), 125),
        };
        let id = self.containers.get(idx).id.clone();
        // The CLI prints the ID as soon as the container exists, before it starts it.
        let stdout = if o.detach {
            format!("{id}\n")
        } else {
            String::new()
        };
        let warning = create_warning(&o);
        if let Err(e) = self.start_container(k, idx) {
            return CommandOutput {
                stdout,
                stderr: warning + &report("run", &e.render_plain(), false),
                exit: 125,
            };
        }
        match self.run_main_process(k, idx, !o.detach) {
            Ok(Some(done)) if !o.detach => CommandOutput {
                stdout: done.stdout,
                stderr: warning + &done.stderr,
                exit: done.exit,
            },
            Ok(_) => CommandOutput {
                stdout,
                stderr: warning,
                exit: 0,
            },
            Err(e) => CommandOutput {
                stdout,
                stderr: warning + &report("run", &e.render_plain(), false),
                exit: 125,
            },
        }
    }

    /// `docker create`.
    pub(crate) fn cmd_create(&mut self, _k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let o = match options::parse(args) {
            Ok(o) => o,
            Err(e) => return options_failure("create", e),
        };
        match self.create_container(&o) {
            Ok(i) => CommandOutput {
                stdout: format!("{}\n", self.containers.get(i).id),
                stderr: create_warning(&o),
                exit: 0,
            },
            Err(e) => CommandOutput::fail(daemon_line(&e), 1),
        }
    }

    /// `docker start C...`.
    pub(crate) fn cmd_start(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
        via: Invoked,
    ) -> CommandOutput {
        let v = match verbs::START.parse(args, via) {
            Ok(v) => v,
            Err(out) => return out,
        };
        let names = &v.parsed.args;
        let mut out = CommandOutput::default();
        let mut failed: Vec<String> = Vec::new();
        for name in names {
            let r = self.containers.find(name).and_then(|i| {
                self.start_container(k, i)?;
                self.run_main_process(k, i, false).map(|_| ())
            });
            match r {
                Ok(()) => out.stdout.push_str(&format!("{name}\n")),
                Err(e) => {
                    out.stderr.push_str(&daemon_line(&e));
                    failed.push(name.clone());
                }
            }
        }
        if !failed.is_empty() {
            out.stderr.push_str(&format!(
                "Error: failed to start containers: {}\n",
                failed.join(", ")
            ));
            out.exit = 1;
        }
        out
    }

    /// Stops one container the way `docker stop -t T` does: SIGTERM, then SIGKILL after `T`
    /// seconds (10 by default) if the process ignores SIGTERM; the clock moves by the wait.
    pub(crate) fn graceful_stop(
        &mut self,
        k: &mut dyn Kernel,
        idx: usize,
        timeout: Option<u64>,
    ) -> Result<(), EngineError> {
        if !self.containers.get(idx).running() {
            return Ok(());
        }
        let mut code = self.containers.get(idx).stop_exit_code;
        let wait = timeout
            .map(|t| t * 1_000_000_000)
            .unwrap_or(STOP_TIMEOUT_NANOS);
        if wait == 0 {
            code = 137;
        } else if code == 137 {
            self.clock.advance(wait);
        }
        self.stop_container(k, idx, code)
    }

    /// `docker stop C...`.
    pub(crate) fn cmd_stop(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
        via: Invoked,
    ) -> CommandOutput {
        let v = match verbs::STOP.parse(args, via) {
            Ok(v) => v,
            Err(out) => return out,
        };
        let timeout = v.time;
        self.each(&v.parsed.args, false, |e, name| {
            let i = e.containers.find(name)?;
            e.graceful_stop(k, i, timeout)?;
            e.remove_if_auto(i);
            Ok(())
        })
    }

    /// `docker restart C...`.
    pub(crate) fn cmd_restart(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
        via: Invoked,
    ) -> CommandOutput {
        let v = match verbs::RESTART.parse(args, via) {
            Ok(v) => v,
            Err(out) => return out,
        };
        let timeout = v.time;
        self.each(&v.parsed.args, false, |e, name| {
            let i = e.containers.find(name)?;
            let r = e
                .graceful_stop(k, i, timeout)
                .and_then(|_| e.start_container(k, i))
                .and_then(|_| e.run_main_process(k, i, false).map(|_| ()));
            r.map_err(|err| EngineError::Message(format!("Cannot restart container {name}: {err}")))
        })
    }

    /// `docker rm [-f] C...`.
    pub(crate) fn cmd_rm(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
        via: Invoked,
    ) -> CommandOutput {
        let v = match verbs::RM.parse(args, via) {
            Ok(v) => v,
            Err(out) => return out,
        };
        let force = v.parsed.flag("force");
        // CLI 20.10: with -f a missing container is reported but is no failure (exit 0;
        // the conformance runner saw it).
        self.each(&v.parsed.args, force, |e, name| {
            e.remove_container(k, name, force)
        })
    }

    /// The daemon's `ContainerRm`: removes a stopped container, or with `force` a running
    /// one after killing it (a missing one is `Error: No such container: NAME`).
    pub(crate) fn remove_container(
        &mut self,
        k: &mut dyn Kernel,
        name: &str,
        force: bool,
    ) -> Result<(), EngineError> {
        let i = self
            .containers
            .find(name)
            .map_err(|_| EngineError::Cli(format!("Error: No such container: {name}")))?;
        let c = self.containers.get(i);
        if c.running() {
            if !force {
                return Err(EngineError::Message(format!(
                    "You cannot remove a running container {}. Stop the container before attempting removal or force remove",
                    c.id
                )));
            }
            self.stop_container(k, i, 137)?;
        }
        self.containers.list.remove(i);
        Ok(())
    }

    /// Runs `f` for every container name, printing each name that succeeds and each error on
    /// stderr, as `docker stop/restart/rm` do (exit 1 if any failed; with `missing_ok`, a
    /// container that does not exist is printed but does not count).
    fn each(
        &mut self,
        names: &[String],
        missing_ok: bool,
        mut f: impl FnMut(&mut Engine, &str) -> Result<(), EngineError>,
    ) -> CommandOutput {
        let mut out = CommandOutput::default();
        for a in names {
            match f(self, a) {
                Ok(()) => out.stdout.push_str(&format!("{a}\n")),
                Err(e) => {
                    out.stderr.push_str(&daemon_line(&e));
                    let missing = matches!(&e, EngineError::Cli(m) if m.starts_with("Error: No such container"));
                    if !(missing_ok && missing) {
                        out.exit = 1;
                    }
                }
            }
        }
        out
    }
}

/// The warning the daemon returns from create (the CLI prints it on stderr).
fn create_warning(o: &RunOptions) -> String {
    if o.network.as_deref() == Some("host") && !o.publish.is_empty() {
        "WARNING: Published ports are discarded when using host network mode\n".into()
    } else {
        String::new()
    }
}

/// The message as the CLI shows it after `Error response from daemon: ` (or bare, CLI-side).
trait PlainMessage {
    fn render_plain(&self) -> String;
}

impl PlainMessage for EngineError {
    fn render_plain(&self) -> String {
        self.render().trim_end_matches('\n').to_string()
    }
}
