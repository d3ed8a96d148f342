//! Gating and op builders shared by the kernel integration tests.
#![allow(dead_code)]

use docknet_netstate::op::{Ipv4Cidr, LinkAddKind, Mac, NetnsName, Op, RouteSpec};

/// Whether kernel tests can run here; prints why not, and fails loudly when `CI` is set.
pub fn kernel_available() -> bool {
    match docknet_kernel::probe() {
        Ok(()) => true,
        Err(reason) => {
            if std::env::var_os("CI").is_some() {
                panic!("kernel tests must run in CI, but: {reason}");
            }
            eprintln!("skipped (needs root and iptables): {reason}");
            false
        }
    }
}

/// A namespace name.
pub fn ns(s: &str) -> NetnsName {
    NetnsName::new(s)
}

/// A CIDR.
pub fn cidr(s: &str) -> Ipv4Cidr {
    Ipv4Cidr::parse(s).unwrap()
}

/// A MAC.
pub fn mac(s: &str) -> Mac {
    Mac::parse(s).unwrap()
}

/// docker0 as dockerd creates it: bridge, address, up.
pub fn docker0() -> Vec<Op> {
    let h = NetnsName::host();
    vec![
        Op::LinkAdd {
            ns: h.clone(),
            name: "docker0".into(),
            mac: Some(mac("02:42:9f:00:00:01")),
            kind: LinkAddKind::Bridge,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "docker0".into(),
            addr: cidr("172.17.0.1/16"),
            broadcast: true,
        },
        Op::LinkSetUp {
            ns: h,
            name: "docker0".into(),
            up: true,
        },
    ]
}

/// Attaching container `i` to docker0 the way dockerd does, op by op.
pub fn attach(i: u32) -> Vec<Op> {
    let h = NetnsName::host();
    let c = ns(&format!("/var/run/docker/netns/c{i:011}"));
    let host_end = format!("veth{i:07x}");
    let peer = format!("vethp{i:06x}");
    let ip = std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::new(172, 17, 0, 2)) + i);
    vec![
        Op::NetnsAdd { ns: c.clone() },
        Op::LinkAdd {
            ns: h.clone(),
            name: host_end.clone(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: peer.clone(),
                peer_ns: None,
                peer_mac: None,
            },
        },
        Op::LinkSetMaster {
            ns: h.clone(),
            name: host_end.clone(),
            master: Some("docker0".into()),
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: host_end,
            up: true,
        },
        Op::LinkSetNetns {
            ns: h,
            name: peer.clone(),
            target: c.clone(),
        },
    ]
    .into_iter()
    .chain(named_eth0(&c, peer, ip))
    .chain([
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
        default_route(c),
    ])
    .collect()
}

/// Attaching container `i` with exactly the ops docknet's engine sends for `docker run`
/// (libnetwork's order: sandbox with IPv6 off, veth in the host with txqlen 0 and MTU on both
/// ends, enslaved and up, peer moved, set down, renamed, MAC, address, up, default route).
pub fn attach_like_libnetwork(i: u32) -> Vec<Op> {
    let h = NetnsName::host();
    let c = ns(&format!("/var/run/docker/netns/{i:012x}"));
    let host_end = format!("veth{i:07x}");
    let peer = format!("vethp{i:06x}");
    let ip = std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::new(172, 17, 0, 2)) + i);
    let sysctl = |key: &str| Op::SysctlSet {
        ns: c.clone(),
        key: key.into(),
        value: "1".into(),
    };
    vec![
        Op::NetnsAdd { ns: c.clone() },
        sysctl("net.ipv6.conf.all.disable_ipv6"),
        sysctl("net.ipv6.conf.default.disable_ipv6"),
        sysctl("net.ipv6.conf.lo.disable_ipv6"),
        Op::LinkSetUp {
            ns: c.clone(),
            name: "lo".into(),
            up: true,
        },
        Op::LinkAdd {
            ns: h.clone(),
            name: host_end.clone(),
            mac: Some(mac(&format!("76:38:bb:43:65:{i:02x}"))),
            kind: LinkAddKind::Veth {
                peer: peer.clone(),
                peer_ns: None,
                peer_mac: None,
            },
        },
        Op::LinkSetTxQueueLen {
            ns: h.clone(),
            name: host_end.clone(),
            qlen: 0,
        },
        Op::LinkSetTxQueueLen {
            ns: h.clone(),
            name: peer.clone(),
            qlen: 0,
        },
        Op::LinkSetMtu {
            ns: h.clone(),
            name: host_end.clone(),
            mtu: 1500,
        },
        Op::LinkSetMtu {
            ns: h.clone(),
            name: peer.clone(),
            mtu: 1500,
        },
        Op::LinkSetMaster {
            ns: h.clone(),
            name: host_end.clone(),
            master: Some("docker0".into()),
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: host_end,
            up: true,
        },
        Op::LinkSetNetns {
            ns: h,
            name: peer.clone(),
            target: c.clone(),
        },
        Op::LinkSetUp {
            ns: c.clone(),
            name: peer.clone(),
            up: false,
        },
    ]
    .into_iter()
    .chain(named_eth0(&c, peer, ip))
    .chain([
        Op::LinkSetUp {
            ns: c.clone(),
            name: "eth0".into(),
            up: true,
        },
        default_route(c),
    ])
    .collect()
}

/// The peer in the container renamed `eth0`, given Docker's MAC for `ip` and the address.
fn named_eth0(c: &NetnsName, peer: String, ip: std::net::Ipv4Addr) -> Vec<Op> {
    let o = ip.octets();
    vec![
        Op::LinkSetName {
            ns: c.clone(),
            name: peer,
            new_name: "eth0".into(),
        },
        Op::LinkSetMac {
            ns: c.clone(),
            name: "eth0".into(),
            mac: mac(&format!(
                "02:42:{:02x}:{:02x}:{:02x}:{:02x}",
                o[0], o[1], o[2], o[3]
            )),
        },
        Op::AddrAdd {
            ns: c.clone(),
            dev: "eth0".into(),
            addr: Ipv4Cidr::new(ip, 16),
            broadcast: true,
        },
    ]
}

/// The container's default route via docker0's gateway.
fn default_route(c: NetnsName) -> Op {
    Op::RouteAdd {
        ns: c,
        route: RouteSpec {
            dst: None,
            via: Some("172.17.0.1".parse().unwrap()),
            dev: "eth0".into(),
            onlink: false,
        },
    }
}
