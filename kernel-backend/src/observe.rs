//! Reading the whole state back: netlink dumps, sysctls and `iptables-save` per namespace.

use std::collections::BTreeMap;
use std::os::fd::{AsFd, AsRawFd};

use docknet_netstate::kernel::KernelError;
use docknet_netstate::op::NetnsName;
use docknet_netstate::state::{KernelState, Netns};

use crate::backend::{KernelBackend, Ns};
use crate::nl::NlError;
use crate::{addr, iptables, link, linkwatch, netns, nsid, route, sysctl};

fn nl_err<'a>(what: &str, ns: &'a NetnsName) -> impl Fn(NlError) -> KernelError + 'a {
    let what = what.to_string();
    move |e| KernelError::Other(format!("observe {what} in {ns}: {e:?}"))
}

impl KernelBackend {
    /// Reads every namespace the backend holds.
    pub(crate) fn observe_all(&mut self) -> Result<KernelState, KernelError> {
        // Twice: settling one link (a port's carrier) can queue work for another (its bridge).
        for _ in 0..2 {
            for (name, ns) in &self.namespaces {
                self.rt
                    .block_on(async {
                        for l in link::dump(&ns.conn).await? {
                            // A link that vanished meanwhile has nothing left to settle.
                            let _ = linkwatch::sync(&ns.conn, &l.name).await;
                        }
                        Ok(())
                    })
                    .map_err(nl_err("links", name))?;
            }
        }
        let mut state = KernelState::default();
        for (name, ns) in &self.namespaces {
            let netns = self.observe_ns(name, ns)?;
            state.namespaces.insert(name.clone(), netns);
        }
        Ok(state)
    }

    fn observe_ns(&self, name: &NetnsName, ns: &Ns) -> Result<Netns, KernelError> {
        let mut out = Netns::default();
        self.rt.block_on(async {
            for l in link::dump(&ns.conn).await.map_err(nl_err("links", name))? {
                out.links.insert(l.ifindex, l);
            }
            (out.addrs, out.addrs6) = addr::dump(&ns.conn).await.map_err(nl_err("addrs", name))?;
            (out.routes, out.local_routes) = route::dump(&ns.conn)
                .await
                .map_err(nl_err("routes", name))?;
            out.nsids = self.nsid_names(ns).await.map_err(nl_err("nsids", name))?;
            Ok::<(), KernelError>(())
        })?;
        let keys = sysctl::observed_keys(out.links.values().map(|l| l.name.as_str()));
        out.sysctls = sysctl::read_all(ns.fd.as_fd(), &keys)
            .map_err(|e| KernelError::Other(format!("observe sysctls in {name}: {e}")))?;
        out.sockets = ns.sockets.iter().map(|h| h.socket.clone()).collect();
        if ns.iptables_touched {
            let save = netns::spawn(ns.fd.as_fd(), &["iptables-save"], None, false)
                .map_err(|e| KernelError::Other(format!("iptables-save in {name}: {e}")))?;
            if !save.status.success() {
                return Err(KernelError::Other(format!(
                    "iptables-save in {name}: {}",
                    String::from_utf8_lossy(&save.stderr).trim()
                )));
            }
            out.iptables = iptables::parse_save(&String::from_utf8_lossy(&save.stdout))
                .map_err(|e| KernelError::Other(format!("iptables-save in {name}: {e}")))?;
        }
        Ok(out)
    }

    /// The nsids `ns` has assigned, named by the backend's namespace names. Namespaces the
    /// backend does not hold (none, normally) are left out.
    async fn nsid_names(&self, ns: &Ns) -> Result<BTreeMap<u32, NetnsName>, NlError> {
        let mut wanted = nsid::dump(&ns.conn).await?;
        let mut out = BTreeMap::new();
        // The host is asked first: container namespaces only ever number the host.
        let order = self
            .namespaces
            .iter()
            .filter(|(n, _)| n.as_str() == NetnsName::HOST)
            .chain(
                self.namespaces
                    .iter()
                    .filter(|(n, _)| n.as_str() != NetnsName::HOST),
            );
        for (other_name, other) in order {
            if wanted.is_empty() {
                break;
            }
            if other.fd.as_raw_fd() == ns.fd.as_raw_fd() {
                continue;
            }
            if let Some(id) = nsid::of(&ns.conn, other.fd.as_raw_fd()).await? {
                if let Some(pos) = wanted.iter().position(|w| *w == id) {
                    wanted.swap_remove(pos);
                    out.insert(id, other_name.clone());
                }
            }
        }
        Ok(out)
    }
}
