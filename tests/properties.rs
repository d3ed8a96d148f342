//! Properties of engine + sim under random Docker command sequences:
//! - no command sequence panics;
//! - a command that fails leaves the kernel state exactly as it was;
//! - removing every container and network returns the kernel to its boot state (up to the
//!   IPv6 link-local addresses a bridge keeps once it has been up, as the real kernel does).

use docknet_engine::{Engine, Kernel, DEFAULT_SEED};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

mod common;
use common::{command, pick, without_port_history, words, KeepIfFailed};

/// `cases` cases from a fixed seed, so that CI explores the same sequences on every run;
/// `PROPTEST_RNG_SEED=N` explores others locally, `DOCKNET_CASES=N` runs N cases.
fn config(cases: u32) -> ProptestConfig {
    // `DOCKNET_CASES=N` runs N cases of every property (a longer campaign).
    let cases = std::env::var("DOCKNET_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    let mut config = ProptestConfig {
        cases,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x00d0_c4e7);
    }
    config
}

/// Whether a failed command still did part of its work: commands that take several objects
/// (`network rm n1 c1`, `rm c1 c2`) handle each in turn and print every success on stdout,
/// as Docker's do, so their failure rightly leaves the earlier objects' changes in place.
/// (`docker run` prints the ID of a container it created but could not start; that start
/// is rolled back, so it is still checked.)
fn partly_done(args: &[String], stdout: &str) -> bool {
    args.first().is_some_and(|a| a != "run") && !stdout.is_empty()
}

/// A foreground `docker run` whose container ran and exited non-zero: the status is the
/// process's, not a refusal (refusals print `docker: ...` or `docknet: ...`), and running it
/// did change the kernel (a bridge that had a port keeps its MAC, as on a real host).
fn process_status(args: &[String], stderr: &str) -> bool {
    args.first().is_some_and(|a| a == "run")
        && !args.iter().any(|a| a == "-d")
        && !stderr.starts_with("docker: ")
        && !stderr.starts_with("docknet: ")
}

/// One IPAM pool of a network as `docker network inspect` shows it.
#[derive(Debug)]
struct Pool {
    subnet: docknet_engine::Ipv4Cidr,
    gateway: Option<String>,
    range: Option<docknet_engine::Ipv4Cidr>,
    aux: Vec<String>,
}

/// A network's pools.
#[derive(Debug)]
struct Ipam {
    pools: Vec<Pool>,
}

impl Ipam {
    /// Whether a container may hold `ip` on this network.
    fn allows(&self, ip: std::net::Ipv4Addr) -> bool {
        let text = ip.to_string();
        self.pools.iter().any(|p| {
            p.subnet.contains(ip)
                && p.range.is_none_or(|r| r.contains(ip))
                && p.gateway.as_deref() != Some(text.as_str())
                && !p.aux.contains(&text)
        })
    }
}

fn inspect(
    engine: &mut Engine,
    sim: &mut docknet_sim::Sim,
    net: &str,
    template: &str,
) -> serde_json::Value {
    let args: Vec<String> = ["network", "inspect", "-f", template, net]
        .map(String::from)
        .to_vec();
    serde_json::from_str(engine.docker(sim, &args).stdout.trim()).unwrap_or(serde_json::Value::Null)
}

fn ipam_of(engine: &mut Engine, sim: &mut docknet_sim::Sim, net: &str) -> Ipam {
    let cidr = |v: &serde_json::Value| v.as_str().and_then(docknet_engine::Ipv4Cidr::parse);
    let configs = inspect(engine, sim, net, "{{json .IPAM.Config}}");
    let pools = configs
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let aux = c["AuxiliaryAddresses"]
                .as_object()
                .map(|m| {
                    m.values()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            Some(Pool {
                subnet: cidr(&c["Subnet"])?,
                gateway: c["Gateway"].as_str().map(String::from),
                range: cidr(&c["IPRange"]),
                aux,
            })
        })
        .collect();
    Ipam { pools }
}

/// Whether containers on `net` may talk to each other (`enable_icc` not false).
fn icc_of(engine: &mut Engine, sim: &mut docknet_sim::Sim, net: &str) -> bool {
    let opts = inspect(engine, sim, net, "{{json .Options}}");
    opts["com.docker.network.bridge.enable_icc"].as_str() != Some("false")
}

