//! `docker run` / `docker create` flags, parsed as CLI 20.10 parses them (flags stop at the
//! image; `-dit` style bundles; `--flag=value`).

use std::net::Ipv4Addr;

use crate::cli::flags::parse_go_bool;
use crate::container::port::{parse_expose, parse_publish, PortBindingSpec, PortProto};
use crate::op::Mac;

/// Everything `run`/`create` accepts that docknet models.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// `-d`.
    pub detach: bool,
    /// `-i`.
    pub interactive: bool,
    /// `-t`.
    pub tty: bool,
    /// `--name`.
    pub name: Option<String>,
    /// `--network` / `--net`.
    pub network: Option<String>,
    /// `--ip`, as typed.
    pub ip: Option<String>,
    /// `--network-alias` / `--net-alias`.
    pub aliases: Vec<String>,
    /// `-p` / `--publish`.
    pub publish: Vec<PortBindingSpec>,
    /// `--expose`, plus the container ports of `-p`.
    pub expose: Vec<PortProto>,
    /// `-h` / `--hostname`.
    pub hostname: Option<String>,
    /// `-P` / `--publish-all`: every exposed port to a dynamic host port.
    pub publish_all: bool,
    /// The image.
    pub image: String,
    /// The command after the image.
    pub cmd: Vec<String>,
    /// `--rm`: remove the container when it exits.
    pub auto_remove: bool,
    /// `--mac-address`, parsed.
    pub mac_address: Option<Mac>,
    /// `--mac-address` as typed (`Config.MacAddress` keeps it).
    pub mac_address_text: Option<String>,
    /// `--restart` as typed.
    pub restart: Option<String>,
    /// `--link NAME[:ALIAS]`, as typed.
    pub links: Vec<String>,
    /// `--label KEY=VALUE`.
    pub labels: std::collections::BTreeMap<String, String>,
}

