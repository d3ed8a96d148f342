//! Properties of engine + sim under random Docker command sequences:
//! - no command sequence panics;
//! - a command that fails leaves the kernel state exactly as it was;
//! - removing every container and network returns the kernel to its boot state (up to the
//!   IPv6 link-local addresses a bridge keeps once it has been up, as the real kernel does).

use docknet_engine::state::AddrScope;
use docknet_engine::{Engine, Kernel, KernelState, DEFAULT_SEED};
use proptest::prelude::*;

const NETS: &[&str] = &["n1", "n2", "n3"];
const CTRS: &[&str] = &["c1", "c2", "c3", "c4"];
const SUBNETS: &[&str] = &[
    "10.1.0.0/24",
    "10.1.0.128/25",
    "10.2.0.0/16",
    "172.17.5.0/24",
    "10.3.0.1/24",
];
const IPS: &[&str] = &[
    "10.1.0.5",
    "10.1.0.200",
    "10.2.3.4",
    "172.17.0.9",
    "10.3.0.1",
];

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(items).prop_map(String::from)
}

fn words(s: String) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

/// One `docker ...` command line (without `docker`), each naming at most one object so that
/// a failure means nothing was done.
fn command() -> impl Strategy<Value = Vec<String>> {
    let net = || pick(NETS);
    let ctr = || pick(CTRS);
    let any_net = || {
        prop_oneof![
            pick(NETS),
            Just("bridge".to_string()),
            Just("none".to_string())
        ]
    };
    prop_oneof![
        net().prop_map(|n| words(format!("network create {n}"))),
        (pick(SUBNETS), net()).prop_map(|(s, n)| words(format!("network create --subnet {s} {n}"))),
        (pick(SUBNETS), pick(IPS), net())
            .prop_map(|(s, g, n)| words(format!("network create --subnet {s} --gateway {g} {n}"))),
        any_net().prop_map(|n| words(format!("network rm {n}"))),
        (any_net(), ctr()).prop_map(|(n, c)| words(format!("network connect {n} {c}"))),
        (any_net(), ctr()).prop_map(|(n, c)| words(format!("network disconnect {n} {c}"))),
        (ctr(), any_net())
            .prop_map(|(c, n)| words(format!("run -d --name {c} --network {n} busybox"))),
        ctr().prop_map(|c| words(format!("run -d --name {c} busybox"))),
        (ctr(), net(), pick(IPS)).prop_map(|(c, n, ip)| words(format!(
            "run -d --name {c} --network {n} --ip {ip} busybox"
        ))),
        ctr().prop_map(|c| words(format!("create --name {c} busybox"))),
        ctr().prop_map(|c| words(format!("start {c}"))),
        ctr().prop_map(|c| words(format!("stop {c}"))),
        ctr().prop_map(|c| words(format!("restart {c}"))),
        ctr().prop_map(|c| words(format!("rm {c}"))),
        ctr().prop_map(|c| words(format!("rm -f {c}"))),
        proptest::collection::vec(
            pick(&["network", "run", "rm", "-d", "--ip", "n1", "c1", "--subnet", "x"]),
            0..5
        ),
    ]
}

/// A booted daemon on a fresh sim host.
fn boot() -> (Engine, docknet_sim::Sim) {
    let mut sim = docknet_sim::Sim::new();
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.boot(&mut sim).expect("boots");
    (engine, sim)
}

/// The state without link-local IPv6 addresses.
fn without_link_local(mut state: KernelState) -> KernelState {
    for ns in state.namespaces.values_mut() {
        ns.addrs6.retain(|a| a.scope != AddrScope::Link);
    }
    state
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn failed_commands_change_nothing(cmds in proptest::collection::vec(command(), 1..30)) {
        let (mut engine, mut sim) = boot();
        for args in &cmds {
            let before = sim.observe().expect("observable");
            let out = engine.docker(&mut sim, args);
            if out.exit != 0 {
                let after = sim.observe().expect("observable");
                prop_assert!(before == after, "`docker {}` failed ({}) but changed the kernel", args.join(" "), out.stderr.trim());
            }
        }
    }

    #[test]
    fn removing_everything_returns_to_boot(cmds in proptest::collection::vec(command(), 1..30)) {
        let (mut engine, mut sim) = boot();
        let booted = without_link_local(sim.observe().expect("observable"));
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
        let now = without_link_local(sim.observe().expect("observable"));
        prop_assert!(booted == now, "after {:?} and removing everything:\nboot: {booted:#?}\nnow: {now:#?}", cmds);
    }
}
