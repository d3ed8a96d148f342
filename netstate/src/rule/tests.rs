//! Rules as iptables 1.8.9 prints them (each `typed` line was given to the real `iptables -A
//! X` in a private namespace; `saved` is what `iptables-save` printed back).

use proptest::prelude::*;

use super::*;

const TYPED_AND_SAVED: &[(&str, &str)] = &[
    (
        "-p tcp --dport 80 -i eth0 -d 10.1.2.3/8 ! -s 1.2.3.4 -j DNAT --to-destination 1.2.3.4:80",
        "! -s 1.2.3.4/32 -d 10.0.0.0/8 -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 1.2.3.4:80",
    ),
    (
        "-m conntrack --ctstate ESTABLISHED,RELATED,NEW -j ACCEPT",
        "-m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT",
    ),
    ("-m state --state ESTABLISHED,NEW -j ACCEPT", "-m state --state NEW,ESTABLISHED -j ACCEPT"),
    (
        "-p udp -m multiport --dports 53,80:90 -j REJECT",
        "-p udp -m multiport --dports 53,80:90 -j REJECT --reject-with icmp-port-unreachable",
    ),
    (
        "-p icmp -j REJECT --reject-with icmp-host-prohibited",
        "-p icmp -j REJECT --reject-with icmp-host-prohibited",
    ),
    (
        "-m comment --comment \"hello world\" -j LOG --log-prefix \"pfx: \"",
        "-m comment --comment \"hello world\" -j LOG --log-prefix \"pfx: \"",
    ),
    (
        "-m addrtype ! --dst-type LOCAL --src-type LOCAL -j RETURN",
        "-m addrtype --src-type LOCAL ! --dst-type LOCAL -j RETURN",
    ),
    ("-i docker+ ! -o br-1 -g X", "-i docker+ ! -o br-1 -g X"),
    (
        "-p tcp --sport 1000:2000 --dport 22 -j ACCEPT",
        "-p tcp -m tcp --sport 1000:2000 --dport 22 -j ACCEPT",
    ),
    ("-p 47 -j DROP", "-p gre -j DROP"),
    (
        "-p tcp ! --dport 22 -m comment --comment x -j DROP",
        "-p tcp -m tcp ! --dport 22 -m comment --comment x -j DROP",
    ),
    ("", ""),
    ("-j SNAT --to-source 1.2.3.4", "-j SNAT --to-source 1.2.3.4"),
    (
        "-p tcp -m tcp --tcp-flags SYN,ACK SYN -j DROP",
        "-p tcp -m tcp --tcp-flags SYN,ACK SYN -j DROP",
    ),
    ("-s 10.0.0.0/255.255.0.0 -j DROP", "-s 10.0.0.0/16 -j DROP"),
];

#[test]
fn canonical_forms_match_iptables_save() {
    for (typed, saved) in TYPED_AND_SAVED {
        let rule = RuleSpec::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        assert_eq!(rule.to_string(), *saved, "typed: {typed}");
        assert_eq!(RuleSpec::parse(saved).unwrap(), rule);
    }
}

#[test]
fn docker_rules_round_trip() {
    let text = include_str!("../../../kernel-backend/tests/data/docker-rules.save");
    let mut n = 0;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("-A ") else {
            continue;
        };
        let (_, spec) = rest.split_once(' ').unwrap_or((rest, ""));
        let rule = RuleSpec::parse(spec).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(rule.to_string(), spec);
        n += 1;
    }
    assert!(n > 10);
}

#[test]
fn refusals() {
    let err = |s: &str| RuleSpec::parse(s).unwrap_err().to_string();
    assert_eq!(err("--dport 80 -j DROP"), "unknown option \"--dport\"");
    assert_eq!(
        err("-m multiport --dports 1 -j DROP"),
        "Need TCP, UDP, SCTP or DCCP with port specification"
    );
    assert_eq!(
        err("-p tcp --dport 99999"),
        "invalid port/service `99999' specified"
    );
    assert_eq!(err("-s 1.2.3.x"), "host/network `1.2.3.x' not found");
    assert_eq!(
        err("-j DNAT"),
        "DNAT: option \"--to-destination\" must be specified"
    );
    assert_eq!(
        err("-m physdev --physdev-in x"),
        "docknet: unsupported iptables match `-m physdev`"
    );
    assert_eq!(err("-s"), "option \"-s\" requires an argument");
}