/// One flag of `docker run`/`docker create`: long name, short name, whether it takes a value.
type FlagDef = (&'static str, Option<char>, bool);

/// Every flag of CLI 20.10's `docker run` and `docker create` (`docker run --help`, plus the
/// hidden `--net` and `--net-alias`), so that a flag docknet does not model is told apart
/// from one Docker does not have.
const RUN_FLAGS_20_10: &[FlagDef] = &[
    ("add-host", None, true),
    ("attach", Some('a'), true),
    ("blkio-weight", None, true),
    ("blkio-weight-device", None, true),
    ("cap-add", None, true),
    ("cap-drop", None, true),
    ("cgroup-parent", None, true),
    ("cgroupns", None, true),
    ("cidfile", None, true),
    ("cpu-period", None, true),
    ("cpu-quota", None, true),
    ("cpu-rt-period", None, true),
    ("cpu-rt-runtime", None, true),
    ("cpu-shares", Some('c'), true),
    ("cpus", None, true),
    ("cpuset-cpus", None, true),
    ("cpuset-mems", None, true),
    ("detach", Some('d'), false),
    ("detach-keys", None, true),
    ("device", None, true),
    ("device-cgroup-rule", None, true),
    ("device-read-bps", None, true),
    ("device-read-iops", None, true),
    ("device-write-bps", None, true),
    ("device-write-iops", None, true),
    ("disable-content-trust", None, false),
    ("dns", None, true),
    ("dns-option", None, true),
    ("dns-search", None, true),
    ("domainname", None, true),
    ("entrypoint", None, true),
    ("env", Some('e'), true),
    ("env-file", None, true),
    ("expose", None, true),
    ("gpus", None, true),
    ("group-add", None, true),
    ("health-cmd", None, true),
    ("health-interval", None, true),
    ("health-retries", None, true),
    ("health-start-period", None, true),
    ("health-timeout", None, true),
    ("hostname", Some('h'), true),
    ("init", None, false),
    ("interactive", Some('i'), false),
    ("ip", None, true),
    ("ip6", None, true),
    ("ipc", None, true),
    ("isolation", None, true),
    ("kernel-memory", None, true),
    ("label", Some('l'), true),
    ("label-file", None, true),
    ("link", None, true),
    ("link-local-ip", None, true),
    ("log-driver", None, true),
    ("log-opt", None, true),
    ("mac-address", None, true),
    ("memory", Some('m'), true),
    ("memory-reservation", None, true),
    ("memory-swap", None, true),
    ("memory-swappiness", None, true),
    ("mount", None, true),
    ("name", None, true),
    ("network", None, true),
    ("network-alias", None, true),
    ("no-healthcheck", None, false),
    ("oom-kill-disable", None, false),
    ("oom-score-adj", None, true),
    ("pid", None, true),
    ("pids-limit", None, true),
    ("platform", None, true),
    ("privileged", None, false),
    ("publish", Some('p'), true),
    ("publish-all", Some('P'), false),
    ("pull", None, true),
    ("read-only", None, false),
    ("restart", None, true),
    ("rm", None, false),
    ("runtime", None, true),
    ("security-opt", None, true),
    ("shm-size", None, true),
    ("sig-proxy", None, false),
    ("stop-signal", None, true),
    ("stop-timeout", None, true),
    ("storage-opt", None, true),
    ("sysctl", None, true),
    ("tmpfs", None, true),
    ("tty", Some('t'), false),
    ("ulimit", None, true),
    ("user", Some('u'), true),
    ("userns", None, true),
    ("uts", None, true),
    ("volume", Some('v'), true),
    ("volume-driver", None, true),
    ("volumes-from", None, true),
    ("workdir", Some('w'), true),
    ("net", None, true),
    ("net-alias", None, true),
];

/// The flags docknet models; every other flag of [`RUN_FLAGS_20_10`] is refused as
/// unsupported rather than silently ignored.
const MODELLED: &[&str] = &[
    "detach",
    "interactive",
    "tty",
    "name",
    "network",
    "net",
    "ip",
    "network-alias",
    "net-alias",
    "publish",
    "expose",
    "hostname",
    "publish-all",
    "rm",
    "mac-address",
    "restart",
    "link",
    "label",
];

/// A parse error, printed by the caller as the CLI does (`docker: ...` / usage lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionsError {
    /// An unknown flag or a missing value (cobra's text).
    Flag(String),
    /// No image given.
    MissingImage,
    /// A flag value the CLI rejects (`invalid argument ...`).
    Invalid(String),
    /// A refusal of the CLI's own option checks, printed `docker: MSG.` (e.g. `Conflicting
    /// options: --restart and --rm`).
    Conflict(String),
    /// A flag of Docker's that docknet does not model, as typed (`--volume`).
    Unsupported(String),
}

/// Records one modelled flag (by long name) in `o`.
fn apply(o: &mut RunOptions, flag: &str, value: Option<String>) -> Result<(), OptionsError> {
    let v = || value.clone().unwrap_or_default();
    // A boolean's value is `None` (set) or `Some("false")` (`--rm=false`).
    let on = value.is_none();
    match flag {
        "detach" => o.detach = on,
        "interactive" => o.interactive = on,
        "tty" => o.tty = on,
        "publish-all" => o.publish_all = on,
        "rm" => o.auto_remove = on,
        "name" => o.name = Some(v()),
        "network" | "net" => o.network = Some(v()),
        "ip" => o.ip = Some(v()),
        "network-alias" | "net-alias" => o.aliases.push(v()),
        "hostname" => o.hostname = Some(v()),
        "restart" => o.restart = Some(v()),
        "link" => o.links.push(v()),
        "label" => {
            let text = v();
            let (k, val) = text.split_once('=').unwrap_or((&text, ""));
            o.labels.insert(k.to_string(), val.to_string());
        }
        "mac-address" => {
            // The CLI checks the address before it sends anything (Go's net.ParseMAC).
            let text = v();
            if text.is_empty() {
                // An empty address means "generate one", as without the flag.
                return Ok(());
            }
            let mac = parse_mac(&text).ok_or_else(|| {
                OptionsError::Conflict(format!("{text} is not a valid mac address"))
            })?;
            o.mac_address = Some(mac);
            o.mac_address_text = Some(text);
        }
        "publish" => {
            let specs = parse_publish(&v()).map_err(|e| {
                OptionsError::Invalid(format!(
                    "invalid argument \"{}\" for \"-p, --publish\" flag: {e}",
                    v()
                ))
            })?;
            for s in &specs {
                if !o.expose.contains(&s.container) {
                    o.expose.push(s.container);
                }
            }
            o.publish.extend(specs);
        }
        "expose" => {
            for p in parse_expose(&v()).map_err(OptionsError::Invalid)? {
                if !o.expose.contains(&p) {
                    o.expose.push(p);
                }
            }
        }
        other => return Err(OptionsError::Unsupported(format!("--{other}"))),
    }
    Ok(())
}

