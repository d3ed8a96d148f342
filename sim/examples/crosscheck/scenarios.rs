//! The cross-check scenarios: op lists with explicit MACs, so the real kernel's random
//! choices never show.

use docknet_netstate::{Ipv4Cidr, LinkAddKind, Mac, NetnsName, Op, RouteSpec, RulePosition, Table};

/// Builders for the scenarios.
struct B(Vec<Op>);

impl B {
    fn ns(s: &str) -> NetnsName {
        NetnsName::new(s)
    }
    fn mac(last: u8, b: u8) -> Mac {
        Mac([0x02, 0x42, 0xac, 0x11, b, last])
    }
    fn up(&mut self, ns: &str, name: &str, up: bool) {
        self.0.push(Op::LinkSetUp {
            ns: Self::ns(ns),
            name: name.into(),
            up,
        });
    }
    fn veth(&mut self, ns: &str, name: &str, m: Mac, peer: &str, pm: Mac, peer_ns: Option<&str>) {
        self.0.push(Op::LinkAdd {
            ns: Self::ns(ns),
            name: name.into(),
            mac: Some(m),
            kind: LinkAddKind::Veth {
                peer: peer.into(),
                peer_ns: peer_ns.map(Self::ns),
                peer_mac: Some(pm),
            },
        });
    }
    fn addr(&mut self, ns: &str, dev: &str, a: &str, brd: bool) {
        let addr = Ipv4Cidr::parse(a).unwrap();
        self.0.push(Op::AddrAdd {
            ns: Self::ns(ns),
            dev: dev.into(),
            addr,
            broadcast: brd,
        });
    }
    fn route(&mut self, ns: &str, dst: Option<&str>, via: Option<&str>, dev: &str, onlink: bool) {
        let route = RouteSpec {
            dst: dst.map(|d| Ipv4Cidr::parse(d).unwrap()),
            via: via.map(|v| v.parse().unwrap()),
            dev: dev.into(),
            onlink,
        };
        self.0.push(Op::RouteAdd {
            ns: Self::ns(ns),
            route,
        });
    }
    fn master(&mut self, ns: &str, name: &str, m: Option<&str>) {
        self.0.push(Op::LinkSetMaster {
            ns: Self::ns(ns),
            name: name.into(),
            master: m.map(Into::into),
        });
    }
    fn sysctl(&mut self, ns: &str, k: &str, v: &str) {
        self.0.push(Op::SysctlSet {
            ns: Self::ns(ns),
            key: k.into(),
            value: v.into(),
        });
    }
}

/// Docker-like: docker0, two containers (moved peer, and peer created in place), teardown.
pub fn docker() -> Vec<Op> {
    let mut b = B(Vec::new());
    let h = "host";
    b.0.push(Op::LinkAdd {
        ns: B::ns(h),
        name: "docker0".into(),
        mac: Some(B::mac(0, 0)),
        kind: LinkAddKind::Bridge,
    });
    b.addr(h, "docker0", "172.17.0.1/16", true);
    b.up(h, "docker0", true);
    b.sysctl(h, "net.ipv4.ip_forward", "1");
    b.0.push(Op::ChainAdd {
        ns: B::ns(h),
        table: Table::Nat,
        chain: "DOCKER".into(),
    });
    b.0.push(Op::RuleAdd {
        ns: B::ns(h),
        table: Table::Nat,
        chain: "POSTROUTING".into(),
        rule: docknet_netstate::rule::RuleSpec::parse(
            "-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
        )
        .unwrap(),
        at: RulePosition::Append,
    });
    b.0.push(Op::NetnsAdd { ns: B::ns("c1") });
    b.sysctl("c1", "net.ipv6.conf.all.disable_ipv6", "1");
    b.veth(h, "vethA", B::mac(0xa, 9), "vethB", B::mac(0xb, 9), None);
    b.0.push(Op::LinkSetTxQueueLen {
        ns: B::ns(h),
        name: "vethA".into(),
        qlen: 0,
    });
    b.master(h, "vethA", Some("docker0"));
    b.up(h, "vethA", true);
    b.0.push(Op::LinkSetNetns {
        ns: B::ns(h),
        name: "vethB".into(),
        target: B::ns("c1"),
    });
    b.0.push(Op::LinkSetName {
        ns: B::ns("c1"),
        name: "vethB".into(),
        new_name: "eth0".into(),
    });
    b.0.push(Op::LinkSetMac {
        ns: B::ns("c1"),
        name: "eth0".into(),
        mac: B::mac(2, 0),
    });
    b.addr("c1", "eth0", "172.17.0.2/16", true);
    b.up("c1", "lo", true);
    b.up("c1", "eth0", true);
    b.route("c1", None, Some("172.17.0.1"), "eth0", false);
    b.0.push(Op::NetnsAdd { ns: B::ns("c2") });
    b.veth(h, "vethC", B::mac(0xc, 9), "eth0", B::mac(3, 0), Some("c2"));
    b.master(h, "vethC", Some("docker0"));
    b.up(h, "vethC", true);
    b.addr("c2", "eth0", "172.17.0.3/16", true);
    b.up("c2", "eth0", true);
    b.route("c2", None, Some("172.17.0.1"), "eth0", false);
    b.0.push(Op::NetnsDel { ns: B::ns("c1") });
    b.up("c2", "eth0", false);
    b.0
}

