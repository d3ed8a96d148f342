//! A small layered layout: fixed rows, fixed-pitch columns, no iteration, so a state always
//! lays out the same and a snapshot never churns.
//!
//! Rows top to bottom: the outside, then the host's box (its NICs and the published ports,
//! its bridges, each bridge's ports right under it), then the containers. Every interface
//! box has one width (the widest label's) and sits in a column slot of one pitch. A bridge
//! spans as many slots as it has ports; a container takes the slot of the host port its
//! first interface is wired to, so its veth pair is a vertical line; an outside interface
//! takes the slot of the host NIC it is wired to. A wire that cannot be vertical runs down
//! to a lane of its own in the channel between the host and the containers, across, and
//! down to its interface. Each box row has its lane header (title and subtitle) in a gutter
//! on the left, where no wire runs. Sizes assume a 12px monospace font (7.4px a character).

use std::collections::{BTreeMap, BTreeSet};

use super::super::topology::{End, IfaceKind, Interface, Role, Topology};

/// Tenths of a pixel per character of the 12px monospace font.
const CHAR_TENTHS: i32 = 74;
/// One text line.
pub const LINE: i32 = 16;
/// Padding inside an interface box.
pub const PAD: i32 = 8;
/// Padding between a namespace box and the interfaces in it.
pub const INSET: i32 = 10;
/// Space between two column slots.
const GAP: i32 = 30;
/// The lane headers' column.
pub const GUTTER: i32 = 200;
/// The picture's margin.
pub const MARGIN: i32 = 20;
/// Vertical room for wires between two box rows.
const WIRE_GAP: i32 = 70;
/// Vertical space between the NIC row and the bridge row inside the host.
const ROW_GAP: i32 = 40;
/// Vertical space between a bridge and its ports.
const PORT_GAP: i32 = 34;
/// Distance between two wire lanes in the channel.
pub const LANE: i32 = 9;
/// Characters a lane header's subtitle wraps at.
pub const HEADER_CHARS: usize = 24;

/// An axis-aligned box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rect {
    /// Left.
    pub x: i32,
    /// Top.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

impl Rect {
    /// The horizontal centre.
    pub fn cx(&self) -> i32 {
        self.x + self.w / 2
    }

    /// The bottom edge.
    pub fn bottom(&self) -> i32 {
        self.y + self.h
    }

    /// The right edge.
    pub fn right(&self) -> i32 {
        self.x + self.w
    }
}

/// How a wire is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Straight segments through these points.
    Poly(Vec<(i32, i32)>),
    /// A cubic curve: start, two controls, end (two interfaces in one row).
    Curve([(i32, i32); 4]),
}

/// Where everything goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The picture's size.
    pub width: i32,
    /// The picture's size.
    pub height: i32,
    /// Each namespace's box (containers' own; the outside's and host's span the row).
    pub boxes: Vec<Rect>,
    /// Each interface's box.
    pub ifaces: BTreeMap<End, Rect>,
    /// Each published port's tag.
    pub published: Vec<Rect>,
    /// Each wire's route, in [`Topology::wires`] order.
    pub routes: Vec<Route>,
    /// The container row's top and bottom (its lane header goes there).
    pub container_row: (i32, i32),
    /// Where the reach overlay and the legend may start.
    pub below: i32,
}

/// The width in pixels of `chars` characters.
pub fn text_width(chars: usize) -> i32 {
    (chars as i32 * CHAR_TENTHS + 9) / 10
}

/// The lines an interface box shows: `ifindex: name`, the network (bridges), addresses,
/// MAC. Its state is a badge on the first line.
pub fn iface_lines(i: &Interface) -> Vec<String> {
    let mut lines = vec![i.title()];
    if i.kind == IfaceKind::Bridge {
        lines.push(match &i.network {
            Some(n) => format!("network {n}"),
            None => "bridge".to_string(),
        });
    }
    lines.extend(i.addrs.iter().map(|a| a.to_string()));
    lines.push(i.mac.to_string());
    lines
}

/// A box's height for `lines` lines.
pub fn lines_height(lines: usize) -> i32 {
    lines as i32 * LINE + 2 * PAD - 2
}

/// The lane header's subtitle, wrapped at word boundaries.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(l) if l.len() + 1 + word.len() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The interface box width: the widest first line with its state badge, or other line.
fn iface_width(topology: &Topology) -> i32 {
    let mut chars = 18;
    for n in &topology.namespaces {
        for i in &n.interfaces {
            let lines = iface_lines(i);
            let first = lines[0].len() + 2 + i.state.name().len();
            let rest = lines[1..].iter().map(String::len).max().unwrap_or(0);
            chars = chars.max(first).max(rest);
        }
        if n.role == Role::Container || n.role == Role::Other {
            chars = chars.max(n.title.len()).max(n.subtitle.len());
        }
    }
    text_width(chars) + 2 * PAD
}

/// The column slots and the row geometry being filled in.
struct Grid {
    iface_w: i32,
    pitch: i32,
}

impl Grid {
    fn slot_x(&self, slot: usize) -> i32 {
        MARGIN + GUTTER + slot as i32 * self.pitch
    }

    fn iface_rect(&self, slot: usize, y: i32, lines: usize) -> Rect {
        Rect {
            x: self.slot_x(slot) + INSET,
            y,
            w: self.iface_w,
            h: lines_height(lines),
        }
    }
}

