//! `docker info`, `docker system prune` and `docker container prune` as CLI 20.10 prints them.
//!
//! Facts (20.10.24 engine and CLI, `../shared/oracle/`):
//! - `docker info` ends with an empty line; a created (never started) container counts as
//!   stopped; `Images` counts images pulled, whether or not a container still uses them.
//! - `container prune -f` prints `Deleted Containers:` with full IDs, newest first, an empty
//!   line, then `Total reclaimed space: 0B` (only the total when nothing was pruned); declined
//!   (no terminal to answer), it prints the prompt and the total on the same line.
//! - `system prune -f` prints the containers section, then `Deleted Networks:`, each followed
//!   by an empty line, then the total; declined, only the warning and the prompt.
//! - Host facts that no scenario sets (kernel, OS, memory) are the recorded host's
//!   (reference 02-docker-info.txt); the daemon's name is the host name host-mode
//!   containers see; its ID is random on a real host and derived from the seed here.

use serde_json::{json, Value};

use super::flags::{self, FlagSpec};
use super::network::template_error;
use super::template::Template;
use crate::container::inspect::derived_hex;
use crate::container::run::HOST_HOSTNAME;
use crate::engine::Engine;
use crate::kernel::Kernel;
use crate::output::CommandOutput;

/// Network plugins of 20.10 as `docker info` lists them.
const NETWORK_PLUGINS: &[&str] = &["bridge", "host", "ipvlan", "macvlan", "null", "overlay"];
/// Log plugins of 20.10.
const LOG_PLUGINS: &[&str] = &[
    "awslogs",
    "fluentd",
    "gcplogs",
    "gelf",
    "journald",
    "json-file",
    "local",
    "logentries",
    "splunk",
    "syslog",
];
/// `Are you sure ...` after each prune warning.
const PROMPT: &str = "Are you sure you want to continue? [y/N] ";
/// `system prune`'s warning without `-a`/`--volumes`.
const SYSTEM_PRUNE_WARNING: &str = "WARNING! This will remove:
  - all stopped containers
  - all networks not used by at least one container
  - all dangling images
  - all dangling build cache

";

/// The daemon's `ID`: twelve groups of four base32 characters.
fn daemon_id(seed_source: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let hex = derived_hex(&format!("daemon-id:{seed_source}"))
        + &derived_hex(&format!("daemon-id-2:{seed_source}"));
    let chars: Vec<char> = hex
        .as_bytes()
        .chunks(2)
        .take(48)
        .map(|pair| {
            let byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("0"), 16);
            ALPHABET[usize::from(byte.unwrap_or(0)) % 32] as char
        })
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(":")
}

impl Engine {
    /// What `GET /info` answers (the fields docknet models, with the Engine API's names).
    pub(crate) fn info_value(&self) -> Value {
        let list = &self.containers.list;
        let running = list.iter().filter(|c| c.running()).count();
        let seed_source = self.networks.first().map(|n| n.id.as_str()).unwrap_or("");
        json!({
            "ID": daemon_id(seed_source),
            "Containers": list.len(),
            "ContainersRunning": running,
            "ContainersPaused": 0,
            "ContainersStopped": list.len() - running,
            "Images": self.containers.images.len(),
            "Driver": "overlay2",
            "Plugins": {
                "Volume": ["local"],
                "Network": NETWORK_PLUGINS,
                "Authorization": null,
                "Log": LOG_PLUGINS,
            },
            "KernelVersion": "6.18.44-fc-v657",
            "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
            "OSType": "linux",
            "Architecture": "x86_64",
            "NCPU": 2,
            "MemTotal": 25_274_679_296u64,
            "DockerRootDir": "/var/lib/docker",
            "Name": HOST_HOSTNAME,
            "ServerVersion": "20.10.24+dfsg1",
            "LiveRestoreEnabled": false,
        })
    }

    /// `docker info [-f TEMPLATE]`.
    pub(crate) fn cmd_info(&self, args: &[String]) -> CommandOutput {
        const SPECS: &[FlagSpec] = &[FlagSpec::value("format", Some('f'))];
        let usage = super::Usage {
            path: "docker info",
            line: "docker info [OPTIONS]",
            short: "Display system-wide information",
        };
        let p = match flags::parse(SPECS, args, true) {
            Ok(p) => p,
            Err(e) => return usage.flag_error(&e),
        };
        if p.help {
            let docs = [super::help::FlagDoc::new(
                Some('f'),
                "format",
                "string",
                "Format the output using the given Go template",
            )];
            return CommandOutput::ok(super::help::help_text(&usage, None, &docs));
        }
        if let Some(out) = usage.check_args(p.args.len(), Some(0), 0) {
            return out;
        }
        let info = self.info_value();
        match p.last("format") {
            Some(f) => match Template::parse(f) {
                Err(e) => template_error(&e, 64),
                Ok(t) => match t.execute(&info) {
                    Ok(s) => CommandOutput::ok(format!("{s}\n")),
                    Err(e) => CommandOutput {
                        stdout: "\n".into(),
                        stderr: format!("template: :1: {e}\n"),
                        exit: 1,
                    },
                },
            },
            None => CommandOutput::ok(info_text(&info)),
        }
    }

