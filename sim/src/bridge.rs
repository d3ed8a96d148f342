//! Bridges: ports, STP port states (STP off), the bridge's carrier, MAC and MTU.
//!
//! Facts (6.18, `ip -d -j link`, `bridge link`, scratch namespaces, read after >1 s):
//! - a bridge starts with carrier ON: created (with no MAC) and set up with no ports it shows
//!   `UP,LOWER_UP` and operstate `UNKNOWN` (no linkwatch event ever ran for it);
//! - port-state selection (`br_port_state_selection`) sets the carrier to "some port is
//!   forwarding". It runs when the bridge id (MAC) changes, when a port is enabled or
//!   disabled, and when a port is removed. So a bridge given a MAC (at creation or later; also
//!   after `up`) has NO carrier with no ports: `NO-CARRIER`, operstate `DOWN` and no IPv6
//!   link-local, which is what Docker's docker0 shows (reference/dockerd-20.10/02-kstate-ip-link);
//! - a bridge without a user-set MAC takes the lowest port MAC, follows ports as they come and
//!   go, and becomes 00:00:00:00:00:00 when the last port leaves; a user-set MAC is sticky;
//! - with STP off a port is `forwarding` (3) once the bridge is up and the port is up with
//!   carrier (operstate UP), else `disabled` (0); the bridge goes `UP` when a port forwards and
//!   back to `NO-CARRIER`/`DOWN` when none does;
//! - a port must be in the bridge's namespace (the master is looked up there); lo cannot be a
//!   port (EINVAL), a bridge cannot be a port of a bridge (ELOOP), only bridges can be masters;
//! - the bridge MTU follows the minimum port MTU (1500 with no ports) until the user sets it;
//! - port numbers are the lowest free from 1.

use docknet_netstate::kernel::Errno;
use docknet_netstate::{Mac, NetnsName};

use crate::error::{fail, SimError};
use crate::link::DevKind;
use crate::{DevId, Sim};

impl Sim {
    /// The ports of bridge `br`, in join order.
    fn ports(&self, br: DevId) -> Vec<DevId> {
        self.port_slice(br).to_vec()
    }

    /// The ports of bridge `br`, borrowed (for read-only scans).
    fn port_slice(&self, br: DevId) -> &[DevId] {
        match &self.dev(br).kind {
            DevKind::Bridge(b) => &b.ports,
            _ => &[],
        }
    }

    /// `ip link set NAME master BR` / `nomaster`.
    pub(crate) fn link_set_master(
        &mut self,
        ns: &NetnsName,
        name: &str,
        master: Option<&str>,
    ) -> Result<(), SimError> {
        let (net, id) = self.lookup(ns, name)?;
        let Some(master) = master else {
            if let Some(br) = self.dev(id).master {
                self.br_del_if(br, id);
            }
            return Ok(());
        };
        let br = self.dev_by_name(net, master)?;
        if !self.dev(br).is_bridge() {
            // The master has no ndo_add_slave.
            return fail(Errno::EOPNOTSUPP);
        }
        if self.dev(id).master == Some(br) {
            return Ok(());
        }
        match self.dev(id).kind {
            DevKind::Loopback => return fail(Errno::EINVAL),
            DevKind::Bridge(_) => return fail(Errno::ELOOP),
            DevKind::Veth { .. } => {}
        }
        if let Some(old) = self.dev(id).master {
            self.br_del_if(old, id);
        }
        self.br_add_if(br, id);
        Ok(())
    }

    /// The lowest port number not in use on `br` (numbers start at 1).
    fn free_port_no(&self, br: DevId) -> u16 {
        let ports = self.port_slice(br);
        let max = ports
            .iter()
            .map(|p| self.dev(*p).port_no)
            .max()
            .unwrap_or(0);
        if usize::from(max) == ports.len() {
            // Dense numbering (the usual case): the next one.
            return max + 1;
        }
        let used: std::collections::BTreeSet<u16> =
            ports.iter().map(|p| self.dev(*p).port_no).collect();
        (1u16..)
            .find(|n| !used.contains(n))
            .expect("a free port number")
    }

    /// `br_add_if`: join as disabled, re-elect the bridge id, enable if everything is up.
    fn br_add_if(&mut self, br: DevId, port: DevId) {
        let port_no = self.free_port_no(br);
        if let DevKind::Bridge(b) = &mut self.dev_mut(br).kind {
            b.ports.push(port);
            b.gso_limits_set = true;
        }
        let p = self.dev_mut(port);
        p.master = Some(br);
        p.forwarding = false;
        p.port_no = port_no;
        self.recalc_bridge_id(br);
        let (p_ok, br_up) = {
            let p = self.dev(port);
            (p.up && p.oper_up(), self.dev(br).up)
        };
        if p_ok && br_up {
            self.stp_enable_port(port);
        }
        self.bridge_mtu_auto_adjust(br);
    }

