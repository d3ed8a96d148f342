//! Devices: creation, names, MACs, MTU, queue length (up/down and moves live in `netdev`).
//!
//! Facts (6.18, `ip -d -j link show` in scratch namespaces):
//! - names are unique per namespace: a second `ip link add br0` is EEXIST, also for a veth peer
//!   name; a missing device is ENODEV (`ip` prints `Cannot find device`);
//! - a veth with both ends in one namespace registers the peer first (peer 3, host end 4); a
//!   veth whose peer is created in another namespace gets the next index in each namespace
//!   (`eth0` is 2 in every fresh container);
//! - kernel-chosen MACs are random, locally administered, unicast; a MAC given at creation or
//!   set later is sticky (`addr_assign_type` 3), which matters for bridges (see `bridge`);
//! - defaults: veth and bridge mtu 1500, txqlen 1000 (bridges too), qdisc `noop` until the first
//!   up, then `noqueue`, which stays after going down again (lo showed `noqueue` once down);
//! - renaming an UP device is allowed on 6.18 (`ip link set v1 name v1x` while up: rc 0);
//! - on rename the first IPv4 address label becomes the new name, later ones get `NEW:N`
//!   with N their 1-based position (`inetdev_changename`: br0 with three addresses renamed
//!   brx gave labels brx, brx:2, brx:3);
//! - MTU bounds for veth and bridge are 68..=65535 (`min_mtu`/`max_mtu`; 70000 and 60 gave
//!   EINVAL); lo has no bounds;
//! - lo cannot be deleted or given a MAC (EOPNOTSUPP).

use std::net::Ipv6Addr;

use docknet_netstate::kernel::Errno;
use docknet_netstate::state::OperState;
use docknet_netstate::{LinkAddKind, Mac, NetnsName};

use crate::addr::AddrEntry;
use crate::error::{fail, SimError};
use crate::sysctl::{Conf4, Conf6};
use crate::{DevId, NetId, Sim};

/// What kind of device it is, with kind-specific state.
#[derive(Clone, Debug)]
pub(crate) enum DevKind {
    /// `lo`.
    Loopback,
    /// A Linux bridge.
    Bridge(BridgeState),
    /// One end of a veth pair.
    Veth {
        /// The other end (absent only while the pair is being torn down).
        peer: Option<DevId>,
    },
}

/// A bridge's own state.
#[derive(Clone, Debug, Default)]
pub(crate) struct BridgeState {
    /// Ports in the order they joined (the kernel's port list).
    pub(crate) ports: Vec<DevId>,
    /// MTU set by the user: the bridge then stops following its ports' minimum.
    pub(crate) mtu_set_by_user: bool,
    /// `br_set_gso_limits` has run (a port joined or left): TSO max is then the ports'
    /// minimum, 524280 for veths and for none.
    pub(crate) gso_limits_set: bool,
}

/// One device.
#[derive(Clone, Debug)]
pub(crate) struct Dev {
    /// Its namespace.
    pub(crate) net: NetId,
    /// Its ifindex there.
    pub(crate) ifindex: u32,
    /// Its name.
    pub(crate) name: String,
    /// Kind and kind state.
    pub(crate) kind: DevKind,
    /// Hardware address.
    pub(crate) mac: Mac,
    /// `addr_assign_type` is NET_ADDR_SET (the MAC was chosen by the user).
    pub(crate) mac_set: bool,
    /// MTU.
    pub(crate) mtu: u32,
    /// Transmit queue length.
    pub(crate) txqlen: u32,
    /// IFF_UP.
    pub(crate) up: bool,
    /// Carrier bit (`netif_carrier_ok`); IFF_LOWER_UP is `up && carrier`.
    pub(crate) carrier: bool,
    /// `dev->operstate` as linkwatch last computed it (reported DOWN while not up).
    pub(crate) operstate: OperState,
    /// A qdisc was attached (first up in this namespace): `noqueue` instead of `noop`.
    pub(crate) qdisc_attached: bool,
    /// The bridge this device is a port of.
    pub(crate) master: Option<DevId>,
    /// As a bridge port: the STP state is forwarding (else disabled).
    pub(crate) forwarding: bool,
    /// As a bridge port: its port number (lowest free from 1).
    pub(crate) port_no: u16,
    /// IPv6 configured the device (IF_READY: link-local added).
    pub(crate) v6_ready: bool,
    /// IPv4 addresses in kernel list order.
    pub(crate) addrs: Vec<AddrEntry>,
    /// IPv6 addresses in kernel list order.
    pub(crate) addrs6: Vec<(Ipv6Addr, u8)>,
    /// Per-interface IPv4 sysctls.
    pub(crate) conf4: Conf4,
    /// Per-interface IPv6 sysctls.
    pub(crate) conf6: Conf6,
}

