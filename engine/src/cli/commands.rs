//! Which commands docker CLI 20.10 has, so that one docknet does not model is told apart
//! from one Docker lacks.
//!
//! Facts (CLI 20.10.24, `docker --help` and each group's `--help`): an unknown top-level name
//! prints `docker: 'X' is not a docker command.` and `See 'docker --help'` on stderr, exit 1;
//! an unknown subcommand of a group prints only the group's help text on stderr, exit 1; a
//! group alone prints the same text on stderr, exit 0.

use crate::output::CommandOutput;

/// Top-level commands and management groups of CLI 20.10 (`docker --help`).
pub const DOCKER_COMMANDS_20_10: &[&str] = &[
    "builder",
    "completion",
    "config",
    "container",
    "context",
    "image",
    "manifest",
    "network",
    "node",
    "plugin",
    "secret",
    "service",
    "stack",
    "swarm",
    "system",
    "trust",
    "volume",
    "attach",
    "build",
    "commit",
    "cp",
    "create",
    "diff",
    "events",
    "exec",
    "export",
    "history",
    "images",
    "import",
    "info",
    "inspect",
    "kill",
    "load",
    "login",
    "logout",
    "logs",
    "pause",
    "port",
    "ps",
    "pull",
    "push",
    "rename",
    "restart",
    "rm",
    "rmi",
    "run",
    "save",
    "search",
    "start",
    "stats",
    "stop",
    "tag",
    "top",
    "unpause",
    "update",
    "version",
    "wait",
];

/// `docker container` subcommands of CLI 20.10.
pub const CONTAINER_COMMANDS_20_10: &[&str] = &[
    "attach", "commit", "cp", "create", "diff", "exec", "export", "inspect", "kill", "logs", "ls",
    "pause", "port", "prune", "rename", "restart", "rm", "run", "start", "stats", "stop", "top",
    "unpause", "update", "wait", "list", "ps", "remove",
];

/// `docker system` subcommands of CLI 20.10.
pub const SYSTEM_COMMANDS_20_10: &[&str] = &["df", "events", "info", "prune"];

/// `docker container --help` of CLI 20.10 (after its leading empty line).
pub const CONTAINER_USAGE: &str = "Usage:  docker container COMMAND

Manage containers

Commands:
  attach      Attach local standard input, output, and error streams to a running container
  commit      Create a new image from a container's changes
  cp          Copy files/folders between a container and the local filesystem
  create      Create a new container
  diff        Inspect changes to files or directories on a container's filesystem
  exec        Run a command in a running container
  export      Export a container's filesystem as a tar archive
  inspect     Display detailed information on one or more containers
  kill        Kill one or more running containers
  logs        Fetch the logs of a container
  ls          List containers
  pause       Pause all processes within one or more containers
  port        List port mappings or a specific mapping for the container
  prune       Remove all stopped containers
  rename      Rename a container
  restart     Restart one or more containers
  rm          Remove one or more containers
  run         Run a command in a new container
  start       Start one or more stopped containers
  stats       Display a live stream of container(s) resource usage statistics
  stop        Stop one or more running containers
  top         Display the running processes of a container
  unpause     Unpause all processes within one or more containers
  update      Update configuration of one or more containers
  wait        Block until one or more containers stop, then print their exit codes

Run 'docker container COMMAND --help' for more information on a command.";

/// `docker system --help` of CLI 20.10 (after its leading empty line).
pub const SYSTEM_USAGE: &str = "Usage:  docker system COMMAND

Manage Docker

Commands:
  df          Show docker disk usage
  events      Get real time events from the server
  info        Display system-wide information
  prune       Remove unused data

Run 'docker system COMMAND --help' for more information on a command.";

/// A group's help: on stdout for `--help`, on stderr (exit 0) alone, on stderr (exit 1) for
/// an unknown subcommand.
pub fn group_usage(usage: &str, sub: Option<&str>) -> CommandOutput {
    let text = format!("\n{usage}\n");
    match sub {
        Some("--help" | "-h" | "help") => CommandOutput::ok(text),
        None => CommandOutput {
            stdout: String::new(),
            stderr: text,
            exit: 0,
        },
        Some(_) => CommandOutput::fail(text, 1),
    }
}

/// What docknet answers for a command real Docker has but docknet does not model.
pub fn unsupported(argv: &[String]) -> CommandOutput {
    CommandOutput::fail(
        format!("docknet: unsupported command: docker {}\n", argv.join(" ")),
        127,
    )
}

/// The options `docker` itself takes before a command (docknet models none of them).
const GLOBAL_FLAGS: &[&str] = &[
    "--config",
    "-c",
    "--context",
    "-D",
    "--debug",
    "-H",
    "--host",
    "-l",
    "--log-level",
    "--tls",
    "--tlscacert",
    "--tlscert",
    "--tlskey",
    "--tlsverify",
    "-v",
    "--version",
];

/// An unknown flag where no docker command was found: cobra's error, then the whole help,
/// status 125 (CLI 20.10, seen with the conformance runner). The help lists the lazily added
/// `completion` command only when a word came before the flag (`docker n1 --subnet`), not
/// when the flag came first (`docker --subnet`). `docker`'s own global flags are
/// unsupported instead.
pub fn unknown_global_flag(flag: &str, after_a_word: bool) -> CommandOutput {
    let name = flag.split('=').next().unwrap_or(flag);
    if GLOBAL_FLAGS.contains(&name) {
        return unsupported(&[flag.to_string()]);
    }
    let error = match name.strip_prefix("--") {
        Some(_) => format!("unknown flag: {name}"),
        None => {
            let c = name.chars().nth(1).unwrap_or('-');
            format!("unknown shorthand flag: '{c}' in {name}")
        }
    };
    let help: String = include_str!("docker-help-20.10.txt")
        .lines()
        .filter(|l| after_a_word || !l.starts_with("  completion "))
        .map(|l| format!("{l}\n"))
        .collect();
    CommandOutput::fail(format!("{error}\nSee 'docker --help'.\n{help}\n"), 125)
}

/// `docker: 'foo' is not a docker command.`: only for names Docker itself lacks.
pub fn unknown_command(what: &str) -> CommandOutput {
    CommandOutput::fail(
        format!("docker: '{what}' is not a docker command.\nSee 'docker --help'\n"),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_usage_streams() {
        let alone = group_usage(SYSTEM_USAGE, None);
        assert!(alone.stdout.is_empty() && alone.exit == 0);
        assert!(alone
            .stderr
            .starts_with("\nUsage:  docker system COMMAND\n"));
        assert_eq!(group_usage(SYSTEM_USAGE, Some("frob")).exit, 1);
        assert!(group_usage(CONTAINER_USAGE, Some("--help"))
            .stdout
            .ends_with("for more information on a command.\n"));
    }
}
