//! The same ops on the simulated and the real kernel must observe the same state (needs root;
//! gated). A failure here is a sim/kernel disagreement worth a look on both sides.
mod common;

use common::*;
use docknet_kernel::KernelBackend;
use docknet_netstate::kernel::Kernel;
use docknet_netstate::op::{LinkAddKind, NetnsName, Op, RouteSpec, RulePosition, Table};
use docknet_netstate::state::KernelState;
use docknet_sim::Sim;

/// Applies `ops` one at a time to both kernels; both must accept or refuse each the same way.
fn both(ops: &[Op]) -> (KernelState, KernelState) {
    let mut sim = Sim::new();
    let mut real = KernelBackend::new().unwrap();
    for op in ops {
        let (s, r) = (sim.apply(op), real.apply(op));
        assert_eq!(
            s.as_ref().map_err(|e| e.errno_value()),
            r.as_ref().map_err(|e| e.errno_value()),
            "sim and kernel disagree on {op:?}: sim {s:?}, kernel {r:?}"
        );
    }
    (sim.observe().unwrap(), real.observe().unwrap())
}

/// Compares namespace by namespace, field by field, and names every difference.
fn assert_same(sim: &KernelState, real: &KernelState) {
    let mut diffs = Vec::new();
    let mut diff = |what: String, s: String, r: String| {
        if s != r {
            diffs.push(format!("{what}:\n   sim: {s}\nkernel: {r}"));
        }
    };
    let names = |k: &KernelState| format!("{:?}", k.namespaces.keys().collect::<Vec<_>>());
    diff("namespaces".into(), names(sim), names(real));
    for (name, r) in &real.namespaces {
        let Some(s) = sim.namespaces.get(name) else {
            continue;
        };
        let idx: std::collections::BTreeSet<_> = s.links.keys().chain(r.links.keys()).collect();
        for i in idx {
            diff(
                format!("{name} link {i}"),
                format!("{:?}", s.links.get(i)),
                format!("{:?}", r.links.get(i)),
            );
        }
        diff(
            format!("{name} addrs"),
            format!("{:?}", s.addrs),
            format!("{:?}", r.addrs),
        );
        diff(
            format!("{name} addrs6"),
            format!("{:?}", s.addrs6),
            format!("{:?}", r.addrs6),
        );
        diff(
            format!("{name} routes"),
            format!("{:?}", s.routes),
            format!("{:?}", r.routes),
        );
        diff(
            format!("{name} nsids"),
            format!("{:?}", s.nsids),
            format!("{:?}", r.nsids),
        );
        let keys: std::collections::BTreeSet<_> =
            s.sysctls.keys().chain(r.sysctls.keys()).collect();
        for k in keys {
            diff(
                format!("{name} sysctl {k}"),
                format!("{:?}", s.sysctls.get(k)),
                format!("{:?}", r.sysctls.get(k)),
            );
        }
        diff(
            format!("{name} iptables"),
            format!("{:?}", s.iptables),
            format!("{:?}", r.iptables),
        );
    }
    assert!(
        diffs.is_empty(),
        "sim and kernel differ:\n{}",
        diffs.join("\n")
    );
}

/// attach() with an explicit host-end MAC (the kernel's random one cannot match).
fn attach_fixed(i: u32) -> Vec<Op> {
    let mut ops = attach(i);
    if let Op::LinkAdd { mac, .. } = &mut ops[1] {
        *mac = Some(common::mac(&format!("02:00:00:00:00:{i:02x}")));
    }
    ops
}

#[test]
fn docker_attach_and_teardown() {
    if !kernel_available() {
        return;
    }
    let mut ops = docker0();
    ops.push(Op::SysctlSet {
        ns: NetnsName::host(),
        key: "net.ipv4.ip_forward".into(),
        value: "1".into(),
    });
    for i in 0..3 {
        ops.extend(attach_fixed(i));
    }
    ops.push(Op::NetnsDel {
        ns: ns("/var/run/docker/netns/c00000000001"),
    });
    ops.extend(attach_fixed(3));
    let (s, r) = both(&ops);
    assert_same(&s, &r);
}

