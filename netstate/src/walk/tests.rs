//! The walk over a hand-built state (the renderers' `host` fixture: docker0 at 172.17.0.1
//! with container c1 at 172.17.0.2, Docker's iptables, `ip_forward` unset) and small edits
//! of it; cross-crate behaviour (Docker's own states) is in the traffic scenarios.

use std::net::Ipv4Addr;

use super::*;
use crate::render::tests::fixtures::{host, CTR};
use crate::rule::RuleSpec;
use crate::state::{Socket, SocketProto};

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn probe(from: &str, to: &str, kind: ProbeKind) -> Trace {
    let from = if from == "host" {
        NetnsName::host()
    } else {
        NetnsName::new(from)
    };
    walk(
        &host_state(),
        &Probe {
            from,
            dst: ip(to),
            kind,
        },
    )
    .expect("walks")
}

fn host_state() -> KernelState {
    host()
}

#[test]
fn a_container_reaches_its_gateway_and_the_host_reaches_it() {
    let t = probe(CTR, "172.17.0.1", ProbeKind::Echo);
    assert_eq!(
        t.outcome,
        Outcome::EchoReply {
            from: ip("172.17.0.1"),
            ttl: 64
        }
    );
    let t = probe("host", "172.17.0.2", ProbeKind::Echo);
    assert_eq!(
        t.outcome,
        Outcome::EchoReply {
            from: ip("172.17.0.2"),
            ttl: 64
        }
    );
}

#[test]
fn no_route_is_net_unreachable_and_nobody_is_no_reply() {
    assert_eq!(
        probe("host", "203.0.113.9", ProbeKind::Echo).outcome,
        Outcome::NetUnreachable
    );
    assert_eq!(
        probe(CTR, "172.17.0.99", ProbeKind::Echo).outcome,
        Outcome::NoReply
    );
}

#[test]
fn sockets_accept_and_closed_ports_refuse() {
    let mut s = host_state();
    s.namespaces
        .get_mut(&NetnsName::new(CTR))
        .unwrap()
        .sockets
        .push(Socket {
            proto: SocketProto::Tcp,
            addr: Ipv4Addr::UNSPECIFIED,
            port: 80,
            forward: None,
        });
    let go = |port| {
        walk(
            &s,
            &Probe {
                from: NetnsName::host(),
                dst: ip("172.17.0.2"),
                kind: ProbeKind::Tcp(port),
            },
        )
        .unwrap()
        .outcome
    };
    assert!(matches!(go(80), Outcome::Connected { .. }));
    assert_eq!(
        go(81),
        Outcome::Refused {
            from: ip("172.17.0.2")
        }
    );
}

/// The fixture with one more rule at the end of the host's filter OUTPUT.
fn with_output_rule(rule: &str) -> KernelState {
    let mut s = host_state();
    let filter = s
        .namespaces
        .get_mut(&NetnsName::host())
        .unwrap()
        .iptables
        .get_mut(&crate::op::Table::Filter)
        .unwrap();
    let output = filter
        .chains
        .iter_mut()
        .find(|c| c.name == "OUTPUT")
        .unwrap();
    output.rules.push(RuleSpec::parse(rule).unwrap());
    s
}

fn host_to_c1(s: &KernelState) -> Result<Trace, WalkError> {
    walk(
        s,
        &Probe {
            from: NetnsName::host(),
            dst: ip("172.17.0.2"),
            kind: ProbeKind::Echo,
        },
    )
}

#[test]
fn an_output_drop_names_its_rule() {
    let t = host_to_c1(&with_output_rule("-d 172.17.0.2/32 -j DROP")).unwrap();
    assert_eq!(t.outcome, Outcome::NoReply);
    let text = t.to_string();
    assert!(
        text.contains("filter OUTPUT #1: -A OUTPUT -d 172.17.0.2/32 -j DROP => DROP"),
        "{text}"
    );
}

#[test]
fn a_jump_to_a_missing_chain_is_an_error_naming_the_rule() {
    let err = host_to_c1(&with_output_rule("-j NOWHERE")).unwrap_err();
    assert!(err.to_string().contains("-A OUTPUT -j NOWHERE"), "{err}");
}
