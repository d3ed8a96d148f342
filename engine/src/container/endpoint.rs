//! Kernel ops for a sandbox and its endpoints, in Docker 20.10's order (facts §4.2, §4.4), each
//! with the op that takes it back.
//!
//! Join: the bridge driver makes the veth pair in the host (`TxQLen 0` on both ends, MTU if the
//! network has one, host end enslaved and up); the sandbox then moves the container end in,
//! renames it `ethN`, sets its MAC, adds the address and brings it up, and the gateway
//! endpoint adds the default route. Leave reverses that: down, renamed back, moved out, and
//! `LinkDel` takes both ends. Leave also deletes the address and default route explicitly
//! before moving the link out (Docker lets the move drop them): the final state is the same,
//! and a rollback can then restore them.

use std::net::Ipv4Addr;

use crate::container::model::VethPair;
use crate::op::{Ipv4Cidr, LinkAddKind, Mac, NetnsName, Op, RouteSpec};
use crate::plan::Plan;

/// The container netns sysctl 20.10 writes: IPv6 off everywhere ("all" also sets "default"
/// and every existing device in the kernel; docknet writes those two explicitly as well, so
/// a model kernel need not know that rule).
const IPV6_OFF: &[&str] = &[
    "net.ipv6.conf.all.disable_ipv6",
    "net.ipv6.conf.default.disable_ipv6",
    "net.ipv6.conf.lo.disable_ipv6",
];

fn host() -> NetnsName {
    NetnsName::host()
}

/// Creates a sandbox namespace: the netns, IPv6 disabled, `lo` up.
pub fn sandbox_create(plan: &mut Plan, key: &str) {
    let ns = NetnsName::new(key);
    plan.push(
        Op::NetnsAdd { ns: ns.clone() },
        Some(Op::NetnsDel { ns: ns.clone() }),
    );
    for k in IPV6_OFF {
        plan.push(
            Op::SysctlSet {
                ns: ns.clone(),
                key: k.to_string(),
                value: "1".into(),
            },
            None,
        );
    }
    plan.push(
        Op::LinkSetUp {
            ns,
            name: "lo".into(),
            up: true,
        },
        None,
    );
}

/// Destroys a sandbox namespace (everything left in it goes too).
pub fn sandbox_delete(plan: &mut Plan, key: &str) {
    plan.push(
        Op::NetnsDel {
            ns: NetnsName::new(key),
        },
        None,
    );
}

/// Bridge `CreateEndpoint`: the veth pair in the host, attached to the bridge and up.
pub fn veth_create(plan: &mut Plan, veth: &VethPair, mtu: Option<u32>) {
    plan.push(
        Op::LinkAdd {
            ns: host(),
            name: veth.host.clone(),
            mac: Some(veth.host_mac),
            kind: LinkAddKind::Veth {
                peer: veth.temp.clone(),
                peer_ns: None,
                peer_mac: None,
            },
        },
        Some(Op::LinkDel {
            ns: host(),
            name: veth.host.clone(),
        }),
    );
    for name in [&veth.host, &veth.temp] {
        plan.push(
            Op::LinkSetTxQueueLen {
                ns: host(),
                name: name.clone(),
                qlen: 0,
            },
            None,
        );
    }
    if let Some(mtu) = mtu {
        for name in [&veth.host, &veth.temp] {
            plan.push(
                Op::LinkSetMtu {
                    ns: host(),
                    name: name.clone(),
                    mtu,
                },
                None,
            );
        }
    }
    plan.push(
        Op::LinkSetMaster {
            ns: host(),
            name: veth.host.clone(),
            master: Some(veth.bridge.clone()),
        },
        Some(Op::LinkSetMaster {
            ns: host(),
            name: veth.host.clone(),
            master: None,
        }),
    );
    plan.push(
        Op::LinkSetUp {
            ns: host(),
            name: veth.host.clone(),
            up: true,
        },
        Some(Op::LinkSetUp {
            ns: host(),
            name: veth.host.clone(),
            up: false,
        }),
    );
}