#[test]
fn host_interfaces_and_moves() {
    if !kernel_available() {
        return;
    }
    let h = NetnsName::host();
    let out = NetnsName::outside();
    let ops = vec![
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
            mac: Some(mac("00:50:56:00:00:03")),
            kind: LinkAddKind::Veth {
                peer: "ens192p".into(),
                peer_ns: None,
                peer_mac: Some(mac("00:50:56:00:00:04")),
            },
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: "ens160".into(),
            up: true,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "ens160".into(),
            addr: cidr("192.168.1.10/24"),
            broadcast: false,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "ens160".into(),
            addr: cidr("192.168.1.11/24"),
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
        Op::LinkSetUp {
            ns: out.clone(),
            name: "uplink".into(),
            up: true,
        },
        Op::AddrAdd {
            ns: out.clone(),
            dev: "uplink".into(),
            addr: cidr("192.168.1.1/24"),
            broadcast: true,
        },
        Op::LinkSetNetns {
            ns: h.clone(),
            name: "ens192p".into(),
            target: out.clone(),
        },
        Op::LinkSetNetns {
            ns: h.clone(),
            name: "ens160".into(),
            target: out.clone(),
        },
        Op::LinkSetMtu {
            ns: out.clone(),
            name: "ens160".into(),
            mtu: 1400,
        },
        Op::LinkSetTxQueueLen {
            ns: out.clone(),
            name: "uplink".into(),
            qlen: 0,
        },
    ];
    let (s, r) = both(&ops);
    assert_same(&s, &r);
}

#[test]
fn bridges_without_fixed_macs_and_iptables() {
    if !kernel_available() {
        return;
    }
    let h = NetnsName::host();
    let rule = |table, chain: &str, rule: &str, at| Op::RuleAdd {
        ns: h.clone(),
        table,
        chain: chain.into(),
        rule: docknet_netstate::rule::RuleSpec::parse(rule).unwrap(),
        at,
    };
    let ops = vec![
        // No explicit MAC: the bridge takes its lowest port's MAC once it has a port; it is
        // brought up only then, because its IPv6 link-local derives from the MAC at up time.
        // Raised while its only port has no carrier, it gets no link-local at all.
        Op::LinkAdd {
            ns: h.clone(),
            name: "br0".into(),
            mac: None,
            kind: LinkAddKind::Bridge,
        },
        Op::LinkAdd {
            ns: h.clone(),
            name: "v1".into(),
            mac: Some(mac("02:00:00:00:00:09")),
            kind: LinkAddKind::Veth {
                peer: "v1p".into(),
                peer_ns: None,
                peer_mac: Some(mac("02:00:00:00:00:08")),
            },
        },
        Op::LinkSetMaster {
            ns: h.clone(),
            name: "v1".into(),
            master: Some("br0".into()),
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: "v1".into(),
            up: true,
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: "br0".into(),
            up: true,
        },
        Op::LinkSetMaster {
            ns: h.clone(),
            name: "br0".into(),
            master: Some("br0".into()),
        },
        Op::ChainAdd {
            ns: h.clone(),
            table: Table::Filter,
            chain: "DOCKER".into(),
        },
        rule(
            Table::Filter,
            "FORWARD",
            "-o br0 -j DOCKER",
            RulePosition::Append,
        ),
        rule(
            Table::Filter,
            "FORWARD",
            "-j ACCEPT",
            RulePosition::Insert(1),
        ),
        rule(Table::Filter, "FORWARD", "-j DROP", RulePosition::Insert(9)),
        Op::ChainDel {
            ns: h.clone(),
            table: Table::Filter,
            chain: "DOCKER".into(),
        },
        Op::RuleDel {
            ns: h.clone(),
            table: Table::Filter,
            chain: "FORWARD".into(),
            rule: docknet_netstate::rule::RuleSpec::parse("-j NOPE").unwrap(),
        },
        Op::ChainPolicy {
            ns: h.clone(),
            table: Table::Filter,
            chain: "FORWARD".into(),
            policy: "DROP".into(),
        },
        Op::LinkSetMaster {
            ns: h.clone(),
            name: "v1".into(),
            master: None,
        },
        Op::LinkDel {
            ns: h.clone(),
            name: "v1p".into(),
        },
        Op::RouteAdd {
            ns: h.clone(),
            route: RouteSpec {
                dst: Some(cidr("10.9.0.0/16")),
                via: None,
                dev: "br0".into(),
                onlink: false,
            },
        },
    ];
    let (s, r) = both(&ops);
    assert_same(&s, &r);
}

