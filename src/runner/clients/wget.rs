//! busybox `wget`: connect, then what the HTTP server said.
//!
//! Facts (busybox 1.35 in `../shared/oracle/`): without `-q` it first prints `Connecting to
//! HOST[:PORT] (IP:PORT)` on stderr; `-S` prints the status line indented by two spaces; an
//! error status is `wget: server returned error: HTTP/1.1 404 Not Found` (exit 1); a refused
//! connection is `wget: can't connect to remote host (IP): Connection refused`, a dropped one
//! `... Connection timed out` (after the kernel's SYN retries, about 134 s), an unknown name
//! `wget: bad address 'H'`; `-T S` makes a dropped connection `wget: download timed out`.

use docknet_engine::CommandOutput;
use docknet_netstate::walk::{Outcome, ProbeKind};

use super::{final_leg, lookup, ClientNet, Service};

struct Options {
    quiet: bool,
    headers: bool,
    spider: bool,
    timeout: bool,
    output: Option<String>,
    url: String,
}

fn parse(argv: &[String]) -> Result<Options, String> {
    let mut o = Options {
        quiet: false,
        headers: false,
        spider: false,
        timeout: false,
        output: None,
        url: String::new(),
    };
    let mut it = argv[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-q" => o.quiet = true,
            "-S" => o.headers = true,
            "--spider" | "-s" => o.spider = true,
            "-O" => o.output = it.next().cloned(),
            "-T" => {
                o.timeout = true;
                it.next();
            }
            s if s.starts_with("-O") => o.output = Some(s[2..].to_string()),
            s if s.starts_with('-') => {
                return Err(format!("docknet: unsupported: wget option {s}"))
            }
            s => o.url = s.to_string(),
        }
    }
    if o.url.is_empty() {
        return Err("docknet: unsupported: wget without a URL".into());
    }
    Ok(o)
}

/// `http://HOST[:PORT][/PATH]` → (host, explicit port).
fn split_url(url: &str) -> Option<(String, Option<u16>)> {
    let rest = url.strip_prefix("http://")?;
    let hostport = rest.split('/').next()?;
    match hostport.split_once(':') {
        Some((h, p)) => Some((h.to_string(), Some(p.parse().ok()?))),
        None => Some((hostport.to_string(), None)),
    }
}

/// `wget [-q] [-S] [-O FILE|-] [-T S] [--spider] URL`.
pub fn run(argv: &[String], net: &mut dyn ClientNet) -> CommandOutput {
    let o = match parse(argv) {
        Ok(o) => o,
        Err(e) => return CommandOutput::fail(format!("{e}\n"), 127),
    };
    let Some((host, port)) = split_url(&o.url) else {
        return CommandOutput::fail(
            format!(
                "docknet: unsupported: wget of {} (only http:// URLs)\n",
                o.url
            ),
            127,
        );
    };
    let Some(ip) = lookup(net, &host) else {
        return CommandOutput::fail(format!("wget: bad address '{host}'\n"), 1);
    };
    let p = port.unwrap_or(80);
    let mut err = String::new();
    if !o.quiet {
        let shown = port.map_or(host.clone(), |p| format!("{host}:{p}"));
        err += &format!("Connecting to {shown} ({ip}:{p})\n");
    }
    let outcome = match net.probe(ip, ProbeKind::Tcp(p)) {
        Ok(x) => x,
        Err(e) => return CommandOutput::fail(format!("{err}docknet: {e}\n"), 1),
    };
    let fail = |why: &str| format!("wget: can't connect to remote host ({ip}): {why}\n");
    match final_leg(&outcome) {
        Outcome::Connected { .. } => {}
        Outcome::Refused { .. } | Outcome::IcmpError { .. } => {
            return CommandOutput::fail(err + &fail("Connection refused"), 1)
        }
        Outcome::NetUnreachable => {
            return CommandOutput::fail(err + &fail("Network is unreachable"), 1)
        }
        _ if o.timeout => return CommandOutput::fail(err + "wget: download timed out\n", 1),
        _ => return CommandOutput::fail(err + &fail("Connection timed out"), 1),
    }
    respond(&o, net.service(&outcome), err)
}

/// What the server's answer makes wget print.
fn respond(o: &Options, service: Service, mut err: String) -> CommandOutput {
    let Service::Http { status, body } = service else {
        return CommandOutput::fail(
            format!("{err}docknet: unsupported: wget from a server that does not speak HTTP\n"),
            127,
        );
    };
    if o.headers {
        err += &format!("  HTTP/1.1 {status}\n");
    }
    if !status.starts_with('2') {
        return CommandOutput::fail(
            err + &format!("wget: server returned error: HTTP/1.1 {status}\n"),
            1,
        );
    }
    if o.spider {
        return CommandOutput {
            stdout: String::new(),
            stderr: err + "remote file exists\n",
            exit: 0,
        };
    }
    match o.output.as_deref() {
        Some("-") => match body {
            Some(body) => CommandOutput {
                stdout: body,
                stderr: err,
                exit: 0,
            },
            None => CommandOutput::fail(
                format!("{err}docknet: unsupported: the body this server sends\n"),
                127,
            ),
        },
        Some("/dev/null") => CommandOutput {
            stdout: String::new(),
            stderr: err,
            exit: 0,
        },
        _ => CommandOutput::fail(
            format!(
                "{err}docknet: unsupported: wget saving to a file (use -O - or -O /dev/null)\n"
            ),
            127,
        ),
    }
}
