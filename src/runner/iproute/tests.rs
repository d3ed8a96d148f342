//! Parsing and planning of `ip` changes against a hand-built state (no kernel needed).

use docknet_engine::{
    CommandOutput, Ipv4Cidr, Kernel, KernelState, LinkAddKind, Mac, NetnsName, Op, RouteSpec,
};

use super::{addr, link, route, Change};
use crate::runner::mac::MacSource;

/// host: lo, b0 (bridge, up, 10.1.1.1/24), v1 (veth, down, peer v1p); built on the sim.
pub(crate) fn state() -> KernelState {
    let host = NetnsName::host();
    let ops = [
        Op::LinkSetUp {
            ns: host.clone(),
            name: "lo".into(),
            up: true,
        },
        Op::LinkAdd {
            ns: host.clone(),
            name: "b0".into(),
            mac: Some(Mac([2, 0, 0, 0, 0, 2])),
            kind: LinkAddKind::Bridge,
        },
        Op::LinkSetUp {
            ns: host.clone(),
            name: "b0".into(),
            up: true,
        },
        Op::LinkAdd {
            ns: host.clone(),
            name: "v1".into(),
            mac: Some(Mac([2, 0, 0, 0, 0, 3])),
            kind: LinkAddKind::Veth {
                peer: "v1p".into(),
                peer_ns: None,
                peer_mac: None,
            },
        },
        Op::AddrAdd {
            ns: host.clone(),
            dev: "b0".into(),
            addr: Ipv4Cidr::parse("10.1.1.1/24").unwrap(),
            broadcast: false,
        },
    ];
    let mut sim = docknet_sim::Sim::new();
    sim.apply_all(&ops).expect("a valid setup");
    sim.observe().expect("observable")
}

fn plan(change: Option<Box<dyn Change>>) -> Result<Vec<Op>, CommandOutput> {
    change
        .expect("a change")
        .ops(&state(), &NetnsName::host(), &mut MacSource::new(1))
}

fn args(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

fn err(r: Result<Vec<Op>, CommandOutput>) -> (String, i32) {
    let out = r.unwrap_err();
    (out.stderr, out.exit)
}

#[test]
fn show_verbs_are_left_to_renderers() {
    assert!(link::change("", &[]).is_none());
    assert!(link::change("sh", &args("dev b0")).is_none());
    assert!(addr::change("show", &[]).is_none());
    assert!(route::change("list", &[]).is_none());
}

#[test]
fn link_add_bridge_and_veth() {
    let ops = plan(link::change("add", &args("testbridge type bridge"))).unwrap();
    assert!(
        matches!(&ops[..], [Op::LinkAdd { name, mac: Some(_), kind: LinkAddKind::Bridge, .. }] if name == "testbridge")
    );
    let ops = plan(link::change("add", &args("va type veth peer name vb"))).unwrap();
    assert!(
        matches!(&ops[..], [Op::LinkAdd { kind: LinkAddKind::Veth { peer, peer_mac: Some(_), .. }, .. }] if peer == "vb")
    );
    let ops = plan(link::change("add", &args("va type veth"))).unwrap();
    assert!(
        matches!(&ops[..], [Op::LinkAdd { kind: LinkAddKind::Veth { peer, .. }, .. }] if peer == "veth0")
    );
}

#[test]
fn link_errors_match_iproute2() {
    assert_eq!(
        err(plan(link::change("add", &args("b0 type bridge")))),
        ("RTNETLINK answers: File exists\n".into(), 2)
    );
    assert_eq!(err(plan(link::change("add", &args("x")))).1, 1);
    assert_eq!(
        err(plan(link::change("add", &args("x type foo")))),
        ("Error: Unknown device type.\n".into(), 2)
    );
    assert_eq!(
        err(plan(link::change("set", &args("nosuch up")))),
        ("Cannot find device \"nosuch\"\n".into(), 1)
    );
    assert_eq!(
        err(plan(link::change("set", &args("v1 master nosuch")))),
        (
            "Error: argument \"nosuch\" is wrong: Device does not exist\n\n".into(),
            255
        )
    );
    assert_eq!(err(plan(link::change("set", &args("v1 foo bar")))).1, 255);
    assert_eq!(err(plan(link::change("del", &args("nosuch")))).1, 1);
    assert_eq!(err(plan(link::change("frob", &[]))).1, 255);
}

#[test]
fn link_set_orders_ops() {
    let ops = plan(link::change("set", &args("dev v1 master b0 up"))).unwrap();
    assert!(matches!(&ops[0], Op::LinkSetMaster { master: Some(m), .. } if m == "b0"));
    assert!(matches!(&ops[1], Op::LinkSetUp { up: true, .. }));
    let ops = plan(link::change("set", &args("v1 name v9 down"))).unwrap();
    assert!(matches!(&ops[1], Op::LinkSetUp { name, up: false, .. } if name == "v9"));
}

#[test]
fn addr_add_and_del() {
    let ops = plan(addr::change("add", &args("10.10.10.1/24 dev v1"))).unwrap();
    assert!(matches!(
        &ops[..],
        [Op::AddrAdd {
            broadcast: false,
            ..
        }]
    ));
    let ops = plan(addr::change("a", &args("10.10.10.1/24 brd + dev v1"))).unwrap();
    assert!(matches!(
        &ops[..],
        [Op::AddrAdd {
            broadcast: true,
            ..
        }]
    ));
    let ops = plan(addr::change("del", &args("10.1.1.1/24 dev b0"))).unwrap();
    assert!(matches!(&ops[..], [Op::AddrDel { .. }]));
    assert_eq!(
        err(plan(addr::change("add", &args("10.1.1.1/24 dev b0")))),
        ("Error: ipv4: Address already assigned.\n".into(), 2)
    );
    assert_eq!(
        err(plan(addr::change("del", &args("10.1.1.9/24 dev b0")))),
        ("Error: ipv4: Address not found.\n".into(), 2)
    );
    assert_eq!(
        err(plan(addr::change("add", &args("10.1.1.300/24 dev b0")))).1,
        1
    );
    assert_eq!(err(plan(addr::change("add", &args("10.1.1.3/24")))).1, 1);
    assert_eq!(
        err(plan(addr::change("add", &args("10.1.1.3/24 dev nosuch")))).1,
        1
    );
}

#[test]
fn route_resolves_devices() {
    let ops = plan(route::change("add", &args("default via 10.1.1.254"))).unwrap();
    assert_eq!(
        ops,
        [Op::RouteAdd {
            ns: NetnsName::host(),
            route: RouteSpec {
                dst: None,
                via: "10.1.1.254".parse().ok(),
                dev: "b0".into(),
                onlink: false
            }
        }]
    );
    assert_eq!(
        err(plan(route::change("add", &args("default via 10.9.9.9")))),
        ("Error: Nexthop has invalid gateway.\n".into(), 2)
    );
    assert_eq!(
        err(plan(route::change("del", &args("10.8.0.0/16")))),
        ("RTNETLINK answers: No such process\n".into(), 2)
    );
    assert_eq!(
        err(plan(route::change("add", &args("10.8.0.0/16")))),
        ("RTNETLINK answers: No such device\n".into(), 2)
    );
}
