//! Building the scenario's host before the daemon starts.
//!
//! The host namespace gets `lo` up and one veth per `%host-if`, whose peer (same name) lives in
//! the "outside" namespace. The peer of an interface with a gateway owns the gateway address,
//! so the outside namespace plays the upstream router; the host gets the interface address
//! with its broadcast (as ifupdown configures it) and `default via GW dev IF [onlink]`.
//! The same ops run on the simulated and on the real kernel.

use docknet_engine::{Kernel, NetnsName, Op, RouteSpec};

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
        // lo, outside, outside lo, 2 veths, 2 ups, 2 addrs, 1 route.
        assert_eq!(ops.len(), 10);
        assert!(matches!(&ops[3], Op::LinkAdd { name, .. } if name == "ens160"));
        assert!(matches!(&ops[4], Op::LinkAdd { name, .. } if name == "ens192"));
        assert!(matches!(&ops[9], Op::RouteAdd { route, .. } if route.onlink));
        assert!(!ops
            .iter()
            .any(|op| matches!(op, Op::LinkSetUp { name, .. } if name == "ens192")));
    }
}
