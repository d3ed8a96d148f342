//! Device lifecycle: up, down, unregister and moving between namespaces.
//!
//! Facts (6.18, scratch namespaces):
//! - `up` on a veth whose peer is down leaves the carrier off (`NO-CARRIER`); once both ends
//!   are up both get carrier and go `UP`/`LOWER_UP`;
//! - `down` on a veth turns both ends' carrier off (`veth_close`), drops its IPv6 addresses and
//!   every route through it (user routes too; only kernel prefix routes come back on up), and
//!   keeps its IPv4 addresses;
//! - lo up adds 127.0.0.1/8 scope host (no broadcast) and ::1/128; lo down keeps 127.0.0.1 and
//!   drops ::1; lo is `UNKNOWN` with `LOWER_UP` when up;
//! - `ip link set X netns NS` closes X first (it arrives DOWN, qdisc `noop` again), takes it
//!   off its bridge, flushes its IPv4 and IPv6 addresses, resets its per-interface sysctls to
//!   the target's `default`, keeps MAC and MTU, keeps its ifindex if free in the target (the
//!   cursor is untouched) or else takes the target's next one (4 became 6 when 2..5 were
//!   taken); bridges and lo cannot move ("The interface netns is immutable", EINVAL);
//! - moving into the namespace the device is already in is a no-op.

use docknet_netstate::kernel::Errno;
use docknet_netstate::NetnsName;

use crate::error::{fail, SimError};
use crate::link::DevKind;
use crate::{DevId, Sim};

impl Sim {
    /// `ip link set NAME up|down`.
    pub(crate) fn link_set_up(
        &mut self,
        ns: &NetnsName,
        name: &str,
        up: bool,
    ) -> Result<(), SimError> {
        let (_, id) = self.lookup(ns, name)?;
        if up {
            self.dev_open(id)
        } else {
            self.dev_close(id);
            Ok(())
        }
    }

    /// `dev_open`: ndo_open, then the NETDEV_UP notifiers (inet, fib, addrconf, bridge).
    pub(crate) fn dev_open(&mut self, id: DevId) -> Result<(), SimError> {
        if self.dev(id).up {
            return Ok(());
        }
        if let DevKind::Veth { peer: None } = self.dev(id).kind {
            // veth_open without a peer.
            return fail(Errno::ENOTCONN);
        }
        {
            let d = self.dev_mut(id);
            d.up = true;
            d.qdisc_attached = true;
        }
        match self.dev(id).kind.clone() {
            DevKind::Veth { peer: Some(p) } if self.dev(p).up => {
                self.set_carrier(id, true);
                self.set_carrier(p, true);
            }
            DevKind::Bridge(_) => self.bridge_open(id),
            _ => {}
        }
        if matches!(self.dev(id).kind, DevKind::Loopback) {
            self.lo_add_loopback_addr(id);
        }
        self.fib_dev_up(id);
        self.addrconf_up(id);
        if self.dev(id).master.is_some() {
            self.port_netdev_up(id);
        }
        Ok(())
    }

    /// `dev_close`: ndo_stop, then the NETDEV_DOWN notifiers.
    pub(crate) fn dev_close(&mut self, id: DevId) {
        if !self.dev(id).up {
            return;
        }
        match self.dev(id).kind.clone() {
            DevKind::Veth { peer } => {
                self.set_carrier(id, false);
                if let Some(p) = peer {
                    self.set_carrier(p, false);
                }
            }
            DevKind::Bridge(_) => self.bridge_stop(id),
            DevKind::Loopback => {}
        }
        self.dev_mut(id).up = false;
        self.fib_dev_down(id);
        self.addrconf_down(id);
        if self.dev(id).master.is_some() {
            self.port_netdev_down(id);
        }
    }

    /// Unregisters a device (and a veth's peer): closed, off its bridge, its ports released,
    /// addresses and routes gone.
    pub(crate) fn unregister(&mut self, id: DevId) {
        let peer = self.dev(id).peer();
        if let Some(p) = peer {
            // veth_dellink: both ends go in one batch; unlink them first.
            self.dev_mut(p).kind = DevKind::Veth { peer: None };
            self.dev_mut(id).kind = DevKind::Veth { peer: None };
        }
        self.unregister_one(id);
        if let Some(p) = peer {
            if self.devs.contains_key(&p) {
                self.unregister_one(p);
            }
        }
    }

    /// Unregisters exactly one device.
    fn unregister_one(&mut self, id: DevId) {
        // A veth being torn down still drops its peer's carrier on close.
        self.dev_close(id);
        self.detach_from_net(id);
        self.unlink_from_net(id);
        self.devs.remove(&id);
        self.pending.remove(&id);
    }

    /// What NETDEV_UNREGISTER does to a device's per-namespace state: bridge membership,
    /// a bridge's ports, IPv4/IPv6 addresses and every route through it.
    fn detach_from_net(&mut self, id: DevId) {
        if let Some(br) = self.dev(id).master {
            self.br_del_if(br, id);
        }
        if let DevKind::Bridge(b) = &self.dev(id).kind {
            for port in b.ports.clone() {
                self.br_del_if(id, port);
            }
        }
        self.fib_dev_gone(id);
        let d = self.dev_mut(id);
        d.addrs.clear();
        d.addrs6.clear();
        d.v6_ready = false;
    }

