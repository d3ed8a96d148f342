//! Whole-command tests of the containers half on a recording kernel: IP order and reuse
//! (recordings 09-*), the ethN counter, gateway election, published ports, inspect against the
//! recorded 20.10 JSON, error texts, and rollback when the kernel refuses an op.

use std::net::Ipv4Addr;

use super::testkit::*;
use crate::op::{NetnsName, Op, RouteSpec};

fn ip_of(e: &crate::engine::Engine, name: &str, net: &str) -> String {
    let i = e.containers.find(name).unwrap();
    let sb = e.containers.get(i).sandbox.as_ref().unwrap();
    let ep = sb.endpoints.iter().find(|x| x.network_name == net).unwrap();
    ep.ip.unwrap().addr.to_string()
}

#[test]
fn first_container_ops_in_docker_order() {
    let (mut e, mut k) = booted();
    run_ok(&mut e, &mut k, "run -d --name test1 bbref sleep 100000");
    let kinds: Vec<String> = k
        .ops
        .iter()
        .map(|o| {
            format!("{o:?}")
                .split([' ', '{'])
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "NetnsAdd",
            "SysctlSet",
            "SysctlSet",
            "SysctlSet",
            "LinkSetUp",
            "LinkAdd",
            "LinkSetTxQueueLen",
            "LinkSetTxQueueLen",
            "LinkSetMtu",
            "LinkSetMtu",
            "LinkSetMaster",
            "LinkSetUp",
            "LinkSetNetns",
            "LinkSetUp",
            "LinkSetName",
            "LinkSetMac",
            "AddrAdd",
            "LinkSetUp",
            "RouteAdd"
        ]
    );
    let key = e.ctr_sandbox_keys()[0].clone();
    assert!(key.starts_with("/var/run/docker/netns/") && key.len() == 34);
    assert_eq!(
        k.ops.last().unwrap(),
        &Op::RouteAdd {
            ns: NetnsName::new(key),
            route: RouteSpec {
                dst: None,
                via: Some(Ipv4Addr::new(172, 17, 0, 1)),
                dev: "eth0".into(),
                onlink: false
            }
        }
    );
    assert!(k.ops.iter().any(
        |o| matches!(o, Op::LinkSetMac { mac, .. } if mac.to_string() == "02:42:ac:11:00:02")
    ));
}

#[test]
fn addresses_lowest_free_and_reused_at_once() {
    let (mut e, mut k) = booted();
    run_ok(
        &mut e,
        &mut k,
        "network create --subnet 10.0.0.1/24 testbridge",
    );
    run_ok(&mut e, &mut k, "run -d --name test1 bbref sleep 1");
    run_ok(&mut e, &mut k, "run -d --name test2 bbref sleep 1");
    run_ok(
        &mut e,
        &mut k,
        "run -d --name test3 --network testbridge --ip 10.0.0.100 bbref sleep 1",
    );
    run_ok(
        &mut e,
        &mut k,
        "run -d --name test4 -p 8080:80 bbref sleep 1",
    );
    run_ok(
        &mut e,
        &mut k,
        "run -d --name test5 --network testbridge bbref sleep 1",
    );
    assert_eq!(ip_of(&e, "test5", "testbridge"), "10.0.0.2");
    assert_eq!(run_ok(&mut e, &mut k, "rm -f test2"), "test2");
    run_ok(&mut e, &mut k, "run -d --name test6 bbref sleep 1");
    run_ok(&mut e, &mut k, "run -d --name test7 bbref sleep 1");
    assert_eq!(
        (ip_of(&e, "test6", "bridge"), ip_of(&e, "test7", "bridge")),
        ("172.17.0.3".into(), "172.17.0.5".into())
    );
    run_ok(&mut e, &mut k, "rm -f test6");
    run_ok(&mut e, &mut k, "run -d --name test8 bbref sleep 1");
    assert_eq!(ip_of(&e, "test8", "bridge"), "172.17.0.3");
    // Stop frees the address; a restart may get another one.
    run_ok(&mut e, &mut k, "stop test1");
    run_ok(&mut e, &mut k, "run -d --name test9 bbref sleep 1");
    assert_eq!(ip_of(&e, "test9", "bridge"), "172.17.0.2");
    run_ok(&mut e, &mut k, "start test1");
    assert_eq!(ip_of(&e, "test1", "bridge"), "172.17.0.6");
}