/// Bridge/port/address/route/sysctl corner cases in one namespace.
pub fn bridge() -> Vec<Op> {
    let mut b = B(Vec::new());
    let h = "host";
    b.0.push(Op::LinkAdd {
        ns: B::ns(h),
        name: "br0".into(),
        mac: None,
        kind: LinkAddKind::Bridge,
    });
    b.veth(h, "v1", B::mac(0x31, 1), "p1", B::mac(0x41, 1), None);
    b.veth(h, "v2", B::mac(0x22, 1), "p2", B::mac(0x42, 1), None);
    b.master(h, "v1", Some("br0"));
    b.up(h, "br0", true);
    b.up(h, "v1", true);
    b.up(h, "p1", true);
    b.master(h, "v2", Some("br0"));
    b.0.push(Op::LinkSetMtu {
        ns: B::ns(h),
        name: "v2".into(),
        mtu: 1400,
    });
    b.addr(h, "br0", "10.0.0.1/24", false);
    b.addr(h, "br0", "10.0.0.2/24", true);
    b.addr(h, "br0", "172.20.0.1/16", false);
    b.addr(h, "br0", "10.0.0.7/25", false);
    b.route(h, None, Some("10.0.0.254"), "br0", false);
    b.route(h, Some("11.0.0.0/8"), Some("1.2.3.4"), "br0", true);
    b.route(h, Some("10.1.0.0/24"), None, "br0", false);
    b.0.push(Op::LinkSetName {
        ns: B::ns(h),
        name: "br0".into(),
        new_name: "brx".into(),
    });
    b.up(h, "p1", false);
    b.sysctl(h, "net.ipv4.conf.default.rp_filter", "2");
    b.sysctl(h, "net.ipv4.conf.v1.send_redirects", "0");
    b.sysctl(h, "net.ipv4.conf.default.send_redirects", "0");
    b.sysctl(h, "net.ipv6.conf.all.forwarding", "1");
    b.up(h, "v2", true);
    b.up(h, "p2", true);
    b.sysctl(h, "net.ipv6.conf.p2.disable_ipv6", "1");
    b.master(h, "v1", None);
    b.0.push(Op::AddrDel {
        ns: B::ns(h),
        dev: "brx".into(),
        addr: Ipv4Cidr::parse("10.0.0.1/24").unwrap(),
    });
    b.up(h, "brx", false);
    b.up(h, "brx", true);
    b.0
}

