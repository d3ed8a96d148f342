//! veth pairs: creation order, MACs and the nsids a cross-namespace pair triggers.
//!
//! Facts (6.18): `veth_newlink` registers the peer first (in its namespace, so it takes the
//! lower index when both ends share one), turns each end's carrier off right after it
//! registers, and draws random MACs peer first. A pair created across namespaces makes both
//! namespaces number each other at once (see `nsid`). Up/down coupling is in `netdev`.

use docknet_netstate::Mac;

use crate::link::DevKind;
use crate::{NetId, Sim};

impl Sim {
    /// veth_newlink: the peer is registered (and its carrier turned off) before the device.
    pub(crate) fn veth_create(
        &mut self,
        net: NetId,
        name: &str,
        mac: Option<Mac>,
        pnet: NetId,
        peer: &str,
        peer_mac: Option<Mac>,
    ) {
        let pmac = match peer_mac {
            Some(m) => m,
            None => self.random_mac(),
        };
        let p = self.register(pnet, peer, DevKind::Veth { peer: None }, pmac, 1500);
        self.dev_mut(p).mac_set = peer_mac.is_some();
        self.set_carrier(p, false);
        let dmac = match mac {
            Some(m) => m,
            None => self.random_mac(),
        };
        let d = self.register(net, name, DevKind::Veth { peer: Some(p) }, dmac, 1500);
        self.dev_mut(d).mac_set = mac.is_some();
        self.dev_mut(p).kind = DevKind::Veth { peer: Some(d) };
        self.set_carrier(d, false);
        self.ensure_nsid_pair(net, pnet);
    }
}
