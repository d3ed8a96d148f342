//! Whole-tutorial replay on sim: every `scenarios/tutorial-*.scn`, each on a fresh kernel and
//! daemon, parsed once outside the measurement. Goal: under 5 ms for all of them together.

use criterion::{criterion_group, criterion_main, Criterion};
use docknet::{Backend, Scenario};

fn tutorial() -> Vec<Scenario> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("tutorial-") && name.ends_with(".scn")
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| docknet::load(&p.to_string_lossy()).expect("tutorial scenarios parse"))
        .collect()
}

fn replay_all(scenarios: &[Scenario]) -> usize {
    let mut steps = 0;
    for scenario in scenarios {
        let mut kernel = Backend::Sim.kernel().expect("sim is available");
        let transcript = docknet::replay(scenario, None, kernel.as_mut()).expect("replays");
        steps += transcript.steps.len();
    }
    steps
}

fn bench(c: &mut Criterion) {
    if let Err(e) = Backend::Sim.kernel() {
        eprintln!("replay bench skipped: {e}");
        return;
    }
    let scenarios = tutorial();
    c.bench_function("tutorial replay on sim (all tutorial-*.scn)", |b| {
        b.iter(|| replay_all(std::hint::black_box(&scenarios)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
