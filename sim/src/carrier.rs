//! Carrier and operstate: what linkwatch does after a carrier change.
//!
//! Facts (6.18, `ip -j link` in scratch namespaces, read >1 s after the change):
//! - operstate is only recomputed on a carrier event (`rfc2863_policy`), and reported DOWN
//!   whenever the device is not up; a device whose carrier never changed (lo, a fresh bridge)
//!   stays `UNKNOWN`;
//! - carrier on gives `UP`; carrier off gives `DOWN`, or `LOWERLAYERDOWN` when the device has a
//!   lower link (a veth's peer) whose carrier is also off. The lower link is looked up BY
//!   IFINDEX IN THE DEVICE'S OWN NAMESPACE (`default_operstate`): a host veth whose peer is
//!   `eth0` (ifindex 2) in a container is checked against host ifindex 2 — the bridge.
//!   Observed: host end up, peer down in a container: `DOWN` when host ifindex 2 (br0) had
//!   carrier, `LOWERLAYERDOWN` when br0 had none, `DOWN` when no host device had that index;
//!   with both ends in one namespace: `LOWERLAYERDOWN`;
//! - after an event on an up device come the NETDEV_CHANGE notifiers: IPv6 configures the
//!   link-local address once the link is ready, and a bridge port is re-checked;
//! - routes through a device without carrier carry `linkdown` (computed at observe time).
//!
//! The kernel defers non-urgent events by up to a second; the sim settles them after each op.

use docknet_netstate::state::OperState;

use crate::link::DevKind;
use crate::{DevId, Sim};

impl Sim {
    /// `netif_carrier_on/off`: flips the bit and queues a linkwatch event if it changed.
    pub(crate) fn set_carrier(&mut self, id: DevId, on: bool) {
        let d = self.dev_mut(id);
        if d.carrier != on {
            d.carrier = on;
            self.pending.insert(id);
        }
    }

    /// `default_operstate`: UP with carrier; else DOWN or LOWERLAYERDOWN by the lower
    /// link's carrier, that link looked up by index in this device's namespace.
    fn default_operstate(&self, id: DevId) -> OperState {
        let d = self.dev(id);
        if d.carrier {
            return OperState::Up;
        }
        let iflink = match d.kind {
            DevKind::Veth { peer } => peer.map(|p| self.dev(p).ifindex).unwrap_or(0),
            _ => d.ifindex,
        };
        if iflink == d.ifindex {
            return OperState::Down;
        }
        match self.net(d.net).by_index.get(&iflink) {
            Some(lower) if !self.dev(*lower).carrier => OperState::LowerLayerDown,
            _ => OperState::Down,
        }
    }

    /// Runs linkwatch until no event is left: new operstate, then NETDEV_CHANGE effects.
    pub(crate) fn settle(&mut self) {
        while let Some(id) = self.pending.pop_first() {
            if !self.devs.contains_key(&id) {
                continue;
            }
            let st = self.default_operstate(id);
            self.dev_mut(id).operstate = st;
            if self.dev(id).up {
                self.addrconf_change(id);
                self.port_carrier_check(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::state::OperState;
    use docknet_netstate::{Kernel, LinkAddKind, Mac, NetnsName, Op};

    use crate::Sim;

    /// Host end up, peer down in a container: the peer's index is looked up in the host.
    #[test]
    fn host_veth_operstate_looks_up_peer_index_in_own_namespace() {
        let mut sim = Sim::new();
        let h = NetnsName::host();
        sim.apply(&Op::LinkAdd {
            ns: h.clone(),
            name: "br0".into(),
            mac: Some(Mac([2, 0x42, 0, 0, 0, 1])),
            kind: LinkAddKind::Bridge,
        })
        .unwrap();
        {
            let (n, c) = ("a3", "c3");
            sim.apply(&Op::NetnsAdd {
                ns: NetnsName::new(c),
            })
            .unwrap();
            sim.apply(&Op::LinkAdd {
                ns: h.clone(),
                name: n.into(),
                mac: None,
                kind: LinkAddKind::Veth {
                    peer: "eth0".into(),
                    peer_ns: Some(NetnsName::new(c)),
                    peer_mac: None,
                },
            })
            .unwrap();
            sim.apply(&Op::LinkSetUp {
                ns: h.clone(),
                name: n.into(),
                up: true,
            })
            .unwrap();
        }
        let st = sim.observe().unwrap();
        // eth0 is ifindex 2 in c3; host ifindex 2 is br0, which has no carrier.
        let a3 = st.host().link_by_name("a3").unwrap();
        assert_eq!(a3.operstate, OperState::LowerLayerDown);
        assert!(a3.up && !a3.lower_up);
    }
}