/// Live MAC changes, user MTU, lo and disable_ipv6, moves back and forth, deletions.
pub fn misc() -> Vec<Op> {
    let mut b = B(Vec::new());
    let h = "host";
    b.0.push(Op::LinkAdd {
        ns: B::ns(h),
        name: "br2".into(),
        mac: Some(B::mac(2, 2)),
        kind: LinkAddKind::Bridge,
    });
    b.veth(h, "w1", B::mac(0x51, 2), "x1", B::mac(0x61, 2), None);
    b.master(h, "w1", Some("br2"));
    b.up(h, "br2", true);
    b.up(h, "w1", true);
    b.up(h, "x1", true);
    b.0.push(Op::LinkSetMac {
        ns: B::ns(h),
        name: "br2".into(),
        mac: B::mac(3, 2),
    });
    b.0.push(Op::LinkSetMac {
        ns: B::ns(h),
        name: "w1".into(),
        mac: B::mac(0x71, 2),
    });
    b.0.push(Op::LinkSetMtu {
        ns: B::ns(h),
        name: "br2".into(),
        mtu: 1400,
    });
    b.veth(h, "w2", B::mac(0x52, 2), "x2", B::mac(0x62, 2), None);
    b.0.push(Op::LinkSetMtu {
        ns: B::ns(h),
        name: "w2".into(),
        mtu: 9000,
    });
    b.master(h, "w2", Some("br2"));
    b.up(h, "lo", true);
    b.addr(h, "lo", "10.9.9.9/32", false);
    b.addr(h, "lo", "127.0.0.2/8", false);
    b.sysctl(h, "net.ipv6.conf.lo.disable_ipv6", "1");
    b.sysctl(h, "net.ipv6.conf.lo.disable_ipv6", "0");
    b.0.push(Op::NetnsAdd { ns: B::ns("c3") });
    b.veth(
        h,
        "y1",
        B::mac(0x81, 2),
        "eth0",
        B::mac(0x91, 2),
        Some("c3"),
    );
    b.master(h, "y1", Some("br2"));
    b.up(h, "y1", true);
    b.up("c3", "eth0", true);
    b.addr("c3", "eth0", "10.3.0.2/24", false);
    b.route("c3", Some("10.4.0.0/16"), Some("10.3.0.1"), "eth0", false);
    b.0.push(Op::LinkDel {
        ns: B::ns("c3"),
        name: "eth0".into(),
    });
    b.0.push(Op::NetnsAdd { ns: B::ns("c4") });
    b.veth(h, "z1", B::mac(0xa1, 2), "z2", B::mac(0xb1, 2), None);
    b.0.push(Op::LinkSetNetns {
        ns: B::ns(h),
        name: "z2".into(),
        target: B::ns("c4"),
    });
    b.0.push(Op::LinkSetNetns {
        ns: B::ns("c4"),
        name: "z2".into(),
        target: B::ns(h),
    });
    b.0.push(Op::LinkSetNetns {
        ns: B::ns(h),
        name: "z1".into(),
        target: B::ns("c4"),
    });
    b.up(h, "z2", true);
    b.addr(h, "z2", "10.8.0.1/24", false);
    b.route(h, Some("10.80.0.0/16"), Some("10.99.0.1"), "z2", true);
    b.up(h, "br2", false);
    b.up(h, "br2", true);
    b.up(h, "x1", false);
    b.0.push(Op::LinkDel {
        ns: B::ns(h),
        name: "br2".into(),
    });
    b.0
}

