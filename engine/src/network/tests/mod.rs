//! Network commands end to end against the test kernel, compared with the 20.10 recordings.

mod recorded;

use crate::engine::Engine;
use crate::firewall::testkernel::TestKernel;
use crate::output::CommandOutput;

/// A started daemon on a fresh test kernel.
pub(super) fn booted() -> (Engine, TestKernel) {
    let mut k = TestKernel::default();
    let mut e = Engine::new(7);
    e.boot(&mut k).unwrap();
    (e, k)
}

/// `docker LINE`, split on spaces.
pub(super) fn docker(e: &mut Engine, k: &mut TestKernel, line: &str) -> CommandOutput {
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    e.docker(k, &args)
}

/// Like [`docker`] but with explicit argv (templates contain spaces).
pub(super) fn docker_argv(e: &mut Engine, k: &mut TestKernel, argv: &[&str]) -> CommandOutput {
    let args: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    e.docker(k, &args)
}

/// The kernel bridge of a network.
pub(super) fn bridge_of(e: &Engine, name: &str) -> String {
    e.network(name).unwrap().bridge.clone()
}

/// The four `network create`s of the recordings (03, 04, 05a, 05b).
pub(super) fn create_recorded_four(e: &mut Engine, k: &mut TestKernel) {
    for line in [
        "network create -d bridge --subnet 10.0.0.1/24 testbridge",
        "network create my_isolated_bridge_network",
        "network create auto2",
        "network create auto3",
    ] {
        let out = docker(e, k, line);
        assert_eq!(out.exit, 0, "{line}: {}", out.stderr);
        assert_eq!(out.stdout.len(), 65);
    }
}

#[test]
fn rm_restores_previous_rules() {
    let (mut e, mut k) = booted();
    let before = k.save();
    for extra in [
        "",
        " --internal",
        " -o com.docker.network.bridge.enable_icc=false",
        " -o com.docker.network.bridge.enable_ip_masquerade=false",
    ] {
        let out = docker(&mut e, &mut k, &format!("network create{extra} n1"));
        assert_eq!(out.exit, 0, "{}", out.stderr);
        assert_ne!(k.save(), before);
        let out = docker(&mut e, &mut k, "network rm n1");
        assert_eq!(out.stdout, "n1\n", "{}", out.stderr);
        assert_eq!(k.save(), before, "after rm of{extra}");
    }
    // Pools are not reused until the cursor wraps.
    docker(&mut e, &mut k, "network create n2");
    assert_eq!(
        e.network("n2").unwrap().subnet.unwrap().to_string(),
        "172.22.0.0/16"
    );
}

#[test]
fn internal_network_rules() {
    let (mut e, mut k) = booted();
    docker(
        &mut e,
        &mut k,
        "network create --internal --subnet 10.9.0.0/24 -o com.docker.network.bridge.name=br9 int",
    );
    let save = k.save();
    assert!(save.contains(
        "-A DOCKER-ISOLATION-STAGE-1 ! -s 10.9.0.0/24 -o br9 -j DROP\n-A DOCKER-ISOLATION-STAGE-1 ! -d 10.9.0.0/24 -i br9 -j DROP\n"
    ));
    assert!(save
        .contains("-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n-A FORWARD -i br9 -o br9 -j ACCEPT\n"));
    assert!(!save.contains("MASQUERADE -s 10.9"));
}

#[test]
fn gateway_range_aux_and_prune() {
    let (mut e, mut k) = booted();
    let out = docker(&mut e, &mut k, "network create --subnet 172.28.0.0/16 --ip-range 172.28.5.0/24 --aux-address a=172.28.5.1 r");
    assert_eq!(out.exit, 0, "{}", out.stderr);
    let n = e.network("r").unwrap();
    assert_eq!(n.gateway.unwrap().to_string(), "172.28.5.0");
    let id = n.id.clone();
    assert_eq!(
        e.ipam_request_address(&id, None).unwrap().to_string(),
        "172.28.5.2"
    );
    let out = docker_argv(
        &mut e,
        &mut k,
        &[
            "network",
            "inspect",
            "--format",
            "{{json .IPAM.Config}}",
            "r",
        ],
    );
    assert_eq!(out.stdout, "[{\"Subnet\":\"172.28.0.0/16\",\"IPRange\":\"172.28.5.0/24\",\"AuxiliaryAddresses\":{\"a\":\"172.28.5.1\"}}]\n");
    docker(&mut e, &mut k, "network create zz");
    let out = docker(&mut e, &mut k, "network prune -f");
    assert_eq!(out.stdout, "Deleted Networks:\nr\nzz\n\n");
    assert_eq!(docker(&mut e, &mut k, "network prune -f").stdout, "");
}

