//! The rows of the layered layout: which slot each interface takes and where each row's
//! boxes go (see [`super::layout`] for the rules).

use std::collections::{BTreeMap, BTreeSet};

use super::layout::{header_height, iface_lines, lines_height, text_width, Grid, Layout, Rect};
use super::layout::{INSET, LINE, MARGIN, PAD, PORT_GAP, ROW_GAP};
use crate::diagram::topology::{End, IfaceKind, Role, Topology};

/// The slot of each host interface: NICs from slot 0, bridges spanning their ports.
#[derive(Default)]
pub(super) struct HostSlots {
    /// Slot by host ifindex (NICs, bridges' first slot, ports).
    slot: BTreeMap<u32, usize>,
    /// Slots a bridge spans, by ifindex.
    span: BTreeMap<u32, usize>,
    /// NIC-row interfaces, in order.
    nics: Vec<u32>,
    /// Bridges, in order.
    bridges: Vec<u32>,
}

pub(super) fn host_slots(topology: &Topology, host: usize) -> HostSlots {
    let ifaces = &topology.namespaces[host].interfaces;
    let is_bridge = |ix: u32| {
        ifaces
            .iter()
            .any(|b| b.ifindex == ix && b.kind == IfaceKind::Bridge)
    };
    let mut s = HostSlots::default();
    for i in ifaces {
        if i.kind == IfaceKind::Bridge {
            s.bridges.push(i.ifindex);
        } else if !i.master.is_some_and(is_bridge) {
            s.slot.insert(i.ifindex, s.nics.len());
            s.nics.push(i.ifindex);
        }
    }
    let mut cursor = 0;
    for &b in &s.bridges.clone() {
        let ports = topology.ports(host, b);
        s.slot.insert(b, cursor);
        s.span.insert(b, ports.len().max(1));
        for (k, p) in ports.iter().enumerate() {
            s.slot.insert(p.ifindex, cursor + k);
        }
        cursor += ports.len().max(1);
    }
    s
}

pub(super) fn outside_row(
    topology: &Topology,
    grid: &Grid,
    o: usize,
    host_slots: &HostSlots,
    top: i32,
    l: &mut Layout,
) -> i32 {
    let n = &topology.namespaces[o];
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut placed = Vec::new();
    for i in &n.interfaces {
        let end = End {
            ns: o,
            ifindex: i.ifindex,
        };
        let want = topology
            .peer(end)
            .filter(|p| Some(p.ns) == topology.host())
            .and_then(|p| host_slots.slot.get(&p.ifindex).copied())
            .filter(|s| !used.contains(s));
        let slot = want.unwrap_or_else(|| used.iter().next_back().map_or(0, |m| m + 1));
        used.insert(slot);
        placed.push((end, slot, iface_lines(i).len()));
    }
    let tallest = placed.iter().map(|p| p.2).max().unwrap_or(1);
    let header = header_height(&n.subtitle);
    let h = (lines_height(tallest) + 2 * INSET).max(header);
    for (end, slot, lines) in placed {
        l.ifaces
            .insert(end, grid.iface_rect(slot, top + INSET, lines));
    }
    l.boxes[o] = Rect {
        x: MARGIN,
        y: top,
        w: 0,
        h,
    };
    top + h
}

/// The host's box: the NIC row with the published tags, then the bridges and their ports.
pub(super) fn host_row(
    topology: &Topology,
    grid: &Grid,
    h: usize,
    s: &HostSlots,
    top: i32,
    l: &mut Layout,
) -> i32 {
    let lines = host_lines(topology, h);
    let mut y = top + INSET;
    let tags = 2 * usize::from(!topology.published.is_empty());
    let nic_lines = s
        .nics
        .iter()
        .map(|ix| lines[ix])
        .max()
        .unwrap_or(0)
        .max(tags);
    for &nic in &s.nics {
        let end = End {
            ns: h,
            ifindex: nic,
        };
        l.ifaces
            .insert(end, grid.iface_rect(s.slot[&nic], y, lines[&nic]));
    }
    published_tags(topology, grid, s.nics.len(), y, l);
    if nic_lines > 0 {
        y += lines_height(nic_lines) + ROW_GAP;
    }
    y = bridge_rows(grid, h, s, &lines, y, l);
    let n = &topology.namespaces[h];
    let bottom = (y + INSET).max(top + header_height(&n.subtitle));
    l.boxes[h] = Rect {
        x: MARGIN,
        y: top,
        w: 0,
        h: bottom - top,
    };
    bottom
}

/// How many lines each host interface's box has, by ifindex.
fn host_lines(topology: &Topology, h: usize) -> BTreeMap<u32, usize> {
    topology.namespaces[h]
        .interfaces
        .iter()
        .map(|i| (i.ifindex, iface_lines(i).len()))
        .collect()
}

