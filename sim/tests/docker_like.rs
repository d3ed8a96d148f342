//! A Docker-like sequence, checked against what the real 6.18 kernel reported for the same
//! commands (run by `sim/examples/crosscheck.rs docker` in a scratch namespace: identical).

use docknet_netstate::state::{OperState, RouteProtocol};
use docknet_netstate::{
    Ipv4Cidr, Kernel, KernelState, LinkAddKind, Mac, NetnsName, Op, RouteSpec, RulePosition, Table,
};
use docknet_sim::Sim;

fn ns(s: &str) -> NetnsName {
    NetnsName::new(s)
}

fn mac(b4: u8, b5: u8) -> Mac {
    Mac([0x02, 0x42, 0xac, 0x11, b4, b5])
}

fn cidr(s: &str) -> Ipv4Cidr {
    Ipv4Cidr::parse(s).unwrap()
}

fn up(n: &str, name: &str, up: bool) -> Op {
    Op::LinkSetUp {
        ns: ns(n),
        name: name.into(),
        up,
    }
}

fn addr(n: &str, dev: &str, a: &str) -> Op {
    Op::AddrAdd {
        ns: ns(n),
        dev: dev.into(),
        addr: cidr(a),
        broadcast: true,
    }
}

fn default_via(n: &str, gw: &str) -> Op {
    Op::RouteAdd {
        ns: ns(n),
        route: RouteSpec {
            dst: None,
            via: Some(gw.parse().unwrap()),
            dev: "eth0".into(),
            onlink: false,
        },
    }
}

fn veth(host_end: &str, hm: Mac, peer: &str, pm: Mac, peer_ns: Option<&str>) -> Op {
    Op::LinkAdd {
        ns: ns("host"),
        name: host_end.into(),
        mac: Some(hm),
        kind: LinkAddKind::Veth {
            peer: peer.into(),
            peer_ns: peer_ns.map(ns),
            peer_mac: Some(pm),
        },
    }
}

/// docker0, container c1 (peer moved in and renamed), container c2 (peer created in place),
/// then c1's namespace deleted and c2's eth0 set down.
fn ops() -> Vec<Op> {
    vec![
        Op::LinkAdd {
            ns: ns("host"),
            name: "docker0".into(),
            mac: Some(mac(0, 0)),
            kind: LinkAddKind::Bridge,
        },
        addr("host", "docker0", "172.17.0.1/16"),
        up("host", "docker0", true),
        Op::SysctlSet {
            ns: ns("host"),
            key: "net.ipv4.ip_forward".into(),
            value: "1".into(),
        },
        Op::ChainAdd {
            ns: ns("host"),
            table: Table::Nat,
            chain: "DOCKER".into(),
        },
        Op::RuleAdd {
            ns: ns("host"),
            table: Table::Nat,
            chain: "POSTROUTING".into(),
            rule: docknet_netstate::rule::RuleSpec::parse(
                "-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
            )
            .unwrap(),
            at: RulePosition::Append,
        },
        Op::NetnsAdd { ns: ns("c1") },
        Op::SysctlSet {
            ns: ns("c1"),
            key: "net.ipv6.conf.all.disable_ipv6".into(),
            value: "1".into(),
        },
        veth("vethA", mac(9, 0xa), "vethB", mac(9, 0xb), None),
        Op::LinkSetTxQueueLen {
            ns: ns("host"),
            name: "vethA".into(),
            qlen: 0,
        },
        Op::LinkSetMaster {
            ns: ns("host"),
            name: "vethA".into(),
            master: Some("docker0".into()),
        },
        up("host", "vethA", true),
        Op::LinkSetNetns {
            ns: ns("host"),
            name: "vethB".into(),
            target: ns("c1"),
        },
        Op::LinkSetName {
            ns: ns("c1"),
            name: "vethB".into(),
            new_name: "eth0".into(),
        },
        Op::LinkSetMac {
            ns: ns("c1"),
            name: "eth0".into(),
            mac: mac(0, 2),
        },
        addr("c1", "eth0", "172.17.0.2/16"),
        up("c1", "lo", true),
        up("c1", "eth0", true),
        default_via("c1", "172.17.0.1"),
        Op::NetnsAdd { ns: ns("c2") },
        veth("vethC", mac(9, 0xc), "eth0", mac(0, 3), Some("c2")),
        Op::LinkSetMaster {
            ns: ns("host"),
            name: "vethC".into(),
            master: Some("docker0".into()),
        },
        up("host", "vethC", true),
        addr("c2", "eth0", "172.17.0.3/16"),
        up("c2", "eth0", true),
        default_via("c2", "172.17.0.1"),
        Op::NetnsDel { ns: ns("c1") },
        up("c2", "eth0", false),
    ]
}

