//! busybox `nc HOST PORT` as a connect test (standard input is empty in a scenario).
//!
//! Facts (busybox 1.35 of the reference image, `../shared/oracle/`): a connection that opens
//! exits 0 silently; a refused one prints `nc: can't connect to remote host (IP): Connection
//! refused` (exit 1); with `-w S` a dropped one prints `nc: timed out` (exit 1), and so does
//! a name that does not resolve within S; that build has no `-z` and answers it with its
//! usage text.

use docknet_engine::CommandOutput;
use docknet_netstate::walk::{Outcome, ProbeKind};

use super::{lookup, ClientNet};

/// busybox's answer to an option it lacks (`-z`, `-v`).
const USAGE: &str = "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.

Usage: nc [-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] [-e PROG]

Open a pipe to IP:PORT or FILE

\t-l\tListen mode, for inbound connects
\t\t(use -ll with -e for persistent server)
\t-p PORT\tLocal port
\t-w SEC\tConnect timeout
\t-i SEC\tDelay interval for lines sent
\t-f FILE\tUse file (ala /dev/ttyS0) instead of network
\t-e PROG\tRun PROG after connect
";

/// `nc [-w S] HOST PORT`.
pub fn run(argv: &[String], net: &mut dyn ClientNet) -> CommandOutput {
    let mut wait = false;
    let mut rest = Vec::new();
    let mut it = argv[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-w" => {
                wait = true;
                it.next();
            }
            s if s.starts_with("-w") => wait = true,
            s if s.starts_with('-') && s.len() > 1 => {
                let c = s.chars().nth(1).unwrap_or('-');
                if "lpef".contains(c) {
                    return CommandOutput::fail(format!("docknet: unsupported: nc {s}\n"), 127);
                }
                return CommandOutput::fail(format!("nc: invalid option -- '{c}'\n{USAGE}"), 1);
            }
            s => rest.push(s.to_string()),
        }
    }
    let [host, port] = rest.as_slice() else {
        return CommandOutput::fail(
            format!("docknet: unsupported: nc {}\n", rest.join(" ")),
            127,
        );
    };
    let Ok(port) = port.parse::<u16>() else {
        return CommandOutput::fail(format!("nc: bad port '{port}'\n"), 1);
    };
    let Some(ip) = lookup(net, host) else {
        let msg = if wait {
            "nc: timed out\n".to_string()
        } else {
            format!("nc: bad address '{host}'\n")
        };
        return CommandOutput::fail(msg, 1);
    };
    let outcome = match net.probe(ip, ProbeKind::Tcp(port)) {
        Ok(x) => x,
        Err(e) => return CommandOutput::fail(format!("docknet: {e}\n"), 1),
    };
    let fail = |why: &str| {
        CommandOutput::fail(
            format!("nc: can't connect to remote host ({ip}): {why}\n"),
            1,
        )
    };
    // Connected to a proxy is connected, whatever its onward leg does.
    match &outcome {
        Outcome::Connected { .. } => CommandOutput::ok(""),
        Outcome::Refused { .. } | Outcome::IcmpError { .. } => fail("Connection refused"),
        Outcome::NetUnreachable => fail("Network is unreachable"),
        _ if wait => CommandOutput::fail("nc: timed out\n", 1),
        _ => fail("Connection timed out"),
    }
}
