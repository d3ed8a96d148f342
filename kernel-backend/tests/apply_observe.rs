//! Ops applied on the real kernel, read back through observe (needs root; gated).
mod common;

use common::*;
use docknet_kernel::KernelBackend;
use docknet_netstate::kernel::{Errno, Kernel};
use docknet_netstate::op::{LinkAddKind, NetnsName, Op, RouteSpec};
use docknet_netstate::state::{AddrScope, LinkKind, OperState, Peer, RouteProtocol};

fn backend() -> Option<KernelBackend> {
    kernel_available().then(|| KernelBackend::new().expect("backend"))
}

#[test]
fn docker_attach_reads_back_like_ip_shows_it() {
    let Some(mut k) = backend() else { return };
    k.apply_all(&docker0()).unwrap();
    k.apply_all(&attach(0)).unwrap();
    let s = k.observe().unwrap();
    let host = s.host();
    let c = s.ns("/var/run/docker/netns/c00000000000").unwrap();

    // ifindex: docker0=2; the veth peer is registered first (3), the host end gets 4; the
    // moved peer keeps 3 in the container because 3 is free there.
    let br = host.link_by_name("docker0").unwrap();
    assert_eq!(br.ifindex, 2);
    // A port joined: the bridge now reports the ports' TSO limit.
    assert_eq!(
        br.kind,
        LinkKind::Bridge {
            stp: false,
            tso_max_size: 524_280
        }
    );
    assert_eq!(br.mac, mac("02:42:9f:00:00:01"));
    assert!(br.up && br.lower_up);
    let veth = host.link_by_name("veth0000000").unwrap();
    assert_eq!(veth.ifindex, 4);
    assert_eq!(veth.master, Some(2));
    assert_eq!(
        veth.peer,
        Some(Peer {
            ifindex: 3,
            netnsid: Some(0)
        })
    );
    assert_eq!(veth.port_state, Some(3));
    assert_eq!(veth.operstate, OperState::Up);
    let eth0 = c.link_by_name("eth0").unwrap();
    assert_eq!(eth0.ifindex, 3);
    assert_eq!(
        eth0.peer,
        Some(Peer {
            ifindex: 4,
            netnsid: Some(0)
        })
    );
    assert_eq!(eth0.mac, mac("02:42:ac:11:00:02"));
    assert_eq!(
        (eth0.qdisc.as_str(), eth0.txqlen, eth0.mtu),
        ("noqueue", 1000, 1500)
    );

    // The host's lo stays down and has no addresses; the container's lo is up with 127.0.0.1.
    let lo = host.link_by_name("lo").unwrap();
    assert!(!lo.up);
    assert_eq!(lo.operstate, OperState::Down);
    assert_eq!(host.addrs_of(1).count(), 0);
    let clo = c.addrs_of(1).next().unwrap();
    assert_eq!(
        (clo.cidr, clo.scope, clo.broadcast),
        (cidr("127.0.0.1/8"), AddrScope::Host, None)
    );

    let a = c.addrs_of(3).next().unwrap();
    assert_eq!(a.cidr, cidr("172.17.0.2/16"));
    assert_eq!(a.broadcast, Some("172.17.255.255".parse().unwrap()));
    assert_eq!(a.label, "eth0");

    // Routes: main table only, dump order (default first), protocol boot for `ip route add`.
    assert_eq!(c.routes.len(), 2);
    assert_eq!(c.routes[0].dst, None);
    assert_eq!(c.routes[0].protocol, RouteProtocol::Boot);
    assert_eq!(c.routes[0].scope, AddrScope::Global);
    assert_eq!(c.routes[1].dst, Some(cidr("172.17.0.0/16")));
    assert_eq!(c.routes[1].protocol, RouteProtocol::Kernel);
    assert_eq!(c.routes[1].src, Some("172.17.0.2".parse().unwrap()));

    // nsids: each side numbers the other 0.
    assert_eq!(
        host.nsids.get(&0),
        Some(&ns("/var/run/docker/netns/c00000000000"))
    );
    assert_eq!(c.nsids.get(&0), Some(&NetnsName::host()));
    assert_eq!(s.namespaces.len(), 2);
}

