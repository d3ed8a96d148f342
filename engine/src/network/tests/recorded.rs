//! Outputs compared line for line with the dockerd 20.10 recordings (04/05/06-* files).

use super::{booted, bridge_of, create_recorded_four, docker, docker_argv};

/// Recorded `iptables-save` after testbridge, my_isolated_bridge_network, auto2, auto3
/// (05b-kstate-iptables-save.txt), with the recorded bridge names as placeholders.
const FOUR_NETWORKS: &str = "*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o br-2218c7c07182 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-2218c7c07182 -j DOCKER
-A FORWARD -i br-2218c7c07182 ! -o br-2218c7c07182 -j ACCEPT
-A FORWARD -i br-2218c7c07182 -o br-2218c7c07182 -j ACCEPT
-A FORWARD -o br-dd11bda21e46 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-dd11bda21e46 -j DOCKER
-A FORWARD -i br-dd11bda21e46 ! -o br-dd11bda21e46 -j ACCEPT
-A FORWARD -i br-dd11bda21e46 -o br-dd11bda21e46 -j ACCEPT
-A FORWARD -o br-0a764bb58b6e -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-0a764bb58b6e -j DOCKER
-A FORWARD -i br-0a764bb58b6e ! -o br-0a764bb58b6e -j ACCEPT
-A FORWARD -i br-0a764bb58b6e -o br-0a764bb58b6e -j ACCEPT
-A FORWARD -o br-ef9d7c74a9bb -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-ef9d7c74a9bb -j DOCKER
-A FORWARD -i br-ef9d7c74a9bb ! -o br-ef9d7c74a9bb -j ACCEPT
-A FORWARD -i br-ef9d7c74a9bb -o br-ef9d7c74a9bb -j ACCEPT
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i br-2218c7c07182 ! -o br-2218c7c07182 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i br-dd11bda21e46 ! -o br-dd11bda21e46 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i br-0a764bb58b6e ! -o br-0a764bb58b6e -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i br-ef9d7c74a9bb ! -o br-ef9d7c74a9bb -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o br-2218c7c07182 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o br-dd11bda21e46 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o br-0a764bb58b6e -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o br-ef9d7c74a9bb -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.20.0.0/16 ! -o br-2218c7c07182 -j MASQUERADE
-A POSTROUTING -s 172.19.0.0/16 ! -o br-dd11bda21e46 -j MASQUERADE
-A POSTROUTING -s 172.18.0.0/16 ! -o br-0a764bb58b6e -j MASQUERADE
-A POSTROUTING -s 10.0.0.0/24 ! -o br-ef9d7c74a9bb -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i br-2218c7c07182 -j RETURN
-A DOCKER -i br-dd11bda21e46 -j RETURN
-A DOCKER -i br-0a764bb58b6e -j RETURN
-A DOCKER -i br-ef9d7c74a9bb -j RETURN
-A DOCKER -i docker0 -j RETURN
COMMIT
";

#[test]
fn four_networks_match_recorded_iptables() {
    let (mut e, mut k) = booted();
    create_recorded_four(&mut e, &mut k);
    // Sort the placeholders' replacements so a name never replaces inside another.
    let expected = FOUR_NETWORKS
        .replace("br-ef9d7c74a9bb", &bridge_of(&e, "testbridge"))
        .replace(
            "br-0a764bb58b6e",
            &bridge_of(&e, "my_isolated_bridge_network"),
        )
        .replace("br-dd11bda21e46", &bridge_of(&e, "auto2"))
        .replace("br-2218c7c07182", &bridge_of(&e, "auto3"));
    assert_eq!(k.save(), expected);
}

#[test]
fn ls_matches_recorded_table() {
    let (mut e, mut k) = booted();
    create_recorded_four(&mut e, &mut k);
    let out = docker(&mut e, &mut k, "network ls");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "NETWORK ID     NAME                         DRIVER    SCOPE"
    );
    let names: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l[15..].split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "auto2",
            "auto3",
            "bridge",
            "host",
            "my_isolated_bridge_network",
            "none",
            "testbridge"
        ]
    );
    assert!(lines[4].ends_with("   host                         host      local"));
    let q = docker(&mut e, &mut k, "network ls -q --filter driver=null");
    assert_eq!(
        q.stdout,
        format!("{}\n", &e.network("none").unwrap().id[..12])
    );
    let f = docker(
        &mut e,
        &mut k,
        "network ls --filter name=auto --format {{.Name}}",
    );
    assert_eq!(f.stdout, "auto2\nauto3\n");
    let nt = docker(
        &mut e,
        &mut k,
        "network ls --no-trunc --filter name=^bridge$",
    );
    assert!(nt.stdout.starts_with("NETWORK ID                                                         NAME      DRIVER    SCOPE\n"));
}

/// The JSON shape of a recorded inspect with IDs and times blanked.
fn shape(s: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
    for n in v.as_array_mut().unwrap() {
        n["Id"] = "ID".into();
        n["Created"] = "T".into();
    }
    crate::inspect::indented(v.as_array().unwrap())
}