#[test]
fn eth_counter_and_gateway_election() {
    let (mut e, mut k) = booted();
    run_ok(
        &mut e,
        &mut k,
        "network create --subnet 10.0.0.1/24 testbridge",
    );
    run_ok(&mut e, &mut k, "network create abc");
    run_ok(
        &mut e,
        &mut k,
        "run -d --name test1 -p 8080:80 bbref sleep 1",
    );
    run_ok(&mut e, &mut k, "network connect testbridge test1");
    let sb = |e: &crate::engine::Engine| e.containers.get(0).sandbox.clone().unwrap();
    let names: Vec<String> = sb(&e)
        .endpoints
        .iter()
        .map(|x| x.veth.clone().unwrap().ifname)
        .collect();
    assert_eq!(names, ["eth0", "eth1"]);
    assert_eq!(
        sb(&e).gateway_endpoint.as_ref(),
        Some(&sb(&e).endpoints[0].id),
        "bridge sorts before testbridge"
    );
    // "abc" sorts before "bridge": the default route and the published port move to it.
    k.reset();
    run_ok(&mut e, &mut k, "network connect abc test1");
    assert_eq!(
        sb(&e).gateway_endpoint.as_ref(),
        Some(&sb(&e).endpoints[2].id)
    );
    let rules: Vec<String> = k
        .ops
        .iter()
        .filter_map(|o| match o {
            Op::RuleAdd { rule, .. } => Some(format!("+{rule}")),
            Op::RuleDel { rule, .. } => Some(format!("-{rule}")),
            Op::RouteAdd { route, .. } => Some(format!("+route {}", route.dev)),
            Op::RouteDel { route, .. } => Some(format!("-route {}", route.dev)),
            _ => None,
        })
        .collect();
    assert!(
        rules.contains(&"-route eth0".to_string()) && rules.contains(&"+route eth2".to_string()),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r.starts_with("+") && r.contains("--to-destination 172.18.0.2:80")),
        "{rules:?}"
    );
    // Disconnect everything, reconnect: the counter never goes back (eth3).
    for n in ["abc", "testbridge", "bridge"] {
        run_ok(&mut e, &mut k, &format!("network disconnect {n} test1"));
    }
    assert!(sb(&e).endpoints.is_empty() && sb(&e).ports.is_empty());
    run_ok(&mut e, &mut k, "network connect bridge test1");
    assert_eq!(sb(&e).endpoints[0].veth.clone().unwrap().ifname, "eth3");
}

#[test]
fn published_port_conflict_leaves_a_created_container() {
    let (mut e, mut k) = booted();
    run_ok(
        &mut e,
        &mut k,
        "run -d --name test4 -p 8080:80 bbref sleep 1",
    );
    let out = docker(
        &mut e,
        &mut k,
        "run -d --name t-port -p 8080:80 bbref sleep 1",
    );
    assert_eq!(out.exit, 125);
    assert_eq!(out.stdout.trim().len(), 64);
    assert!(out.stderr.starts_with("docker: Error response from daemon: driver failed programming external connectivity on endpoint t-port ("), "{}", out.stderr);
    assert!(out
        .stderr
        .ends_with("): Bind for 0.0.0.0:8080 failed: port is already allocated.\n"));
    let ps = run_ok(
        &mut e,
        &mut k,
        "ps -a --format {{.Names}}:{{.Status}}:{{.Ports}}",
    );
    assert_eq!(
        ps.replace("Less than a second", "1 second"),
        "t-port:Created:\ntest4:Up 1 second:0.0.0.0:8080->80/tcp, :::8080->80/tcp"
    );
    assert_eq!(
        run_ok(&mut e, &mut k, "port test4"),
        "80/tcp -> 0.0.0.0:8080\n80/tcp -> :::8080"
    );
    // Removing test4 frees the port.
    run_ok(&mut e, &mut k, "rm -f test4");
    run_ok(&mut e, &mut k, "start t-port");
}

