//! The fused veth attach: one RTM_NEWLINK instead of create-in-host-then-move.
//!
//! Docker creates a veth pair in the host, enslaves and raises the host end, moves the peer
//! into the container and renames it. Moving a link between namespaces costs a full RCU grace
//! period in the kernel (about 20 ms here), so this module recognises that op sequence and
//! creates the peer directly in the container, already named, with its MAC, and the host end
//! already enslaved and up. Every ifindex is pinned to what the op-by-op path gives (see
//! [`crate::ifindex`]), so the observed state is the same. If the fused request fails, nothing
//! was created and the ops run one by one instead, which reports the exact failing op.

use docknet_netstate::kernel::KernelError;
use docknet_netstate::op::{LinkAddKind, Mac, NetnsName, Op};

use crate::backend::{map_err, KernelBackend};
use crate::link::{self, VethEnd};
use crate::linkwatch;

/// Settings of one veth end gathered from the ops around its creation.
#[derive(Default)]
struct EndSettings {
    mac: Option<Mac>,
    mtu: Option<u32>,
    txqlen: Option<u32>,
}

/// A recognised sequence, `ops[start..end]`.
struct Attach<'a> {
    host_ns: &'a NetnsName,
    host: &'a str,
    host_set: EndSettings,
    master: Option<&'a str>,
    /// The index of the op that leaves the host end up, if the last such op says up.
    up_at: Option<usize>,
    peer_ns: &'a NetnsName,
    peer: &'a str,
    peer_set: EndSettings,
    end: usize,
}

/// Recognises what libnetwork does: `LinkAdd veth` (same netns); then only txqlen/MTU of
/// either end and master/up of the host end; then the peer's move; then optionally the peer
/// set down (it is down already), renamed and given its MAC.
fn recognise(ops: &[Op], i: usize) -> Option<Attach<'_>> {
    let Op::LinkAdd {
        ns: h,
        name: a,
        mac,
        kind:
            LinkAddKind::Veth {
                peer: p,
                peer_ns: None,
                peer_mac,
            },
    } = &ops[i]
    else {
        return None;
    };
    let mut host_set = EndSettings {
        mac: *mac,
        ..EndSettings::default()
    };
    let mut peer_set = EndSettings {
        mac: *peer_mac,
        ..EndSettings::default()
    };
    let mut master = None;
    let mut up_at = None;
    let mut j = i + 1;
    loop {
        let host_end = |ns: &NetnsName, name: &String| ns == h && name == a;
        let peer_end = |ns: &NetnsName, name: &String| ns == h && name == p;
        match ops.get(j)? {
            Op::LinkSetMaster {
                ns,
                name,
                master: m,
            } if host_end(ns, name) => {
                master = m.as_deref();
            }
            Op::LinkSetUp { ns, name, up: u } if host_end(ns, name) => {
                up_at = u.then_some(j);
            }
            Op::LinkSetMtu { ns, name, mtu } if host_end(ns, name) => host_set.mtu = Some(*mtu),
            Op::LinkSetMtu { ns, name, mtu } if peer_end(ns, name) => peer_set.mtu = Some(*mtu),
            Op::LinkSetTxQueueLen { ns, name, qlen } if host_end(ns, name) => {
                host_set.txqlen = Some(*qlen);
            }
            Op::LinkSetTxQueueLen { ns, name, qlen } if peer_end(ns, name) => {
                peer_set.txqlen = Some(*qlen);
            }
            _ => break,
        }
        j += 1;
    }
    let Op::LinkSetNetns {
        ns,
        name,
        target: c,
    } = &ops[j]
    else {
        return None;
    };
    if ns != h || name != p || c == h {
        return None;
    }
    let mut attach = Attach {
        host_ns: h,
        host: a,
        host_set,
        master,
        up_at,
        peer_ns: c,
        peer: p,
        peer_set,
        end: j + 1,
    };
    if let Some(Op::LinkSetUp {
        ns,
        name,
        up: false,
    }) = ops.get(attach.end)
    {
        if ns == c && name == p {
            attach.end += 1;
        }
    }
    if let Some(Op::LinkSetName { ns, name, new_name }) = ops.get(attach.end) {
        if ns == c && name == p {
            attach.peer = new_name;
            attach.end += 1;
        }
    }
    if let Some(Op::LinkSetMac { ns, name, mac }) = ops.get(attach.end) {
        if ns == c && name == attach.peer {
            attach.peer_set.mac = Some(*mac);
            attach.end += 1;
        }
    }
    Some(attach)
}