/// Ops that fail (each after a valid setup), to compare which ones the kernel refuses.
pub fn errors() -> Vec<Op> {
    let mut b = B(Vec::new());
    let h = "host";
    let bridge = |name: &str| Op::LinkAdd {
        ns: B::ns(h),
        name: name.into(),
        mac: None,
        kind: LinkAddKind::Bridge,
    };
    b.0.push(bridge("br0"));
    b.0.push(bridge("br0"));
    b.veth(h, "v1", B::mac(1, 7), "p1", B::mac(2, 7), None);
    b.veth(h, "v2", B::mac(3, 7), "p1", B::mac(4, 7), None);
    b.up(h, "nosuch", true);
    b.0.push(Op::LinkDel {
        ns: B::ns(h),
        name: "lo".into(),
    });
    b.master(h, "br0", Some("br0"));
    b.master(h, "lo", Some("br0"));
    b.master(h, "v1", Some("p1"));
    b.0.push(Op::LinkSetMtu {
        ns: B::ns(h),
        name: "v1".into(),
        mtu: 70000,
    });
    b.0.push(Op::LinkSetNetns {
        ns: B::ns(h),
        name: "br0".into(),
        target: B::ns("c1"),
    });
    b.0.push(Op::NetnsAdd { ns: B::ns("c1") });
    b.0.push(Op::LinkSetNetns {
        ns: B::ns(h),
        name: "br0".into(),
        target: B::ns("c1"),
    });
    b.0.push(Op::LinkSetName {
        ns: B::ns(h),
        name: "v1".into(),
        new_name: "p1".into(),
    });
    b.addr(h, "v1", "10.0.0.1/24", false);
    b.addr(h, "v1", "10.0.0.1/24", false);
    b.0.push(Op::AddrDel {
        ns: B::ns(h),
        dev: "v1".into(),
        addr: Ipv4Cidr::parse("10.0.0.1/16").unwrap(),
    });
    b.route(h, Some("10.2.0.0/16"), None, "v1", false);
    b.up(h, "v1", true);
    b.route(h, Some("10.2.0.0/16"), Some("99.0.0.1"), "v1", false);
    b.route(h, Some("10.2.0.5/16"), None, "v1", false);
    b.route(h, Some("10.0.0.0/24"), None, "v1", false);
    b.0.push(Op::RouteDel {
        ns: B::ns(h),
        route: RouteSpec {
            dst: Some(Ipv4Cidr::parse("10.77.0.0/16").unwrap()),
            via: None,
            dev: "v1".into(),
            onlink: false,
        },
    });
    b.sysctl(h, "net.nosuch.key", "1");
    b.sysctl(h, "net.ipv4.conf.nosuch.forwarding", "1");
    let nat = |op: fn(NetnsName, Table, String) -> Op, c: &str| op(B::ns(h), Table::Nat, c.into());
    b.0.push(nat(
        |ns, table, chain| Op::ChainAdd { ns, table, chain },
        "DOCKER",
    ));
    b.0.push(nat(
        |ns, table, chain| Op::ChainAdd { ns, table, chain },
        "DOCKER",
    ));
    b.0.push(nat(
        |ns, table, chain| Op::ChainDel { ns, table, chain },
        "NOPE",
    ));
    b.0.push(Op::RuleAdd {
        ns: B::ns(h),
        table: Table::Nat,
        chain: "DOCKER".into(),
        rule: docknet_netstate::rule::RuleSpec::parse("-j NOPE").unwrap(),
        at: RulePosition::Append,
    });
    b.0.push(Op::RuleAdd {
        ns: B::ns(h),
        table: Table::Nat,
        chain: "DOCKER".into(),
        rule: docknet_netstate::rule::RuleSpec::parse("-j RETURN").unwrap(),
        at: RulePosition::Insert(2),
    });
    b.0.push(Op::RuleDel {
        ns: B::ns(h),
        table: Table::Nat,
        chain: "DOCKER".into(),
        rule: docknet_netstate::rule::RuleSpec::parse("-j RETURN").unwrap(),
    });
    b.0.push(Op::RuleAdd {
        ns: B::ns(h),
        table: Table::Nat,
        chain: "PREROUTING".into(),
        rule: docknet_netstate::rule::RuleSpec::parse("-j DOCKER").unwrap(),
        at: RulePosition::Append,
    });
    b.0.push(nat(
        |ns, table, chain| Op::ChainDel { ns, table, chain },
        "DOCKER",
    ));
    b.0.push(Op::ChainPolicy {
        ns: B::ns(h),
        table: Table::Nat,
        chain: "DOCKER".into(),
        policy: "ACCEPT".into(),
    });
    b.0
}