/// Net effect of ops on the things a start creates: namespaces, host veths, rules.
fn leftovers(ops: &[Op]) -> (i32, i32, i32) {
    let (mut ns, mut links, mut rules) = (0, 0, 0);
    for o in ops {
        match o {
            Op::NetnsAdd { .. } => ns += 1,
            Op::NetnsDel { .. } => ns -= 1,
            Op::LinkAdd { .. } => links += 1,
            Op::LinkDel { .. } => links -= 1,
            Op::RuleAdd { .. } => rules += 1,
            Op::RuleDel { .. } => rules -= 1,
            _ => {}
        }
    }
    (ns, links, rules)
}

#[test]
fn a_refused_op_rolls_everything_back() {
    let (mut e, mut k) = booted();
    run_ok(
        &mut e,
        &mut k,
        "run -d --name probe -p 8080:80 bbref sleep 1",
    );
    let n = k.ops.len();
    run_ok(&mut e, &mut k, "rm -f probe");
    for fail in 0..n {
        k.reset();
        k.fail_at = Some(fail);
        let out = docker(&mut e, &mut k, "run -d --name cc -p 8080:80 bbref sleep 1");
        assert_eq!(out.exit, 125, "op {fail}: {out:?}");
        assert_eq!(leftovers(&k.ops), (0, 0, 0), "op {fail}: {:?}", k.ops);
        assert!(e.ctr_sandbox_keys().is_empty());
        k.reset();
        run_ok(&mut e, &mut k, "rm cc");
    }
    // Nothing leaked: the next container gets the first address and the port.
    run_ok(&mut e, &mut k, "run -d --name cc -p 8080:80 bbref sleep 1");
    assert_eq!(ip_of(&e, "cc", "bridge"), "172.17.0.2");
    // Stop failing half way leaves the container running.
    let before = e.ctr_sandbox_keys();
    k.reset();
    k.fail_at = Some(3);
    assert_eq!(docker(&mut e, &mut k, "stop cc").exit, 1);
    assert_eq!(e.ctr_sandbox_keys(), before);
    assert!(e.containers.get(0).running());
}

#[test]
fn refused_connect_and_disconnect_change_nothing() {
    let (mut e, mut k) = booted();
    run_ok(&mut e, &mut k, "network create abc");
    run_ok(&mut e, &mut k, "run -d --name web -p 8080:80 bbref sleep 1");
    let before = e.containers.get(0).sandbox.clone();
    k.reset();
    run_ok(&mut e, &mut k, "network connect abc web");
    let n = k.ops.len();
    run_ok(&mut e, &mut k, "network disconnect abc web");
    assert_eq!(
        e.containers.get(0).sandbox.as_ref().unwrap().endpoints,
        before.as_ref().unwrap().endpoints
    );
    for fail in 0..n {
        k.reset();
        k.fail_at = Some(fail);
        assert_eq!(
            docker(&mut e, &mut k, "network connect abc web").exit,
            1,
            "op {fail}"
        );
        assert_eq!(leftovers(&k.ops), (0, 0, 0), "op {fail}: {:?}", k.ops);
        let sb = e.containers.get(0).sandbox.clone().unwrap();
        assert_eq!(
            sb.endpoints,
            before.as_ref().unwrap().endpoints,
            "op {fail}"
        );
        // 20.10 keeps the settings entry of a failed connect; drop it for the next round.
        e.containers.list[0].networks.remove("abc");
    }
    k.reset();
    run_ok(&mut e, &mut k, "network connect abc web");
    let with_abc = e.containers.get(0).sandbox.clone();
    k.reset();
    run_ok(&mut e, &mut k, "network disconnect abc web");
    let n = k.ops.len();
    run_ok(&mut e, &mut k, "network connect abc web");
    for fail in 0..n {
        k.reset();
        k.fail_at = Some(fail);
        assert_eq!(
            docker(&mut e, &mut k, "network disconnect abc web").exit,
            1,
            "op {fail}"
        );
        let sb = e.containers.get(0).sandbox.clone().unwrap();
        let want = with_abc.as_ref().unwrap();
        assert_eq!(sb.endpoints.len(), want.endpoints.len(), "op {fail}");
        assert_eq!(
            sb.gateway_endpoint.is_some(),
            want.gateway_endpoint.is_some()
        );
    }
}