/// Lays `topology` out; `reach` keeps a line free in each container box for its way out.
pub fn layout(topology: &Topology, reach: bool) -> Layout {
    let iface_w = iface_width(topology);
    let grid = Grid {
        iface_w,
        pitch: iface_w + 2 * INSET + GAP,
    };
    let mut l = Layout {
        boxes: vec![Rect::default(); topology.namespaces.len()],
        ..Layout::default()
    };
    let mut y = MARGIN;
    let host_slots = topology
        .host()
        .map(|h| host_slots(topology, h))
        .unwrap_or_default();
    let outside = topology
        .namespaces
        .iter()
        .position(|n| n.role == Role::Outside);
    if let Some(o) = outside {
        y = outside_row(topology, &grid, o, &host_slots, y, &mut l) + WIRE_GAP;
    }
    if let Some(h) = topology.host() {
        y = host_row(topology, &grid, h, &host_slots, y, &mut l);
    }
    let channel_top = y;
    y += WIRE_GAP;
    let bottom = container_row(topology, &grid, &host_slots, (y, reach), &mut l);
    l.container_row = (y, bottom);
    let (_, lanes) = super::routes::route_all(topology, &l, channel_top);
    let bottom = bottom + shift_container_row(topology, &mut l, lanes as i32 * LANE);
    l.routes = super::routes::route_all(topology, &l, channel_top).0;
    l.below = bottom;
    let right = l
        .ifaces
        .values()
        .chain(l.published.iter())
        .chain(l.boxes.iter())
        .map(Rect::right)
        .max()
        .unwrap_or(0);
    l.width = right.max(MARGIN + GUTTER + 300) + INSET + MARGIN;
    for (ns, n) in topology.namespaces.iter().enumerate() {
        if matches!(n.role, Role::Outside | Role::Host) {
            l.boxes[ns].w = l.width - 2 * MARGIN;
        }
    }
    l
}

/// The slot of each host interface: NICs from slot 0, bridges spanning their ports.
#[derive(Default)]
struct HostSlots {
    /// Slot by host ifindex (NICs, bridges' first slot, ports).
    slot: BTreeMap<u32, usize>,
    /// Slots a bridge spans, by ifindex.
    span: BTreeMap<u32, usize>,
    /// NIC-row interfaces, in order.
    nics: Vec<u32>,
    /// Bridges, in order.
    bridges: Vec<u32>,
}

fn host_slots(topology: &Topology, host: usize) -> HostSlots {
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

fn outside_row(
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

/// A lane header's height: the title, the wrapped subtitle, padding.
pub fn header_height(subtitle: &str) -> i32 {
    (1 + wrap(subtitle, HEADER_CHARS).len() as i32) * LINE + 2 * INSET
}

fn host_row(
    topology: &Topology,
    grid: &Grid,
    h: usize,
    s: &HostSlots,
    top: i32,
    l: &mut Layout,
) -> i32 {
    let n = &topology.namespaces[h];
    let lines_of = |ix: u32| {
        n.interfaces
            .iter()
            .find(|i| i.ifindex == ix)
            .map_or(1, |i| iface_lines(i).len())
    };
    let tallest = |ixs: &mut dyn Iterator<Item = u32>| ixs.map(lines_of).max().unwrap_or(0);
    let mut y = top + INSET;
    let nic_lines =
        tallest(&mut s.nics.iter().copied()).max(2 * usize::from(!topology.published.is_empty()));
    for &nic in &s.nics {
        let end = End {
            ns: h,
            ifindex: nic,
        };
        l.ifaces
            .insert(end, grid.iface_rect(s.slot[&nic], y, lines_of(nic)));
    }
    published_tags(topology, grid, s.nics.len(), y, l);
    if nic_lines > 0 {
        y += lines_height(nic_lines) + ROW_GAP;
    }
    let bridge_lines = tallest(&mut s.bridges.iter().copied());
    for &b in &s.bridges {
        let mut r = grid.iface_rect(s.slot[&b], y, bridge_lines);
        r.w += (s.span[&b] as i32 - 1) * grid.pitch;
        l.ifaces.insert(End { ns: h, ifindex: b }, r);
    }
    if bridge_lines > 0 {
        y += lines_height(bridge_lines) + PORT_GAP;
    }
    let ports: Vec<u32> = s
        .slot
        .keys()
        .copied()
        .filter(|ix| !s.nics.contains(ix) && !s.bridges.contains(ix))
        .collect();
    let port_lines = tallest(&mut ports.iter().copied());
    for p in ports {
        l.ifaces.insert(
            End { ns: h, ifindex: p },
            grid.iface_rect(s.slot[&p], y, port_lines),
        );
    }
    if port_lines > 0 {
        y += lines_height(port_lines);
    } else if bridge_lines > 0 {
        y -= PORT_GAP;
    }
    let bottom = (y + INSET).max(top + header_height(&n.subtitle));
    l.boxes[h] = Rect {
        x: MARGIN,
        y: top,
        w: 0,
        h: bottom - top,
    };
    bottom
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
fn shift_container_row(topology: &Topology, l: &mut Layout, by: i32) -> i32 {
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

fn container_row(
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