/// A booted daemon on a fresh sim host.
fn boot() -> (Engine, docknet_sim::Sim) {
    let mut sim = docknet_sim::Sim::new();
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.boot(&mut sim).expect("boots");
    (engine, sim)
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn failed_commands_change_nothing(cmds in proptest::collection::vec(command(), 1..30)) {
        let keep = KeepIfFailed::new("failed_commands_change_nothing", &cmds);
        let (mut engine, mut sim) = boot();
        for args in &cmds {
            let before = sim.observe().expect("observable");
            let out = engine.docker(&mut sim, args);
            if out.exit != 0 && !partly_done(args, &out.stdout) && !process_status(args, &out.stderr) {
                let after = sim.observe().expect("observable");
                prop_assert!(before == after, "`docker {}` failed ({}) but changed the kernel", args.join(" "), out.stderr.trim());
            }
        }
        keep.passed();
    }

    #[test]
    fn removing_everything_returns_to_boot(cmds in proptest::collection::vec(command(), 1..30)) {
        let keep = KeepIfFailed::new("removing_everything_returns_to_boot", &cmds);
        let (mut engine, mut sim) = boot();
        let booted = without_port_history(sim.observe().expect("observable"));
        for args in &cmds {
            engine.docker(&mut sim, args);
        }
        // Every container (also unnamed ones), then every network (predefined ones refuse).
        let ids = engine.docker(&mut sim, &words("ps -aq".into())).stdout;
        for id in ids.split_whitespace() {
            engine.docker(&mut sim, &words(format!("rm -f {id}")));
        }
        let nets = engine.docker(&mut sim, &words("network ls -q".into())).stdout;
        for id in nets.split_whitespace() {
            engine.docker(&mut sim, &words(format!("network rm {id}")));
        }
        let now = without_port_history(sim.observe().expect("observable"));
        prop_assert!(booted == now, "after {:?} and removing everything:\nboot: {booted:#?}\nnow: {now:#?}", cmds);
        keep.passed();
    }
}

