//! The packet walk's speed on sim. Goals: all-pairs ICMP reachability of 1,000 containers
//! on 50 networks in under 1 s (the class-based matrix; the per-pair walk is measured on a
//! 100-container sample beside it for the ratio), and one ping step in under 20 µs.

use criterion::{criterion_group, criterion_main, Criterion};
use docknet_netstate::state::KernelState;
use docknet_netstate::walk::matrix::{matrix, matrix_per_probe, Endpoint};
use docknet_netstate::walk::{walk, Probe, ProbeKind};

mod common;

const NETWORKS: usize = 50;

/// A booted daemon with `containers` containers spread over 50 networks.
fn host(containers: usize) -> (KernelState, Vec<Endpoint>) {
    let (engine, state) = common::populated_host(NETWORKS, containers);
    let eps = engine
        .running_containers()
        .into_iter()
        .map(|c| Endpoint {
            ns: c.ns,
            addrs: c.addrs.into_iter().map(|(_, a)| a).collect(),
        })
        .collect();
    (state, eps)
}

fn bench(c: &mut Criterion) {
    let (big, big_eps) = host(1_000);
    let mut g = c.benchmark_group("reach");
    g.sample_size(10);
    g.bench_function("matrix 1000 containers / 50 networks", |b| {
        b.iter(|| matrix(&big, &big_eps, ProbeKind::Echo).expect("walks"))
    });
    let (small, small_eps) = host(100);
    g.bench_function("matrix 100 containers", |b| {
        b.iter(|| matrix(&small, &small_eps, ProbeKind::Echo).expect("walks"))
    });
    g.bench_function("per-pair walks 100 containers", |b| {
        b.iter(|| matrix_per_probe(&small, &small_eps, ProbeKind::Echo).expect("walks"))
    });
    g.finish();
    let (tiny, tiny_eps) = host(4);
    // c0 and c4 share net0 only when there are more than 50; with 4, ping the gateway's
    // other side: c0 to c1 crosses the isolation rules, c0 to its own gateway answers.
    let peer = Probe {
        from: tiny_eps[0].ns.clone(),
        dst: tiny_eps[1].addrs[0],
        kind: ProbeKind::Echo,
    };
    c.bench_function("ping step (one echo walk, 4 containers)", |b| {
        b.iter(|| walk(&tiny, &peer).expect("walks"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
