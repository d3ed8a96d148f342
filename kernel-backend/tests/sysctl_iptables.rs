//! Sysctls and iptables on the real kernel, read back through observe (needs root; gated).
mod common;

use common::*;
use docknet_kernel::KernelBackend;
use docknet_netstate::kernel::{Errno, Kernel};
use docknet_netstate::op::{NetnsName, Op, RulePosition, Table};

fn backend() -> Option<KernelBackend> {
    kernel_available().then(|| KernelBackend::new().expect("backend"))
}

#[test]
fn sysctls_are_per_namespace() {
    let Some(mut k) = backend() else { return };
    let c = ns("/var/run/docker/netns/abc");
    k.apply_all(&[
        Op::NetnsAdd { ns: c.clone() },
        Op::SysctlSet {
            ns: NetnsName::host(),
            key: "net.ipv4.ip_forward".into(),
            value: "1".into(),
        },
        Op::SysctlSet {
            ns: c.clone(),
            key: "net.ipv4.conf.all.rp_filter".into(),
            value: "2".into(),
        },
    ])
    .unwrap();
    let s = k.observe().unwrap();
    assert_eq!(s.host().sysctls["net.ipv4.ip_forward"], "1");
    // ip_forward and conf.all.forwarding are the same switch.
    assert_eq!(s.host().sysctls["net.ipv4.conf.all.forwarding"], "1");
    assert_eq!(
        s.ns(c.as_str()).unwrap().sysctls["net.ipv4.ip_forward"],
        "0"
    );
    assert_eq!(
        s.ns(c.as_str()).unwrap().sysctls["net.ipv4.conf.all.rp_filter"],
        "2"
    );
    assert_eq!(s.host().sysctls["net.ipv4.conf.all.rp_filter"], "0");
    assert_eq!(s.host().sysctls["net.bridge.bridge-nf-call-iptables"], "1");
}

#[test]
fn iptables_batches_apply_and_read_back() {
    let Some(mut k) = backend() else { return };
    let h = NetnsName::host();
    let rule = |table, chain: &str, rule: &str, at| Op::RuleAdd {
        ns: h.clone(),
        table,
        chain: chain.into(),
        rule: docknet_netstate::rule::RuleSpec::parse(rule).unwrap(),
        at,
    };
    let ops = vec![
        Op::ChainAdd {
            ns: h.clone(),
            table: Table::Nat,
            chain: "DOCKER".into(),
        },
        rule(
            Table::Nat,
            "POSTROUTING",
            "-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
            RulePosition::Append,
        ),
        Op::ChainAdd {
            ns: h.clone(),
            table: Table::Filter,
            chain: "DOCKER-USER".into(),
        },
        Op::ChainAdd {
            ns: h.clone(),
            table: Table::Filter,
            chain: "DOCKER".into(),
        },
        rule(
            Table::Filter,
            "DOCKER-USER",
            "-j RETURN",
            RulePosition::Append,
        ),
        rule(
            Table::Filter,
            "FORWARD",
            "-j DOCKER-USER",
            RulePosition::Insert(1),
        ),
        Op::ChainPolicy {
            ns: h.clone(),
            table: Table::Filter,
            chain: "FORWARD".into(),
            policy: "DROP".into(),
        },
    ];
    k.apply_all(&ops).unwrap();
    let s = k.observe().unwrap();
    let f = &s.host().iptables[&Table::Filter];
    let names: Vec<&str> = f.chains.iter().map(|c| c.name.as_str()).collect();
    // Built-ins in kernel order, then user chains sorted by name.
    assert_eq!(
        names,
        ["INPUT", "FORWARD", "OUTPUT", "DOCKER", "DOCKER-USER"]
    );
    assert_eq!(f.chain("FORWARD").unwrap().policy.as_deref(), Some("DROP"));
    assert_eq!(f.chain("FORWARD").unwrap().rules, ["-j DOCKER-USER"]);
    assert_eq!(f.chain("DOCKER").unwrap().policy, None);
    let n = &s.host().iptables[&Table::Nat];
    assert_eq!(
        n.chain("POSTROUTING").unwrap().rules,
        ["-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"]
    );
    assert!(!s.host().iptables.contains_key(&Table::Mangle));

    // A failing batch: the ops before the failing one stay, the index is exact.
    let bad = vec![
        rule(Table::Filter, "DOCKER", "-j RETURN", RulePosition::Append),
        Op::ChainAdd {
            ns: h.clone(),
            table: Table::Filter,
            chain: "DOCKER".into(),
        },
        rule(Table::Filter, "DOCKER", "-j ACCEPT", RulePosition::Append),
    ];
    let (i, e) = k.apply_all(&bad).unwrap_err();
    assert_eq!((i, e.errno_value()), (1, Some(Errno::EEXIST)));
    let s = k.observe().unwrap();
    assert_eq!(
        s.host().iptables[&Table::Filter]
            .chain("DOCKER")
            .unwrap()
            .rules,
        ["-j RETURN"]
    );
    let busy = k.apply(&Op::ChainDel {
        ns: h.clone(),
        table: Table::Filter,
        chain: "DOCKER-USER".into(),
    });
    assert_eq!(busy.unwrap_err().errno_value(), Some(Errno::EBUSY));
    let missing = k.apply(&Op::RuleDel {
        ns: h.clone(),
        table: Table::Filter,
        chain: "FORWARD".into(),
        rule: docknet_netstate::rule::RuleSpec::parse("-j NOPE").unwrap(),
    });
    assert_eq!(missing.unwrap_err().errno_value(), Some(Errno::ENOENT));
}