impl Dev {
    /// Whether the device is a bridge.
    pub(crate) fn is_bridge(&self) -> bool {
        matches!(self.kind, DevKind::Bridge(_))
    }

    /// `netif_oper_up`: operstate UP or UNKNOWN.
    pub(crate) fn oper_up(&self) -> bool {
        matches!(self.operstate, OperState::Up | OperState::Unknown)
    }

    /// The veth peer, if any.
    pub(crate) fn peer(&self) -> Option<DevId> {
        match self.kind {
            DevKind::Veth { peer } => peer,
            _ => None,
        }
    }
}

/// `dev_valid_name`: 1..=15 bytes, not `.`/`..`, no `/`, `:` or whitespace.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 16
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == ':' || c.is_whitespace())
}

/// `is_valid_ether_addr`: not multicast, not all zeroes.
fn valid_mac(mac: Mac) -> bool {
    mac.0[0] & 1 == 0 && mac != Mac::ZERO
}

impl Sim {
    /// The device with this id.
    pub(crate) fn dev(&self, id: DevId) -> &Dev {
        &self.devs[&id]
    }

    /// The device with this id, mutably.
    pub(crate) fn dev_mut(&mut self, id: DevId) -> &mut Dev {
        self.devs
            .get_mut(&id)
            .expect("device ids stay valid while referenced")
    }

    /// `eth_hw_addr_random`: random, locally administered, unicast.
    pub(crate) fn random_mac(&mut self) -> Mac {
        let mut b = self.rng.bytes::<6>();
        b[0] = (b[0] & 0xfe) | 0x02;
        Mac(b)
    }

    /// Registers a device in `net` with a fresh ifindex; returns its id.
    pub(crate) fn register(
        &mut self,
        net: NetId,
        name: &str,
        kind: DevKind,
        mac: Mac,
        mtu: u32,
    ) -> DevId {
        let id = self.alloc_dev_id();
        let (conf4, conf6) = self.net(net).sysctl.defaults_for_new_dev();
        let n = self.net_mut(net);
        let ifindex = n.alloc_ifindex();
        n.by_index.insert(ifindex, id);
        n.by_name.insert(name.to_string(), id);
        let dev = Dev {
            net,
            ifindex,
            name: name.to_string(),
            kind,
            mac,
            mac_set: false,
            mtu,
            txqlen: 1000,
            up: false,
            carrier: true,
            operstate: OperState::Unknown,
            qdisc_attached: false,
            master: None,
            forwarding: false,
            port_no: 0,
            v6_ready: false,
            addrs: Vec::new(),
            addrs6: Vec::new(),
            conf4,
            conf6,
        };
        self.devs.insert(id, dev);
        id
    }

    /// A namespace's `lo`: ifindex 1, mtu 65536, MAC 0, carrier on, operstate UNKNOWN.
    pub(crate) fn register_loopback(&mut self, net: NetId) {
        self.register(net, "lo", DevKind::Loopback, Mac::ZERO, 65536);
    }

    /// `ip link add NAME [address MAC] type bridge|veth ...`.
    pub(crate) fn link_add(
        &mut self,
        ns: &NetnsName,
        name: &str,
        mac: Option<Mac>,
        kind: &LinkAddKind,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        if !valid_name(name) {
            return fail(Errno::EINVAL);
        }
        if self.net(net).by_name.contains_key(name) {
            return fail(Errno::EEXIST);
        }
        if mac.is_some_and(|m| !valid_mac(m)) {
            return fail(Errno::EADDRNOTAVAIL);
        }
        match kind {
            LinkAddKind::Bridge => {
                let random = self.random_mac();
                let kind = DevKind::Bridge(BridgeState::default());
                let id = self.register(net, name, kind, random, 1500);
                if let Some(m) = mac {
                    // br_dev_newlink calls br_stp_change_bridge_id for IFLA_ADDRESS, which
                    // runs port-state selection: no ports, so the carrier goes off.
                    self.dev_mut(id).mac_set = true;
                    self.change_bridge_id(id, m);
                }
            }
            LinkAddKind::Veth {
                peer,
                peer_ns,
                peer_mac,
            } => {
                let pnet = match peer_ns {
                    Some(p) => self.net_id(p)?,
                    None => net,
                };
                if !valid_name(peer) {
                    return fail(Errno::EINVAL);
                }
                if self.net(pnet).by_name.contains_key(peer.as_str())
                    || (pnet == net && peer == name)
                {
                    return fail(Errno::EEXIST);
                }
                if peer_mac.is_some_and(|m| !valid_mac(m)) {
                    return fail(Errno::EADDRNOTAVAIL);
                }
                self.veth_create(net, name, mac, pnet, peer, *peer_mac);
            }
        }
        Ok(())
    }