#[test]
fn veth_peer_created_in_other_netns_and_moves() {
    let Some(mut k) = backend() else { return };
    let h = NetnsName::host();
    let out = NetnsName::outside();
    k.apply_all(&[
        Op::NetnsAdd { ns: out.clone() },
        Op::LinkAdd {
            ns: h.clone(),
            name: "ens160".into(),
            mac: Some(mac("00:50:56:00:00:01")),
            kind: LinkAddKind::Veth {
                peer: "uplink".into(),
                peer_ns: Some(out.clone()),
                peer_mac: Some(mac("00:50:56:00:00:02")),
            },
        },
        Op::LinkAdd {
            ns: h.clone(),
            name: "ens192".into(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: "ens192p".into(),
                peer_ns: None,
                peer_mac: None,
            },
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: "ens160".into(),
            up: true,
        },
        Op::LinkSetMtu {
            ns: h.clone(),
            name: "ens160".into(),
            mtu: 1400,
        },
        Op::LinkSetTxQueueLen {
            ns: h.clone(),
            name: "ens160".into(),
            qlen: 0,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "ens160".into(),
            addr: cidr("192.168.1.10/24"),
            broadcast: false,
        },
        Op::RouteAdd {
            ns: h.clone(),
            route: RouteSpec {
                dst: None,
                via: Some("192.168.1.1".parse().unwrap()),
                dev: "ens160".into(),
                onlink: false,
            },
        },
    ])
    .unwrap();
    let s = k.observe().unwrap();
    let host = s.host();
    let o = s.ns("outside").unwrap();
    let ens160 = host.link_by_name("ens160").unwrap();
    // A peer created directly in another netns takes that netns's next index (2 there);
    // the host end gets the host's next (2 here).
    assert_eq!(ens160.ifindex, 2);
    assert_eq!(
        ens160.peer,
        Some(Peer {
            ifindex: 2,
            netnsid: Some(0)
        })
    );
    assert_eq!((ens160.mtu, ens160.txqlen), (1400, 0));
    // Up while the peer is down: no carrier.
    assert!(ens160.up && !ens160.lower_up);
    assert_eq!(ens160.operstate, OperState::Down);
    assert_eq!(
        o.link_by_name("uplink").unwrap().mac,
        mac("00:50:56:00:00:02")
    );
    // Same-netns veth: peer registered first.
    assert_eq!(host.link_by_name("ens192p").unwrap().ifindex, 3);
    assert_eq!(
        host.link_by_name("ens192").unwrap().peer,
        Some(Peer {
            ifindex: 3,
            netnsid: None
        })
    );
    let a = host.addrs.iter().find(|a| a.label == "ens160").unwrap();
    assert_eq!(a.broadcast, None);
    // The gateway route over a carrier-less link is flagged linkdown, as is the prefix route.
    assert!(host.routes.iter().all(|r| r.linkdown), "{:?}", host.routes);

    // Moving into a netns where the index is free keeps it (3)...
    k.apply(&Op::LinkSetNetns {
        ns: h.clone(),
        name: "ens192p".into(),
        target: out.clone(),
    })
    .unwrap();
    let s = k.observe().unwrap();
    let moved = s.ns("outside").unwrap().link_by_name("ens192p").unwrap();
    assert_eq!(moved.ifindex, 3);
    // ...where it is taken, the link gets the first free index at or after that netns's
    // allocation cursor (outside allocated 2 itself; 3 arrived by a move): 4.
    k.apply(&Op::LinkSetNetns {
        ns: h.clone(),
        name: "ens160".into(),
        target: out.clone(),
    })
    .unwrap();
    let s = k.observe().unwrap();
    let moved = s.ns("outside").unwrap().link_by_name("ens160").unwrap();
    assert_eq!(moved.ifindex, 4);
    assert_eq!(
        moved.peer,
        Some(Peer {
            ifindex: 2,
            netnsid: None
        })
    );
    // Renaming and deleting.
    k.apply(&Op::LinkSetName {
        ns: out.clone(),
        name: "ens192p".into(),
        new_name: "x".into(),
    })
    .unwrap();
    k.apply(&Op::LinkDel {
        ns: out.clone(),
        name: "x".into(),
    })
    .unwrap();
    let s = k.observe().unwrap();
    assert!(s.host().link_by_name("ens192").is_none());
    assert!(s.ns("outside").unwrap().link_by_name("x").is_none());
}

