//! Network namespaces: their device tables, ifindex allocator and per-namespace state.
//!
//! Facts (kernel 6.18, checked with `unshare --net` and `ip netns` inside a private mount
//! namespace):
//! - a fresh namespace holds only `lo`, ifindex 1, DOWN, qdisc `noop`, mtu 65536, MAC 0,
//!   txqlen 1000, and no addresses or routes (`ip -d -j link show`, `ip -j addr`, `ip -j route`);
//! - ifindexes are per namespace, handed out cyclically from a per-namespace cursor and never
//!   reused (`xa_alloc_cyclic`): after deleting 15 the next device gets 16;
//! - deleting a namespace deletes its devices; a veth end elsewhere dies with its peer, and every
//!   other namespace forgets the nsid it had for the dead one (`ip netns list-id`).

use std::collections::BTreeMap;

use docknet_netstate::kernel::Errno;
use docknet_netstate::state::IptablesTable;
use docknet_netstate::{NetnsName, Table};

use crate::error::{fail, SimError};
use crate::route::RouteEntry;
use crate::sysctl::NetSysctl;
use crate::{DevId, NetId, Sim};

/// One network namespace's own tables.
#[derive(Clone, Debug)]
pub(crate) struct Net {
    /// The namespace's name.
    pub(crate) name: NetnsName,
    /// Devices by ifindex.
    pub(crate) by_index: BTreeMap<u32, DevId>,
    /// Devices by name.
    pub(crate) by_name: BTreeMap<String, DevId>,
    /// The ifindex allocation cursor (`net->ifindex`): the next index to try.
    pub(crate) next_ifindex: u32,
    /// The main routing table, in dump order.
    pub(crate) routes: Vec<RouteEntry>,
    /// nsid → namespace, as this namespace numbers the others.
    pub(crate) nsids: BTreeMap<u32, NetId>,
    /// Namespace-wide sysctls and the `all`/`default` interface configurations.
    pub(crate) sysctl: NetSysctl,
    /// iptables tables touched so far.
    pub(crate) iptables: BTreeMap<Table, IptablesTable>,
    /// Listening sockets, in opening order.
    pub(crate) sockets: Vec<docknet_netstate::state::Socket>,
    /// Hand-added local-table routes (AnyIP).
    pub(crate) local_routes: Vec<docknet_netstate::Ipv4Cidr>,
}

impl Net {
    /// An empty namespace (no devices yet; `lo` is registered by [`Sim::netns_add`]).
    fn new(name: NetnsName) -> Net {
        Net {
            name,
            sockets: Vec::new(),
            local_routes: Vec::new(),
            by_index: BTreeMap::new(),
            by_name: BTreeMap::new(),
            next_ifindex: 1,
            routes: Vec::new(),
            nsids: BTreeMap::new(),
            sysctl: NetSysctl::default(),
            iptables: BTreeMap::new(),
        }
    }

    /// A fresh index from the cursor: the first free one at or after it (`xa_alloc_cyclic`).
    pub(crate) fn alloc_ifindex(&mut self) -> u32 {
        let mut i = self.next_ifindex.max(1);
        while self.by_index.contains_key(&i) {
            i += 1;
        }
        self.next_ifindex = i + 1;
        i
    }
}

impl Sim {
    /// The id of the namespace called `ns`; a missing namespace is ENOENT (no netns file).
    pub(crate) fn net_id(&self, ns: &NetnsName) -> Result<NetId, SimError> {
        match self.names.get(ns) {
            Some(id) => Ok(*id),
            None => fail(Errno::ENOENT),
        }
    }

    /// The namespace with this id.
    pub(crate) fn net(&self, id: NetId) -> &Net {
        &self.nets[&id]
    }

    /// The namespace with this id, mutably.
    pub(crate) fn net_mut(&mut self, id: NetId) -> &mut Net {
        self.nets
            .get_mut(&id)
            .expect("namespace ids stay valid while referenced")
    }

    /// The device called `name` in namespace `net`; missing is ENODEV.
    pub(crate) fn dev_by_name(&self, net: NetId, name: &str) -> Result<DevId, SimError> {
        match self.net(net).by_name.get(name) {
            Some(id) => Ok(*id),
            None => fail(Errno::ENODEV),
        }
    }

    /// Namespace and device for an op that names both.
    pub(crate) fn lookup(&self, ns: &NetnsName, name: &str) -> Result<(NetId, DevId), SimError> {
        let net = self.net_id(ns)?;
        Ok((net, self.dev_by_name(net, name)?))
    }

    /// `ip netns add NS`: a new namespace with `lo` (ifindex 1), down.
    pub(crate) fn netns_add(&mut self, ns: &NetnsName) -> Result<(), SimError> {
        if self.names.contains_key(ns) {
            // The netns file already exists.
            return fail(Errno::EEXIST);
        }
        let id = self.alloc_net_id();
        self.nets.insert(id, Net::new(ns.clone()));
        self.names.insert(ns.clone(), id);
        self.register_loopback(id);
        Ok(())
    }

    /// `ip netns del NS`: every device goes (veth peers elsewhere too), then the nsids others
    /// held for it. The host namespace cannot be deleted (EPERM).
    pub(crate) fn netns_del(&mut self, ns: &NetnsName) -> Result<(), SimError> {
        if ns.as_str() == NetnsName::HOST {
            return fail(Errno::EPERM);
        }
        let id = self.net_id(ns)?;
        let devs: Vec<DevId> = self.net(id).by_index.values().copied().collect();
        for dev in devs {
            if self.devs.contains_key(&dev) {
                self.unregister(dev);
            }
        }
        self.names.remove(ns);
        self.nets.remove(&id);
        self.forget_nsids_of(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::state::OperState;
    use docknet_netstate::{Kernel, NetnsName, Op};

    use crate::Sim;

    #[test]
    fn fresh_host_has_only_lo_down() {
        let mut sim = Sim::new();
        let st = sim.observe().unwrap();
        let host = st.host();
        assert_eq!(host.links.len(), 1);
        let lo = &host.links[&1];
        assert_eq!(lo.name, "lo");
        assert!(!lo.up);
        assert_eq!(lo.operstate, OperState::Down);
        assert_eq!(lo.qdisc, "noop");
        assert_eq!(lo.mtu, 65536);
        assert_eq!(lo.txqlen, 1000);
        assert!(host.addrs.is_empty() && host.addrs6.is_empty() && host.routes.is_empty());
    }

    #[test]
    fn netns_add_twice_is_eexist_and_del_missing_is_enoent() {
        let mut sim = Sim::new();
        let ns = NetnsName::new("c1");
        sim.apply(&Op::NetnsAdd { ns: ns.clone() }).unwrap();
        let e = sim.apply(&Op::NetnsAdd { ns: ns.clone() }).unwrap_err();
        assert_eq!(e.errno_value(), Some(docknet_netstate::Errno::EEXIST));
        sim.apply(&Op::NetnsDel { ns: ns.clone() }).unwrap();
        let e = sim.apply(&Op::NetnsDel { ns }).unwrap_err();
        assert_eq!(e.errno_value(), Some(docknet_netstate::Errno::ENOENT));
    }

    #[test]
    fn ifindex_cursor_skips_taken_indexes() {
        let mut net = super::Net::new(NetnsName::new("x"));
        assert_eq!(net.alloc_ifindex(), 1);
        net.by_index.insert(1, 1);
        net.by_index.insert(3, 3);
        assert_eq!(net.alloc_ifindex(), 2);
        net.by_index.insert(2, 2);
        assert_eq!(net.alloc_ifindex(), 4);
    }
}
