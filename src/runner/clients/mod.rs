//! Network clients run inside a namespace: `ping`, `wget`, `nc`, `curl`, as the image's own tools
//! print them (busybox by default; iputils `ping` for Debian/Ubuntu-based images and on the
//! host). Each sends probes through the kernel ([`Kernel::probe`]: the packet walk on sim,
//! real packets on a real kernel) and formats what came back; times are fixed, plausible
//! values so that transcripts are deterministic.
//!
//! [`Kernel::probe`]: docknet_engine::Kernel::probe

pub mod busybox_applets;
pub mod curl;
pub mod nc;
pub mod ping;
pub mod wget;

use std::net::Ipv4Addr;

use docknet_engine::CommandOutput;
use docknet_netstate::walk::{Outcome, ProbeKind};

/// Whose tools the namespace has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// BusyBox 1.35 (the busybox and alpine images, and any image docknet does not know).
    Busybox,
    /// iputils 20221126 `ping` and GNU tools (Debian/Ubuntu-based images, the host).
    Gnu,
}

/// What answers on a TCP port, as far as a client's output shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Service {
    /// An HTTP server answering every request with this status line and body.
    Http {
        /// `404 Not Found`, `200 OK`.
        status: String,
        /// The body (`None`: docknet does not know what this server sends).
        body: Option<String>,
    },
    /// A server that accepts and says nothing (`nc -l`, a database).
    Silent,
}

/// What a client needs from its surroundings.
pub trait ClientNet {
    /// Resolves a host name as the namespace's resolver would (`None`: no such name).
    fn resolve(&mut self, name: &str) -> Option<Ipv4Addr>;
    /// Sends one probe from the namespace.
    fn probe(&mut self, dst: Ipv4Addr, kind: ProbeKind) -> Result<Outcome, String>;
    /// What program answers a connection that ended in `outcome`.
    fn service(&mut self, outcome: &Outcome) -> Service;
}

/// Runs a client command, or `None` if `argv` is not one.
pub fn run(argv: &[String], flavour: Flavour, net: &mut dyn ClientNet) -> Option<CommandOutput> {
    match argv.first().map(String::as_str)? {
        "ping" => Some(ping::run(argv, flavour, net)),
        "wget" => Some(wget::run(argv, net)),
        "nc" => Some(nc::run(argv, net)),
        "curl" if flavour == Flavour::Busybox => Some(CommandOutput::fail(
            "docknet: unsupported: curl in an image without it (busybox has wget)\n",
            127,
        )),
        "curl" => Some(curl::run(argv, net)),
        _ => None,
    }
}

/// The real binary a harness can run in the same namespace for a second opinion on a
/// `ping` step: busybox's or iputils', with the name already resolved (the real kernel's
/// namespaces have no Docker DNS).
pub fn second_opinion(
    argv: &[String],
    flavour: Flavour,
    net: &mut dyn ClientNet,
) -> Option<Vec<String>> {
    if argv.first().map(String::as_str) != Some("ping") {
        return None;
    }
    let mut real: Vec<String> = match flavour {
        Flavour::Busybox => vec!["busybox".into(), "ping".into()],
        Flavour::Gnu => vec!["ping".into()],
    };
    for a in &argv[1..] {
        let resolved =
            (!a.starts_with('-') && a.parse::<Ipv4Addr>().is_err() && a.parse::<u32>().is_err())
                .then(|| net.resolve(a))
                .flatten();
        real.push(resolved.map_or(a.clone(), |ip| ip.to_string()));
    }
    Some(real)
}

/// A literal IPv4 address, or the resolver's answer.
fn lookup(net: &mut dyn ClientNet, host: &str) -> Option<Ipv4Addr> {
    host.parse().ok().or_else(|| net.resolve(host))
}

/// The final connection outcome of a TCP connect (through a proxy: its onward leg decides
/// what the server says, but the client is connected either way).
fn final_leg(o: &Outcome) -> &Outcome {
    match o {
        Outcome::Connected {
            onward: Some(next), ..
        } => final_leg(next),
        other => other,
    }
}