/// Like [`shape`], also blanking container and endpoint IDs (keys of `Containers`).
fn shape_with_containers(s: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
    for n in v.as_array_mut().unwrap() {
        n["Id"] = "ID".into();
        n["Created"] = "T".into();
        let eps = n["Containers"].as_object().unwrap().clone();
        let mut out = serde_json::Map::new();
        for (i, (_, mut ep)) in eps.into_iter().enumerate() {
            ep["EndpointID"] = "EP".into();
            out.insert(format!("C{i}"), ep);
        }
        n["Containers"] = out.into();
    }
    crate::inspect::indented(v.as_array().unwrap())
}

#[test]
fn inspect_with_containers_and_rm_in_use() {
    let (mut e, mut k) = booted();
    docker(
        &mut e,
        &mut k,
        "network create -d bridge --subnet 10.0.0.1/24 testbridge",
    );
    let out = docker(&mut e, &mut k, "run -d --name test1 bbref sleep 100000");
    assert_eq!(out.exit, 0, "{}", out.stderr);
    let out = docker(&mut e, &mut k, "network inspect bridge");
    let recorded = include_str!("../testdata/07-network-inspect-bridge-after-test1.json");
    assert_eq!(
        shape_with_containers(&out.stdout),
        shape_with_containers(recorded)
    );
    let out = docker(
        &mut e,
        &mut k,
        "run -d --name test3 --network testbridge --ip 10.0.0.100 bbref sleep 100000",
    );
    assert_eq!(out.exit, 0, "{}", out.stderr);
    let out = docker(&mut e, &mut k, "network inspect testbridge");
    let recorded = include_str!("../testdata/07-network-inspect-testbridge.json");
    assert_eq!(
        shape_with_containers(&out.stdout),
        shape_with_containers(recorded)
    );
    let id = e.network("testbridge").unwrap().id.clone();
    let out = docker(&mut e, &mut k, "network rm testbridge");
    assert_eq!(
        out.stderr,
        format!("Error response from daemon: error while removing network: network testbridge id {id} has active endpoints\n")
    );
}

#[test]
fn help_texts() {
    let (mut e, mut k) = booted();
    let out = docker(&mut e, &mut k, "network create --help");
    assert!(out.stdout.starts_with(
        "\nUsage:  docker network create [OPTIONS] NETWORK\n\nCreate a network\n\nOptions:\n      --attachable           Enable manual container attachment\n      --aux-address map      Auxiliary IPv4 or IPv6 addresses used by\n                             Network driver (default map[])\n"
    ), "{}", out.stdout);
    let out = docker(&mut e, &mut k, "network ls -h");
    assert!(out.stdout.contains("\nAliases:\n  ls, list\n\nOptions:\n  -f, --filter filter   Provide filter values (e.g. 'driver=bridge')\n"), "{}", out.stdout);
    let out = docker(&mut e, &mut k, "network create");
    assert_eq!(out.stderr, "\"docker network create\" requires exactly 1 argument.\nSee 'docker network create --help'.\n\nUsage:  docker network create [OPTIONS] NETWORK\n\nCreate a network\n");
    assert_eq!(out.exit, 1);
}