fn run(steps: usize) -> KernelState {
    let mut sim = Sim::new();
    for op in ops().iter().take(steps) {
        sim.apply(op).unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    sim.observe().unwrap()
}

#[test]
fn docker0_alone_has_no_carrier() {
    let st = run(3);
    let d0 = st.host().link_by_name("docker0").unwrap();
    assert_eq!(d0.ifindex, 2);
    assert_eq!(d0.flags(), ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"]);
    assert_eq!(d0.operstate, OperState::Down);
    assert_eq!(st.host().addrs6_of(2).count(), 0);
    let r = &st.host().routes[0];
    assert_eq!(r.dst, Some(cidr("172.17.0.0/16")));
    assert_eq!(r.protocol, RouteProtocol::Kernel);
    assert!(r.linkdown);
}

#[test]
fn host_end_up_with_peer_down_in_same_ns_is_lowerlayerdown() {
    let st = run(12);
    let a = st.host().link_by_name("vethA").unwrap();
    assert_eq!((a.ifindex, a.operstate), (4, OperState::LowerLayerDown));
    assert_eq!(a.port_state, Some(0));
    assert_eq!(st.host().link_by_name("vethB").unwrap().ifindex, 3);
}

#[test]
fn first_container_running() {
    let st = run(19);
    let host = st.host();
    let d0 = host.link_by_name("docker0").unwrap();
    assert_eq!(d0.flags(), ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]);
    assert_eq!(d0.operstate, OperState::Up);
    let a = host.link_by_name("vethA").unwrap();
    assert_eq!(
        (a.ifindex, a.master, a.port_state, a.txqlen),
        (4, Some(2), Some(3), 0)
    );
    let peer = a.peer.as_ref().unwrap();
    assert_eq!((peer.ifindex, peer.netnsid), (3, Some(0)));
    assert_eq!(host.nsids[&0].as_str(), "c1");
    assert_eq!(
        host.addrs6
            .iter()
            .map(|a| a.addr.to_string())
            .collect::<Vec<_>>(),
        ["fe80::42:acff:fe11:0", "fe80::42:acff:fe11:90a"]
    );
    assert!(!host.routes[0].linkdown);
    let c1 = st.ns("c1").unwrap();
    let eth0 = c1.link_by_name("eth0").unwrap();
    assert_eq!((eth0.ifindex, eth0.operstate), (3, OperState::Up));
    assert_eq!(eth0.peer.as_ref().unwrap().netnsid, Some(0));
    assert_eq!(c1.nsids[&0].as_str(), "host");
    assert!(c1.addrs6.is_empty(), "all.disable_ipv6=1 before the move");
    assert_eq!(c1.routes.len(), 2);
    assert_eq!(c1.routes[0].dst, None);
    assert_eq!(c1.routes[0].protocol, RouteProtocol::Boot);
    assert_eq!(c1.routes[1].src, Some("172.17.0.2".parse().unwrap()));
    assert_eq!(c1.sysctls["net.ipv6.conf.eth0.disable_ipv6"], "1");
    assert_eq!(c1.sysctls["net.ipv4.ip_forward"], "0");
}

#[test]
fn after_teardown() {
    let st = run(28);
    let host = st.host();
    assert!(st.ns("c1").is_none());
    assert_eq!(host.nsids.len(), 1);
    assert_eq!(host.nsids[&1].as_str(), "c2");
    let d0 = host.link_by_name("docker0").unwrap();
    assert_eq!(d0.operstate, OperState::Down);
    assert!(!d0.lower_up);
    let c = host.link_by_name("vethC").unwrap();
    assert_eq!(
        (c.ifindex, c.operstate, c.port_state),
        (5, OperState::Down, Some(0))
    );
    assert_eq!(
        c.peer.as_ref().map(|p| (p.ifindex, p.netnsid)),
        Some((2, Some(1)))
    );
    assert!(host.routes[0].linkdown);
    let c2 = st.ns("c2").unwrap();
    assert_eq!(c2.link_by_name("eth0").unwrap().ifindex, 2);
    assert!(c2.routes.is_empty(), "down drops the default route");
    assert_eq!(c2.addrs.len(), 1, "IPv4 addresses stay on down");
    assert_eq!(host.iptables[&Table::Nat].chains.len(), 5);
    assert_eq!(host.sysctls["net.ipv4.conf.vethC.forwarding"], "1");
}
