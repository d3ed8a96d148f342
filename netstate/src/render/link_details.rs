//! The `-d` (details) part of `ip -d link show` in iproute2 6.1: `promiscuity`, `minmtu`,
//! the bridge (`linkinfo` `info_data`) and bridge port (`info_slave_data`) attributes and the
//! generic queue/GSO numbers, text and JSON.
//!
//! Most values are kernel defaults that Docker never changes, printed as the real tool prints
//! them on this machine (kernel 6.18, 2 CPUs: a veth gets 2 tx/rx queues). Two are timers
//! that count down in the real kernel and cannot be reproduced: the bridge's `gc_timer`
//! (printed here as on a down bridge, `0.00`) and a port's `forward_delay_timer` (printed as
//! once it expired, `0.00`); comparisons against the real tool must mask them.
//! A bridge's `tso_max_size` is observed state: 65536 until a port first joins or leaves,
//! then the ports' minimum (524280 for veths, and with none left).

use super::iface::Iface;
use super::json::Json;
use crate::op::Mac;
use crate::state::{Link, LinkKind, Netns};

/// The STP port state name (`bridge link`, `bridge_slave state`).
pub fn port_state_name(state: u8) -> &'static str {
    match state {
        0 => "disabled",
        1 => "listening",
        2 => "learning",
        3 => "forwarding",
        4 => "blocking",
        _ => "unknown",
    }
}

/// The STP path cost of a port; veths report 10 Gb/s, which the kernel maps to 2.
pub const PORT_COST: u64 = 2;
/// The default port priority.
pub const PORT_PRIORITY: u64 = 32;

/// `8000.2:42:ac:11:0:1`: iproute2 prints the bridge id's MAC with `%x`, unpadded.
fn bridge_id(mac: &Mac) -> String {
    let b = mac.0;
    format!(
        "8000.{:x}:{:x}:{:x}:{:x}:{:x}:{:x}",
        b[0], b[1], b[2], b[3], b[4], b[5]
    )
}

/// A port's number: the state's, or its rank by ifindex among the bridge's ports.
pub fn port_no(ns: &Netns, port: &Link) -> u16 {
    port.port_no.unwrap_or_else(|| {
        let rank = ns
            .links
            .values()
            .filter(|l| l.master == port.master && l.ifindex <= port.ifindex)
            .count();
        u16::try_from(rank).unwrap_or(u16::MAX)
    })
}

struct Generic {
    promisc: u64,
    min_mtu: u64,
    max_mtu: u64,
    queues: u64,
    tso_max_size: u64,
}

fn generic(l: &Link) -> Generic {
    let promisc = u64::from(l.master.is_some());
    match l.kind {
        LinkKind::Loopback => Generic {
            promisc,
            min_mtu: 0,
            max_mtu: 0,
            queues: 1,
            tso_max_size: 524_280,
        },
        LinkKind::Bridge { tso_max_size, .. } => Generic {
            promisc,
            min_mtu: 68,
            max_mtu: 65535,
            queues: 1,
            tso_max_size: u64::from(tso_max_size),
        },
        LinkKind::Veth => Generic {
            promisc,
            min_mtu: 68,
            max_mtu: 65535,
            queues: 2,
            tso_max_size: 524_280,
        },
    }
}

/// The bridge a port belongs to.
fn master_of<'a>(ns: &'a Netns, l: &Link) -> Option<&'a Link> {
    l.master.and_then(|m| ns.links.get(&m))
}