#[test]
fn rm_survives_a_bridge_deleted_by_hand() {
    let (mut e, mut k) = booted();
    docker(
        &mut e,
        &mut k,
        "network create -o com.docker.network.bridge.name=brx x",
    );
    k.links.retain(|l| l != "brx");
    let out = docker(&mut e, &mut k, "network rm x");
    assert_eq!((out.stdout.as_str(), out.exit), ("x\n", 0));
    assert!(e.network("x").is_err());
}

#[test]
fn ls_formats_like_cli_formatter() {
    let (mut e, mut k) = booted();
    docker(&mut e, &mut k, "network create --label a=b lab");
    let out = docker_argv(
        &mut e,
        &mut k,
        &["network", "ls", "--format", "table {{.Name}}\\t{{.Labels}}"],
    );
    assert_eq!(
        out.stdout,
        "NAME      LABELS\nbridge    \nhost      \nlab       a=b\nnone      \n"
    );
    let out = docker_argv(
        &mut e,
        &mut k,
        &[
            "network",
            "ls",
            "-q",
            "--format",
            "{{.Name}}",
            "-f",
            "name=lab",
        ],
    );
    assert_eq!(out.stdout, "lab\n");
    let out = docker_argv(
        &mut e,
        &mut k,
        &["network", "ls", "--format", "table", "-f", "name=nothing"],
    );
    assert_eq!(out.stdout, "NETWORK ID   NAME      DRIVER    SCOPE\n");
    let out = docker_argv(
        &mut e,
        &mut k,
        &["network", "ls", "--format", "{{.Nope}}", "-f", "name=lab"],
    );
    assert_eq!(out.stdout, "<no value>\n");
    let out = docker_argv(&mut e, &mut k, &["network", "ls", "-f", "bogus=1"]);
    assert_eq!(
        out.stderr,
        "Error response from daemon: Invalid filter 'bogus'\n"
    );
}

#[test]
fn inspect_templates_run_on_the_typed_struct_first() {
    let (mut e, mut k) = booted();
    let run = |e: &mut Engine, k: &mut TestKernel, f: &str| {
        docker_argv(e, k, &["network", "inspect", "-f", f, "bridge"])
    };
    let created = e.network("bridge").unwrap().created.go_string();
    assert_eq!(
        run(&mut e, &mut k, "{{.Created}}").stdout,
        format!("{created}\n")
    );
    assert_eq!(
        run(&mut e, &mut k, "{{.IPAM.Config}}").stdout,
        "[{172.17.0.0/16   map[]}]\n"
    );
    assert_eq!(
        run(&mut e, &mut k, "{{.IPAM}}").stdout,
        "{default map[] [{172.17.0.0/16   map[]}]}\n"
    );
    let id = e.network("bridge").unwrap().id.clone();
    assert_eq!(
        run(&mut e, &mut k, "{{.ID}}={{.Id}}").stdout,
        format!("{id}={id}\n")
    );
    assert_eq!(
        run(&mut e, &mut k, "{{.ConfigFrom}} {{.Containers}}").stdout,
        "{} map[]\n"
    );
    assert_eq!(
        run(&mut e, &mut k, "{{json .IPAM}}").stdout,
        "{\"Driver\":\"default\",\"Options\":null,\"Config\":[{\"Subnet\":\"172.17.0.0/16\"}]}\n"
    );
    assert_eq!(
        run(
            &mut e,
            &mut k,
            "{{index .Options \"com.docker.network.bridge.name\"}}"
        )
        .stdout,
        "docker0\n"
    );
    let out = run(&mut e, &mut k, "{{.Nope}}");
    assert_eq!((out.stdout.as_str(), out.exit), ("\n", 1));
    assert_eq!(
        out.stderr,
        "template parsing error: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"\n"
    );
}