    /// `ip link set NAME netns TARGET`.
    pub(crate) fn link_set_netns(
        &mut self,
        ns: &NetnsName,
        name: &str,
        target: &NetnsName,
    ) -> Result<(), SimError> {
        let (net, id) = self.lookup(ns, name)?;
        let tnet = self.net_id(target)?;
        if !matches!(self.dev(id).kind, DevKind::Veth { .. }) {
            // NETIF_F_NETNS_LOCAL: "The interface netns is immutable".
            return fail(Errno::EINVAL);
        }
        if tnet == net {
            return Ok(());
        }
        if self.net(tnet).by_name.contains_key(name) {
            return fail(Errno::EEXIST);
        }
        self.dev_close(id);
        self.detach_from_net(id);
        self.unlink_from_net(id);
        let old_index = self.dev(id).ifindex;
        let (conf4, conf6) = self.net(tnet).sysctl.defaults_for_new_dev();
        let t = self.net_mut(tnet);
        let ifindex = if t.by_index.contains_key(&old_index) {
            t.alloc_ifindex()
        } else {
            old_index
        };
        t.by_index.insert(ifindex, id);
        t.by_name.insert(name.to_string(), id);
        let d = self.dev_mut(id);
        d.net = tnet;
        d.ifindex = ifindex;
        d.qdisc_attached = false;
        d.conf4 = conf4;
        d.conf6 = conf6;
        if let Some(p) = self.dev(id).peer() {
            let pnet = self.dev(p).net;
            self.ensure_nsid_pair(tnet, pnet);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::state::OperState;
    use docknet_netstate::{Errno, Kernel, LinkAddKind, NetnsName, Op};

    use crate::Sim;

    fn host() -> NetnsName {
        NetnsName::host()
    }

    fn up(sim: &mut Sim, ns: &NetnsName, name: &str) {
        sim.apply(&Op::LinkSetUp {
            ns: ns.clone(),
            name: name.into(),
            up: true,
        })
        .unwrap();
    }

    #[test]
    fn lo_up_adds_loopback_addresses() {
        let mut sim = Sim::new();
        up(&mut sim, &host(), "lo");
        let st = sim.observe().unwrap();
        let lo = &st.host().links[&1];
        assert!(lo.up && lo.lower_up);
        assert_eq!(lo.operstate, OperState::Unknown);
        assert_eq!(lo.qdisc, "noqueue");
        assert_eq!(st.host().addrs[0].cidr.to_string(), "127.0.0.1/8");
        assert_eq!(st.host().addrs6[0].addr.to_string(), "::1");
        assert!(st.host().routes.is_empty());
        sim.apply(&Op::LinkSetUp {
            ns: host(),
            name: "lo".into(),
            up: false,
        })
        .unwrap();
        let st = sim.observe().unwrap();
        assert_eq!(st.host().addrs.len(), 1);
        assert!(st.host().addrs6.is_empty());
        assert_eq!(st.host().links[&1].qdisc, "noqueue");
    }

    #[test]
    fn move_keeps_free_index_else_takes_next_and_flushes() {
        let mut sim = Sim::new();
        let c1 = NetnsName::new("c1");
        sim.apply(&Op::NetnsAdd { ns: c1.clone() }).unwrap();
        for (n, p) in [("x1", "x2"), ("x3", "x4")] {
            sim.apply(&Op::LinkAdd {
                ns: c1.clone(),
                name: n.into(),
                mac: None,
                kind: LinkAddKind::Veth {
                    peer: p.into(),
                    peer_ns: None,
                    peer_mac: None,
                },
            })
            .unwrap();
        }
        sim.apply(&Op::LinkAdd {
            ns: host(),
            name: "v1".into(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: "p1".into(),
                peer_ns: None,
                peer_mac: None,
            },
        })
        .unwrap();
        sim.apply(&Op::AddrAdd {
            ns: host(),
            dev: "v1".into(),
            addr: "10.5.0.1/24".parse_cidr(),
            broadcast: false,
        })
        .unwrap();
        up(&mut sim, &host(), "v1");
        up(&mut sim, &host(), "p1");
        sim.apply(&Op::LinkSetNetns {
            ns: host(),
            name: "v1".into(),
            target: c1.clone(),
        })
        .unwrap();
        let st = sim.observe().unwrap();
        let v1 = st.ns("c1").unwrap().link_by_name("v1").unwrap().clone();
        assert_eq!(v1.ifindex, 6);
        assert!(!v1.up);
        assert_eq!(v1.qdisc, "noop");
        assert!(st.ns("c1").unwrap().addrs.is_empty());
        let p1 = st.host().link_by_name("p1").unwrap();
        assert_eq!(p1.operstate, OperState::Down);
        assert!(!p1.lower_up);
        assert_eq!(p1.peer.as_ref().unwrap().netnsid, Some(0));
        let e = sim
            .apply(&Op::LinkSetNetns {
                ns: host(),
                name: "lo".into(),
                target: c1,
            })
            .unwrap_err();
        assert_eq!(e.errno_value(), Some(Errno::EINVAL));
    }

    trait ParseCidr {
        fn parse_cidr(self) -> docknet_netstate::Ipv4Cidr;
    }
    impl ParseCidr for &str {
        fn parse_cidr(self) -> docknet_netstate::Ipv4Cidr {
            docknet_netstate::Ipv4Cidr::parse(self).unwrap()
        }
    }
}