/// A 48-bit MAC in either of Go's colon or hyphen forms.
fn parse_mac(s: &str) -> Option<Mac> {
    Mac::parse(&s.replace('-', ":")).filter(|_| !(s.contains('-') && s.contains(':')))
}

/// Takes one flag's value: inline (`--x=v`, `-xv`) or the next argument.
fn take_value(
    inline: Option<String>,
    args: &[String],
    i: &mut usize,
    missing: impl FnOnce() -> String,
) -> Result<String, OptionsError> {
    if let Some(v) = inline {
        return Ok(v);
    }
    *i += 1;
    args.get(*i)
        .cloned()
        .ok_or_else(|| OptionsError::Flag(missing()))
}

/// A known flag: applied when modelled, refused as unsupported otherwise.
fn known(o: &mut RunOptions, def: &FlagDef, value: Option<String>) -> Result<(), OptionsError> {
    if MODELLED.contains(&def.0) {
        apply(o, def.0, value)
    } else {
        Err(OptionsError::Unsupported(format!("--{}", def.0)))
    }
}

/// Parses the arguments after `run`/`create`.
pub fn parse(args: &[String]) -> Result<RunOptions, OptionsError> {
    let mut o = RunOptions::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            parse_long(&mut o, long, args, &mut i)?;
        } else {
            parse_shorts(&mut o, a, args, &mut i)?;
        }
        i += 1;
    }
    let Some(image) = args.get(i) else {
        return Err(OptionsError::MissingImage);
    };
    o.image = image.clone();
    o.cmd = args[i + 1..].to_vec();
    check_restart(&o)?;
    attach_endpoint_options(&mut o)?;
    Ok(o)
}

/// CLI 20.10 gives `--ip` and `--network-alias` to the `--network` they come with: without
/// one they are dropped (the container gets the default bridge's next address, no alias),
/// and aliases for a network mode that is not user-defined are refused before any request
/// (both seen with the conformance runner against 20.10.24; `--network bridge --ip` still
/// reaches the daemon, which refuses it).
fn attach_endpoint_options(o: &mut RunOptions) -> Result<(), OptionsError> {
    let Some(mode) = o.network.as_deref() else {
        o.ip = None;
        o.aliases.clear();
        return Ok(());
    };
    let user_defined =
        !matches!(mode, "default" | "bridge" | "host" | "none") && !mode.starts_with("container:");
    if !user_defined && !o.aliases.is_empty() {
        return Err(OptionsError::Conflict(
            "network-scoped aliases are only supported for user-defined networks".into(),
        ));
    }
    Ok(())
}

