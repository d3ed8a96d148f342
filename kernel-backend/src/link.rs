//! Links: RTM_NEWLINK/SETLINK/DELLINK requests for the link ops, and link dumps read back
//! into [`Link`].

use std::os::fd::RawFd;

use docknet_netstate::op::Mac;
use docknet_netstate::state::{Link, LinkKind, OperState, Peer};
use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::link::{
    InfoBridge, InfoBridgePort, InfoData, InfoKind, InfoPortData, InfoVeth, LinkAttribute,
    LinkExtentMask, LinkFlags, LinkInfo, LinkLayerType, LinkMessage, State,
};
use netlink_packet_route::RouteNetlinkMessage;

use crate::nl::{Conn, NlError};

/// A link message that names its link (the kernel looks links up by IFLA_IFNAME when the
/// index is 0, which saves a lookup per op).
fn named(name: &str) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.attributes.push(LinkAttribute::IfName(name.to_string()));
    m
}

/// Sends RTM_SETLINK.
async fn set(conn: &Conn, msg: LinkMessage) -> Result<(), NlError> {
    conn.ack(RouteNetlinkMessage::SetLink(msg), 0).await
}

/// The ifindex of `name` (ENODEV when there is none).
pub(crate) async fn index(conn: &Conn, name: &str) -> Result<u32, NlError> {
    let mut m = named(name);
    // Only the index is wanted: leave the counters out of the answer (less to decode).
    m.attributes
        .push(LinkAttribute::ExtMask(vec![LinkExtentMask::SkipStats]));
    let answers = conn.get(RouteNetlinkMessage::GetLink(m)).await?;
    answers
        .into_iter()
        .find_map(|m| match m {
            RouteNetlinkMessage::NewLink(l) => Some(l.header.index),
            _ => None,
        })
        .ok_or(NlError::Errno(libc_enodev()))
}

fn libc_enodev() -> i32 {
    nix::errno::Errno::ENODEV as i32
}

/// `ip link add NAME [address MAC] type bridge` (created down, unlike rtnetlink's builder),
/// with a pinned ifindex.
pub(crate) async fn add_bridge(
    conn: &Conn,
    name: &str,
    mac: Option<Mac>,
    index: u32,
) -> Result<(), NlError> {
    let mut m = named(name);
    m.header.index = index;
    if let Some(mac) = mac {
        m.attributes.push(LinkAttribute::Address(mac.0.to_vec()));
    }
    m.attributes
        .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
            InfoKind::Bridge,
        )]));
    conn.ack(RouteNetlinkMessage::NewLink(m), NLM_F_CREATE | NLM_F_EXCL)
        .await
}

/// One end of a veth pair to create.
pub(crate) struct VethEnd<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its MAC, if set at creation.
    pub mac: Option<Mac>,
    /// The namespace to create it in, when not the requesting socket's one.
    pub netns_fd: Option<RawFd>,
    /// A pinned ifindex (0 lets the kernel choose).
    pub index: u32,
    /// Its MTU, if set at creation.
    pub mtu: Option<u32>,
    /// Its transmit queue length, if set at creation.
    pub txqlen: Option<u32>,
}

impl VethEnd<'_> {
    fn message(&self) -> LinkMessage {
        let mut m = named(self.name);
        m.header.index = self.index;
        if let Some(mac) = self.mac {
            m.attributes.push(LinkAttribute::Address(mac.0.to_vec()));
        }
        if let Some(fd) = self.netns_fd {
            m.attributes.push(LinkAttribute::NetNsFd(fd));
        }
        if let Some(mtu) = self.mtu {
            m.attributes.push(LinkAttribute::Mtu(mtu));
        }
        if let Some(q) = self.txqlen {
            m.attributes.push(LinkAttribute::TxQueueLen(q));
        }
        m
    }
}

/// `ip link add NAME type veth peer name PEER [netns NS]`, optionally with the host end
/// enslaved to `master` and brought up in the same request.
pub(crate) async fn add_veth(
    conn: &Conn,
    host: VethEnd<'_>,
    peer: VethEnd<'_>,
    master: Option<u32>,
    up: bool,
) -> Result<(), NlError> {
    let mut m = host.message();
    if let Some(br) = master {
        m.attributes.push(LinkAttribute::Controller(br));
    }
    if up {
        m.header.flags = LinkFlags::Up;
        m.header.change_mask = LinkFlags::Up;
    }
    m.attributes.push(LinkAttribute::LinkInfo(vec![
        LinkInfo::Kind(InfoKind::Veth),
        LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer.message()))),
    ]));
    conn.ack(RouteNetlinkMessage::NewLink(m), NLM_F_CREATE | NLM_F_EXCL)
        .await
}

/// `ip link del NAME`.
pub(crate) async fn del(conn: &Conn, name: &str) -> Result<(), NlError> {
    conn.ack(RouteNetlinkMessage::DelLink(named(name)), 0).await
}

/// `ip link set NAME up|down`.
pub(crate) async fn set_up(conn: &Conn, name: &str, up: bool) -> Result<(), NlError> {
    let mut m = named(name);
    m.header.flags = if up {
        LinkFlags::Up
    } else {
        LinkFlags::empty()
    };
    m.header.change_mask = LinkFlags::Up;
    set(conn, m).await
}

/// `ip link set NAME master BR` (`Some(ifindex)`) or `nomaster` (`None`).
pub(crate) async fn set_master(
    conn: &Conn,
    name: &str,
    master: Option<u32>,
) -> Result<(), NlError> {
    let mut m = named(name);
    m.attributes
        .push(LinkAttribute::Controller(master.unwrap_or(0)));
    set(conn, m).await
}