    /// `ip link del NAME`: a veth takes its peer along; lo cannot go (EOPNOTSUPP).
    pub(crate) fn link_del(&mut self, ns: &NetnsName, name: &str) -> Result<(), SimError> {
        let (_, id) = self.lookup(ns, name)?;
        if matches!(self.dev(id).kind, DevKind::Loopback) {
            return fail(Errno::EOPNOTSUPP);
        }
        self.unregister(id);
        Ok(())
    }

    /// `ip link set NAME name NEW` (allowed while up; address labels follow).
    pub(crate) fn link_set_name(
        &mut self,
        ns: &NetnsName,
        name: &str,
        new_name: &str,
    ) -> Result<(), SimError> {
        let (net, id) = self.lookup(ns, name)?;
        if name == new_name {
            return Ok(());
        }
        if !valid_name(new_name) {
            return fail(Errno::EINVAL);
        }
        if self.net(net).by_name.contains_key(new_name) {
            return fail(Errno::EEXIST);
        }
        let n = self.net_mut(net);
        n.by_name.remove(name);
        n.by_name.insert(new_name.to_string(), id);
        let dev = self.dev_mut(id);
        dev.name = new_name.to_string();
        // inetdev_changename: the first label is the name; later ones keep their ":suffix",
        // or get ":N" (N = 1-based position) when they had none (seen: brx, brx:2, brx:3).
        for (i, a) in dev.addrs.iter_mut().enumerate() {
            if i == 0 {
                a.label = new_name.to_string();
                continue;
            }
            let suffix = match a.label.find(':') {
                Some(pos) => a.label[pos..].to_string(),
                None => format!(":{}", i + 1),
            };
            a.label = format!("{new_name}{suffix}");
            a.label.truncate(15);
        }
        Ok(())
    }

    /// `ip link set NAME address MAC`: sticky from now on; a port's change re-elects the
    /// bridge's MAC.
    pub(crate) fn link_set_mac(
        &mut self,
        ns: &NetnsName,
        name: &str,
        mac: Mac,
    ) -> Result<(), SimError> {
        let (_, id) = self.lookup(ns, name)?;
        match self.dev(id).kind {
            DevKind::Loopback => return fail(Errno::EOPNOTSUPP),
            _ if !valid_mac(mac) => return fail(Errno::EADDRNOTAVAIL),
            DevKind::Bridge(_) => {
                self.dev_mut(id).mac_set = true;
                if self.dev(id).mac != mac {
                    self.change_bridge_id(id, mac);
                }
            }
            DevKind::Veth { .. } => {
                let dev = self.dev_mut(id);
                dev.mac_set = true;
                let changed = dev.mac != mac;
                dev.mac = mac;
                if let (true, Some(br)) = (changed, dev.master) {
                    self.recalc_bridge_id(br);
                }
            }
        }
        Ok(())
    }

    /// `ip link set NAME mtu N`: bounds 68..=65535 (EINVAL); a bridge's own MTU becomes
    /// user-set, a port's change re-adjusts its bridge.
    pub(crate) fn link_set_mtu(
        &mut self,
        ns: &NetnsName,
        name: &str,
        mtu: u32,
    ) -> Result<(), SimError> {
        let (_, id) = self.lookup(ns, name)?;
        let is_lo = matches!(self.dev(id).kind, DevKind::Loopback);
        if !is_lo && !(68..=65535).contains(&mtu) {
            return fail(Errno::EINVAL);
        }
        let dev = self.dev_mut(id);
        dev.mtu = mtu;
        if let DevKind::Bridge(b) = &mut dev.kind {
            b.mtu_set_by_user = true;
        }
        if let Some(br) = self.dev(id).master {
            self.bridge_mtu_auto_adjust(br);
        }
        Ok(())
    }

