//! The fused veth attach: one RTM_NEWLINK instead of create-in-host-then-move.
//!
//! Docker creates a veth pair in the host, enslaves and raises the host end, moves the peer
//! into the container and renames it. Moving a link between namespaces costs a full RCU grace
//! period in the kernel (about 20 ms here), so this module recognises that op sequence and
//! creates the peer directly in the container, already named, with its MAC, and the host end
//! already enslaved and up. Every ifindex is pinned to what the op-by-op path gives (see
//! [`crate::ifindex`]), so the observed state is the same. If the fused request fails, nothing
//! was created and the ops run one by one instead, which reports the exact failing op.

use docknet_engine::kernel::KernelError;
use docknet_engine::op::{LinkAddKind, Mac, NetnsName, Op};

use crate::backend::KernelBackend;
use crate::link::{self, VethEnd};
use crate::linkwatch;

/// A recognised sequence, `ops[start..end]`.
struct Attach<'a> {
    host_ns: &'a NetnsName,
    host: &'a str,
    host_mac: Option<Mac>,
    master: Option<&'a str>,
    up: bool,
    peer_ns: &'a NetnsName,
    peer: &'a str,
    peer_mac: Option<Mac>,
    end: usize,
}

/// Recognises `LinkAdd veth` (same netns), then only `master`/`up` on the host end, then the
/// peer's move, optionally followed by its rename and its MAC.
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
    let mut master = None;
    let mut up = false;
    let mut j = i + 1;
    loop {
        match ops.get(j)? {
            Op::LinkSetMaster {
                ns,
                name,
                master: m,
            } if ns == h && name == a => {
                master = m.as_deref();
            }
            Op::LinkSetUp { ns, name, up: u } if ns == h && name == a => up = *u,
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
        host_mac: *mac,
        master,
        up,
        peer_ns: c,
        peer: p,
        peer_mac: *peer_mac,
        end: j + 1,
    };
    if let Some(Op::LinkSetName { ns, name, new_name }) = ops.get(attach.end) {
        if ns == c && name == p {
            attach.peer = new_name;
            attach.end += 1;
        }
    }
    if let Some(Op::LinkSetMac { ns, name, mac }) = ops.get(attach.end) {
        if ns == c && name == attach.peer {
            attach.peer_mac = Some(*mac);
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
        let done = self.rt.block_on(async {
            let master = match at.master {
                Some(m) => Some(self.lookup(at.host_ns, h, m).await.ok()?),
                None => None,
            };
            let (saved_h, saved_c) = (h.cursor.save(), c.cursor.save());
            // Op by op, the peer would take the host's next index, the host end the one
            // after, and the peer would then keep its index in the container if free there.
            let in_host = h.cursor.next(&h.conn).await.ok()?;
            let host_idx = h.cursor.next(&h.conn).await.ok()?;
            let (peer_idx, _) = c.cursor.land(&c.conn, in_host).await.ok()?;
            let host = VethEnd {
                name: at.host,
                mac: at.host_mac,
                netns_fd: None,
                index: host_idx,
            };
            let peer = VethEnd {
                name: at.peer,
                mac: at.peer_mac,
                netns_fd: Some(c.fd_raw()),
                index: peer_idx,
            };
            if link::add_veth(&h.conn, host, peer, master, false)
                .await
                .is_err()
            {
                h.cursor.restore(saved_h);
                c.cursor.restore(saved_c);
                return None;
            }
            // Raised separately, after a linkwatch sync, exactly as the op-by-op path does it.
            if at.up {
                linkwatch::set_up(&h.conn, at.host, true).await.ok()?;
            }
            let mut known = self.known.borrow_mut();
            known.insert((at.host_ns.clone(), at.host.to_string()), host_idx);
            known.insert((at.peer_ns.clone(), at.peer.to_string()), peer_idx);
            Some(())
        });
        done.map(|()| Ok(at.end))
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
            (at.master, at.up, at.peer, at.end),
            (Some("docker0"), true, "eth0", 6)
        );
        // An MTU change in between is not folded: op by op instead.
        let mut other = ops.clone();
        other[1] = Op::LinkSetMtu {
            ns: h.clone(),
            name: "vethA".into(),
            mtu: 1400,
        };
        assert!(recognise(&other, 0).is_none());
        assert!(recognise(&ops[..3], 0).is_none());
    }
}