impl KernelBackend {
    /// If `ops[i..]` starts a fusable attach, performs it and returns where to continue;
    /// `None` means "apply op by op" (not recognised, or the fused request failed).
    pub(crate) fn fuse_veth(
        &self,
        ops: &[Op],
        i: usize,
    ) -> Option<Result<usize, (usize, KernelError)>> {
        let at = recognise(ops, i)?;
        let h = self.namespaces.get(at.host_ns)?;
        let c = self.namespaces.get(at.peer_ns)?;
        let made = self.rt.block_on(async {
            let master = match at.master {
                Some(m) => Some(self.lookup(at.host_ns, h, m).await.ok()?),
                None => None,
            };
            let saved = (h.cursor.save(), c.cursor.save());
            let created = async {
                // Op by op, the peer would take the host's next index, the host end the one
                // after, and the peer would then keep its index in the container if free.
                let in_host = h.cursor.next(&h.conn).await.ok()?;
                let host_idx = h.cursor.next(&h.conn).await.ok()?;
                let (peer_idx, _) = c.cursor.land(&c.conn, in_host).await.ok()?;
                let host = VethEnd {
                    name: at.host,
                    mac: at.host_set.mac,
                    netns_fd: None,
                    index: host_idx,
                    mtu: at.host_set.mtu,
                    txqlen: at.host_set.txqlen,
                };
                let peer = VethEnd {
                    name: at.peer,
                    mac: at.peer_set.mac,
                    netns_fd: Some(c.fd_raw()),
                    index: peer_idx,
                    mtu: at.peer_set.mtu,
                    txqlen: at.peer_set.txqlen,
                };
                link::add_veth(&h.conn, host, peer, master, false)
                    .await
                    .ok()?;
                Some((host_idx, peer_idx))
            }
            .await;
            if created.is_none() {
                h.cursor.restore(saved.0);
                c.cursor.restore(saved.1);
            }
            created
        });
        // Nothing was created if that failed: the ops then run one by one from the start.
        let (host_idx, peer_idx) = made?;
        let mut known = self.known.borrow_mut();
        known.insert((at.host_ns.clone(), at.host.to_string()), host_idx);
        known.insert((at.peer_ns.clone(), at.peer.to_string()), peer_idx);
        drop(known);
        // Raised separately, after a linkwatch sync, exactly as the op-by-op path does it.
        if let Some(up_at) = at.up_at {
            let raised = self.rt.block_on(linkwatch::set_up(&h.conn, at.host, true));
            if let Err(e) = raised {
                return Some(Err((up_at, map_err(e, &ops[up_at]))));
            }
        }
        Some(Ok(at.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn veth(ns: &NetnsName) -> Op {
        Op::LinkAdd {
            ns: ns.clone(),
            name: "vethA".into(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: "vethB".into(),
                peer_ns: None,
                peer_mac: None,
            },
        }
    }

    #[test]
    fn recognises_docker_attach_and_nothing_else() {
        let h = NetnsName::host();
        let c = NetnsName::new("/var/run/docker/netns/x");
        let ops = vec![
            veth(&h),
            Op::LinkSetMaster {
                ns: h.clone(),
                name: "vethA".into(),
                master: Some("docker0".into()),
            },
            Op::LinkSetUp {
                ns: h.clone(),
                name: "vethA".into(),
                up: true,
            },
            Op::LinkSetNetns {
                ns: h.clone(),
                name: "vethB".into(),
                target: c.clone(),
            },
            Op::LinkSetName {
                ns: c.clone(),
                name: "vethB".into(),
                new_name: "eth0".into(),
            },
            Op::LinkSetMac {
                ns: c.clone(),
                name: "eth0".into(),
                mac: Mac([2, 0x42, 0, 0, 0, 2]),
            },
            Op::LinkSetUp {
                ns: c,
                name: "eth0".into(),
                up: true,
            },
        ];
        let at = recognise(&ops, 0).unwrap();
        assert_eq!(
            (at.master, at.up_at, at.peer, at.end),
            (Some("docker0"), Some(2), "eth0", 6)
        );
        // MTU and queue length of either end fold into the creation...
        let mut other = ops.clone();
        other.insert(
            1,
            Op::LinkSetMtu {
                ns: h.clone(),
                name: "vethB".into(),
                mtu: 1400,
            },
        );
        let at = recognise(&other, 0).unwrap();
        assert_eq!((at.peer_set.mtu, at.end), (Some(1400), 7));
        // ...anything else in between means op by op.
        other[1] = Op::LinkSetMac {
            ns: h.clone(),
            name: "vethA".into(),
            mac: Mac([2, 0, 0, 0, 0, 1]),
        };
        assert!(recognise(&other, 0).is_none());
        assert!(recognise(&ops[..3], 0).is_none());
    }
}