#[test]
fn builder_matches_parser() {
    let built = RuleSpec::new()
        .dst("172.17.0.2/32".parse_cidr(), false)
        .in_iface("docker0", true)
        .out_iface("docker0", false)
        .proto_dport(Proto::TCP, Some(80))
        .jump("ACCEPT");
    assert_eq!(
        built.to_string(),
        "-d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT"
    );
    assert_eq!(RuleSpec::parse(&built.to_string()).unwrap(), built);
}

trait ParseCidr {
    fn parse_cidr(&self) -> Ipv4Cidr;
}

impl ParseCidr for str {
    fn parse_cidr(&self) -> Ipv4Cidr {
        Ipv4Cidr::parse(self).unwrap()
    }
}

fn neg<T: std::fmt::Debug + Clone>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Neg<T>> {
    (s, any::<bool>()).prop_map(|(value, negated)| Neg { value, negated })
}

fn iface() -> impl Strategy<Value = Iface> {
    "[a-z]{1,4}[0-9]?\\+?".prop_map(Iface)
}

fn cidr() -> impl Strategy<Value = Ipv4Cidr> {
    (any::<u32>(), 0u8..=32).prop_map(|(a, p)| Ipv4Cidr::new(a.into(), p).masked())
}

fn ports() -> impl Strategy<Value = PortRange> {
    (any::<u16>(), any::<u16>()).prop_map(|(a, b)| PortRange {
        lo: a.min(b),
        hi: a.max(b),
    })
}

fn states() -> impl Strategy<Value = Vec<CtState>> {
    proptest::sample::subsequence(
        vec![
            CtState::Invalid,
            CtState::New,
            CtState::Related,
            CtState::Established,
            CtState::Untracked,
        ],
        1..4,
    )
}

fn module() -> impl Strategy<Value = Module> {
    prop_oneof![
        (
            proptest::option::of(neg(ports())),
            proptest::option::of(neg(ports()))
        )
            .prop_map(|(sport, dport)| Module::Tcp {
                sport,
                dport,
                flags: None
            }),
        neg(states()).prop_map(Module::Conntrack),
        neg(states()).prop_map(Module::State),
        (
            proptest::option::of(neg(Just(AddrType::Local))),
            proptest::option::of(neg(Just(AddrType::Unicast)))
        )
            .prop_map(|(src, dst)| Module::AddrType { src, dst }),
        "[a-z ]{0,12}".prop_map(Module::Comment),
        neg(proptest::collection::vec(ports(), 1..4))
            .prop_map(|p| Module::Multiport(PortSide::Destination, p)),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::Accept),
        Just(Target::Drop),
        Just(Target::Return),
        Just(Target::Reject("icmp-host-prohibited".into())),
        "[A-Z][A-Z-]{1,10}"
            .prop_filter("not a built-in", |c| {
                !matches!(
                    c.as_str(),
                    "ACCEPT"
                        | "DROP"
                        | "RETURN"
                        | "REJECT"
                        | "LOG"
                        | "DNAT"
                        | "SNAT"
                        | "MASQUERADE"
                )
            })
            .prop_map(Target::Jump),
        (any::<u32>(), proptest::option::of(any::<u16>())).prop_map(|(a, p)| Target::Dnat(NatTo {
            addr: Some(a.into()),
            ports: p.map(|p| (p, p))
        })),
        Just(Target::Masquerade(None)),
        "[a-z: ]{1,10}".prop_map(|p| Target::Log {
            prefix: Some(p),
            level: None
        }),
    ]
}

prop_compose! {
    fn rule()(
        src in proptest::option::of(neg(cidr())),
        dst in proptest::option::of(neg(cidr())),
        in_iface in proptest::option::of(neg(iface())),
        out_iface in proptest::option::of(neg(iface())),
        modules in proptest::collection::vec(module(), 0..3),
        target in proptest::option::of(target()),
    ) -> RuleSpec {
        // Port modules need their protocol first, as iptables requires.
        let needs_tcp = modules.iter().any(|m| matches!(m, Module::Tcp { .. } | Module::Multiport(..)));
        let proto = needs_tcp.then(|| Neg::is(Proto::TCP));
        RuleSpec { src, dst, in_iface, out_iface, proto, modules, target }
    }
}

proptest! {
    #[test]
    fn display_then_parse_is_identity(r in rule()) {
        let text = r.to_string();
        let back = RuleSpec::parse(&text);
        prop_assert_eq!(back.as_ref(), Ok(&r), "text: {}", text);
    }
}
