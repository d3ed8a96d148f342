//! Whole-command tests of user-visible texts: Docker 20.10's error messages, the `docker ps`
//! table, and the host/none/container network modes.

use super::testkit::*;
use crate::op::NetnsName;

#[test]
fn error_texts() {
    let (mut e, mut k) = booted();
    let id = run_ok(&mut e, &mut k, "run -d --name test1 bbref sleep 1");
    let out = docker(&mut e, &mut k, "rm test1");
    assert_eq!(out.stderr, format!("Error response from daemon: You cannot remove a running container {id}. Stop the container before attempting removal or force remove\n"));
    let out = docker(&mut e, &mut k, "run -d --name test1 bbref");
    assert_eq!(out.stderr, format!("docker: Error response from daemon: Conflict. The container name \"/test1\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name.\nSee 'docker run --help'.\n"));
    assert_eq!(out.exit, 125);
    let out = docker(
        &mut e,
        &mut k,
        "run -d --name t-ip --network bridge --ip 172.17.0.50 bbref",
    );
    assert_eq!(out.stderr, "docker: Error response from daemon: user specified IP address is supported on user defined networks only.\n");
    assert_eq!(
        docker(&mut e, &mut k, "rm nope").stderr,
        "Error: No such container: nope\n"
    );
    run_ok(
        &mut e,
        &mut k,
        "network create --subnet 10.0.0.1/24 testbridge",
    );
    run_ok(&mut e, &mut k, "network create auto");
    run_ok(
        &mut e,
        &mut k,
        "run -d --name test3 --network testbridge --ip 10.0.0.100 bbref sleep 1000",
    );
    let err = |e: &mut crate::engine::Engine, k: &mut FakeKernel, c: &str| docker(e, k, c).stderr;
    assert_eq!(
        err(
            &mut e,
            &mut k,
            "network connect --ip 10.0.0.100 testbridge test1"
        ),
        "Error response from daemon: Address already in use\n"
    );
    assert_eq!(err(&mut e, &mut k, "network connect --ip 10.0.0.9 auto test1"), "Error response from daemon: user specified IP address is supported only when connecting to networks with user configured subnets\n");
    assert_eq!(err(&mut e, &mut k, "network connect --ip 172.17.0.99 bridge test3"), "Error response from daemon: user specified IP address is supported on user defined networks only\n");
    assert_eq!(err(&mut e, &mut k, "network connect testbridge test3"), "Error response from daemon: endpoint with name test3 already exists in network testbridge\n");
    assert_eq!(
        err(&mut e, &mut k, "network disconnect auto test1"),
        format!("Error response from daemon: container {id} is not connected to network auto\n")
    );
    assert_eq!(
        err(&mut e, &mut k, "network connect nosuch test1"),
        "Error response from daemon: network nosuch not found\n"
    );
    assert_eq!(err(&mut e, &mut k, "network connect host test1"), "Error response from daemon: container cannot be disconnected from host network or connected to host network\n");
    // The failed --ip connect left 20.10's stale entry; restarting trips over it.
    let out = docker(&mut e, &mut k, "restart test1");
    assert_eq!(
        out.stderr,
        "Error response from daemon: Cannot restart container test1: Address already in use\n"
    );
    assert_eq!(
        run_ok(
            &mut e,
            &mut k,
            "inspect -f {{.State.Status}}/{{.State.ExitCode}} test1"
        ),
        "exited/137"
    );
}

#[test]
fn none_host_and_container_modes() {
    let (mut e, mut k) = booted();
    run_ok(&mut e, &mut k, "run -d --name test1 bbref sleep 1");
    run_ok(
        &mut e,
        &mut k,
        "run -d --name tnone --network none bbref sleep 1",
    );
    run_ok(
        &mut e,
        &mut k,
        "run -d --name thost --network host bbref sleep 1",
    );
    run_ok(
        &mut e,
        &mut k,
        "run -d --name tcont --network container:test1 bbref sleep 1",
    );
    assert_eq!(e.ctr_container_netns("thost"), Some(NetnsName::host()));
    assert_eq!(
        e.ctr_container_netns("tcont"),
        e.ctr_container_netns("test1")
    );
    let keys = e.ctr_sandbox_keys();
    assert_eq!(keys.len(), 3);
    assert!(keys.contains(&"/var/run/docker/netns/default".to_string()));
    assert_eq!(
        run_ok(
            &mut e,
            &mut k,
            "inspect -f {{.NetworkSettings.SandboxKey}} thost"
        ),
        "/var/run/docker/netns/default"
    );
    assert_eq!(
        run_ok(
            &mut e,
            &mut k,
            "inspect -f {{.HostConfig.NetworkMode}} tnone"
        ),
        "none"
    );
    assert_eq!(
        run_ok(&mut e, &mut k, "inspect -f {{.Config.Hostname}} thost"),
        "ubuntu26"
    );
}

#[test]
fn ps_table_layout_matches_cli_20_10() {
    let (mut e, mut k) = booted();
    run_ok(
        &mut e,
        &mut k,
        "network create --subnet 10.0.0.1/24 testbridge",
    );
    run_ok(
        &mut e,
        &mut k,
        "run -d --name test3 --network testbridge --ip 10.0.0.100 bbref sleep 100000",
    );
    let out = docker(
        &mut e,
        &mut k,
        "run -d --name t-ipinuse --network testbridge --ip 10.0.0.100 bbref sleep 100000",
    );
    let id = out.stdout.trim()[..12].to_string();
    let ps = docker(&mut e, &mut k, "ps -a --filter name=t-ipinuse").stdout;
    let ps = ps.replace("1 second ago          ", "Less than a second ago");
    assert_eq!(
        ps,
        format!(
            "CONTAINER ID   IMAGE     COMMAND          CREATED                  STATUS    PORTS     NAMES\n\
             {id}   bbref     \"sleep 100000\"   Less than a second ago   Created             t-ipinuse\n"
        )
    );
}

#[test]
fn publish_all_and_dynamic_ports() {
    let (mut e, mut k) = booted();
    run_ok(
        &mut e,
        &mut k,
        "run -d --name web -P --expose 80 --expose 443 bbref sleep 1",
    );
    run_ok(
        &mut e,
        &mut k,
        "run -d --name api -p 127.0.0.1::5000 bbref sleep 1",
    );
    let ps = run_ok(&mut e, &mut k, "ps --format {{.Names}}={{.Ports}}");
    assert_eq!(
        ps,
        "api=127.0.0.1:32768->5000/tcp\n\
         web=0.0.0.0:32768->80/tcp, :::32768->80/tcp, 0.0.0.0:32769->443/tcp, :::32769->443/tcp"
    );
    assert_eq!(
        run_ok(&mut e, &mut k, "port web 443"),
        "0.0.0.0:32769\n:::32769"
    );
    assert_eq!(
        run_ok(
            &mut e,
            &mut k,
            "inspect -f {{.HostConfig.PublishAllPorts}} web"
        ),
        "true"
    );
}