#[test]
fn addresses_routes_and_namespace_deletion() {
    if !kernel_available() {
        return;
    }
    let h = NetnsName::host();
    let out = NetnsName::outside();
    let spec = |dst: Option<&str>, via: Option<&str>, dev: &str, onlink| RouteSpec {
        dst: dst.map(cidr),
        via: via.map(|v| v.parse().unwrap()),
        dev: dev.into(),
        onlink,
    };
    let ops = vec![
        Op::LinkSetUp {
            ns: h.clone(),
            name: "lo".into(),
            up: true,
        },
        Op::LinkAdd {
            ns: h.clone(),
            name: "br1".into(),
            mac: Some(mac("02:42:00:00:00:01")),
            kind: LinkAddKind::Bridge,
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: "br1".into(),
            up: true,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "br1".into(),
            addr: cidr("10.1.0.1/24"),
            broadcast: true,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "br1".into(),
            addr: cidr("10.1.0.2/24"),
            broadcast: true,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "br1".into(),
            addr: cidr("10.2.0.1/16"),
            broadcast: false,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "br1".into(),
            addr: cidr("10.1.0.1/24"),
            broadcast: true,
        },
        Op::RouteAdd {
            ns: h.clone(),
            route: spec(Some("10.3.0.0/16"), Some("10.1.0.254"), "br1", false),
        },
        Op::RouteAdd {
            ns: h.clone(),
            route: spec(Some("10.4.0.0/16"), Some("192.0.2.1"), "br1", true),
        },
        Op::RouteAdd {
            ns: h.clone(),
            route: spec(Some("10.4.0.0/16"), Some("192.0.2.1"), "br1", true),
        },
        Op::RouteAdd {
            ns: h.clone(),
            route: spec(None, Some("10.9.9.9"), "br1", false),
        },
        Op::AddrDel {
            ns: h.clone(),
            dev: "br1".into(),
            addr: cidr("10.1.0.1/24"),
        },
        Op::RouteDel {
            ns: h.clone(),
            route: spec(Some("10.4.0.0/16"), Some("192.0.2.1"), "br1", true),
        },
        Op::RouteDel {
            ns: h.clone(),
            route: spec(Some("10.4.0.0/16"), None, "br1", false),
        },
        Op::LinkSetMtu {
            ns: h.clone(),
            name: "br1".into(),
            mtu: 9000,
        },
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
        Op::LinkSetMaster {
            ns: h.clone(),
            name: "ens160".into(),
            master: Some("br1".into()),
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: "ens160".into(),
            up: true,
        },
        Op::LinkSetUp {
            ns: out.clone(),
            name: "uplink".into(),
            up: true,
        },
        Op::SysctlSet {
            ns: h.clone(),
            key: "net.ipv4.conf.br1.route_localnet".into(),
            value: "1".into(),
        },
        Op::SysctlSet {
            ns: h.clone(),
            key: "net.ipv6.conf.ens160.disable_ipv6".into(),
            value: "1".into(),
        },
        Op::NetnsDel { ns: out.clone() },
        Op::NetnsDel { ns: out.clone() },
    ];
    let (s, r) = both(&ops);
    assert_same(&s, &r);
}
