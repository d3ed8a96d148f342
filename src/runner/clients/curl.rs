//! curl 7.88 (Debian 12's, and so the GNU-flavoured images'), silent forms only.
//!
//! Facts (curl 7.88.1 against busybox httpd in a private namespace): without `-s` curl draws
//! its progress meter on stderr with wall-clock speeds, so docknet asks for `-s`; a refused
//! or unroutable connection is `curl: (7) Failed to connect to IP port P after 0 ms:
//! Couldn't connect to server` (exit 7, printed only with `-S`); `-m S` on a dropped one is
//! `curl: (28) Connection timed out after S001 milliseconds` (exit 28); an unknown name is
//! `curl: (6) Could not resolve host: H` (exit 6); an HTTP error status is no failure
//! unless `-f`: `curl: (22) The requested URL returned error: 404` (exit 22); `-w
//! '%{http_code}'` prints the status (`000` when nothing answered).

use docknet_engine::CommandOutput;
use docknet_netstate::walk::{Outcome, ProbeKind};

use super::{final_leg, lookup, ClientNet, Service};

#[derive(Default)]
struct Options {
    silent: bool,
    show_errors: bool,
    fail: bool,
    max_time: Option<u32>,
    output: Option<String>,
    write_out: Option<String>,
    url: String,
}

fn parse(argv: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = argv[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-m" | "--max-time" => o.max_time = it.next().and_then(|v| v.parse().ok()),
            "-o" | "--output" => o.output = it.next().cloned(),
            "-w" | "--write-out" => o.write_out = it.next().cloned(),
            s if s.starts_with("--") => {
                return Err(format!("docknet: unsupported: curl option {s}"))
            }
            s if s.starts_with('-') && s.len() > 1 => {
                for c in s[1..].chars() {
                    match c {
                        's' => o.silent = true,
                        'S' => o.show_errors = true,
                        'f' => o.fail = true,
                        _ => return Err(format!("docknet: unsupported: curl option -{c}")),
                    }
                }
            }
            s => o.url = s.to_string(),
        }
    }
    if !o.silent {
        return Err(
            "docknet: unsupported: curl without -s (its progress meter shows the wall clock)"
                .into(),
        );
    }
    Ok(o)
}

/// `curl -s[Sf] [-m S] [-o /dev/null] [-w '%{http_code}'] http://HOST[:PORT]/`.
pub fn run(argv: &[String], net: &mut dyn ClientNet) -> CommandOutput {
    let o = match parse(argv) {
        Ok(o) => o,
        Err(e) => return CommandOutput::fail(format!("{e}\n"), 127),
    };
    let Some(rest) = o.url.strip_prefix("http://") else {
        return CommandOutput::fail(
            format!(
                "docknet: unsupported: curl of {} (only http:// URLs)\n",
                o.url
            ),
            127,
        );
    };
    let hostport = rest.split('/').next().unwrap_or("");
    let (host, port) = match hostport.split_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) => (h.to_string(), p),
            Err(_) => {
                return CommandOutput::fail(
                    format!("docknet: unsupported: curl of {}\n", o.url),
                    127,
                )
            }
        },
        None => (hostport.to_string(), 80),
    };
    let err = |code: i32, msg: String| CommandOutput {
        stdout: o
            .write_out
            .as_deref()
            .map_or(String::new(), |w| w.replace("%{http_code}", "000")),
        stderr: if o.show_errors {
            format!("curl: ({code}) {msg}\n")
        } else {
            String::new()
        },
        exit: code,
    };
    let Some(ip) = lookup(net, &host) else {
        return err(6, format!("Could not resolve host: {host}"));
    };
    let outcome = match net.probe(ip, ProbeKind::Tcp(port)) {
        Ok(x) => x,
        Err(e) => return CommandOutput::fail(format!("docknet: {e}\n"), 1),
    };
    match final_leg(&outcome) {
        Outcome::Connected { .. } => {}
        Outcome::NoReply => match o.max_time {
            Some(s) => {
                return err(
                    28,
                    format!("Connection timed out after {s}001 milliseconds"),
                )
            }
            None => {
                return CommandOutput::fail(
                    "docknet: unsupported: curl without -m of a connection nobody answers\n",
                    127,
                )
            }
        },
        _ => {
            return err(
                7,
                format!(
                    "Failed to connect to {ip} port {port} after 0 ms: Couldn't connect to server"
                ),
            )
        }
    }
    respond(&o, net.service(&outcome))
}

fn respond(o: &Options, service: Service) -> CommandOutput {
    let Service::Http { status, body } = service else {
        return CommandOutput::fail(
            "docknet: unsupported: curl from a server that does not speak HTTP\n",
            127,
        );
    };
    let code = status
        .split_whitespace()
        .next()
        .unwrap_or("000")
        .to_string();
    let written = o
        .write_out
        .as_deref()
        .map_or(String::new(), |w| w.replace("%{http_code}", &code));
    if o.fail && !code.starts_with('2') {
        return CommandOutput {
            stdout: written,
            stderr: if o.show_errors {
                format!("curl: (22) The requested URL returned error: {code}\n")
            } else {
                String::new()
            },
            exit: 22,
        };
    }
    let shown = match o.output.as_deref() {
        Some("/dev/null") => String::new(),
        Some(_) => {
            return CommandOutput::fail(
                "docknet: unsupported: curl -o FILE (use -o /dev/null)\n",
                127,
            )
        }
        None => match body {
            Some(b) => b,
            None => {
                return CommandOutput::fail(
                    "docknet: unsupported: the body this server sends\n",
                    127,
                )
            }
        },
    };
    CommandOutput::ok(shown + &written)
}