/// The bridge row (each bridge as wide as its ports) and the port row under it, each row as
/// tall as its tallest box; returns the y under them.
fn bridge_rows(
    grid: &Grid,
    h: usize,
    s: &HostSlots,
    lines: &BTreeMap<u32, usize>,
    mut y: i32,
    l: &mut Layout,
) -> i32 {
    let tallest = |ixs: &[u32]| ixs.iter().map(|ix| lines[ix]).max().unwrap_or(0);
    let bridge_lines = tallest(&s.bridges);
    for &b in &s.bridges {
        let mut r = grid.iface_rect(s.slot[&b], y, bridge_lines);
        r.w += (s.span[&b] as i32 - 1) * grid.pitch;
        l.ifaces.insert(End { ns: h, ifindex: b }, r);
    }
    if bridge_lines == 0 {
        return y;
    }
    y += lines_height(bridge_lines);
    let ports: Vec<u32> = s
        .slot
        .keys()
        .copied()
        .filter(|ix| !s.nics.contains(ix) && !s.bridges.contains(ix))
        .collect();
    let port_lines = tallest(&ports);
    if port_lines == 0 {
        return y;
    }
    y += PORT_GAP;
    for p in ports {
        let r = grid.iface_rect(s.slot[&p], y, port_lines);
        l.ifaces.insert(End { ns: h, ifindex: p }, r);
    }
    y + lines_height(port_lines)
}

/// Published ports: tags after the NICs, in the NIC row, two lines high.
fn published_tags(topology: &Topology, grid: &Grid, nics: usize, y: i32, l: &mut Layout) {
    let mut x = grid.slot_x(nics) + INSET;
    for p in &topology.published {
        let w = text_width(p.label().len().max(9) + 2) + 2 * PAD;
        l.published.push(Rect {
            x,
            y,
            w,
            h: lines_height(2),
        });
        x += w + 14;
    }
}

/// The host port a container interface is wired to, and that port's slot.
fn host_port_slot(topology: &Topology, s: &HostSlots, end: End) -> Option<usize> {
    let p = topology.peer(end)?;
    (Some(p.ns) == topology.host())
        .then(|| s.slot.get(&p.ifindex).copied())
        .flatten()
}

/// Each container-row namespace's slot: its first wired interface's host port slot if free.
fn container_slots(topology: &Topology, s: &HostSlots) -> Vec<(usize, usize)> {
    let mut used = BTreeSet::new();
    let mut wanted = Vec::new();
    for (ns, n) in topology.namespaces.iter().enumerate() {
        if !matches!(n.role, Role::Container | Role::Other) {
            continue;
        }
        let want = n.interfaces.iter().find_map(|i| {
            host_port_slot(
                topology,
                s,
                End {
                    ns,
                    ifindex: i.ifindex,
                },
            )
        });
        let want = want.filter(|w| used.insert(*w));
        wanted.push((ns, want));
    }
    let mut next = used.iter().next_back().map_or(0, |m| m + 1);
    wanted
        .into_iter()
        .map(|(ns, want)| {
            (
                ns,
                want.unwrap_or_else(|| {
                    next += 1;
                    next - 1
                }),
            )
        })
        .collect()
}

/// Moves the container row down by `by` (room for the wire lanes above it); returns `by`.
pub(super) fn shift_container_row(topology: &Topology, l: &mut Layout, by: i32) -> i32 {
    if by == 0 {
        return 0;
    }
    let in_row = |ns: usize| matches!(topology.namespaces[ns].role, Role::Container | Role::Other);
    for (ns, b) in l.boxes.iter_mut().enumerate() {
        if in_row(ns) {
            b.y += by;
        }
    }
    for (end, r) in l.ifaces.iter_mut() {
        if in_row(end.ns) {
            r.y += by;
        }
    }
    l.container_row = (l.container_row.0 + by, l.container_row.1 + by);
    by
}

pub(super) fn container_row(
    topology: &Topology,
    grid: &Grid,
    s: &HostSlots,
    (top, reach): (i32, bool),
    l: &mut Layout,
) -> i32 {
    let footer = if reach { 3 * LINE } else { 2 * LINE };
    let mut bottom = top;
    for (ns, slot) in container_slots(topology, s) {
        let n = &topology.namespaces[ns];
        let mut y = top + INSET;
        for i in &n.interfaces {
            let lines = iface_lines(i).len();
            l.ifaces.insert(
                End {
                    ns,
                    ifindex: i.ifindex,
                },
                grid.iface_rect(slot, y, lines),
            );
            y += lines_height(lines) + 8;
        }
        // The reach line's room, then the title and the netns file name.
        let h = y - top + footer + INSET;
        l.boxes[ns] = Rect {
            x: grid.slot_x(slot),
            y: top,
            w: grid.iface_w + 2 * INSET,
            h,
        };
        bottom = bottom.max(top + h);
    }
    bottom
}
