//! The generator of random Docker command lines shared by the property and differential
//! tests: each names at most one object, so a failure means nothing was done.
#![allow(dead_code)]

use proptest::prelude::*;

pub const NETS: &[&str] = &["n1", "n2", "n3"];
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

/// Bridge driver options the generated networks may take.
const NET_OPTS: &[&str] = &[
    "com.docker.network.bridge.enable_icc=false",
    "com.docker.network.bridge.enable_ip_masquerade=false",
    "com.docker.network.bridge.name=brx",
    "com.docker.network.driver.mtu=1400",
];

pub fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(items).prop_map(String::from)
}

pub fn words(s: String) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

/// One `docker ...` command line (without `docker`), each naming at most one object so that
/// a failure means nothing was done.
pub fn command() -> impl Strategy<Value = Vec<String>> {
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
        net().prop_map(|n| words(format!("network create --internal {n}"))),
        (pick(NET_OPTS), net()).prop_map(|(o, n)| words(format!("network create -o {o} {n}"))),
        net().prop_map(|n| words(format!(
            "network create --subnet 10.5.0.0/16 --ip-range 10.5.1.0/30 --aux-address a=10.5.1.1 {n}"
        ))),
        any_net().prop_map(|n| words(format!("network rm {n}"))),
        (any_net(), ctr()).prop_map(|(n, c)| words(format!("network connect {n} {c}"))),
        (any_net(), ctr()).prop_map(|(n, c)| words(format!("network disconnect {n} {c}"))),
        (ctr(), any_net()).prop_map(|(c, n)| words(format!(
            "run -d --name {c} --network {n} busybox sleep 100000"
        ))),
        ctr().prop_map(|c| words(format!("run -d --name {c} busybox sleep 100000"))),
        (ctr(), net(), pick(IPS)).prop_map(|(c, n, ip)| words(format!(
            "run -d --name {c} --network {n} --ip {ip} busybox sleep 100000"
        ))),
        (ctr(), net(), ctr()).prop_map(|(c, n, l)| words(format!(
            "run -d --name {c} --network {n} --network-alias web --link {l}:db busybox sleep 100000"
        ))),
        (any_net(), ctr()).prop_map(|(n, c)| words(format!("network connect --alias db {n} {c}"))),
        ctr().prop_map(|c| words(format!("create --name {c} busybox"))),
        ctr().prop_map(|c| words(format!("start {c}"))),
        ctr().prop_map(|c| words(format!("stop {c}"))),
        ctr().prop_map(|c| words(format!("restart {c}"))),
        ctr().prop_map(|c| words(format!("rm {c}"))),
        ctr().prop_map(|c| words(format!("rm -f {c}"))),
        ctr().prop_map(|c| words(format!("run --rm --name {c} busybox echo hi"))),
        ctr().prop_map(|c| words(format!("run -d --rm --name {c} busybox sleep 100000"))),
        (ctr(), any_net()).prop_map(|(c, n)| words(format!(
            "run -d --name {c} --network {n} --mac-address 02:42:ac:11:00:99 busybox sleep 100000"
        ))),
        (ctr(), net())
            .prop_map(|(c, n)| words(format!("run --name {c} --network {n} busybox false"))),
        pick(&["container prune -f", "system prune -f", "info"]).prop_map(words),
        (ctr(), any_net()).prop_map(|(c, n)| words(format!(
            "run -d --name {c} --network {n} -p 8080:80 busybox httpd -f -p 80"
        ))),
        proptest::collection::vec(
            pick(&["network", "run", "rm", "-d", "--ip", "n1", "c1", "--subnet", "x"]),
            0..5
        ),
    ]
}

/// Host-tool steps (`ip`, `brctl`, `iptables`) and container pings: changes outside Docker
/// that the views and later Docker commands must see alike on every kernel. The host has a
/// spare NIC, `ens192` (see [`HOST_IFS`]), for the tools to move between bridges.
pub fn host_tool_line() -> impl Strategy<Value = String> {
    let tools = pick(&[
        "ip link add br0 type bridge",
        "ip link set br0 up",
        "ip link set br0 down",
        "ip link del br0",
        "brctl addbr br1",
        "brctl delbr br1",
        "brctl addif br0 ens192",
        "brctl delif br0 ens192",
        "brctl addif docker0 ens192",
        "ip link set ens192 master br0",
        "ip link set ens192 nomaster",
        "ip link set ens192 up",
        "ip link set docker0 down",
        "ip link set docker0 up",
        "ip link set docker0 mtu 1400",
        "ip addr add 10.9.9.1/24 dev br0",
        "ip addr add 10.9.8.1/24 brd + dev docker0",
        "ip addr del 10.9.8.1/24 dev docker0",
        "ip route add 10.8.0.0/16 dev docker0",
        "ip route add 10.7.0.0/16 via 172.17.0.5",
        "ip route del 10.8.0.0/16",
        "iptables -I DOCKER-USER -s 172.17.0.2 -j DROP",
        "iptables -A DOCKER-USER -p tcp --dport 80 -j REJECT --reject-with tcp-reset",
        "iptables -D DOCKER-USER 1",
        "iptables -F DOCKER-USER",
        "iptables -P FORWARD ACCEPT",
        "iptables -N MYCHAIN",
        "iptables -X MYCHAIN",
        "iptables -t nat -A POSTROUTING -s 10.9.9.0/24 -j MASQUERADE",
    ]);
    let ping = (
        pick(CTRS),
        pick(&[
            "172.17.0.2",
            "172.17.0.3",
            "10.1.0.2",
            "172.18.0.2",
            "10.9.9.1",
        ]),
    )
        .prop_map(|(c, ip)| format!("docker exec {c} ping -c 1 -W 1 {ip}"));
    prop_oneof![3 => tools, 1 => ping]
}