/// Everything `ip -d link` prints after `link/ether MAC brd BRD[ link-netnsid N]`, without the
/// final newline. `ip -d addr` prints the same but for `addrgenmode` (`addrgenmode` false):
/// its link dump asks the kernel for no IPv6 link data.
pub fn text(ns: &Netns, i: &Iface<'_>, addrgenmode: bool) -> String {
    let l = i.link;
    let g = generic(l);
    let mut s = format!(
        " promiscuity {p}  allmulti {p} minmtu {} maxmtu {} ",
        g.min_mtu,
        g.max_mtu,
        p = g.promisc
    );
    match l.kind {
        LinkKind::Loopback => {}
        LinkKind::Bridge { stp, .. } => {
            let id = bridge_id(&l.mac);
            s += &format!(
                "\n    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 \
                 stp_state {} priority 32768 vlan_filtering 0 bridge_id {id} designated_root {id} \
                 root_port 0 root_path_cost 0 topology_change 0 topology_change_detected 0 \
                 hello_timer    0.00 tcn_timer    0.00 topology_change_timer    0.00 \
                 gc_timer    0.00 group_fwd_mask 0 group_address 01:80:c2:00:00:00 \
                 mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 \
                 mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 16 \
                 mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 \
                 mcast_last_member_interval 100 mcast_membership_interval 26000 \
                 mcast_querier_interval 25500 mcast_query_interval 12500 \
                 mcast_query_response_interval 1000 mcast_startup_query_interval 3124 \
                 mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 \
                 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 ",
                u8::from(stp)
            );
        }
        LinkKind::Veth => s += "\n    veth ",
    }
    if let Some(br) = master_of(ns, l) {
        let id = bridge_id(&br.mac);
        let no = port_no(ns, l);
        s += &format!(
            "\n    bridge_slave state {} priority {PORT_PRIORITY} cost {PORT_COST} hairpin off \
             guard off root_block off fastleave off learning on flood on port_id {:#x} \
             port_no {no:#x} designated_port {} designated_cost 0 designated_bridge {id} \
             designated_root {id} hold_timer    0.00 message_age_timer    0.00 \
             forward_delay_timer    0.00 topology_change_ack 0 config_pending 0 proxy_arp off \
             proxy_arp_wifi off mcast_router 1 mcast_fast_leave off mcast_flood on \
             bcast_flood on mcast_to_unicast off neigh_suppress off group_fwd_mask 0 \
             group_fwd_mask_str 0x0 vlan_tunnel off isolated off locked off ",
            port_state_name(l.port_state.unwrap_or(0)),
            0x8000 | no,
            0x8000 | no,
        );
    }
    if addrgenmode {
        s += "addrgenmode eui64 ";
    }
    s += &format!(
        "numtxqueues {q} numrxqueues {q} gso_max_size 65536 \
         gso_max_segs 65535 tso_max_size {} tso_max_segs 65535 gro_max_size 65536 ",
        g.tso_max_size,
        q = g.queues
    );
    s
}

fn bridge_info_data(l: &Link, stp: bool) -> Json {
    let id = bridge_id(&l.mac);
    let n = |v: u64| Json::Num(v);
    Json::Obj(vec![
        ("forward_delay", n(1500)),
        ("hello_time", n(200)),
        ("max_age", n(2000)),
        ("ageing_time", n(30000)),
        ("stp_state", n(u64::from(stp))),
        ("priority", n(32768)),
        ("vlan_filtering", n(0)),
        ("bridge_id", Json::str(id.as_str())),
        ("root_id", Json::str(id.as_str())),
        ("root_port", n(0)),
        ("root_path_cost", n(0)),
        ("topology_change", n(0)),
        ("topology_change_detected", n(0)),
        ("hello_timer", Json::Fixed2(0.0)),
        ("tcn_timer", Json::Fixed2(0.0)),
        ("topology_change_timer", Json::Fixed2(0.0)),
        ("gc_timer", Json::Fixed2(0.0)),
        ("group_fwd_mask", Json::str("0")),
        ("group_addr", Json::str("01:80:c2:00:00:00")),
        ("mcast_snooping", n(1)),
        ("no_linklocal_learn", n(0)),
        ("mcast_vlan_snooping", n(0)),
        ("mcast_router", n(1)),
        ("mcast_query_use_ifaddr", n(0)),
        ("mcast_querier", n(0)),
        ("mcast_hash_elasticity", n(16)),
        ("mcast_hash_max", n(4096)),
        ("mcast_last_member_cnt", n(2)),
        ("mcast_startup_query_cnt", n(2)),
        ("mcast_last_member_intvl", n(100)),
        ("mcast_membership_intvl", n(26000)),
        ("mcast_querier_intvl", n(25500)),
        ("mcast_query_intvl", n(12500)),
        ("mcast_query_response_intvl", n(1000)),
        ("mcast_startup_query_intvl", n(3124)),
        ("mcast_stats_enabled", n(0)),
        ("mcast_igmp_version", n(2)),
        ("mcast_mld_version", n(1)),
        ("nf_call_iptables", n(0)),
        ("nf_call_ip6tables", n(0)),
        ("nf_call_arptables", n(0)),
    ])
}