    /// `ip link set NAME txqueuelen N`.
    pub(crate) fn link_set_txqlen(
        &mut self,
        ns: &NetnsName,
        name: &str,
        qlen: u32,
    ) -> Result<(), SimError> {
        let (_, id) = self.lookup(ns, name)?;
        self.dev_mut(id).txqlen = qlen;
        Ok(())
    }

    /// Takes a device out of its namespace's tables (for deletion or a move).
    pub(crate) fn unlink_from_net(&mut self, id: DevId) {
        let (net, ifindex, name) = {
            let d = self.dev(id);
            (d.net, d.ifindex, d.name.clone())
        };
        let n = self.net_mut(net);
        n.by_index.remove(&ifindex);
        n.by_name.remove(&name);
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::{Errno, Kernel, LinkAddKind, Mac, NetnsName, Op};

    use crate::Sim;

    fn add(sim: &mut Sim, name: &str, kind: LinkAddKind) -> Result<(), Option<Errno>> {
        sim.apply(&Op::LinkAdd {
            ns: NetnsName::host(),
            name: name.into(),
            mac: None,
            kind,
        })
        .map_err(|e| e.errno_value())
    }

    fn veth(peer: &str) -> LinkAddKind {
        LinkAddKind::Veth {
            peer: peer.into(),
            peer_ns: None,
            peer_mac: None,
        }
    }

    #[test]
    fn veth_peer_registers_first_and_names_are_unique() {
        let mut sim = Sim::new();
        add(&mut sim, "br0", LinkAddKind::Bridge).unwrap();
        add(&mut sim, "v1", veth("p1")).unwrap();
        let st = sim.observe().unwrap();
        assert_eq!(st.host().link_by_name("p1").unwrap().ifindex, 3);
        assert_eq!(st.host().link_by_name("v1").unwrap().ifindex, 4);
        assert_eq!(
            add(&mut sim, "br0", LinkAddKind::Bridge),
            Err(Some(Errno::EEXIST))
        );
        assert_eq!(add(&mut sim, "n1", veth("p1")), Err(Some(Errno::EEXIST)));
        assert_eq!(
            add(&mut sim, "bad name", LinkAddKind::Bridge),
            Err(Some(Errno::EINVAL))
        );
    }

    #[test]
    fn deleted_indexes_are_not_reused_and_missing_is_enodev() {
        let mut sim = Sim::new();
        add(&mut sim, "br0", LinkAddKind::Bridge).unwrap();
        let del = Op::LinkDel {
            ns: NetnsName::host(),
            name: "br0".into(),
        };
        sim.apply(&del).unwrap();
        assert_eq!(
            sim.apply(&del).unwrap_err().errno_value(),
            Some(Errno::ENODEV)
        );
        add(&mut sim, "br1", LinkAddKind::Bridge).unwrap();
        assert_eq!(
            sim.observe()
                .unwrap()
                .host()
                .link_by_name("br1")
                .unwrap()
                .ifindex,
            3
        );
    }

    #[test]
    fn random_macs_are_local_unicast_and_mtu_is_bounded() {
        let mut sim = Sim::new();
        add(&mut sim, "v1", veth("p1")).unwrap();
        let st = sim.observe().unwrap();
        let m = st.host().link_by_name("v1").unwrap().mac;
        assert_eq!(m.0[0] & 0x03, 0x02);
        let set = |mtu| Op::LinkSetMtu {
            ns: NetnsName::host(),
            name: "v1".into(),
            mtu,
        };
        assert_eq!(
            sim.apply(&set(70000)).unwrap_err().errno_value(),
            Some(Errno::EINVAL)
        );
        assert_eq!(
            sim.apply(&set(60)).unwrap_err().errno_value(),
            Some(Errno::EINVAL)
        );
        sim.apply(&set(1400)).unwrap();
        let bad = Op::LinkSetMac {
            ns: NetnsName::host(),
            name: "v1".into(),
            mac: Mac::BROADCAST,
        };
        assert_eq!(
            sim.apply(&bad).unwrap_err().errno_value(),
            Some(Errno::EADDRNOTAVAIL)
        );
    }
}
