//! `ping`: busybox's and iputils' output for replies, loss, unknown names and no route.
//!
//! Facts (busybox 1.35 and iputils 20221126 in `../shared/oracle/`): busybox prints
//! `PING H (IP): 56 data bytes`, `64 bytes from IP: seq=N ttl=T time=X ms`, an empty line,
//! the statistics and `round-trip min/avg/max` (only when something came back), exit 1 when
//! nothing did, `ping: bad address 'H'` for an unknown name and `ping: sendto: Network is
//! unreachable` without a route (exit 1). iputils prints `PING H (IP) 56(84) bytes of data.`,
//! `icmp_seq=N` from 1, `time Nms` over the whole run, `rtt min/avg/max/mdev` or an empty
//! line on total loss (exit 1), and `ping: connect: Network is unreachable` (exit 2).

use docknet_engine::CommandOutput;
use docknet_netstate::walk::{Outcome, ProbeKind};

use super::{lookup, ClientNet, Flavour};

/// The round-trip times docknet reports: the first echo pays for ARP, the rest do not.
const FIRST_RTT_US: u32 = 89;
const NEXT_RTT_US: u32 = 71;

struct Options {
    count: u32,
    host: String,
}

fn parse(argv: &[String]) -> Result<Options, String> {
    let mut count = None;
    let mut host = None;
    let mut it = argv[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-c" => count = it.next().and_then(|v| v.parse().ok()),
            "-W" | "-w" | "-s" | "-i" | "-t" | "-I" => {
                it.next();
            }
            "-4" | "-q" | "-n" => {}
            s if s.starts_with("-c") => count = s[2..].parse().ok(),
            s if s.starts_with("-W") || s.starts_with("-w") => {}
            s if s.starts_with('-') => {
                return Err(format!("docknet: unsupported: ping option {s}"))
            }
            s => host = Some(s.to_string()),
        }
    }
    let host = host.ok_or("docknet: unsupported: ping without a host")?;
    let count = count.ok_or(
        "docknet: unsupported: ping without -c N (it would never end; give a count)".to_string(),
    )?;
    Ok(Options { count, host })
}

fn ms(us: u32) -> String {
    format!("{}.{:03}", us / 1000, us % 1000)
}

/// `ping [-c N] [-W S] [-w S] [-4] HOST`.
pub fn run(argv: &[String], flavour: Flavour, net: &mut dyn ClientNet) -> CommandOutput {
    let o = match parse(argv) {
        Ok(o) => o,
        Err(e) => return CommandOutput::fail(format!("{e}\n"), 127),
    };
    let Some(ip) = lookup(net, &o.host) else {
        return match flavour {
            Flavour::Busybox => CommandOutput::fail(format!("ping: bad address '{}'\n", o.host), 1),
            Flavour::Gnu => CommandOutput::fail(
                format!("ping: {}: Temporary failure in name resolution\n", o.host),
                2,
            ),
        };
    };
    let mut replies: Vec<(u32, u8, u32)> = Vec::new();
    for seq in 0..o.count {
        match net.probe(ip, ProbeKind::Echo) {
            Err(e) => return CommandOutput::fail(format!("docknet: {e}\n"), 1),
            Ok(Outcome::NetUnreachable) => {
                return match flavour {
                    Flavour::Busybox => CommandOutput {
                        stdout: format!("PING {} ({ip}): 56 data bytes\n", o.host),
                        stderr: "ping: sendto: Network is unreachable\n".into(),
                        exit: 1,
                    },
                    Flavour::Gnu => {
                        CommandOutput::fail("ping: connect: Network is unreachable\n", 2)
                    }
                }
            }
            Ok(Outcome::EchoReply { ttl, .. }) => {
                let rtt = if seq == 0 { FIRST_RTT_US } else { NEXT_RTT_US };
                replies.push((seq, ttl, rtt));
            }
            Ok(_) => {}
        }
    }
    CommandOutput {
        stdout: match flavour {
            Flavour::Busybox => busybox_text(&o, ip, &replies),
            Flavour::Gnu => iputils_text(&o, ip, &replies),
        },
        stderr: String::new(),
        exit: if replies.is_empty() { 1 } else { 0 },
    }
}

fn busybox_text(o: &Options, ip: std::net::Ipv4Addr, replies: &[(u32, u8, u32)]) -> String {
    let mut s = format!("PING {} ({ip}): 56 data bytes\n", o.host);
    for (seq, ttl, rtt) in replies {
        s += &format!(
            "64 bytes from {ip}: seq={seq} ttl={ttl} time={} ms\n",
            ms(*rtt)
        );
    }
    let got = replies.len() as u32;
    s += &format!(
        "\n--- {} ping statistics ---\n{} packets transmitted, {got} packets received, {}% packet loss\n",
        o.host,
        o.count,
        (o.count - got) * 100 / o.count.max(1)
    );
    if let Some((min, avg, max, _)) = stats(replies) {
        s += &format!(
            "round-trip min/avg/max = {}/{}/{} ms\n",
            ms(min),
            ms(avg),
            ms(max)
        );
    }
    s
}

fn iputils_text(o: &Options, ip: std::net::Ipv4Addr, replies: &[(u32, u8, u32)]) -> String {
    let mut s = format!("PING {} ({ip}) 56(84) bytes of data.\n", o.host);
    for (seq, ttl, rtt) in replies {
        s += &format!(
            "64 bytes from {ip}: icmp_seq={} ttl={ttl} time={} ms\n",
            seq + 1,
            ms(*rtt)
        );
    }
    let got = replies.len() as u32;
    // iputils reports the time from the first send to the last answer (or timeout).
    let total_ms = match o.count {
        0 | 1 => 0,
        n => (n - 1) * 1000 + 20,
    };
    s += &format!(
        "\n--- {} ping statistics ---\n{} packets transmitted, {got} received, {}% packet loss, time {total_ms}ms\n",
        o.host,
        o.count,
        (o.count - got) * 100 / o.count.max(1)
    );
    match stats(replies) {
        Some((min, avg, max, mdev)) => {
            s += &format!(
                "rtt min/avg/max/mdev = {}/{}/{}/{} ms\n",
                ms(min),
                ms(avg),
                ms(max),
                ms(mdev)
            )
        }
        None => s.push('\n'),
    }
    s
}

/// min, avg, max and mean deviation in microseconds.
fn stats(replies: &[(u32, u8, u32)]) -> Option<(u32, u32, u32, u32)> {
    let rtts: Vec<u32> = replies.iter().map(|r| r.2).collect();
    let min = *rtts.iter().min()?;
    let max = *rtts.iter().max()?;
    let avg = rtts.iter().sum::<u32>() / rtts.len() as u32;
    let var = rtts
        .iter()
        .map(|&r| (i64::from(r) - i64::from(avg)).pow(2))
        .sum::<i64>()
        / rtts.len() as i64;
    Some((min, avg, max, (var as f64).sqrt() as u32))
}