#[test]
fn inspect_matches_recorded_shape() {
    let (mut e, mut k) = booted();
    create_recorded_four(&mut e, &mut k);
    let out = docker(&mut e, &mut k, "network inspect bridge host none");
    let recorded = include_str!("../testdata/02-network-inspect-bridge-host-none.json");
    assert_eq!(shape(&out.stdout), shape(recorded));
    let out = docker(&mut e, &mut k, "network inspect testbridge");
    let recorded = include_str!("../testdata/03-network-inspect-testbridge.json");
    assert_eq!(shape(&out.stdout), shape(recorded));
    let out = docker(&mut e, &mut k, "network inspect my_isolated_bridge_network");
    let recorded = include_str!("../testdata/04-network-inspect-my_isolated_bridge_network.json");
    assert_eq!(shape(&out.stdout), shape(recorded));
    assert!(out
        .stdout
        .starts_with("[\n    {\n        \"Name\": \"my_isolated_bridge_network\",\n"));
    let f = docker_argv(
        &mut e,
        &mut k,
        &["network", "inspect", "-f", "{{json .IPAM.Config}}", "auto3"],
    );
    assert_eq!(
        f.stdout,
        "[{\"Subnet\":\"172.20.0.0/16\",\"Gateway\":\"172.20.0.1\"}]\n"
    );
}

#[test]
fn recorded_errors() {
    let (mut e, mut k) = booted();
    create_recorded_four(&mut e, &mut k);
    let before = k.save();
    let nets = e.networks.len();
    let cases = [
        ("network create testbridge", "Error response from daemon: network with name testbridge already exists\n"),
        ("network create -d macvlan testbridge", "Error response from daemon: network with name testbridge already exists\n"),
        ("network create bridge", "Error response from daemon: operation is not permitted on predefined bridge network\n"),
        ("network create host", "Error response from daemon: operation is not permitted on predefined host network\n"),
        ("network create --subnet 10.0.0.0/24 ovl1", "Error response from daemon: Pool overlaps with other one on this address space\n"),
        ("network create --subnet 10.0.0.128/25 ovl2", "Error response from daemon: Pool overlaps with other one on this address space\n"),
        ("network create --subnet 10.0.0.0/16 ovl3", "Error response from daemon: Pool overlaps with other one on this address space\n"),
        ("network create --subnet 172.17.5.0/24 ovl4", "Error response from daemon: Pool overlaps with other one on this address space\n"),
        ("network create --subnet 172.18.0.0/16 ovl5", "Error response from daemon: Pool overlaps with other one on this address space\n"),
        ("network create --subnet 10.1.0.0/24 --gateway 10.2.0.1 gwout", "no matching subnet for gateway 10.2.0.1\n"),
        ("network create --gateway 10.3.0.1 gwnosub", "every ip-range or gateway must have a corresponding subnet\n"),
        ("network create --subnet 10.4.0.0/24 --gateway 10.4.0.0 gwnet", "Error response from daemon: failed to allocate gateway (10.4.0.0): Address already in use\n"),
        ("network create --subnet 10.5.0.0/24 --ip-range 10.6.0.0/24 rng", "no matching subnet for range 10.6.0.0/24\n"),
        ("network create -d nosuchdriver x", "Error response from daemon: plugin \"nosuchdriver\" not found\n"),
        ("network create -d host h2", "Error response from daemon: only one instance of \"host\" network is allowed\n"),
        ("network create -d null n2", "Error response from daemon: only one instance of \"null\" network is allowed\n"),
        ("network create --subnet foo g", "Error response from daemon: Invalid subnet foo : invalid CIDR address: foo\n"),
        ("network create --subnet 10.0.0.0/33 g", "Error response from daemon: Invalid subnet 10.0.0.0/33 : invalid CIDR address: 10.0.0.0/33\n"),
        ("network rm bridge", "Error response from daemon: bridge is a pre-defined network and cannot be removed\n"),
        ("network rm host", "Error response from daemon: host is a pre-defined network and cannot be removed\n"),
        ("network rm none", "Error response from daemon: none is a pre-defined network and cannot be removed\n"),
        ("network rm nosuchnet", "Error: No such network: nosuchnet\n"),
        ("network create --foo x", "unknown flag: --foo\nSee 'docker network create --help'.\n"),
    ];
    for (line, err) in cases {
        let out = docker(&mut e, &mut k, line);
        assert_eq!(out.stderr, err, "{line}");
        assert_ne!(out.exit, 0, "{line}");
        assert_eq!(k.save(), before, "{line} changed iptables");
        assert_eq!(e.networks.len(), nets, "{line}");
    }
    let out = docker(&mut e, &mut k, "network inspect nosuchnet");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        ("[]\n", "Error: No such network: nosuchnet\n", 1)
    );
    let out = e.docker(&mut k, &["network".into(), "create".into(), String::new()]);
    assert_eq!(
        out.stderr,
        "Error response from daemon: network with name  already exists\n"
    );
}