/// Tool steps that make a bridge: the real kernel gives it a random MAC and a zero bridge id
/// until its first port, docknet a MAC from the seed (README, "Differences from Docker 20.10").
pub const TOOL_BRIDGES: &[&str] = &["ip link add br0 type bridge", "brctl addbr br1"];

/// The host's NICs in generated scenarios that use [`host_tool_line`].
pub const HOST_IFS: &str = "%host-if ens192 mac 00:50:56:b4:9b:ec down\n";

/// A whole step line: mostly a Docker command, sometimes a host tool or a ping.
pub fn step_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => command().prop_map(|c| docker_line(&c)),
        1 => host_tool_line(),
    ]
}

/// `docker` and the words of `c`, each quoted (the scenario parser splits like a shell).
pub fn docker_line(c: &[String]) -> String {
    let words: Vec<String> = c
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "")))
        .collect();
    format!("docker {}", words.join(" "))
}

/// The views after each command: every namespace's state as the tools print it.
pub const VIEWS: &[&str] = &[
    "ip -d link show",
    "ip address show",
    "ip route show",
    "ip netns list-id",
    "iptables-save",
    "brctl show",
    "docker ps -a --format '{{.Names}} {{.Status}}'",
];

/// The scenario text for a command sequence (commands quoted word by word).
pub fn scenario(cmds: &[Vec<String>], views: &[&str]) -> String {
    let lines: Vec<String> = cmds.iter().map(|c| docker_line(c)).collect();
    scenario_lines("", &lines, views)
}

/// The scenario text for whole step lines after the `header` directives, each followed by
/// the views and the sandbox directory.
pub fn scenario_lines(header: &str, lines: &[String], views: &[&str]) -> String {
    let mut s = String::from("# A generated sequence (tests/differential.rs).\n");
    s += header;
    for line in lines {
        s += &format!("$ {line}\n");
        for v in views {
            s += &format!("$ {v}\n");
        }
        s += "$ ls /var/run/docker/netns\n";
    }
    s
}

/// The state without what a bridge keeps from having had ports, as the real kernel does:
/// link-local IPv6 addresses and the ports' TSO limit.
pub fn without_port_history(mut state: docknet_engine::KernelState) -> docknet_engine::KernelState {
    for ns in state.namespaces.values_mut() {
        ns.addrs6
            .retain(|a| a.scope != docknet_engine::state::AddrScope::Link);
        for l in ns.links.values_mut() {
            if let docknet_engine::state::LinkKind::Bridge { tso_max_size, .. } = &mut l.kind {
                *tso_max_size = 65536;
            }
        }
    }
    state
}

/// Writes a property's case as a scenario (`target/property-failures/NAME.scn`) unless the
/// case passed: proptest ends a failure with the shrunk case, so the file left behind is the
/// minimal one, and `docknet replay` reproduces it.
pub struct KeepIfFailed {
    name: &'static str,
    text: String,
    passed: bool,
}

impl KeepIfFailed {
    /// Remembers the case `cmds` of property `name`.
    pub fn new(name: &'static str, cmds: &[Vec<String>]) -> Self {
        let text = scenario(cmds, &[]).replacen(
            "(tests/differential.rs)",
            &format!("(tests/properties.rs: {name})"),
            1,
        );
        KeepIfFailed {
            name,
            text,
            passed: false,
        }
    }

    /// The case passed: nothing is written.
    pub fn passed(mut self) {
        self.passed = true;
    }
}

impl Drop for KeepIfFailed {
    fn drop(&mut self) {
        if !self.passed {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/property-failures");
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(format!("{dir}/{}.scn", self.name), &self.text);
        }
    }
}
