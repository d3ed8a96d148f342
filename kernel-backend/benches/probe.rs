//! One real probe (an ICMP echo from the host namespace to a container's address, through
//! docker0) by the backend, against spawning the real `ping -c 1` in the same namespace, in
//! one run. Needs root; without it, prints why and exits (fails when `CI` is set).
//! Run: `cargo bench -p docknet-kernel --bench probe`.

use criterion::Criterion;
use docknet_kernel::KernelBackend;
use docknet_netstate::kernel::Kernel;
use docknet_netstate::op::NetnsName;
use docknet_netstate::walk::{Outcome, Probe, ProbeKind};

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    if let Err(reason) = docknet_kernel::probe() {
        if std::env::var_os("CI").is_some() {
            panic!("kernel bench cannot run: {reason}");
        }
        println!("skipped (needs root): {reason}");
        return;
    }
    let mut k = KernelBackend::new().expect("backend");
    k.apply_all(&common::docker0()).expect("docker0");
    k.apply_all(&common::attach_like_libnetwork(0))
        .expect("a container");
    let state = k.observe().expect("observable");
    let dst = state
        .namespaces
        .iter()
        .filter(|(n, _)| n.as_str() != NetnsName::HOST)
        .find_map(|(_, n)| n.addrs.iter().find(|a| a.cidr.addr.octets()[0] != 127))
        .expect("the container has an address")
        .cidr
        .addr;
    let probe = Probe {
        from: NetnsName::host(),
        dst,
        kind: ProbeKind::Echo,
    };
    assert!(
        matches!(k.probe(&probe), Ok(Outcome::EchoReply { .. })),
        "the container answers"
    );
    let ping: Vec<String> = ["ping", "-c", "1", "-W", "1"]
        .iter()
        .map(|s| s.to_string())
        .chain([dst.to_string()])
        .collect();
    let mut c = Criterion::default().configure_from_args().sample_size(30);
    let mut g = c.benchmark_group("probe");
    g.bench_function("backend echo probe", |b| {
        b.iter(|| k.probe(&probe).expect("probe"))
    });
    g.bench_function("ping -c 1 in the namespace", |b| {
        b.iter(|| {
            let out = k
                .run_in_netns(&NetnsName::host(), &ping)
                .expect("ping runs");
            assert!(out.status.success());
        })
    });
    g.finish();
    c.final_summary();
}
