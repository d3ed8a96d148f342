//! `docker run` / `docker create` flags, parsed as CLI 20.10 parses them (flags stop at the
//! image; `-dit` style bundles; `--flag=value`).

use std::net::Ipv4Addr;

use crate::container::port::{parse_expose, parse_publish, PortBindingSpec, PortProto};

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
}

/// Flags that take a value.
const VALUE_FLAGS: &[&str] = &[
    "--name",
    "--network",
    "--net",
    "--ip",
    "--network-alias",
    "--net-alias",
    "-p",
    "--publish",
    "--expose",
    "-h",
    "--hostname",
    "-e",
    "--env",
    "--restart",
    "-v",
    "--volume",
    "-w",
    "--workdir",
    "-l",
    "--label",
    "--entrypoint",
    "-u",
    "--user",
    "--dns",
    "-m",
    "--memory",
    "--pull",
];

/// Flags without a value that docknet accepts (some ignored).
const BOOL_FLAGS: &[&str] = &[
    "-d",
    "--detach",
    "-i",
    "--interactive",
    "-t",
    "--tty",
    "--rm",
    "--privileged",
    "-P",
    "--publish-all",
    "--init",
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
}

fn apply(o: &mut RunOptions, flag: &str, value: Option<String>) -> Result<(), OptionsError> {
    let v = || value.clone().unwrap_or_default();
    match flag {
        "-d" | "--detach" => o.detach = true,
        "-i" | "--interactive" => o.interactive = true,
        "-t" | "--tty" => o.tty = true,
        "-P" | "--publish-all" => o.publish_all = true,
        "--name" => o.name = Some(v()),
        "--network" | "--net" => o.network = Some(v()),
        "--ip" => o.ip = Some(v()),
        "--network-alias" | "--net-alias" => o.aliases.push(v()),
        "-h" | "--hostname" => o.hostname = Some(v()),
        "-p" | "--publish" => {
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
        "--expose" => {
            for p in parse_expose(&v()).map_err(OptionsError::Invalid)? {
                if !o.expose.contains(&p) {
                    o.expose.push(p);
                }
            }
        }
        _ => {}
    }
    Ok(())
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
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (a.clone(), None),
            };
            if VALUE_FLAGS.contains(&name.as_str()) {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i).cloned().ok_or_else(|| {
                            OptionsError::Flag(format!("flag needs an argument: {name}"))
                        })?
                    }
                };
                apply(&mut o, &name, Some(value))?;
            } else if BOOL_FLAGS.contains(&name.as_str()) {
                apply(&mut o, &name, None)?;
            } else {
                return Err(OptionsError::Flag(format!("unknown flag: {name}")));
            }
            i += 1;
            continue;
        }
        // A bundle of short flags: `-dit`, or `-p8080:80`, or `-p 8080:80`.
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let flag = format!("-{}", chars[j]);
            if VALUE_FLAGS.contains(&flag.as_str()) {
                let rest: String = chars[j + 1..].iter().collect();
                let value = if !rest.is_empty() {
                    rest.strip_prefix('=').unwrap_or(&rest).to_string()
                } else {
                    i += 1;
                    args.get(i).cloned().ok_or_else(|| {
                        OptionsError::Flag(format!(
                            "flag needs an argument: '{}' in {flag}",
                            chars[j]
                        ))
                    })?
                };
                apply(&mut o, &flag, Some(value))?;
                break;
            } else if BOOL_FLAGS.contains(&flag.as_str()) {
                apply(&mut o, &flag, None)?;
            } else {
                return Err(OptionsError::Flag(format!(
                    "unknown shorthand flag: '{}' in {a}",
                    chars[j]
                )));
            }
            j += 1;
        }
        i += 1;
    }
    let Some(image) = args.get(i) else {
        return Err(OptionsError::MissingImage);
    };
    o.image = image.clone();
    o.cmd = args[i + 1..].to_vec();
    Ok(o)
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
