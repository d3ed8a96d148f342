//! Property-test throughput: 20-step Docker command sequences on a fresh engine + sim, as
//! the generated tests run them. Goal: at least 1,000 cases/s (reported as elem/s).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use docknet_engine::{Engine, DEFAULT_SEED};

const STEPS: usize = 20;
const CASES: usize = 50;

/// The command lines a case picks from (the shape of tests/common's generator).
const LINES: &[&str] = &[
    "network create n1",
    "network create --subnet 10.1.0.0/24 n2",
    "network rm n1",
    "run -d --name c1 --network n1 busybox sleep 100000",
    "run -d --name c2 busybox sleep 100000",
    "run -d --name c3 --network n2 --ip 10.1.0.5 busybox sleep 100000",
    "run -d --name c4 -p 8080:80 busybox httpd -f -p 80",
    "network connect n2 c2",
    "network disconnect bridge c2",
    "stop c1",
    "start c1",
    "restart c3",
    "rm -f c2",
    "rm -f c4",
    "run --rm --name c5 busybox echo hi",
    "create --name c6 busybox",
];

/// Case `i`'s sequence, from a fixed linear congruential stream.
fn sequence(i: usize) -> Vec<Vec<String>> {
    let mut x = (i as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..STEPS)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let line = LINES[(x >> 33) as usize % LINES.len()];
            line.split_whitespace().map(String::from).collect()
        })
        .collect()
}

fn run_case(cmds: &[Vec<String>]) {
    let mut sim = docknet_sim::Sim::new();
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.boot(&mut sim).expect("boots");
    for c in cmds {
        engine.docker(&mut sim, c);
    }
}

fn bench(c: &mut Criterion) {
    let cases: Vec<Vec<Vec<String>>> = (0..CASES).map(sequence).collect();
    let mut g = c.benchmark_group("sequences");
    g.throughput(Throughput::Elements(CASES as u64));
    g.bench_function("20-step cases on sim", |b| {
        b.iter(|| cases.iter().for_each(|c| run_case(c)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
