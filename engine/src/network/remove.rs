//! `docker network rm` and `network prune` on the daemon side (facts §4.5).

use super::Driver;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::firewall::bridge::BridgeFirewall;
use crate::kernel::Kernel;
use crate::op::{NetnsName, Op};
use crate::plan::Plan;

impl Engine {
    /// Removes one network by name, ID or ID prefix.
    pub(crate) fn remove_network(
        &mut self,
        kernel: &mut dyn Kernel,
        name_or_id: &str,
    ) -> Result<(), EngineError> {
        let net = self.network(name_or_id)?;
        if net.is_predefined() {
            return Err(EngineError::PredefinedNetworkRemove(net.name.clone()));
        }
        if !self.endpoints_on(&net.id).is_empty() {
            return Err(EngineError::ActiveEndpoints {
                name: net.name.clone(),
                id: net.id.clone(),
            });
        }
        let id = net.id.clone();
        let mut plan = Plan::new();
        if net.driver == Driver::Bridge {
            if net.bridge_created {
                plan.push(
                    Op::LinkDel {
                        ns: NetnsName::host(),
                        name: net.bridge.clone(),
                    },
                    None,
                );
            }
            if let Some(subnet) = net.subnet {
                BridgeFirewall {
                    bridge: net.bridge.clone(),
                    subnet,
                    internal: net.internal,
                    icc: net.icc,
                    masquerade: net.masquerade,
                    userland_proxy: self.userland_proxy,
                }
                .remove_rules(&mut plan);
            }
        }
        // libnetwork only logs a failed LinkDel or rule deletion and goes on removing the
        // network (a bridge the user deleted by hand must not make it unremovable).
        for op in plan.ops() {
            let _ = kernel.apply(op);
        }
        self.ipam.release_pool(&id);
        self.networks.retain(|n| n.id != id);
        Ok(())
    }

    /// `network prune`: every user network without endpoints, newest-first order as the
    /// daemon walks them; returns the removed names.
    pub(crate) fn prune_networks(&mut self, kernel: &mut dyn Kernel) -> Vec<String> {
        let candidates: Vec<(String, String)> = self
            .networks
            .iter()
            .filter(|n| !n.is_predefined())
            .map(|n| (n.id.clone(), n.name.clone()))
            .collect();
        let mut removed = Vec::new();
        for (id, name) in candidates {
            if !self.endpoints_on(&id).is_empty() {
                continue;
            }
            if self.remove_network(kernel, &id).is_ok() {
                removed.push(name);
            }
        }
        removed
    }
}