fn slave_data(ns: &Netns, l: &Link, br: &Link) -> Json {
    let id = bridge_id(&br.mac);
    let no = port_no(ns, l);
    let (t, f) = (Json::Bool(true), Json::Bool(false));
    Json::Obj(vec![
        (
            "state",
            Json::str(port_state_name(l.port_state.unwrap_or(0))),
        ),
        ("priority", Json::Num(PORT_PRIORITY)),
        ("cost", Json::Num(PORT_COST)),
        ("hairpin", f.clone()),
        ("guard", f.clone()),
        ("root_block", f.clone()),
        ("fastleave", f.clone()),
        ("learning", t.clone()),
        ("flood", t.clone()),
        ("id", Json::str(format!("{:#x}", 0x8000 | no))),
        ("no", Json::str(format!("{no:#x}"))),
        ("designated_port", Json::Num((0x8000 | no).into())),
        ("designated_cost", Json::Num(0)),
        ("bridge_id", Json::str(id.as_str())),
        ("root_id", Json::str(id.as_str())),
        ("hold_timer", Json::Fixed2(0.0)),
        ("message_age_timer", Json::Fixed2(0.0)),
        ("forward_delay_timer", Json::Fixed2(0.0)),
        ("topology_change_ack", Json::Num(0)),
        ("config_pending", Json::Num(0)),
        ("proxy_arp", f.clone()),
        ("proxy_arp_wifi", f.clone()),
        ("multicast_router", Json::Num(1)),
        ("mcast_flood", t.clone()),
        ("bcast_flood", t),
        ("mcast_to_unicast", f.clone()),
        ("neigh_suppress", f.clone()),
        ("group_fwd_mask", Json::str("0")),
        ("group_fwd_mask_str", Json::str("0x0")),
        ("vlan_tunnel", f.clone()),
        ("isolated", f.clone()),
        ("locked", f),
    ])
}

/// The `-d` members of `ip -j -d link show`, after `link_netnsid` (without
/// `inet6_addr_gen_mode` unless `addrgenmode`, as for [`text`]).
pub fn json(ns: &Netns, i: &Iface<'_>, addrgenmode: bool) -> Vec<(&'static str, Json)> {
    let l = i.link;
    let g = generic(l);
    let mut o = vec![
        ("promiscuity", Json::Num(g.promisc)),
        ("allmulti", Json::Num(g.promisc)),
        ("min_mtu", Json::Num(g.min_mtu)),
        ("max_mtu", Json::Num(g.max_mtu)),
    ];
    let mut info: Vec<(&'static str, Json)> = Vec::new();
    match l.kind {
        LinkKind::Loopback => {}
        LinkKind::Bridge { stp, .. } => {
            info.push(("info_kind", Json::str("bridge")));
            info.push(("info_data", bridge_info_data(l, stp)));
        }
        LinkKind::Veth => info.push(("info_kind", Json::str("veth"))),
    }
    if let Some(br) = master_of(ns, l) {
        info.push(("info_slave_kind", Json::str("bridge")));
        info.push(("info_slave_data", slave_data(ns, l, br)));
    }
    if !info.is_empty() {
        o.push(("linkinfo", Json::Obj(info)));
    }
    if addrgenmode {
        o.push(("inet6_addr_gen_mode", Json::str("eui64")));
    }
    o.extend([
        ("num_tx_queues", Json::Num(g.queues)),
        ("num_rx_queues", Json::Num(g.queues)),
        ("gso_max_size", Json::Num(65536)),
        ("gso_max_segs", Json::Num(65535)),
        ("tso_max_size", Json::Num(g.tso_max_size)),
        ("tso_max_segs", Json::Num(65535)),
        ("gro_max_size", Json::Num(65536)),
    ]);
    o
}