/// A step line mixing Docker commands and the Linux tools the runner answers itself.
fn step_line() -> impl Strategy<Value = String> {
    let word = || {
        pick(&[
            "ip",
            "link",
            "addr",
            "route",
            "add",
            "del",
            "set",
            "show",
            "up",
            "down",
            "master",
            "nomaster",
            "dev",
            "type",
            "bridge",
            "veth",
            "peer",
            "name",
            "brctl",
            "addbr",
            "delbr",
            "addif",
            "delif",
            "br0",
            "docker0",
            "ens192",
            "eth0",
            "10.9.0.1/24",
            "default",
            "via",
            "10.9.0.254",
            "nsenter",
            "--net=/var/run/docker/netns/x",
            "ls",
            "/var/run/docker/netns",
            "docker",
            "exec",
            "-it",
            "c1",
            "run",
            "-d",
            "--name",
            "network",
            "create",
            "rm",
            "-f",
            "n1",
            "iptables-save",
            "-t",
            "nat",
        ])
    };
    prop_oneof![
        command().prop_map(|args| format!("docker {}", args.join(" "))),
        proptest::collection::vec(word(), 1..7).prop_map(|w| w.join(" ")),
    ]
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn any_steps_replay_without_panic_and_deterministically(
        lines in proptest::collection::vec(step_line(), 1..25)
    ) {
        let mut text = String::from("%host-if ens160 mac 00:50:56:b4:47:61 addr 10.190.16.120/24 gateway 10.190.16.1\n\
                                     %host-if ens192 mac 00:50:56:b4:9b:ec down\n");
        for line in &lines {
            text.push_str("$ ");
            text.push_str(line);
            text.push('\n');
        }
        // Whatever the steps built, it can be drawn, the same way each time.
        text.push_str("$ docknet diagram --reach\n$ docknet diagram --format svg --reach\n");
        let scenario = docknet::parse("prop.scn", &text).expect("generated steps parse");
        let replay = || {
            let mut sim = docknet_sim::Sim::new();
            docknet::replay(&scenario, None, &mut sim).expect("replays").to_text()
        };
        prop_assert_eq!(replay(), replay());
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Any text parses or is refused with a `file:line: expected ...` message; never a panic.
    #[test]
    fn parser_never_panics(text in "([$%# ]?[a-z0-9 '\"\\\\|$()#%./:-]{0,40}\n){0,8}") {
        match docknet::parse("fuzz.scn", &text) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().starts_with("fuzz.scn:"), "{e}"),
        }
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// The class-based reachability matrix equals one walk per pair.
    #[test]
    fn fast_matrix_equals_per_probe_walk(cmds in proptest::collection::vec(command(), 1..25)) {
        let keep = KeepIfFailed::new("fast_matrix_equals_per_probe_walk", &cmds);
        use docknet_netstate::walk::matrix::{matrix, matrix_per_probe, Endpoint};
        use docknet_netstate::walk::ProbeKind;
        let (mut engine, mut sim) = boot();
        for args in &cmds {
            engine.docker(&mut sim, args);
        }
        let state = sim.observe().expect("observable");
        let eps: Vec<Endpoint> = engine
            .running_containers()
            .into_iter()
            .map(|c| Endpoint { ns: c.ns, addrs: c.addrs.into_iter().map(|(_, a)| a).collect() })
            .collect();
        for kind in [ProbeKind::Echo, ProbeKind::Tcp(80), ProbeKind::Tcp(8080)] {
            let fast = matrix(&state, &eps, kind).expect("walks");
            let slow = matrix_per_probe(&state, &eps, kind).expect("walks");
            prop_assert_eq!(fast, slow, "{:?} after {:?}", kind, cmds);
        }
        keep.passed();
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// After every command: each running container's namespace holds exactly the addresses
    /// Docker gave it, no address is given twice on a network, every endpoint has one host
    /// veth end and nothing else has one, and containers reach each other exactly when they
    /// share a network that allows inter-container traffic (icc), and every address is in its
    /// network's subnet and ip-range, never its gateway or an aux address.
    #[test]
    fn engine_kernel_and_reachability_agree(cmds in proptest::collection::vec(command(), 1..20)) {
        let keep = KeepIfFailed::new("engine_kernel_and_reachability_agree", &cmds);
        use docknet_netstate::walk::matrix::{matrix, Endpoint};
        use docknet_netstate::walk::ProbeKind;
        let (mut engine, mut sim) = boot();
        for args in &cmds {
            engine.docker(&mut sim, args);
            let state = sim.observe().expect("observable");
            let running: Vec<_> = engine.running_containers().into_iter().filter(|c| !c.addrs.is_empty()).collect();
            let mut seen = std::collections::BTreeSet::new();
            let mut endpoints = 0;
            for c in &running {
                let ns = state.namespaces.get(&c.ns);
                prop_assert!(ns.is_some(), "after `{}`: {} has no namespace", args.join(" "), c.name);
                let mut have: Vec<_> = ns.unwrap().addrs.iter().filter(|a| a.cidr.addr.octets()[0] != 127).map(|a| a.cidr.addr).collect();
                let mut want: Vec<_> = c.addrs.iter().map(|(_, a)| *a).collect();
                have.sort();
                want.sort();
                prop_assert_eq!(&have, &want, "after `{}`: {}'s addresses", args.join(" "), c.name);
                for (net, ip) in &c.addrs {
                    prop_assert!(seen.insert((net.clone(), *ip)), "after `{}`: {} twice on {}", args.join(" "), ip, net);
                    let ipam = ipam_of(&mut engine, &mut sim, net);
                    prop_assert!(ipam.allows(*ip), "after `{}`: {} on {} breaks {:?}", args.join(" "), ip, net, ipam);
                }
                endpoints += c.addrs.len();
            }
            let host_veths = state.host().links.values().filter(|l| l.name.starts_with("veth")).count();
            prop_assert_eq!(host_veths, endpoints, "after `{}`: host veth ends vs endpoints", args.join(" "));
            let eps: Vec<Endpoint> = running.iter().map(|c| Endpoint { ns: c.ns.clone(), addrs: c.addrs.iter().map(|(_, a)| *a).collect() }).collect();
            let reach = matrix(&state, &eps, ProbeKind::Echo).expect("walks");
            for (i, a) in running.iter().enumerate() {
                for (j, b) in running.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    let shared = a.addrs.iter().any(|(n, _)| {
                        b.addrs.iter().any(|(m, _)| m == n) && icc_of(&mut engine, &mut sim, n)
                    });
                    prop_assert_eq!(reach[i][j], shared, "after `{}`: {} -> {} (shared network: {})", args.join(" "), a.name, b.name, shared);
                }
            }
        }
        keep.passed();
    }
}
