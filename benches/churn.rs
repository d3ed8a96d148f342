//! Engine + sim throughput: 1,000 containers over 50 networks, created and removed. Counts the
//! kernel ops applied (through a counting wrapper) and reports them as criterion throughput
//! ("elem/s" = ops/s). Goal: at least 100k ops/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use docknet::Backend;
use docknet_engine::{Engine, Kernel, KernelError, KernelState, Op, DEFAULT_SEED};

const NETWORKS: usize = 50;
const CONTAINERS: usize = 1_000;

/// Passes everything to the inner kernel and counts the ops it accepted.
struct Counting {
    inner: Box<dyn Kernel>,
    ops: u64,
}

impl Kernel for Counting {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        self.inner.apply(op)?;
        self.ops += 1;
        Ok(())
    }

    fn apply_all(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        let result = self.inner.apply_all(ops);
        self.ops += match &result {
            Ok(()) => ops.len(),
            Err((failed, _)) => *failed,
        } as u64;
        result
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        self.inner.observe()
    }
}

fn docker(engine: &mut Engine, kernel: &mut dyn Kernel, line: &str) {
    let args: Vec<String> = line.split_whitespace().map(String::from).collect();
    let out = engine.docker(kernel, &args);
    assert_eq!(out.exit, 0, "docker {line}: {}", out.stderr);
}

/// Boots a daemon, creates and removes everything; returns the ops applied after boot.
fn churn() -> u64 {
    let mut kernel = Counting {
        inner: Backend::Sim.kernel().expect("sim is available"),
        ops: 0,
    };
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.boot(&mut kernel).expect("boots");
    let booted = kernel.ops;
    for n in 0..NETWORKS {
        docker(
            &mut engine,
            &mut kernel,
            &format!("network create --subnet 10.{n}.0.0/24 net{n}"),
        );
    }
    for c in 0..CONTAINERS {
        let line = format!(
            "run -d --name c{c} --network net{} busybox sleep 100000",
            c % NETWORKS
        );
        docker(&mut engine, &mut kernel, &line);
    }
    for c in 0..CONTAINERS {
        docker(&mut engine, &mut kernel, &format!("rm -f c{c}"));
    }
    for n in 0..NETWORKS {
        docker(&mut engine, &mut kernel, &format!("network rm net{n}"));
    }
    kernel.ops - booted
}

fn bench(c: &mut Criterion) {
    if let Err(e) = Backend::Sim.kernel() {
        eprintln!("churn bench skipped: {e}");
        return;
    }
    let ops = churn();
    eprintln!(
        "churn: {ops} kernel ops per iteration ({CONTAINERS} containers, {NETWORKS} networks)"
    );
    let mut group = c.benchmark_group("engine+sim churn");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ops));
    group.bench_function("1000 containers over 50 networks, create and remove", |b| {
        b.iter(churn)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