/// `--name=v`, `--name v`, `--rm`.
fn parse_long(
    o: &mut RunOptions,
    long: &str,
    args: &[String],
    i: &mut usize,
) -> Result<(), OptionsError> {
    let (name, inline) = match long.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (long, None),
    };
    let Some(def) = RUN_FLAGS_20_10.iter().find(|d| d.0 == name) else {
        return Err(OptionsError::Flag(format!("unknown flag: --{name}")));
    };
    let value = if def.2 {
        Some(take_value(inline, args, i, || {
            format!("flag needs an argument: --{name}")
        })?)
    } else {
        match inline.as_deref().map(parse_go_bool) {
            None | Some(Some(true)) => None,
            Some(Some(false)) => Some("false".to_string()),
            Some(None) => {
                let v = inline.unwrap_or_default();
                return Err(OptionsError::Flag(format!(
                    "invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
                )));
            }
        }
    };
    known(o, def, value)
}

/// A bundle of short flags: `-dit`, or `-p8080:80`, or `-p 8080:80`.
fn parse_shorts(
    o: &mut RunOptions,
    a: &str,
    args: &[String],
    i: &mut usize,
) -> Result<(), OptionsError> {
    let chars: Vec<char> = a[1..].chars().collect();
    for (j, &c) in chars.iter().enumerate() {
        let Some(def) = RUN_FLAGS_20_10.iter().find(|d| d.1 == Some(c)) else {
            return Err(OptionsError::Flag(format!(
                "unknown shorthand flag: '{c}' in {a}"
            )));
        };
        if def.2 {
            let rest: String = chars[j + 1..].iter().collect();
            let inline =
                (!rest.is_empty()).then(|| rest.strip_prefix('=').unwrap_or(&rest).to_string());
            let value = take_value(inline, args, i, || {
                format!("flag needs an argument: '{c}' in {a}")
            })?;
            return known(o, def, Some(value));
        }
        known(o, def, None)?;
    }
    Ok(())
}

/// The CLI's restart-policy checks: `--rm` excludes any policy but `no`; docknet runs no
/// process that could be restarted, so any other policy is unsupported.
fn check_restart(o: &RunOptions) -> Result<(), OptionsError> {
    match o.restart.as_deref() {
        None | Some("no") | Some("") => Ok(()),
        Some(_) if o.auto_remove => Err(OptionsError::Conflict(
            "Conflicting options: --restart and --rm".into(),
        )),
        Some(p) => Err(OptionsError::Unsupported(format!("--restart {p}"))),
    }
}

/// `--ip` parsed as the daemon does; 20.10's message has a stray parenthesis.
pub fn parse_ip(s: &str) -> Result<Ipv4Addr, String> {
    s.parse::<Ipv4Addr>()
        .map_err(|_| format!("Invalid IPv4 address: {s})"))
}

/// Docker's container-name rule (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`).
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_run_flags() {
        let o = parse(&args("-dit --name=web --net testbridge --ip 10.0.0.5 -p 8080:80 --network-alias www img sleep 10")).unwrap();
        assert!(o.detach && o.interactive && o.tty);
        assert_eq!(o.name.as_deref(), Some("web"));
        assert_eq!(o.network.as_deref(), Some("testbridge"));
        assert_eq!(o.ip.as_deref(), Some("10.0.0.5"));
        assert_eq!(o.aliases, vec!["www"]);
        assert_eq!(o.publish.len(), 1);
        assert_eq!(o.expose.len(), 1);
        assert_eq!(o.image, "img");
        assert_eq!(o.cmd, args("sleep 10"));
        // Flags after the image belong to the command.
        let o = parse(&args("img ls -l")).unwrap();
        assert_eq!(o.cmd, args("ls -l"));
        assert_eq!(parse(&args("-d")), Err(OptionsError::MissingImage));
        assert_eq!(
            parse(&args("--bogus img")),
            Err(OptionsError::Flag("unknown flag: --bogus".into()))
        );
    }

    #[test]
    fn names_and_ips() {
        assert!(
            valid_name("test1")
                && valid_name("my_psql_db")
                && !valid_name("a")
                && !valid_name("-x")
        );
        assert_eq!(parse_ip("foo").unwrap_err(), "Invalid IPv4 address: foo)");
    }
}