    /// Removes every container that is not running; their IDs, newest first.
    pub(crate) fn prune_containers(&mut self) -> Vec<String> {
        let mut removed: Vec<String> = Vec::new();
        self.containers.list.retain(|c| {
            let keep = c.running();
            if !keep {
                removed.push(c.id.clone());
            }
            keep
        });
        removed.reverse();
        removed
    }

    /// `docker container prune [-f]`.
    pub(crate) fn cmd_container_prune(&mut self, args: &[String]) -> CommandOutput {
        let Some(force) = prune_flags(args) else {
            return unsupported_prune("container", args);
        };
        if !force {
            return CommandOutput::ok(format!(
                "WARNING! This will remove all stopped containers.\n{PROMPT}Total reclaimed space: 0B\n"
            ));
        }
        let ids = self.prune_containers();
        CommandOutput::ok(section("Deleted Containers:", &ids) + "Total reclaimed space: 0B\n")
    }

    /// `docker system prune [-f]`: stopped containers, then unused networks (images, volumes
    /// and build cache: docknet has none to remove).
    pub(crate) fn cmd_system_prune(
        &mut self,
        k: &mut dyn Kernel,
        args: &[String],
    ) -> CommandOutput {
        let Some(force) = prune_flags(args) else {
            return unsupported_prune("system", args);
        };
        if !force {
            return CommandOutput::ok(format!("{SYSTEM_PRUNE_WARNING}{PROMPT}"));
        }
        let ids = self.prune_containers();
        let mut nets = self.prune_networks(k);
        nets.sort();
        CommandOutput::ok(
            section("Deleted Containers:", &ids)
                + &section("Deleted Networks:", &nets)
                + "Total reclaimed space: 0B\n",
        )
    }
}

/// `-f`/`--force` of a prune command; `None` for any flag docknet does not model.
fn prune_flags(args: &[String]) -> Option<bool> {
    let mut force = false;
    for a in args {
        match a.as_str() {
            "-f" | "--force" => force = true,
            _ => return None,
        }
    }
    Some(force)
}

fn unsupported_prune(group: &str, args: &[String]) -> CommandOutput {
    let mut argv = vec![group.to_string(), "prune".to_string()];
    argv.extend_from_slice(args);
    super::commands::unsupported(&argv)
}

/// `TITLE\nitem\n...\n\n`, or nothing for no items.
fn section(title: &str, items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut s = format!("{title}\n");
    for i in items {
        s.push_str(i);
        s.push('\n');
    }
    s.push('\n');
    s
}

/// The text `docker info` prints for `info` (CLI 20.10's layout).
fn info_text(info: &Value) -> String {
    let n = |k: &str| info[k].to_string();
    let s = |k: &str| info[k].as_str().unwrap_or("").to_string();
    format!(
        "Client:
 Context:    default
 Debug Mode: false

Server:
 Containers: {}
  Running: {}
  Paused: {}
  Stopped: {}
 Images: {}
 Server Version: {}
 Storage Driver: overlay2
  Backing Filesystem: extfs
  Supports d_type: true
  Native Overlay Diff: true
  userxattr: false
 Logging Driver: json-file
 Cgroup Driver: cgroupfs
 Cgroup Version: 1
 Plugins:
  Volume: local
  Network: {}
  Log: {}
 Swarm: inactive
 Runtimes: io.containerd.runc.v2 io.containerd.runtime.v1.linux runc
 Default Runtime: runc
 Init Binary: docker-init
 containerd version: 1.6.20~ds1-1+deb12u3
 runc version: 1.1.5+ds1-1+deb12u1
 init version: 
 Security Options:
  seccomp
   Profile: default
 Kernel Version: {}
 Operating System: {}
 OSType: {}
 Architecture: {}
 CPUs: {}
 Total Memory: 23.54GiB
 Name: {}
 ID: {}
 Docker Root Dir: {}
 Debug Mode: false
 Registry: https://index.docker.io/v1/
 Labels:
 Experimental: false
 Insecure Registries:
  127.0.0.0/8
 Live Restore Enabled: false

",
        n("Containers"),
        n("ContainersRunning"),
        n("ContainersPaused"),
        n("ContainersStopped"),
        n("Images"),
        s("ServerVersion"),
        NETWORK_PLUGINS.join(" "),
        LOG_PLUGINS.join(" "),
        s("KernelVersion"),
        s("OperatingSystem"),
        s("OSType"),
        s("Architecture"),
        n("NCPU"),
        s("Name"),
        s("ID"),
        s("DockerRootDir"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_ids_look_like_dockers() {
        let id = daemon_id("x");
        assert_eq!(id.len(), 12 * 4 + 11);
        assert!(id.split(':').all(|g| g.len() == 4));
        assert_eq!(id, daemon_id("x"));
        assert_ne!(id, daemon_id("y"));
    }

    #[test]
    fn sections() {
        assert_eq!(section("T:", &[]), "");
        assert_eq!(section("T:", &["a".into(), "b".into()]), "T:\na\nb\n\n");
    }
}
