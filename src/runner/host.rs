//! Building the scenario's host before the daemon starts.
//!
//! The host namespace gets `lo` up and one veth per `%host-if`, whose peer (same name) lives in
//! the "outside" namespace. The peer of an interface with a gateway owns the gateway address,
//! so the outside namespace plays the upstream router; the host gets the interface address
//! with its broadcast (as ifupdown configures it) and `default via GW dev IF [onlink]`.
//! The outside also answers for every public address (AnyIP local routes), so that "the
//! internet" (8.8.8.8, ...) replies from there. The same ops run on the simulated and on
//! the real kernel.

use docknet_engine::{Ipv4Cidr, Kernel, NetnsName, Op, RouteSpec};

use crate::error::Error;
use crate::scenario::HostIf;
use docknet_netstate::tools::MacSource;

/// The ops that build the host, in order.
pub fn plan(host_ifs: &[HostIf], macs: &mut MacSource) -> Vec<Op> {
    let (host, outside) = (NetnsName::host(), NetnsName::outside());
    let up = |ns: &NetnsName, name: &str| Op::LinkSetUp {
        ns: ns.clone(),
        name: name.to_string(),
        up: true,
    };
    let mut ops = vec![
        up(&host, "lo"),
        Op::NetnsAdd {
            ns: outside.clone(),
        },
        up(&outside, "lo"),
    ];
    for hif in host_ifs {
        ops.push(Op::LinkAdd {
            ns: host.clone(),
            name: hif.name.clone(),
            mac: Some(hif.mac),
            kind: docknet_engine::LinkAddKind::Veth {
                peer: hif.name.clone(),
                peer_ns: Some(outside.clone()),
                peer_mac: Some(macs.next_mac()),
            },
        });
    }
    for hif in host_ifs.iter().filter(|h| h.up) {
        // The far end first, so the host end comes up with carrier.
        ops.push(up(&outside, &hif.name));
        ops.push(up(&host, &hif.name));
        for addr in &hif.addrs {
            ops.push(Op::AddrAdd {
                ns: host.clone(),
                dev: hif.name.clone(),
                addr: *addr,
                broadcast: true,
            });
        }
        if let Some(gw) = hif.gateway_cidr() {
            ops.push(Op::AddrAdd {
                ns: outside.clone(),
                dev: hif.name.clone(),
                addr: gw,
                broadcast: true,
            });
        }
    }
    if host_ifs.iter().any(|h| h.gateway.is_some()) {
        let uplinks: Vec<Ipv4Cidr> = host_ifs
            .iter()
            .flat_map(|h| h.addrs.iter().map(Ipv4Cidr::masked))
            .collect();
        for dst in internet(&uplinks) {
            ops.push(Op::LocalRouteAdd {
                ns: outside.clone(),
                dst,
            });
        }
    }
    for hif in host_ifs {
        if let Some(gw) = hif.gateway {
            ops.push(Op::RouteAdd {
                ns: host.clone(),
                route: RouteSpec {
                    dst: None,
                    via: Some(gw),
                    dev: hif.name.clone(),
                    onlink: hif.onlink,
                },
            });
        }
    }
    ops
}

/// Private, loopback, link-local, multicast and reserved space: not "the internet".
const NOT_INTERNET: &[(u32, u8)] = &[
    (0x0000_0000, 8),
    (0x0a00_0000, 8),
    (0x6440_0000, 10),
    (0x7f00_0000, 8),
    (0xa9fe_0000, 16),
    (0xac10_0000, 12),
    (0xc0a8_0000, 16),
    (0xe000_0000, 3),
];

/// The public IPv4 space less `exclude` (the uplinks' own subnets), as the fewest prefixes:
/// the outside answers for all of it (AnyIP), so "the internet" replies from there.
pub fn internet(exclude: &[Ipv4Cidr]) -> Vec<Ipv4Cidr> {
    let mut excluded: Vec<Ipv4Cidr> = NOT_INTERNET
        .iter()
        .map(|&(a, p)| Ipv4Cidr::new(a.into(), p))
        .collect();
    excluded.extend_from_slice(exclude);
    let mut out = Vec::new();
    split(
        Ipv4Cidr::new(std::net::Ipv4Addr::UNSPECIFIED, 0),
        &excluded,
        &mut out,
    );
    out
}

fn split(block: Ipv4Cidr, excluded: &[Ipv4Cidr], out: &mut Vec<Ipv4Cidr>) {
    if excluded
        .iter()
        .any(|e| e.prefix <= block.prefix && e.contains(block.addr))
    {
        return;
    }
    if !excluded.iter().any(|e| block.overlaps(e)) {
        out.push(block);
        return;
    }
    let half = 1u32 << (31 - block.prefix);
    let lo = Ipv4Cidr::new(block.addr, block.prefix + 1);
    let hi = Ipv4Cidr::new((u32::from(block.addr) | half).into(), block.prefix + 1);
    split(lo, excluded, out);
    split(hi, excluded, out);
}

/// Applies [`plan`] to `kernel`.
pub fn build(
    kernel: &mut dyn Kernel,
    host_ifs: &[HostIf],
    macs: &mut MacSource,
) -> Result<(), Error> {
    let ops = plan(host_ifs, macs);
    kernel
        .apply_all(&ops)
        .map_err(|(i, e)| Error::Setup(format!("{:?}: {e}", ops[i])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_host_plan() {
        let ifs = [
            HostIf::parse(
                &"ens160 mac 00:50:56:b4:47:61 addr 10.190.16.120/24 gateway 10.190.16.1 onlink"
                    .split(' ')
                    .map(String::from)
                    .collect::<Vec<_>>(),
            )
            .unwrap(),
            HostIf::parse(
                &"ens192 mac 00:50:56:b4:9b:ec down"
                    .split(' ')
                    .map(String::from)
                    .collect::<Vec<_>>(),
            )
            .unwrap(),
        ];
        let ops = plan(&ifs, &mut MacSource::new(0));
        let internet = internet(&[Ipv4Cidr::parse("10.190.16.0/24").unwrap()]).len();
        // lo, outside, outside lo, 2 veths, 2 ups, 2 addrs, the internet, 1 route.
        assert_eq!(ops.len(), 10 + internet);
        assert!(matches!(&ops[3], Op::LinkAdd { name, .. } if name == "ens160"));
        assert!(matches!(&ops[4], Op::LinkAdd { name, .. } if name == "ens192"));
        assert!(matches!(ops.last(), Some(Op::RouteAdd { route, .. }) if route.onlink));
        assert!(!ops
            .iter()
            .any(|op| matches!(op, Op::LinkSetUp { name, .. } if name == "ens192")));
    }

    #[test]
    fn the_internet_is_public_space_only() {
        let net = internet(&[]);
        let has = |a: &str| net.iter().any(|c| c.contains(a.parse().unwrap()));
        assert!(has("8.8.8.8") && has("1.1.1.1") && has("203.0.113.9"));
        assert!(!has("10.1.2.3") && !has("172.17.0.2") && !has("192.168.1.1") && !has("127.0.0.1"));
        assert!(net.len() < 80, "{}", net.len());
    }
}