/// Every distinct rule dockerd 20.10 left in the recorded `iptables-save` outputs (tests/data).
const DOCKER_RULES: &str = include_str!("data/docker-rules.save");

#[test]
fn recorded_docker_rules_round_trip_unchanged() {
    let Some(mut k) = backend() else { return };
    let h = NetnsName::host();
    let mut ops = Vec::new();
    let mut expected: Vec<(Table, String, Option<String>, Vec<String>)> = Vec::new();
    let mut table = Table::Filter;
    for line in DOCKER_RULES.lines() {
        if let Some(t) = line.strip_prefix('*') {
            table = Table::parse(t).unwrap();
        } else if let Some(decl) = line.strip_prefix(':') {
            let mut parts = decl.split(' ');
            let (chain, policy) = (parts.next().unwrap().to_string(), parts.next().unwrap());
            if policy == "-" {
                ops.push(Op::ChainAdd {
                    ns: h.clone(),
                    table,
                    chain: chain.clone(),
                });
            } else if policy != "ACCEPT" {
                ops.push(Op::ChainPolicy {
                    ns: h.clone(),
                    table,
                    chain: chain.clone(),
                    policy: policy.into(),
                });
            }
            let policy = (policy != "-").then(|| policy.to_string());
            expected.push((table, chain, policy, Vec::new()));
        } else if let Some(rule) = line.strip_prefix("-A ") {
            let (chain, rule) = rule.split_once(' ').unwrap();
            let at = RulePosition::Append;
            ops.push(Op::RuleAdd {
                ns: h.clone(),
                table,
                chain: chain.into(),
                rule: docknet_netstate::rule::RuleSpec::parse(rule).unwrap(),
                at,
            });
            let e = expected
                .iter_mut()
                .find(|e| e.0 == table && e.1 == chain)
                .unwrap();
            e.3.push(rule.to_string());
        }
    }
    k.apply_all(&ops).unwrap();
    let s = k.observe().unwrap();
    for (table, chain, policy, rules) in expected {
        let got = s.host().iptables[&table].chain(&chain).unwrap();
        assert_eq!(got.policy, policy, "{table} {chain}");
        assert_eq!(got.rules, rules, "{table} {chain}");
    }
}

#[test]
fn a_sysctl_batch_stops_at_the_failing_write() {
    let Some(mut k) = backend() else { return };
    let h = NetnsName::host();
    let set = |key: &str, value: &str| Op::SysctlSet {
        ns: h.clone(),
        key: key.into(),
        value: value.into(),
    };
    let ops = vec![
        set("net.ipv4.ip_forward", "1"),
        set("net.ipv4.conf.nope.forwarding", "1"),
        set("net.ipv4.conf.all.rp_filter", "2"),
    ];
    let (i, e) = k.apply_all(&ops).unwrap_err();
    assert_eq!((i, e.errno_value()), (1, Some(Errno::ENOENT)));
    let s = k.observe().unwrap();
    assert_eq!(s.host().sysctls["net.ipv4.ip_forward"], "1");
    assert_eq!(s.host().sysctls["net.ipv4.conf.all.rp_filter"], "0");
}
