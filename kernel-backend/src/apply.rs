//! Applying one link, address or route op through its namespace's netlink connection.

use docknet_netstate::kernel::KernelError;
use docknet_netstate::op::{LinkAddKind, NetnsName, Op};

use crate::backend::{map_err, KernelBackend, Ns};
use crate::link::VethEnd;
use crate::nl::NlError;
use crate::{addr, link, linkwatch, route};

impl KernelBackend {
    /// The ifindex of link `name` in namespace `ns_name`, from the per-batch cache or the kernel.
    pub(crate) async fn lookup(
        &self,
        ns_name: &NetnsName,
        ns: &Ns,
        name: &str,
    ) -> Result<u32, NlError> {
        let key = (ns_name.clone(), name.to_string());
        if let Some(i) = self.known.borrow().get(&key) {
            return Ok(*i);
        }
        let i = link::index(&ns.conn, name).await?;
        self.known.borrow_mut().insert(key, i);
        Ok(i)
    }

    /// Applies a link/address/route op, pinning the ifindex of every link it creates.
    pub(crate) fn apply_netlink(&self, op: &Op) -> Result<(), KernelError> {
        if matches!(
            op,
            Op::LinkDel { .. } | Op::LinkSetName { .. } | Op::LinkSetNetns { .. }
        ) {
            self.known.borrow_mut().clear();
        }
        let ns_name = op.ns();
        let ns = self.ns(ns_name, op)?;
        let conn = &ns.conn;
        let err = |e: NlError| map_err(e, op);
        self.rt.block_on(async {
            match op {
                Op::LinkAdd {
                    name, mac, kind, ..
                } => {
                    let saved = ns.cursor.save();
                    let r = match kind {
                        LinkAddKind::Bridge => {
                            let idx = ns.cursor.next(conn).await.map_err(err)?;
                            link::add_bridge(conn, name, *mac, idx).await
                        }
                        LinkAddKind::Veth {
                            peer,
                            peer_ns,
                            peer_mac,
                        } => {
                            // The kernel registers the peer first, so it allocates first.
                            let (peer_fd, peer_idx) = match peer_ns {
                                Some(p) if p != ns_name => {
                                    let pns = self.ns(p, op)?;
                                    let saved_peer = pns.cursor.save();
                                    let idx = pns.cursor.next(&pns.conn).await.map_err(err)?;
                                    (Some((pns, saved_peer)), idx)
                                }
                                _ => (None, ns.cursor.next(conn).await.map_err(err)?),
                            };
                            let host_idx = ns.cursor.next(conn).await.map_err(err)?;
                            let host = VethEnd {
                                name,
                                mac: *mac,
                                netns_fd: None,
                                index: host_idx,
                                mtu: None,
                                txqlen: None,
                            };
                            let peer_end = VethEnd {
                                name: peer,
                                mac: *peer_mac,
                                netns_fd: peer_fd.as_ref().map(|(p, _)| p.fd_raw()),
                                index: peer_idx,
                                mtu: None,
                                txqlen: None,
                            };
                            let r = link::add_veth(conn, host, peer_end, None, false).await;
                            if let (Err(_), Some((pns, saved_peer))) = (&r, peer_fd) {
                                pns.cursor.restore(saved_peer);
                            }
                            r
                        }
                    };
                    if r.is_err() {
                        ns.cursor.restore(saved);
                    }
                    r
                }
                Op::LinkDel { name, .. } => link::del(conn, name).await,
                // NETDEV_UP reads the link's operstate (IPv6 addrconf's "link ready"): settle
                // it first so the outcome does not depend on linkwatch timing.
                Op::LinkSetUp { name, up, .. } => linkwatch::set_up(conn, name, *up).await,
                Op::LinkSetMaster { name, master, .. } => {
                    let idx = match master {
                        Some(m) => Some(self.lookup(ns_name, ns, m).await.map_err(err)?),
                        None => None,
                    };
                    link::set_master(conn, name, idx).await
                }
                Op::LinkSetName { name, new_name, .. } => {
                    link::set_name(conn, name, new_name).await
                }
                Op::LinkSetMac { name, mac, .. } => link::set_mac(conn, name, *mac).await,
                Op::LinkSetMtu { name, mtu, .. } => link::set_mtu(conn, name, *mtu).await,
                Op::LinkSetTxQueueLen { name, qlen, .. } => {
                    link::set_txqlen(conn, name, *qlen).await
                }
                Op::LinkSetNetns { name, target, .. } => {
                    let tns = self.ns(target, op)?;
                    let idx = link::index(conn, name).await.map_err(err)?;
                    let saved = tns.cursor.save();
                    let (lands, realloc) = tns.cursor.land(&tns.conn, idx).await.map_err(err)?;
                    let r =
                        link::set_netns(conn, name, tns.fd_raw(), realloc.then_some(lands)).await;
                    if r.is_err() {
                        tns.cursor.restore(saved);
                    }
                    r
                }
                Op::AddrAdd {
                    dev,
                    addr,
                    broadcast,
                    ..
                } => {
                    let idx = self.lookup(ns_name, ns, dev).await.map_err(err)?;
                    addr::add(conn, idx, *addr, *broadcast).await
                }
                Op::AddrDel { dev, addr, .. } => {
                    let idx = self.lookup(ns_name, ns, dev).await.map_err(err)?;
                    addr::del(conn, idx, *addr).await
                }
                Op::RouteAdd { route, .. } => {
                    let idx = self.lookup(ns_name, ns, &route.dev).await.map_err(err)?;
                    route::add(conn, route, idx).await
                }
                Op::RouteDel { route, .. } => {
                    let idx = self.lookup(ns_name, ns, &route.dev).await.map_err(err)?;
                    route::del(conn, route, idx).await
                }
                Op::LocalRouteAdd { dst, .. } => {
                    let lo = self.lookup(ns_name, ns, "lo").await.map_err(err)?;
                    route::add_local(conn, *dst, lo).await
                }
                _ => unreachable!("not a netlink op: {op:?}"),
            }
            .map_err(err)
        })
    }
}
