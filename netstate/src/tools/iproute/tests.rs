//! Parsing and planning of `ip` changes against a hand-built state (no kernel needed).

use crate::state::{Addr, AddrScope, Link, LinkKind, Netns, OperState, Peer, Route, RouteProtocol};
use crate::{CommandOutput, Ipv4Cidr, KernelState, LinkAddKind, Mac, NetnsName, Op, RouteSpec};

use super::{addr, link, route, Change};
use crate::tools::mac::MacSource;

/// host: lo, b0 (bridge, up, no ports, 10.1.1.1/24), v1 (veth, down, peer v1p), as the
/// kernel (and sim) report that setup.
pub(crate) fn state() -> KernelState {
    let link = |ifindex: u32, name: &str, kind: LinkKind, mac: [u8; 6]| Link {
        ifindex,
        name: name.into(),
        kind,
        mac: Mac(mac),
        mtu: if ifindex == 1 { 65536 } else { 1500 },
        up: false,
        lower_up: false,
        operstate: OperState::Down,
        qdisc: "noop".into(),
        txqlen: 1000,
        master: None,
        peer: None,
        port_state: None,
        port_no: None,
    };
    let mut lo = link(1, "lo", LinkKind::Loopback, [0; 6]);
    (lo.up, lo.lower_up, lo.operstate, lo.qdisc) =
        (true, true, OperState::Unknown, "noqueue".into());
    let mut b0 = link(
        2,
        "b0",
        LinkKind::Bridge {
            stp: false,
            tso_max_size: 65536,
        },
        [2, 0, 0, 0, 0, 2],
    );
    (b0.up, b0.qdisc) = (true, "noqueue".into());
    let mut v1 = link(3, "v1", LinkKind::Veth, [2, 0, 0, 0, 0, 3]);
    v1.peer = Some(Peer {
        ifindex: 4,
        netnsid: None,
    });
    let mut v1p = link(4, "v1p", LinkKind::Veth, [2, 0, 0, 0, 0, 4]);
    v1p.peer = Some(Peer {
        ifindex: 3,
        netnsid: None,
    });
    let cidr = Ipv4Cidr::parse("10.1.1.1/24").unwrap();
    let ns = Netns {
        links: [lo, b0, v1, v1p]
            .into_iter()
            .map(|l| (l.ifindex, l))
            .collect(),
        addrs: vec![Addr {
            ifindex: 2,
            cidr,
            broadcast: None,
            scope: AddrScope::Global,
            label: "b0".into(),
            secondary: false,
        }],
        routes: vec![Route {
            dst: Some(Ipv4Cidr::parse("10.1.1.0/24").unwrap()),
            via: None,
            ifindex: 2,
            protocol: RouteProtocol::Kernel,
            scope: AddrScope::Link,
            src: Some(cidr.addr),
            onlink: false,
            linkdown: true,
        }],
        ..Netns::default()
    };
    KernelState {
        namespaces: [(NetnsName::host(), ns)].into_iter().collect(),
    }
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