#[test]
fn a_kernel_failure_anywhere_in_create_changes_nothing() {
    let (mut e, mut k) = booted();
    docker(&mut e, &mut k, "network create first");
    let before = (k.save(), k.links.clone(), e.networks.len());
    let mut n = 0;
    loop {
        // The same history on a fresh pair (same seed, so the same names).
        let (mut e2, mut k2) = booted();
        docker(&mut e2, &mut k2, "network create first");
        k2.fail_at = Some(k2.ops.len() + n);
        let out = docker(&mut e2, &mut k2, "network create second");
        if out.exit == 0 {
            break;
        }
        assert_eq!(
            out.stderr,
            "Error response from daemon: Operation not permitted\n"
        );
        k2.fail_at = None;
        assert_eq!(
            (k2.save(), k2.links.clone(), e2.networks.len()),
            before,
            "failing op {n}"
        );
        // The failed create released its pool, but the rotating cursor stays past it.
        let out = docker(&mut e2, &mut k2, "network create second");
        assert_eq!(out.exit, 0);
        assert_eq!(
            e2.network("second").unwrap().subnet.unwrap().to_string(),
            "172.20.0.0/16"
        );
        assert_eq!(
            docker(
                &mut e2,
                &mut k2,
                "network create --subnet 172.19.0.0/16 third"
            )
            .exit,
            0
        );
        n += 1;
    }
    assert!(n > 10, "only {n} ops");
}

#[test]
fn typed_ranges_and_zero_values() {
    let (mut e, mut k) = booted();
    docker(&mut e, &mut k, "network create --subnet 10.7.0.0/24 t");
    docker(&mut e, &mut k, "run -d --name c1 --network t img");
    let out = docker_argv(
        &mut e,
        &mut k,
        &[
            "network",
            "inspect",
            "-f",
            "{{range .IPAM.Config}}[{{.Subnet}}|{{.Gateway}}]{{end}} {{range $k, $v := .Containers}}{{$v.Name}}={{$v.IPv4Address}}{{end}} {{json .Containers}}",
            "t",
        ],
    );
    assert_eq!(out.stderr, "");
    let (prefix, json) = out.stdout.split_at(out.stdout.find(" {").unwrap());
    assert_eq!(prefix, "[10.7.0.0/24|] c1=10.7.0.2/24");
    assert!(json.contains("\"Name\":\"c1\",\"EndpointID\":"), "{json}");
}

#[test]
fn random_create_rm_sequences_keep_invariants() {
    use crate::rng::SeededRng;
    for seed in 0..20 {
        let (mut e, mut k) = booted();
        let boot = k.save();
        let mut rng = SeededRng::new(seed);
        let variants = [
            "",
            " --internal",
            " -o com.docker.network.bridge.enable_icc=false",
            " -o com.docker.network.bridge.enable_ip_masquerade=false",
            " --internal -o com.docker.network.bridge.enable_icc=false",
        ];
        let mut live: Vec<String> = Vec::new();
        for step in 0..60 {
            let roll = rng.next_u64() % 10;
            if roll < 6 || live.is_empty() {
                let name = format!("n{seed}x{step}");
                let v = variants[(rng.next_u64() % variants.len() as u64) as usize];
                let subnet = if rng.next_u64().is_multiple_of(3) {
                    format!(" --subnet 10.{}.0.0/16", rng.next_u64() % 8)
                } else {
                    String::new()
                };
                let out = docker(&mut e, &mut k, &format!("network create{v}{subnet} {name}"));
                if out.exit == 0 {
                    live.push(name);
                } else {
                    assert!(
                        out.stderr.contains("Pool overlaps")
                            || out.stderr.contains("could not find an available"),
                        "{}",
                        out.stderr
                    );
                }
            } else {
                let i = (rng.next_u64() % live.len() as u64) as usize;
                let name = live.remove(i);
                assert_eq!(
                    docker(&mut e, &mut k, &format!("network rm {name}")).exit,
                    0
                );
            }
            let subnets: Vec<_> = e.networks.iter().filter_map(|n| n.subnet).collect();
            for (i, a) in subnets.iter().enumerate() {
                for b in &subnets[i + 1..] {
                    assert!(!a.overlaps(b), "seed {seed}: {a} overlaps {b}");
                }
            }
        }
        for name in live {
            assert_eq!(
                docker(&mut e, &mut k, &format!("network rm {name}")).exit,
                0
            );
        }
        assert_eq!(k.save(), boot, "seed {seed}");
        assert_eq!(k.links, ["docker0"]);
    }
}