    /// `br_del_if` (`del_nbp`): disable the port (selection runs even if it was disabled),
    /// drop it, re-elect the id, re-adjust the MTU.
    pub(crate) fn br_del_if(&mut self, br: DevId, port: DevId) {
        self.stp_disable_port(port);
        if let DevKind::Bridge(b) = &mut self.dev_mut(br).kind {
            b.ports.retain(|p| *p != port);
            b.gso_limits_set = true;
        }
        let p = self.dev_mut(port);
        p.master = None;
        p.forwarding = false;
        p.port_no = 0;
        self.recalc_bridge_id(br);
        self.bridge_mtu_auto_adjust(br);
    }

    /// `br_port_state_selection`: the carrier is "some port forwards".
    fn port_state_selection(&mut self, br: DevId) {
        let live = self.port_slice(br).iter().any(|p| self.dev(*p).forwarding);
        self.set_carrier(br, live);
    }

    /// `br_stp_enable_port`: with STP off the port goes straight to forwarding.
    fn stp_enable_port(&mut self, port: DevId) {
        self.dev_mut(port).forwarding = true;
        if let Some(br) = self.dev(port).master {
            self.port_state_selection(br);
        }
    }

    /// `br_stp_disable_port`.
    fn stp_disable_port(&mut self, port: DevId) {
        self.dev_mut(port).forwarding = false;
        if let Some(br) = self.dev(port).master {
            self.port_state_selection(br);
        }
    }

    /// `br_stp_change_bridge_id`: new MAC, then selection.
    pub(crate) fn change_bridge_id(&mut self, br: DevId, mac: Mac) {
        self.dev_mut(br).mac = mac;
        self.port_state_selection(br);
    }

    /// `br_stp_recalculate_bridge_id`: unless the MAC is user-set, the lowest port MAC (zero
    /// without ports); selection runs only if it changed.
    pub(crate) fn recalc_bridge_id(&mut self, br: DevId) {
        if self.dev(br).mac_set {
            return;
        }
        let mac = self
            .port_slice(br)
            .iter()
            .map(|p| self.dev(*p).mac)
            .min()
            .unwrap_or(Mac::ZERO);
        if mac != self.dev(br).mac {
            self.change_bridge_id(br, mac);
        }
    }

    /// `br_mtu_auto_adjust`: the minimum port MTU, or 1500 without ports, unless user-set.
    pub(crate) fn bridge_mtu_auto_adjust(&mut self, br: DevId) {
        let user_set = matches!(&self.dev(br).kind, DevKind::Bridge(b) if b.mtu_set_by_user);
        if user_set {
            return;
        }
        let mtu = self
            .port_slice(br)
            .iter()
            .map(|p| self.dev(*p).mtu)
            .min()
            .unwrap_or(1500);
        self.dev_mut(br).mtu = mtu;
    }

    /// `br_stp_enable_bridge` (bridge up): enable every port that is up and oper-up.
    pub(crate) fn bridge_open(&mut self, br: DevId) {
        for p in self.ports(br) {
            let ok = {
                let d = self.dev(p);
                d.up && d.oper_up()
            };
            if ok {
                self.stp_enable_port(p);
            }
        }
    }

    /// `br_stp_disable_bridge` (bridge down): disable every port not yet disabled.
    pub(crate) fn bridge_stop(&mut self, br: DevId) {
        for p in self.ports(br) {
            if self.dev(p).forwarding {
                self.stp_disable_port(p);
            }
        }
    }

    /// NETDEV_UP on a port: enabled if the bridge is up and the port oper-up.
    pub(crate) fn port_netdev_up(&mut self, port: DevId) {
        let Some(br) = self.dev(port).master else {
            return;
        };
        if self.dev(br).up && self.dev(port).oper_up() {
            self.stp_enable_port(port);
        }
    }

    /// NETDEV_DOWN on a port: disabled if the bridge is up.
    pub(crate) fn port_netdev_down(&mut self, port: DevId) {
        let Some(br) = self.dev(port).master else {
            return;
        };
        if self.dev(br).up {
            self.stp_disable_port(port);
        }
    }

