//! The SVG form: a standalone picture laid out by [`layout`], drawn back to front (boxes,
//! bridge memberships, wires, interfaces, published ports, the reach overlay, the legend).
//!
//! Integer coordinates, fixed colours and a fixed element order: one state, one file. Text
//! is 12px monospace so the layout's widths hold in any browser.

pub mod layout;
mod overlay;
mod routes;
mod rows;

use std::fmt::Write;

use super::reach::Reach;
use super::topology::{End, IfaceKind, Interface, Role, Topology};
use layout::{iface_lines, wrap, Layout, Rect, Route, HEADER_CHARS};
use layout::{INSET, LINE, MARGIN, PAD};

const STYLE: &str = "\
text{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;font-size:12px;fill:#1a202c}
.bold{font-weight:bold}
.small{font-size:11px;fill:#4a5568}
.lane{font-size:14px;font-weight:bold}
.outside{fill:#eef2ff;stroke:#5a67d8;stroke-width:1.5;stroke-dasharray:8 4}
.host{fill:#f7fafc;stroke:#2d3748;stroke-width:2}
.ctr{fill:#fffaf0;stroke:#b7791f;stroke-width:1.5}
.other{fill:#f7fafc;stroke:#718096;stroke-width:1.5}
.veth{fill:#ffffff;stroke:#4a5568;stroke-width:1.2}
.bridge{fill:#dbe9f7;stroke:#2b6cb0;stroke-width:1.5}
.down{fill:#edf2f7;stroke:#a0aec0;stroke-width:1.2;stroke-dasharray:5 3}
.down-text{fill:#718096}
.up-badge{fill:#c6f6d5;stroke:#2f855a}
.down-badge{fill:#fed7d7;stroke:#c53030}
.wire{fill:none;stroke:#2d3748;stroke-width:2}
.wire-down{fill:none;stroke:#a0aec0;stroke-width:2;stroke-dasharray:6 4}
.member{stroke:#2b6cb0;stroke-width:3}
.pub{fill:#fefcbf;stroke:#b7791f;stroke-width:1.2}
.pub-yes{fill:#fefcbf;stroke:#2f855a;stroke-width:2.5}
.pub-no{fill:#fefcbf;stroke:#c53030;stroke-width:2.5}
.reach{fill:none;stroke:#2f855a;stroke-width:2}
.isolated{fill:none;stroke:#c53030;stroke-width:1.2;stroke-dasharray:3 3}
.yes{fill:#2f855a}
.no{fill:#c53030}
";

/// The whole SVG document.
pub fn render(topology: &Topology, reach: Option<&Reach>) -> String {
    let l = layout::layout(topology, reach.is_some());
    let mut body = String::new();
    namespace_boxes(&mut body, topology, &l);
    memberships(&mut body, topology, &l);
    wires(&mut body, topology, &l);
    for (end, r) in &l.ifaces {
        if let Some(i) = topology.interface(*end) {
            interface(&mut body, i, *r);
        }
    }
    published(&mut body, topology, &l, reach);
    let mut bottom = l.below;
    if let Some(reach) = reach {
        bottom = overlay::draw(&mut body, topology, &l, reach);
    }
    bottom = legend(&mut body, bottom + 24, reach.is_some(), l.width);
    let (w, h) = (l.width, bottom + MARGIN);
    let mut out = String::with_capacity(body.len() + 2048);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    let _ = writeln!(out, "<style>\n{STYLE}</style>");
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>"
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// `&`, `<`, `>` and `"` as entities.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rect(out: &mut String, r: Rect, class: &str, rx: i32) {
    let _ = writeln!(
        out,
        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{rx}\"/>",
        r.x, r.y, r.w, r.h
    );
}

fn text(out: &mut String, x: i32, y: i32, class: &str, s: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    let _ = writeln!(out, "<text{class} x=\"{x}\" y=\"{y}\">{}</text>", escape(s));
}

/// The outside and host rows as wide boxes with their lane header in the gutter; each
/// container as its own box, its title at the bottom (wires come in at the top).
fn namespace_boxes(out: &mut String, topology: &Topology, l: &Layout) {
    let mut containers_headed = false;
    for (ns, n) in topology.namespaces.iter().enumerate() {
        let r = l.boxes[ns];
        match n.role {
            Role::Outside | Role::Host => {
                let class = if n.role == Role::Host {
                    "host"
                } else {
                    "outside"
                };
                rect(out, r, class, 10);
                lane_header(out, r.x + INSET, r.y + INSET, &n.title, &n.subtitle);
            }
            Role::Container | Role::Other => {
                if !containers_headed {
                    let sub = "each in its own network namespace";
                    lane_header(
                        out,
                        MARGIN + INSET,
                        l.container_row.0 + INSET,
                        "containers",
                        sub,
                    );
                    containers_headed = true;
                }
                let class = if n.role == Role::Container {
                    "ctr"
                } else {
                    "other"
                };
                rect(out, r, class, 8);
                let y = r.bottom() - INSET - LINE;
                if n.interfaces.is_empty() {
                    text(
                        out,
                        r.x + INSET,
                        r.y + INSET + LINE,
                        "small",
                        "no interface but lo",
                    );
                }
                text(out, r.x + INSET, y, "bold", &n.title);
                text(out, r.x + INSET, y + LINE, "small", &n.subtitle);
            }
        }
    }
}

fn lane_header(out: &mut String, x: i32, y: i32, title: &str, subtitle: &str) {
    text(out, x, y + LINE - 2, "lane", title);
    for (k, line) in wrap(subtitle, HEADER_CHARS).iter().enumerate() {
        text(out, x, y + LINE * (k as i32 + 2) - 2, "small", line);
    }
}

/// A thick line from each bridge down to each of its ports.
fn memberships(out: &mut String, topology: &Topology, l: &Layout) {
    for (end, r) in &l.ifaces {
        let Some(i) = topology.interface(*end) else {
            continue;
        };
        let Some(master) = i.master else { continue };
        let Some(b) = l.ifaces.get(&End {
            ns: end.ns,
            ifindex: master,
        }) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<line class=\"member\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            b.bottom(),
            r.y,
            x = r.cx()
        );
    }
}

fn wires(out: &mut String, topology: &Topology, l: &Layout) {
    for (w, route) in topology.wires.iter().zip(&l.routes) {
        let class = if w.up { "wire" } else { "wire-down" };
        let d = match route {
            Route::Poly(points) if points.len() >= 2 => {
                veth_label(out, points);
                let mut d = format!("M{},{}", points[0].0, points[0].1);
                for (x, y) in &points[1..] {
                    let _ = write!(d, " L{x},{y}");
                }
                d
            }
            Route::Poly(_) => continue,
            Route::Curve([a, b, c, e]) => format!(
                "M{},{} C{},{} {},{} {},{}",
                a.0, a.1, b.0, b.1, c.0, c.1, e.0, e.1
            ),
        };
        let _ = writeln!(out, "<path class=\"{class}\" d=\"{d}\"/>");
    }
}

/// `veth` beside the middle of a wire's first run, when that run is vertical and long enough
/// (a routed wire's later runs pass close to other boxes).
fn veth_label(out: &mut String, points: &[(i32, i32)]) {
    let (a, b) = (points[0], points[1]);
    if a.0 == b.0 && (b.1 - a.1).abs() >= 2 * LINE {
        text(out, a.0 + 5, (a.1 + b.1) / 2 + 4, "small", "veth");
    }
}

/// One interface: its box, its lines, and a state badge top right.
fn interface(out: &mut String, i: &Interface, r: Rect) {
    let class = match (i.is_up(), i.kind) {
        (false, _) => "down",
        (true, IfaceKind::Bridge) => "bridge",
        (true, IfaceKind::Veth) => "veth",
    };
    rect(out, r, class, 4);
    let lines = iface_lines(i);
    let text_class = if i.is_up() { "" } else { "down-text" };
    for (k, line) in lines.iter().enumerate() {
        let class = match (k, i.is_up()) {
            (0, true) => "bold".to_string(),
            (0, false) => "bold down-text".to_string(),
            _ => text_class.to_string(),
        };
        text(
            out,
            r.x + PAD,
            r.y + PAD + LINE * (k as i32 + 1) - 4,
            &class,
            line,
        );
    }
    let state = i.state.name();
    let bw = layout::text_width(state.len()) + 8;
    let badge = Rect {
        x: r.right() - bw - 5,
        y: r.y + 5,
        w: bw,
        h: LINE,
    };
    let badge_class = if i.is_up() { "up-badge" } else { "down-badge" };
    rect(out, badge, badge_class, 3);
    text(out, badge.x + 4, badge.y + LINE - 4, "small", state);
}

/// Published ports as tags at the host's edge, outlined green or red when the overlay tried
/// them from the outside.
fn published(out: &mut String, topology: &Topology, l: &Layout, reach: Option<&Reach>) {
    for (k, (p, r)) in topology.published.iter().zip(&l.published).enumerate() {
        let tried = reach.and_then(|re| re.published.get(k).cloned().flatten());
        let class = match &tried {
            None => "pub",
            Some(t) if t.reached => "pub-yes",
            Some(_) => "pub-no",
        };
        rect(out, *r, class, 10);
        text(out, r.x + PAD, r.y + PAD + LINE - 4, "bold", "published");
        text(out, r.x + PAD, r.y + PAD + 2 * LINE - 4, "", &p.label());
    }
}

/// What the line styles mean, along the bottom, wrapped at `width`; returns its bottom.
fn legend(out: &mut String, mut y: i32, reach: bool, width: i32) -> i32 {
    let x = MARGIN + INSET;
    let mut items: Vec<(&str, &str)> = vec![
        ("wire", "veth pair"),
        ("wire-down", "veth pair with a down end"),
        ("member", "bridge port"),
    ];
    if reach {
        items.push(("reach", "ping gets through"));
        items.push(("isolated", "ping does not"));
    }
    let mut cx = x;
    for (class, label) in items {
        let w = 44 + layout::text_width(label.len());
        if cx > x && cx + w > width - MARGIN {
            cx = x;
            y += LINE + 4;
        }
        let _ = writeln!(
            out,
            "<line class=\"{class}\" x1=\"{cx}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
            cx + 36
        );
        text(out, cx + 44, y + 4, "small", label);
        cx += w + 28;
    }
    text(
        out,
        x,
        y + 2 * LINE,
        "small",
        "grey, dashed boxes: interfaces that are down",
    );
    y + 2 * LINE
}
