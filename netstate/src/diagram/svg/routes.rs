//! Wire routes: how each veth pair runs between its two interface boxes.
//!
//! An upper end straight above the lower end's first interface is one vertical segment.
//! Any other pair between two rows runs down from the upper box to a lane of its own, across
//! and down: onto the lower box's top when it is its namespace's first interface, else beside
//! the namespace box and into the interface's right side (so it never crosses a label).
//! Two ends in one row are joined by a curve that dips below them.

use std::collections::BTreeMap;

use super::layout::{Layout, Rect, Route, INSET, LANE, LINE};
use crate::diagram::topology::{End, Topology};

/// Each wire's route, in wire order, and how many lanes they use; `channel_top` is where
/// the first lane may run.
pub fn route_all(topology: &Topology, l: &Layout, channel_top: i32) -> (Vec<Route>, usize) {
    let mut lane = 0;
    let mut beside: BTreeMap<usize, i32> = BTreeMap::new();
    let routes = topology
        .wires
        .iter()
        .map(|w| {
            let (Some(&ra), Some(&rb)) = (l.ifaces.get(&w.a), l.ifaces.get(&w.b)) else {
                return Route::Poly(Vec::new());
            };
            let (ru, (lower, rl)) = if ra.y <= rb.y {
                (ra, (w.b, rb))
            } else {
                (rb, (w.a, ra))
            };
            if rl.y < ru.bottom() {
                return same_row(ru, rl);
            }
            let first = is_first(topology, lower);
            let ns_box = l.boxes[lower.ns];
            let in_container_row = ns_box.y == l.container_row.0 && ns_box.w > 0;
            // Only in the container row do interfaces stack under one another.
            if ru.cx() == rl.cx() && (first || !in_container_row) {
                return Route::Poly(vec![(ru.cx(), ru.bottom()), (rl.cx(), rl.y)]);
            }
            let lane_y = if in_container_row {
                lane += 1;
                channel_top + 20 + (lane - 1) * LANE
            } else {
                (ru.bottom() + rl.y) / 2
            };
            if first || !in_container_row {
                return Route::Poly(vec![
                    (ru.cx(), ru.bottom()),
                    (ru.cx(), lane_y),
                    (rl.cx(), lane_y),
                    (rl.cx(), rl.y),
                ]);
            }
            let k = beside.entry(lower.ns).or_insert(0);
            *k += 1;
            let x = ns_box.right() + 6 + (*k - 1) * 5;
            let mid = rl.y + LINE;
            Route::Poly(vec![
                (ru.cx(), ru.bottom()),
                (ru.cx(), lane_y),
                (x, lane_y),
                (x, mid),
                (rl.right(), mid),
            ])
        })
        .collect();
    (routes, lane as usize)
}

/// Whether `end` is the first interface of its namespace (nothing of it above).
fn is_first(topology: &Topology, end: End) -> bool {
    topology.namespaces[end.ns]
        .interfaces
        .first()
        .is_some_and(|i| i.ifindex == end.ifindex)
}

/// Two boxes side by side: a curve from bottom to bottom, deeper the farther apart.
fn same_row(a: Rect, b: Rect) -> Route {
    let depth = INSET * 3 + (a.cx() - b.cx()).abs() / 8;
    let (ya, yb) = (a.bottom(), b.bottom());
    Route::Curve([
        (a.cx(), ya),
        (a.cx(), ya + depth),
        (b.cx(), yb + depth),
        (b.cx(), yb),
    ])
}