#[test]
fn errors_carry_the_kernels_errno() {
    let Some(mut k) = backend() else { return };
    let h = NetnsName::host();
    let errno = |k: &mut KernelBackend, op: Op| k.apply(&op).unwrap_err().errno_value();
    assert_eq!(
        errno(
            &mut k,
            Op::LinkSetUp {
                ns: h.clone(),
                name: "nope".into(),
                up: true
            }
        ),
        Some(Errno::ENODEV)
    );
    k.apply_all(&docker0()).unwrap();
    assert_eq!(errno(&mut k, docker0()[0].clone()), Some(Errno::EEXIST));
    assert_eq!(
        errno(
            &mut k,
            Op::AddrDel {
                ns: h.clone(),
                dev: "docker0".into(),
                addr: cidr("10.9.9.9/24")
            }
        ),
        Some(Errno::EADDRNOTAVAIL)
    );
    assert_eq!(
        errno(
            &mut k,
            Op::RouteDel {
                ns: h.clone(),
                route: RouteSpec {
                    dst: Some(cidr("10.1.0.0/16")),
                    via: None,
                    dev: "docker0".into(),
                    onlink: false
                }
            }
        ),
        Some(Errno::ESRCH)
    );
    assert_eq!(
        errno(
            &mut k,
            Op::RouteAdd {
                ns: h.clone(),
                route: RouteSpec {
                    dst: None,
                    via: Some("10.5.5.5".parse().unwrap()),
                    dev: "docker0".into(),
                    onlink: false
                }
            }
        ),
        Some(Errno::ENETUNREACH)
    );
    assert_eq!(
        errno(&mut k, Op::NetnsAdd { ns: h.clone() }),
        Some(Errno::EEXIST)
    );
    assert_eq!(
        errno(&mut k, Op::NetnsDel { ns: ns("ghost") }),
        Some(Errno::ENOENT)
    );
    assert_eq!(
        errno(
            &mut k,
            Op::SysctlSet {
                ns: h.clone(),
                key: "net.ipv4.nope".into(),
                value: "1".into()
            }
        ),
        Some(Errno::ENOENT)
    );
    // apply_all reports the index of the failing op and keeps the ones before it.
    let ops = vec![
        Op::LinkSetMtu {
            ns: h.clone(),
            name: "docker0".into(),
            mtu: 1450,
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: "ghost".into(),
            up: true,
        },
    ];
    let (i, _) = k.apply_all(&ops).unwrap_err();
    assert_eq!(i, 1);
    assert_eq!(
        k.observe()
            .unwrap()
            .host()
            .link_by_name("docker0")
            .unwrap()
            .mtu,
        1450
    );
}

#[test]
fn netns_del_takes_the_host_veth_end_with_it() {
    let Some(mut k) = backend() else { return };
    k.apply_all(&docker0()).unwrap();
    for i in 0..3 {
        k.apply_all(&attach(i)).unwrap();
    }
    let dels: Vec<Op> = (0..2)
        .map(|i| Op::NetnsDel {
            ns: ns(&format!("/var/run/docker/netns/c{i:011}")),
        })
        .collect();
    k.apply_all(&dels).unwrap();
    // Gone synchronously from the caller's point of view: the veth names are free again.
    let s = k.observe().unwrap();
    let names: Vec<&str> = s.host().links.values().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["lo", "docker0", "veth0000002"]);
    assert_eq!(
        s.host().nsids.len(),
        1,
        "nsids of dead namespaces disappear: {:?}",
        s.host().nsids
    );
    k.apply_all(&attach(0)).unwrap();
    // Indexes are never reused: the re-attached veth pair takes new ones.
    let s = k.observe().unwrap();
    let v = s.host().link_by_name("veth0000000").unwrap();
    assert_eq!(v.ifindex, 10);
}

