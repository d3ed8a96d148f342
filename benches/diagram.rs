//! Drawing speed on sim. Goal: the diagram of 1,000 containers on 50 networks (host NICs,
//! 50 bridges, 1,000 veth pairs) in under 1 s, in every format; with the reach overlay
//! beside it for the cost of the walk.

use criterion::{criterion_group, criterion_main, Criterion};
use docknet::runner::diagram::labels;
use docknet::Backend;
use docknet_engine::{Engine, DEFAULT_SEED};
use docknet_netstate::diagram::{draw, Format, Labels, Options};
use docknet_netstate::state::KernelState;

const NETWORKS: usize = 50;
const CONTAINERS: usize = 1_000;

/// A booted daemon with 1,000 containers spread over 50 networks, and its labels.
fn host() -> (KernelState, Labels) {
    let mut kernel = Backend::Sim.kernel().expect("sim is available");
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.boot(kernel.as_mut()).expect("boots");
    let mut run = |line: String| {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let out = engine.docker(kernel.as_mut(), &args);
        assert_eq!(out.exit, 0, "docker {line}: {}", out.stderr);
    };
    for n in 0..NETWORKS {
        run(format!("network create --subnet 10.{n}.0.0/24 net{n}"));
    }
    for c in 0..CONTAINERS {
        run(format!(
            "run -d --name c{c} --network net{} busybox sleep 100000",
            c % NETWORKS
        ));
    }
    let state = kernel.observe().expect("observable");
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
