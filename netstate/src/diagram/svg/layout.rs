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

use std::collections::BTreeMap;

use super::rows;

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
pub(super) const ROW_GAP: i32 = 40;
/// Vertical space between a bridge and its ports.
pub(super) const PORT_GAP: i32 = 34;
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

/// The column slots: one interface width, one pitch.
pub(super) struct Grid {
    /// Every interface box's width.
    pub(super) iface_w: i32,
    /// From one slot's left edge to the next one's.
    pub(super) pitch: i32,
}

impl Grid {
    /// The left edge of slot `slot`.
    pub(super) fn slot_x(&self, slot: usize) -> i32 {
        MARGIN + GUTTER + slot as i32 * self.pitch
    }

    /// An interface box of `lines` lines in slot `slot`, its top at `y`.
    pub(super) fn iface_rect(&self, slot: usize, y: i32, lines: usize) -> Rect {
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
        .map(|h| rows::host_slots(topology, h))
        .unwrap_or_default();
    let outside = topology
        .namespaces
        .iter()
        .position(|n| n.role == Role::Outside);
    if let Some(o) = outside {
        y = rows::outside_row(topology, &grid, o, &host_slots, y, &mut l) + WIRE_GAP;
    }
    if let Some(h) = topology.host() {
        y = rows::host_row(topology, &grid, h, &host_slots, y, &mut l);
    }
    let channel_top = y;
    y += WIRE_GAP;
    let bottom = rows::container_row(topology, &grid, &host_slots, (y, reach), &mut l);
    l.container_row = (y, bottom);
    let (_, lanes) = super::routes::route_all(topology, &l, channel_top);
    let bottom = bottom + rows::shift_container_row(topology, &mut l, lanes as i32 * LANE);
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

/// A lane header's height: the title, the wrapped subtitle, padding.
pub fn header_height(subtitle: &str) -> i32 {
    (1 + wrap(subtitle, HEADER_CHARS).len() as i32) * LINE + 2 * INSET
}
