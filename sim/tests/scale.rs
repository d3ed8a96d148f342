//! Scale: a thousand Docker-like containers on one bridge stay cheap to build and observe.

use docknet_netstate::{Ipv4Cidr, Kernel, LinkAddKind, Mac, NetnsName, Op, RouteSpec};
use docknet_sim::Sim;

/// The per-container ops: veth with the peer in the container, port, addresses, route.
fn container(i: u32) -> Vec<Op> {
    let c = NetnsName::new(format!("/var/run/docker/netns/{i:012x}"));
    let h = NetnsName::host();
    let ip = std::net::Ipv4Addr::from(0xac11_0002 + i);
    let o = ip.octets();
    vec![
        Op::NetnsAdd { ns: c.clone() },
        Op::LinkAdd {
            ns: h.clone(),
            name: format!("veth{i:07x}"),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: "eth0".into(),
                peer_ns: Some(c.clone()),
                peer_mac: Some(Mac([2, 0x42, o[0], o[1], o[2], o[3]])),
            },
        },
        Op::LinkSetMaster {
            ns: h.clone(),
            name: format!("veth{i:07x}"),
            master: Some("docker0".into()),
        },
        Op::LinkSetUp {
            ns: h,
            name: format!("veth{i:07x}"),
            up: true,
        },
        Op::AddrAdd {
            ns: c.clone(),
            dev: "eth0".into(),
            addr: Ipv4Cidr::new(ip, 16),
            broadcast: true,
        },
        Op::LinkSetUp {
            ns: c.clone(),
            name: "lo".into(),
            up: true,
        },
        Op::LinkSetUp {
            ns: c.clone(),
            name: "eth0".into(),
            up: true,
        },
        Op::RouteAdd {
            ns: c,
            route: RouteSpec {
                dst: None,
                via: Some("172.17.0.1".parse().unwrap()),
                dev: "eth0".into(),
                onlink: false,
            },
        },
    ]
}

#[test]
fn thousand_containers() {
    let mut sim = Sim::new();
    let h = NetnsName::host();
    let setup = [
        Op::LinkAdd {
            ns: h.clone(),
            name: "docker0".into(),
            mac: Some(Mac([2, 0x42, 0, 0, 0, 1])),
            kind: LinkAddKind::Bridge,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "docker0".into(),
            addr: Ipv4Cidr::parse("172.17.0.1/16").unwrap(),
            broadcast: true,
        },
        Op::LinkSetUp {
            ns: h,
            name: "docker0".into(),
            up: true,
        },
    ];
    for op in setup
        .iter()
        .chain((0..1000).flat_map(container).collect::<Vec<_>>().iter())
    {
        sim.apply(op).unwrap();
    }
    let st = sim.observe().unwrap();
    assert_eq!(st.namespaces.len(), 1001);
    assert_eq!(st.host().links.len(), 1002);
    assert_eq!(st.host().nsids.len(), 1000);
    let last = st.host().link_by_name("veth00003e7").unwrap();
    assert_eq!(
        (last.ifindex, last.port_state, last.port_no),
        (1002, Some(3), Some(1000))
    );
}