    /// `br_port_carrier_check` (NETDEV_CHANGE on a port, after linkwatch).
    pub(crate) fn port_carrier_check(&mut self, port: DevId) {
        let Some(br) = self.dev(port).master else {
            return;
        };
        if !self.dev(br).up {
            return;
        }
        let (ok, fwd) = {
            let d = self.dev(port);
            (d.up && d.oper_up(), d.forwarding)
        };
        if ok && !fwd {
            self.stp_enable_port(port);
        } else if !ok && fwd {
            self.stp_disable_port(port);
        }
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::state::OperState;
    use docknet_netstate::{Errno, Kernel, LinkAddKind, Mac, NetnsName, Op};

    use crate::Sim;

    fn h() -> NetnsName {
        NetnsName::host()
    }

    fn op_up(name: &str, up: bool) -> Op {
        Op::LinkSetUp {
            ns: h(),
            name: name.into(),
            up,
        }
    }

    fn bridge(sim: &mut Sim, name: &str, mac: Option<Mac>) {
        sim.apply(&Op::LinkAdd {
            ns: h(),
            name: name.into(),
            mac,
            kind: LinkAddKind::Bridge,
        })
        .unwrap();
    }

    fn veth(sim: &mut Sim, name: &str, peer: &str) {
        sim.apply(&Op::LinkAdd {
            ns: h(),
            name: name.into(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: peer.into(),
                peer_ns: None,
                peer_mac: None,
            },
        })
        .unwrap();
    }

    #[test]
    fn fresh_bridge_up_is_unknown_with_carrier_but_sticky_mac_is_no_carrier() {
        let mut sim = Sim::new();
        bridge(&mut sim, "br3", None);
        bridge(
            &mut sim,
            "br0",
            Some(Mac([2, 0x42, 0xed, 0xc3, 0x77, 0x8c])),
        );
        sim.apply(&op_up("br3", true)).unwrap();
        sim.apply(&op_up("br0", true)).unwrap();
        let st = sim.observe().unwrap();
        let br3 = st.host().link_by_name("br3").unwrap();
        assert!(br3.lower_up);
        assert_eq!(br3.operstate, OperState::Unknown);
        assert_eq!(st.host().addrs6_of(br3.ifindex).count(), 1);
        let br0 = st.host().link_by_name("br0").unwrap();
        assert!(br0.up && !br0.lower_up);
        assert_eq!(br0.operstate, OperState::Down);
        assert_eq!(st.host().addrs6_of(br0.ifindex).count(), 0);
    }

    #[test]
    fn port_lifecycle_drives_bridge_carrier_and_mac() {
        let mut sim = Sim::new();
        bridge(&mut sim, "br0", None);
        sim.apply(&op_up("br0", true)).unwrap();
        veth(&mut sim, "v1", "p1");
        sim.apply(&Op::LinkSetMaster {
            ns: h(),
            name: "v1".into(),
            master: Some("br0".into()),
        })
        .unwrap();
        let st = sim.observe().unwrap();
        let v1 = st.host().link_by_name("v1").unwrap().clone();
        let br0 = st.host().link_by_name("br0").unwrap();
        assert_eq!(br0.mac, v1.mac);
        assert!(!br0.lower_up);
        assert_eq!(v1.port_state, Some(0));
        assert_eq!(v1.master, Some(br0.ifindex));
        sim.apply(&op_up("v1", true)).unwrap();
        let st = sim.observe().unwrap();
        assert_eq!(
            st.host().link_by_name("v1").unwrap().operstate,
            OperState::LowerLayerDown
        );
        assert_eq!(
            st.host().link_by_name("br0").unwrap().operstate,
            OperState::Down
        );
        sim.apply(&op_up("p1", true)).unwrap();
        let st = sim.observe().unwrap();
        let v1 = st.host().link_by_name("v1").unwrap();
        assert_eq!(v1.port_state, Some(3));
        assert_eq!(v1.operstate, OperState::Up);
        assert_eq!(
            st.host().link_by_name("br0").unwrap().operstate,
            OperState::Up
        );
        sim.apply(&Op::LinkSetMaster {
            ns: h(),
            name: "v1".into(),
            master: None,
        })
        .unwrap();
        let st = sim.observe().unwrap();
        let br0 = st.host().link_by_name("br0").unwrap();
        assert_eq!(br0.mac, Mac::ZERO);
        assert!(!br0.lower_up);
    }

    #[test]
    fn only_bridges_take_ports() {
        let mut sim = Sim::new();
        bridge(&mut sim, "br0", None);
        bridge(&mut sim, "br1", None);
        veth(&mut sim, "v1", "p1");
        let set = |name: &str, master: &str| Op::LinkSetMaster {
            ns: h(),
            name: name.into(),
            master: Some(master.into()),
        };
        let err = |sim: &mut Sim, op: Op| sim.apply(&op).unwrap_err().errno_value();
        assert_eq!(err(&mut sim, set("br1", "br0")), Some(Errno::ELOOP));
        assert_eq!(err(&mut sim, set("lo", "br0")), Some(Errno::EINVAL));
        assert_eq!(err(&mut sim, set("v1", "p1")), Some(Errno::EOPNOTSUPP));
        assert_eq!(err(&mut sim, set("v1", "nope")), Some(Errno::ENODEV));
    }
}
