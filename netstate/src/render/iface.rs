//! What iproute2 6.1 derives about one interface from its namespace before printing it:
//! the `@peer` suffix, the master's name, the flag list (with `M-DOWN`) and the link type.
//! Shared by the `ip link`, `ip addr` and `bridge link` renderers, text and JSON.

use crate::state::{Link, LinkKind, Netns};

/// How the other end of a veth is named after `@`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerRef {
    /// No `IFLA_LINK`: not a veth, or a veth without a known peer.
    None,
    /// Resolved in this namespace (`@NAME`, JSON `"link":"NAME"`); `ifN` when no local link
    /// has that index, as `ll_index_to_name` prints it.
    Local(String),
    /// In another namespace: `@ifN`, `link-netnsid N` (JSON `link_index`, `link_netnsid`).
    Remote {
        /// The peer's ifindex in its own namespace.
        ifindex: u32,
        /// The nsid of the peer's namespace, as seen from here.
        netnsid: u32,
    },
}

/// One interface with everything `ip` looks up about it.
#[derive(Clone, Debug)]
pub struct Iface<'a> {
    /// The link itself.
    pub link: &'a Link,
    /// Its veth peer, resolved.
    pub peer: PeerRef,
    /// The bridge it is enslaved to, by name.
    pub master: Option<&'a str>,
    /// Flags in iproute2's order, `M-DOWN` last when a same-namespace peer is down.
    pub flags: Vec<&'static str>,
}

impl<'a> Iface<'a> {
    /// Resolves `link` inside `ns` as a normal (`AF_UNSPEC`) link dump sees it.
    pub fn new(ns: &'a Netns, link: &'a Link) -> Self {
        Self::resolve(ns, link, false)
    }

    /// Resolves the peer index in this namespace even when the peer lives in another one:
    /// what `bridge link` does (it ignores `IFLA_LINK_NETNSID`, so a container's `eth0` with
    /// ifindex 2 shows as `veth@docker0` when docker0 is ifindex 2 on the host), and what
    /// `ip -6 addr` sees in the kernel's `AF_INET6` link dump, which has no netnsid at all.
    pub fn new_local_peer(ns: &'a Netns, link: &'a Link) -> Self {
        Self::resolve(ns, link, true)
    }

    fn resolve(ns: &'a Netns, link: &'a Link, local_only: bool) -> Self {
        let local = |ifindex: u32| {
            let found = ns.links.get(&ifindex);
            let name = found.map_or_else(|| format!("if{ifindex}"), |l| l.name.clone());
            // ll_index_to_flags() of an unknown index is treated as "up" (no M-DOWN).
            let down = found.is_some_and(|l| !l.up);
            (PeerRef::Local(name), down)
        };
        let (peer, peer_down) = match &link.peer {
            None => (PeerRef::None, false),
            Some(p) => match p.netnsid {
                Some(netnsid) if !local_only => (
                    PeerRef::Remote {
                        ifindex: p.ifindex,
                        netnsid,
                    },
                    false,
                ),
                _ => local(p.ifindex),
            },
        };
        let mut flags = link.flags();
        if peer_down {
            flags.push("M-DOWN");
        }
        let master = link
            .master
            .and_then(|m| ns.links.get(&m))
            .map(|m| m.name.as_str());
        Iface {
            link,
            peer,
            master,
            flags,
        }
    }

    /// `NAME` or `NAME@PEER` as printed before the colon.
    pub fn display_name(&self) -> String {
        match &self.peer {
            PeerRef::None => self.link.name.clone(),
            PeerRef::Local(p) => format!("{}@{p}", self.link.name),
            PeerRef::Remote { ifindex, .. } => format!("{}@if{ifindex}", self.link.name),
        }
    }

    /// `<A,B,C>`.
    pub fn flag_list(&self) -> String {
        format!("<{}>", self.flags.join(","))
    }

    /// `loopback` or `ether`, after `link/`.
    pub fn link_type(&self) -> &'static str {
        match self.link.kind {
            LinkKind::Loopback => "loopback",
            _ => "ether",
        }
    }

    /// The link-layer broadcast address.
    pub fn broadcast(&self) -> &'static str {
        match self.link.kind {
            LinkKind::Loopback => "00:00:00:00:00:00",
            _ => "ff:ff:ff:ff:ff:ff",
        }
    }
}

/// Every link of `ns` in ifindex order, resolved.
pub fn all(ns: &Netns) -> Vec<Iface<'_>> {
    ns.links.values().map(|l| Iface::new(ns, l)).collect()
}