/// `ip link set NAME name NEW` (a rename needs the index: IFLA_IFNAME carries the new name).
pub(crate) async fn set_name(conn: &Conn, name: &str, new_name: &str) -> Result<(), NlError> {
    let idx = index(conn, name).await?;
    let mut m = named(new_name);
    m.header.index = idx;
    set(conn, m).await
}

/// `ip link set NAME address MAC`.
pub(crate) async fn set_mac(conn: &Conn, name: &str, mac: Mac) -> Result<(), NlError> {
    let mut m = named(name);
    m.attributes.push(LinkAttribute::Address(mac.0.to_vec()));
    set(conn, m).await
}

/// `ip link set NAME mtu MTU`.
pub(crate) async fn set_mtu(conn: &Conn, name: &str, mtu: u32) -> Result<(), NlError> {
    let mut m = named(name);
    m.attributes.push(LinkAttribute::Mtu(mtu));
    set(conn, m).await
}

/// `ip link set NAME txqueuelen N`.
pub(crate) async fn set_txqlen(conn: &Conn, name: &str, qlen: u32) -> Result<(), NlError> {
    let mut m = named(name);
    m.attributes.push(LinkAttribute::TxQueueLen(qlen));
    set(conn, m).await
}

/// `ip link set NAME netns TARGET` (by the target's namespace fd), optionally with the index
/// the link gets there (IFLA_NEW_IFINDEX).
pub(crate) async fn set_netns(
    conn: &Conn,
    name: &str,
    target: RawFd,
    new_index: Option<u32>,
) -> Result<(), NlError> {
    let mut m = named(name);
    m.attributes.push(LinkAttribute::NetNsFd(target));
    if let Some(i) = new_index {
        m.attributes.push(LinkAttribute::NewIfIndex(i as i32));
    }
    set(conn, m).await
}

/// Every link of the connection's namespace, as [`Link`]s.
pub(crate) async fn dump(conn: &Conn) -> Result<Vec<Link>, NlError> {
    let answers = conn
        .dump(RouteNetlinkMessage::GetLink(LinkMessage::default()))
        .await?;
    Ok(answers
        .into_iter()
        .filter_map(|m| match m {
            RouteNetlinkMessage::NewLink(l) => Some(to_link(&l)),
            _ => None,
        })
        .collect())
}

/// Maps a link message to the state's view of it.
fn to_link(m: &LinkMessage) -> Link {
    let flags = m.header.flags;
    let mut link = Link {
        ifindex: m.header.index,
        name: String::new(),
        kind: LinkKind::Veth,
        mac: Mac::ZERO,
        mtu: 0,
        up: flags.contains(LinkFlags::Up),
        lower_up: flags.contains(LinkFlags::LowerUp),
        operstate: OperState::Unknown,
        qdisc: String::new(),
        txqlen: 0,
        master: None,
        peer: None,
        port_state: None,
        port_no: None,
    };
    let mut kind = None;
    let mut peer_index = None;
    let mut peer_nsid = None;
    let mut tso_max_size = 65536;
    for attr in &m.attributes {
        match attr {
            LinkAttribute::IfName(n) => link.name = n.clone(),
            LinkAttribute::Address(a) if a.len() == 6 => {
                link.mac = Mac(a.as_slice().try_into().expect("6 bytes"));
            }
            LinkAttribute::Mtu(v) => link.mtu = *v,
            LinkAttribute::Qdisc(q) => link.qdisc = q.clone(),
            LinkAttribute::TxQueueLen(v) => link.txqlen = *v,
            LinkAttribute::Controller(c) if *c != 0 => link.master = Some(*c),
            LinkAttribute::Link(i) => peer_index = Some(*i),
            LinkAttribute::LinkNetNsId(n) if *n >= 0 => peer_nsid = Some(*n as u32),
            LinkAttribute::OperState(s) => link.operstate = operstate(*s),
            LinkAttribute::TsoMaxSize(v) => tso_max_size = *v,
            LinkAttribute::LinkInfo(infos) => {
                for info in infos {
                    match info {
                        LinkInfo::Kind(k) => kind = Some(k.clone()),
                        LinkInfo::Data(InfoData::Bridge(opts)) => {
                            let stp = opts.iter().any(
                                |o| matches!(o, InfoBridge::StpState(s) if u32::from(*s) != 0),
                            );
                            link.kind = LinkKind::Bridge {
                                stp,
                                tso_max_size: 0,
                            };
                        }
                        LinkInfo::PortData(InfoPortData::BridgePort(opts)) => {
                            for o in opts {
                                match o {
                                    InfoBridgePort::State(s) => {
                                        link.port_state = Some(u8::from(*s))
                                    }
                                    InfoBridgePort::PortNumber(n) => link.port_no = Some(*n),
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    link.kind = match kind {
        Some(InfoKind::Bridge) => match link.kind {
            LinkKind::Bridge { stp, .. } => LinkKind::Bridge { stp, tso_max_size },
            _ => LinkKind::Bridge {
                stp: false,
                tso_max_size,
            },
        },
        Some(InfoKind::Veth) => {
            link.peer = peer_index.map(|ifindex| Peer {
                ifindex,
                netnsid: peer_nsid,
            });
            LinkKind::Veth
        }
        _ if m.header.link_layer_type == LinkLayerType::Loopback => LinkKind::Loopback,
        // Nothing else is ever created by docknet; show it as the closest kind.
        _ => LinkKind::Veth,
    };
    link
}

fn operstate(s: State) -> OperState {
    match s {
        State::Up => OperState::Up,
        State::Down => OperState::Down,
        State::LowerLayerDown => OperState::LowerLayerDown,
        _ => OperState::Unknown,
    }
}