#[test]
fn real_tools_run_inside_the_namespace() {
    let Some(mut k) = backend() else { return };
    k.apply_all(&docker0()).unwrap();
    k.apply_all(&attach(0)).unwrap();
    let argv = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
    let out = k
        .run_in_netns(&NetnsName::host(), &argv("ip -o link show"))
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("docker0"), "{text}");
    assert!(text.contains("veth0000000@if3"), "{text}");
    let out = k
        .run_in_netns(&NetnsName::host(), &argv("brctl show"))
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("veth0000000"),
        "brctl reads /sys, which must show our netns: {text}"
    );
    let c = ns("/var/run/docker/netns/c00000000000");
    let out = k.run_in_netns(&c, &argv("ip route")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "default via 172.17.0.1 dev eth0 \n172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.2 \n"
    );
}

#[test]
fn fused_attach_observes_exactly_like_op_by_op() {
    if !kernel_available() {
        return;
    }
    // Every MAC explicit, so the two runs are comparable byte for byte (IPv6 link-locals
    // derive from MACs).
    let mut ops: Vec<Op> = (0..4)
        .flat_map(|i| {
            let mut ops = attach(i);
            if let Op::LinkAdd { mac, .. } = &mut ops[1] {
                *mac = Some(common::mac(&format!("02:00:00:00:00:{i:02x}")));
            }
            ops
        })
        .collect();
    // And the engine's own sequence, with MTU and queue length ops around the creation.
    ops.extend((4..7).flat_map(attach_like_libnetwork));
    let mut fused = KernelBackend::new().unwrap();
    fused.apply_all(&docker0()).unwrap();
    fused.apply_all(&ops).unwrap();
    let mut single = KernelBackend::new().unwrap();
    single.apply_all(&docker0()).unwrap();
    for op in &ops {
        single.apply(op).unwrap();
    }
    // A link created after them shows the allocation cursors agree too.
    let extra = Op::LinkAdd {
        ns: NetnsName::host(),
        name: "br1".into(),
        mac: Some(mac("02:00:00:00:01:00")),
        kind: LinkAddKind::Bridge,
    };
    fused.apply(&extra).unwrap();
    single.apply(&extra).unwrap();
    let (a, b) = (fused.observe().unwrap(), single.observe().unwrap());
    assert_eq!(a.host().link_by_name("br1").unwrap().ifindex, 17);
    assert_eq!(a, b);
}

#[test]
fn a_failing_fused_attach_reports_like_op_by_op() {
    let Some(mut k) = backend() else { return };
    k.apply_all(&docker0()).unwrap();
    k.apply_all(&attach_like_libnetwork(0)).unwrap();
    // The same veth names again, into another container: the creation itself fails.
    let again: Vec<Op> = attach_like_libnetwork(0)
        .into_iter()
        .map(|op| match op {
            Op::NetnsAdd { .. } => Op::NetnsAdd {
                ns: ns("/var/run/docker/netns/other"),
            },
            op => op,
        })
        .collect();
    let mut single = KernelBackend::new().unwrap();
    single.apply_all(&docker0()).unwrap();
    single.apply_all(&attach_like_libnetwork(0)).unwrap();
    let (i, e) = k.apply_all(&again).unwrap_err();
    let first_failure = again
        .iter()
        .position(|op| single.apply(op).is_err())
        .unwrap();
    assert_eq!(i, first_failure);
    assert_eq!(e.errno_value(), Some(Errno::EEXIST));
    let links = |k: &mut KernelBackend| k.observe().unwrap().host().links.len();
    assert_eq!(links(&mut k), links(&mut single));
}

#[test]
fn links_made_by_a_tool_do_not_collide_with_pinned_indexes() {
    let Some(mut k) = backend() else { return };
    k.apply_all(&docker0()).unwrap();
    let argv: Vec<String> = "ip link add x0 type bridge"
        .split(' ')
        .map(String::from)
        .collect();
    assert!(k
        .run_in_netns(&NetnsName::host(), &argv)
        .unwrap()
        .status
        .success());
    let br = |name: &str| Op::LinkAdd {
        ns: NetnsName::host(),
        name: name.into(),
        mac: None,
        kind: LinkAddKind::Bridge,
    };
    k.apply(&br("br1")).unwrap();
    let s = k.observe().unwrap();
    let (x0, br1) = (
        s.host().link_by_name("x0").unwrap(),
        s.host().link_by_name("br1").unwrap(),
    );
    assert_ne!(x0.ifindex, br1.ifindex);
}
