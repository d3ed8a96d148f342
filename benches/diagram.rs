//! Drawing speed on sim. Goal: the diagram of 1,000 containers on 50 networks (host NICs,
//! 50 bridges, 1,000 veth pairs) in under 1 s, in every format; with the reach overlay
//! beside it for the cost of the walk.

use criterion::{criterion_group, criterion_main, Criterion};
use docknet::runner::diagram::labels;
use docknet_netstate::diagram::{draw, Format, Labels, Options};
use docknet_netstate::state::KernelState;

mod common;

const NETWORKS: usize = 50;
const CONTAINERS: usize = 1_000;

/// A booted daemon with 1,000 containers spread over 50 networks, and its labels.
fn host() -> (KernelState, Labels) {
    let (engine, state) = common::populated_host(NETWORKS, CONTAINERS);
    (state, labels(&engine))
}

fn bench(c: &mut Criterion) {
    let (state, labels) = host();
    let mut g = c.benchmark_group("diagram 1000 containers / 50 networks");
    g.sample_size(10);
    for (name, format) in [
        ("svg", Format::Svg),
        ("text", Format::Text),
        ("mermaid", Format::Mermaid),
        ("dot", Format::Dot),
    ] {
        let options = Options {
            format,
            reach: false,
        };
        g.bench_function(name, |b| {
            b.iter(|| draw(&state, &labels, options).expect("draws"))
        });
    }
    let reach = Options {
        format: Format::Svg,
        reach: true,
    };
    g.bench_function("svg --reach", |b| {
        b.iter(|| draw(&state, &labels, reach).expect("draws"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