/// `osl.AddInterface`: move the container end in, rename, MAC, address, up.
pub fn veth_join(plan: &mut Plan, key: &str, veth: &VethPair, ip: Ipv4Cidr, mac: Mac) {
    let ns = NetnsName::new(key);
    plan.push(
        Op::LinkSetNetns {
            ns: host(),
            name: veth.temp.clone(),
            target: ns.clone(),
        },
        Some(Op::LinkSetNetns {
            ns: ns.clone(),
            name: veth.temp.clone(),
            target: host(),
        }),
    );
    plan.push(
        Op::LinkSetUp {
            ns: ns.clone(),
            name: veth.temp.clone(),
            up: false,
        },
        None,
    );
    plan.push(
        Op::LinkSetName {
            ns: ns.clone(),
            name: veth.temp.clone(),
            new_name: veth.ifname.clone(),
        },
        Some(Op::LinkSetName {
            ns: ns.clone(),
            name: veth.ifname.clone(),
            new_name: veth.temp.clone(),
        }),
    );
    plan.push(
        Op::LinkSetMac {
            ns: ns.clone(),
            name: veth.ifname.clone(),
            mac,
        },
        None,
    );
    plan.push(
        addr_add(&ns, &veth.ifname, ip),
        Some(addr_del(&ns, &veth.ifname, ip)),
    );
    plan.push(
        Op::LinkSetUp {
            ns: ns.clone(),
            name: veth.ifname.clone(),
            up: true,
        },
        Some(Op::LinkSetUp {
            ns,
            name: veth.ifname.clone(),
            up: false,
        }),
    );
}

fn addr_add(ns: &NetnsName, dev: &str, addr: Ipv4Cidr) -> Op {
    Op::AddrAdd {
        ns: ns.clone(),
        dev: dev.to_string(),
        addr,
        broadcast: true,
    }
}

fn addr_del(ns: &NetnsName, dev: &str, addr: Ipv4Cidr) -> Op {
    Op::AddrDel {
        ns: ns.clone(),
        dev: dev.to_string(),
        addr,
    }
}

fn default_route(dev: &str, gw: Ipv4Addr) -> RouteSpec {
    RouteSpec {
        dst: None,
        via: Some(gw),
        dev: dev.to_string(),
        onlink: false,
    }
}

/// `programGateway`: the sandbox's default route through this endpoint.
pub fn gateway_add(plan: &mut Plan, key: &str, ifname: &str, gw: Ipv4Addr) {
    let ns = NetnsName::new(key);
    let route = default_route(ifname, gw);
    plan.push(
        Op::RouteAdd {
            ns: ns.clone(),
            route: route.clone(),
        },
        Some(Op::RouteDel { ns, route }),
    );
}

/// Removes the default route through this endpoint.
pub fn gateway_del(plan: &mut Plan, key: &str, ifname: &str, gw: Ipv4Addr) {
    let ns = NetnsName::new(key);
    let route = default_route(ifname, gw);
    plan.push(
        Op::RouteDel {
            ns: ns.clone(),
            route: route.clone(),
        },
        Some(Op::RouteAdd { ns, route }),
    );
}

/// `nwIface.Remove`: address off, down, renamed back, moved to the host.
pub fn veth_leave(plan: &mut Plan, key: &str, veth: &VethPair, ip: Ipv4Cidr) {
    let ns = NetnsName::new(key);
    plan.push(
        addr_del(&ns, &veth.ifname, ip),
        Some(addr_add(&ns, &veth.ifname, ip)),
    );
    plan.push(
        Op::LinkSetUp {
            ns: ns.clone(),
            name: veth.ifname.clone(),
            up: false,
        },
        Some(Op::LinkSetUp {
            ns: ns.clone(),
            name: veth.ifname.clone(),
            up: true,
        }),
    );
    plan.push(
        Op::LinkSetName {
            ns: ns.clone(),
            name: veth.ifname.clone(),
            new_name: veth.temp.clone(),
        },
        Some(Op::LinkSetName {
            ns: ns.clone(),
            name: veth.temp.clone(),
            new_name: veth.ifname.clone(),
        }),
    );
    plan.push(
        Op::LinkSetNetns {
            ns: ns.clone(),
            name: veth.temp.clone(),
            target: host(),
        },
        Some(Op::LinkSetNetns {
            ns: host(),
            name: veth.temp.clone(),
            target: ns,
        }),
    );
}

/// Bridge `DeleteEndpoint`: `LinkDel` of the (moved back) container end takes both ends.
pub fn veth_delete(plan: &mut Plan, veth: &VethPair) {
    plan.push(
        Op::LinkDel {
            ns: host(),
            name: veth.temp.clone(),
        },
        None,
    );
}

/// The container MAC of ≤ 27.x: `02:42` + the IPv4 address bytes.
pub fn container_mac(ip: Ipv4Addr) -> Mac {
    let o = ip.octets();
    Mac([0x02, 0x42, o[0], o[1], o[2], o[3]])
}

/// A random unicast, locally administered MAC, as the kernel gives a new veth.
pub fn random_local_mac(bytes: [u8; 6]) -> Mac {
    let mut b = bytes;
    b[0] = (b[0] & 0xfe) | 0x02;
    Mac(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs() {
        assert_eq!(
            container_mac(Ipv4Addr::new(10, 0, 0, 100)).to_string(),
            "02:42:0a:00:00:64"
        );
        let m = random_local_mac([0xff; 6]);
        assert_eq!(m.0[0], 0xfe);
    }
}
