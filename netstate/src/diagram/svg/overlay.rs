//! The reach overlay on the picture: an arc under the container row for every pair that
//! pings, an arrowhead where only one way gets through, each container's way out, and, while
//! the row is small enough to stay readable, a dashed red arc for every pair that is
//! isolated.

use std::fmt::Write;

use super::layout::{Layout, Rect, INSET, LINE};
use super::text;
use crate::diagram::reach::Reach;
use crate::diagram::topology::{Role, Topology};

/// Up to this many containers, isolated pairs get an arc too.
const ISOLATION_ARCS_UP_TO: usize = 10;

/// Draws the overlay; returns the lowest y it drew at.
pub fn draw(out: &mut String, topology: &Topology, l: &Layout, reach: &Reach) -> i32 {
    out.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2f855a\"/></marker></defs>\n",
    );
    let containers: Vec<usize> = reach
        .nodes
        .iter()
        .copied()
        .filter(|&n| topology.namespaces[n].role == Role::Container)
        .collect();
    let isolation = containers.len() <= ISOLATION_ARCS_UP_TO;
    let mut bottom = l.below;
    for (k, &a) in containers.iter().enumerate() {
        for &b in &containers[k + 1..] {
            let (ab, ba) = (reach.reaches(a, b), reach.reaches(b, a));
            let (class, marker) = match (ab, ba) {
                (true, true) => ("reach", ""),
                (true, false) => ("reach", " marker-end=\"url(#arrow)\""),
                (false, true) => ("reach", " marker-start=\"url(#arrow)\""),
                (false, false) if isolation => ("isolated", ""),
                (false, false) => continue,
            };
            bottom = bottom.max(arc(out, l.boxes[a], l.boxes[b], l.below, class, marker));
        }
    }
    if let Some(outside) = reach.outside(topology) {
        for &c in &containers {
            way_out(out, l.boxes[c], reach.reaches(c, outside));
        }
    }
    bottom
}

/// An arc between two container boxes' bottoms, hanging below the row; returns its lowest y.
fn arc(out: &mut String, a: Rect, b: Rect, row_bottom: i32, class: &str, marker: &str) -> i32 {
    let (xa, xb) = (a.cx() - 6, b.cx() + 6);
    let (ya, yb) = (a.bottom(), b.bottom());
    let depth = (row_bottom - ya.min(yb)) + 18 + ((xb - xa).abs() / 7).min(160);
    let low = ya.max(yb) + depth;
    let _ = writeln!(
        out,
        "<path class=\"{class}\" d=\"M{xa},{ya} C{xa},{low} {xb},{low} {xb},{yb}\"{marker}/>"
    );
    if class == "isolated" {
        text(
            out,
            (xa + xb) / 2 - 3,
            ya.max(yb) + depth * 3 / 4 + 4,
            "no",
            "x",
        );
    }
    ya.max(yb) + depth * 3 / 4 + 8
}

/// The container's way out, on the line its box keeps free above its title.
fn way_out(out: &mut String, r: Rect, reaches: bool) {
    let (class, word) = if reaches {
        ("yes", "ping outside: yes")
    } else {
        ("no", "ping outside: no")
    };
    text(out, r.x + INSET, r.bottom() - INSET - 2 * LINE, class, word);
}
