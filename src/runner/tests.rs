//! The runner end to end on the simulated kernel.

use super::replay;
use crate::scenario::parse;

const HOST: &str = "\
%host-if ens160 mac 00:50:56:b4:47:61 addr 10.190.16.120/24 gateway 10.190.16.1 onlink
%host-if ens192 mac 00:50:56:b4:9b:ec down
";

/// Replays `steps` on a fresh sim host; returns each step's (stdout, stderr, exit).
fn run(steps: &str) -> Vec<(String, String, i32)> {
    let scenario = parse("t.scn", &format!("{HOST}{steps}")).expect("parses");
    let mut sim = docknet_sim::Sim::new();
    let t = replay(&scenario, None, &mut sim).expect("replays");
    t.steps
        .into_iter()
        .map(|s| (s.output.stdout, s.output.stderr, s.output.exit))
        .collect()
}

#[test]
fn host_looks_like_the_tutorial() {
    let out = run("$ ip route show\n");
    assert!(
        out[0]
            .0
            .starts_with("default via 10.190.16.1 dev ens160 onlink"),
        "{}",
        out[0].0
    );
    assert!(out[0]
        .0
        .contains("10.190.16.0/24 dev ens160 proto kernel scope link src 10.190.16.120"));
}

#[test]
fn manual_bridge_round_trip() {
    let out = run(
        "$ brctl addbr testbridge\n$ brctl show\n$ ip addr add 10.10.10.1/24 dev testbridge\n\
         $ ip -4 address show dev testbridge\n$ brctl delbr testbridge\n$ brctl show\n",
    );
    assert!(out.iter().all(|o| o.2 == 0), "{out:?}");
    assert!(out[1].0.contains("testbridge"));
    assert!(
        out[3]
            .0
            .contains("inet 10.10.10.1/24 scope global testbridge"),
        "{}",
        out[3].0
    );
    assert!(!out[5].0.contains("testbridge"));
}

#[test]
fn namespaces_by_sandbox_key() {
    let out = run(
        "$ docker run -d --name t1 busybox sleep 100000\n\
         $ nsenter --net=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' t1) ip -4 route show\n\
         $ docker exec -it t1 ip -4 route show\n\
         $ ls /var/run/docker/netns\n\
         $ docker inspect t1 | grep SandboxKey\n\
         $ nsenter --net=/var/run/docker/netns/nosuch ip link show\n",
    );
    assert!(
        out[1].0.starts_with("default via 172.17.0.1 dev eth0"),
        "{}",
        out[1].0
    );
    assert_eq!(out[1].0, out[2].0);
    assert_eq!(out[3].0.lines().count(), 1);
    assert!(
        out[4].0.contains(out[3].0.trim()),
        "{} / {}",
        out[4].0,
        out[3].0
    );
    assert_eq!(out[5].2, 1);
}

#[test]
fn automatic_subnets_avoid_host_routes() {
    let out = run(
        "$ ip route add 172.18.0.0/16 via 10.190.16.1\n$ docker network create auto\n\
                   $ docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' auto\n",
    );
    assert_eq!(out[0].2, 0, "{:?}", out[0]);
    assert_eq!(out[2].0, "172.19.0.0/16\n");
}

#[test]
fn substitution_errors_are_shown() {
    let out =
        run("$ nsenter --net=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' nosuch) ip a\n");
    assert!(
        out[0].1.starts_with("Error: No such object: nosuch\n"),
        "{:?}",
        out[0]
    );
    assert_ne!(out[0].2, 0);
}

#[test]
fn refusals_and_unsupported_commands() {
    let out = run(
        "$ docker exec nosuch ip a\n$ docker exec\n$ traceroute 1.1.1.1\n$ ls /nope\n\
         $ docker ps | grep nothing-matches\n",
    );
    assert_eq!(
        out[0],
        (
            String::new(),
            "Error: No such container: nosuch\n".into(),
            1
        )
    );
    assert_eq!(out[1].2, 1);
    assert_eq!(
        out[2],
        (
            String::new(),
            "docknet: unsupported command: traceroute 1.1.1.1\n".into(),
            127
        )
    );
    assert_eq!(out[3].2, 2);
    assert_eq!(out[4], (String::new(), String::new(), 1));
}

#[test]
fn seed_changes_ids_and_nothing_else() {
    let scenario = parse("t.scn", &format!("{HOST}$ docker network ls -q\n")).unwrap();
    let ids = |seed| {
        let mut sim = docknet_sim::Sim::new();
        replay(&scenario, seed, &mut sim).unwrap().to_text()
    };
    assert_eq!(ids(None), ids(None));
    assert_ne!(ids(Some(1)), ids(Some(2)));
}
