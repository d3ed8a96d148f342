//! nsids: how one namespace numbers another (`ip netns list-id`, `link-netnsid`).
//!
//! Facts (6.18, `ip netns list-id` and `ip -j link` in scratch namespaces):
//! - a namespace numbers another when a veth pair first spans the two, at that moment (not when
//!   dumped): moving b2 to c2 and then b1 to c1, with no dump in between, gave c2=0, c1=1;
//! - both sides number each other at once: the container sees the host as nsid 0;
//! - the id is the lowest free one, per observing namespace: after c1 (nsid 0) was deleted
//!   the next container got 0 again, while c2 kept 1;
//! - a namespace's death removes the ids others held for it; deleting links never does.

use crate::{NetId, Sim};

impl Sim {
    /// Makes `from` number `to` (peernet2id_alloc), if it does not already.
    pub(crate) fn ensure_nsid(&mut self, from: NetId, to: NetId) {
        if from == to {
            return;
        }
        let net = self.net_mut(from);
        if net.nsids.values().any(|n| *n == to) {
            return;
        }
        // Dense ids (the usual case) make the lowest free one the count.
        let dense = net
            .nsids
            .last_key_value()
            .is_none_or(|(k, _)| *k as usize + 1 == net.nsids.len());
        let mut id = if dense { net.nsids.len() as u32 } else { 0 };
        while net.nsids.contains_key(&id) {
            id += 1;
        }
        net.nsids.insert(id, to);
    }

    /// Both directions of [`Sim::ensure_nsid`]: what a link spanning `a` and `b` triggers.
    pub(crate) fn ensure_nsid_pair(&mut self, a: NetId, b: NetId) {
        self.ensure_nsid(a, b);
        self.ensure_nsid(b, a);
    }

    /// A dead namespace disappears from every other namespace's nsid table.
    pub(crate) fn forget_nsids_of(&mut self, dead: NetId) {
        for net in self.nets.values_mut() {
            net.nsids.retain(|_, n| *n != dead);
        }
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::{Kernel, LinkAddKind, NetnsName, Op};

    use crate::Sim;

    fn veth_into(sim: &mut Sim, host_end: &str, ns: &str) {
        let ns = NetnsName::new(ns);
        sim.apply(&Op::NetnsAdd { ns: ns.clone() }).unwrap();
        sim.apply(&Op::LinkAdd {
            ns: NetnsName::host(),
            name: host_end.into(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: "eth0".into(),
                peer_ns: Some(ns),
                peer_mac: None,
            },
        })
        .unwrap();
    }

    #[test]
    fn lowest_free_nsid_per_observer() {
        let mut sim = Sim::new();
        veth_into(&mut sim, "a1", "c1");
        veth_into(&mut sim, "a2", "c2");
        let st = sim.observe().unwrap();
        assert_eq!(st.host().nsids[&0].as_str(), "c1");
        assert_eq!(st.host().nsids[&1].as_str(), "c2");
        assert_eq!(st.ns("c2").unwrap().nsids[&0].as_str(), "host");
        sim.apply(&Op::NetnsDel {
            ns: NetnsName::new("c1"),
        })
        .unwrap();
        veth_into(&mut sim, "a3", "c3");
        let st = sim.observe().unwrap();
        assert_eq!(st.host().nsids[&0].as_str(), "c3");
        assert_eq!(st.host().nsids[&1].as_str(), "c2");
        assert!(st.host().link_by_name("a1").is_none());
    }
}
