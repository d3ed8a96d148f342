//! Per-op timing of the attach sequence (diagnostic; run with --ignored --nocapture).
mod common;
use common::*;
use docknet_kernel::KernelBackend;
use docknet_netstate::Kernel;
use std::time::Instant;

#[test]
#[ignore]
fn profile_attach_ops() {
    if !kernel_available() {
        return;
    }
    let mut k = KernelBackend::new().unwrap();
    k.apply_all(&docker0()).unwrap();
    let mut totals = [0f64; 11];
    let n = 20;
    for i in 0..n {
        for (j, op) in attach(i).iter().enumerate() {
            let t = Instant::now();
            k.apply(op).unwrap();
            totals[j] += t.elapsed().as_secs_f64() * 1e3;
        }
    }
    for (j, op) in attach(0).iter().enumerate() {
        let name = format!("{op:?}");
        println!(
            "{:8.3} ms  {}",
            totals[j] / n as f64,
            &name[..name.find(' ').unwrap_or(name.len())]
        );
    }
}

#[test]
#[ignore]
fn profile_fused_attach() {
    if !kernel_available() {
        return;
    }
    let mut k = KernelBackend::new().unwrap();
    k.apply_all(&docker0()).unwrap();
    let n = 50;
    let t = Instant::now();
    for i in 0..n {
        k.apply_all(&attach(i)).unwrap();
    }
    println!(
        "{:8.3} ms  per fused attach, one batch each",
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
    let all: Vec<_> = (n..2 * n).flat_map(attach).collect();
    let t = Instant::now();
    k.apply_all(&all).unwrap();
    println!(
        "{:8.3} ms  per fused attach, one batch for all",
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
    let t = Instant::now();
    for i in 0..n {
        k.apply(&docknet_netstate::op::Op::NetnsAdd {
            ns: ns(&format!("x{i}")),
        })
        .unwrap();
    }
    println!(
        "{:8.3} ms  per NetnsAdd",
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
}

#[test]
#[ignore]
fn profile_netns_creation_parallelism() {
    if !kernel_available() {
        return;
    }
    let n = 64;
    for threads in [1usize, 2, 4, 8] {
        let t = Instant::now();
        let fds: Vec<_> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(move || {
                        (0..n / threads)
                            .map(|_| {
                                std::thread::spawn(|| {
                                    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
                                        .unwrap();
                                    std::fs::File::open("/proc/thread-self/ns/net").unwrap()
                                })
                                .join()
                                .unwrap()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        println!(
            "{:8.3} ms  per netns with {threads} threads",
            t.elapsed().as_secs_f64() * 1e3 / n as f64
        );
        drop(fds);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

#[test]
#[ignore]
fn profile_batch_phases() {
    if !kernel_available() {
        return;
    }
    let mut k = KernelBackend::new().unwrap();
    k.apply_all(&docker0()).unwrap();
    let n = 100u32;
    let adds: Vec<_> = (0..n).map(|i| attach(i)[0].clone()).collect();
    let t = Instant::now();
    k.apply_all(&adds).unwrap();
    println!(
        "{:8.3} ms  per NetnsAdd (pooled)",
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
    let mut rest = vec![Vec::new(); 4];
    for i in 0..n {
        let ops = attach(i);
        rest[0].extend_from_slice(&ops[1..7]); // fused create
        rest[1].extend_from_slice(&ops[7..8]); // addr
        rest[2].extend_from_slice(&ops[8..10]); // lo up, eth0 up
        rest[3].extend_from_slice(&ops[10..]); // route
    }
    for (name, ops) in ["fused create", "addr", "2x up", "route"].iter().zip(&rest) {
        let t = Instant::now();
        k.apply_all(ops).unwrap();
        println!(
            "{:8.3} ms  per container: {name}",
            t.elapsed().as_secs_f64() * 1e3 / n as f64
        );
    }
}

/// The attach bench's rtnl batch (100 containers, Docker's ops minus the IPv6 sysctls),
/// repeated, for a profiler: `perf record -e cpu-clock -g` on this test.
#[test]
#[ignore]
fn profile_bench_batch() {
    if !kernel_available() {
        return;
    }
    let mut k = KernelBackend::new().unwrap();
    k.apply_all(&docker0()).unwrap();
    let n = 100u32;
    let rounds: u32 = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let (mut total, mut cpu, mut sys) = (0f64, 0f64, 0f64);
    for _ in 0..rounds {
        let ops: Vec<_> = (0..n)
            .flat_map(attach_like_libnetwork)
            .filter(|op| !matches!(op, docknet_netstate::op::Op::SysctlSet { .. }))
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let (cpu0, sys0) = (cpu_ms(), sys_ms());
        let t = Instant::now();
        k.apply_all(&ops).unwrap();
        total += t.elapsed().as_secs_f64() * 1e3;
        cpu += cpu_ms() - cpu0;
        sys += sys_ms() - sys0;
        let dels: Vec<_> = (0..n)
            .map(|i| docknet_netstate::op::Op::NetnsDel {
                ns: ns(&format!("/var/run/docker/netns/{i:012x}")),
            })
            .collect();
        k.apply_all(&dels).unwrap();
    }
    println!(
        "{:8.3} ms  per container (bench batch, {rounds} rounds), {:.3} ms CPU of which {:.3} ms in the kernel",
        total / f64::from(rounds * n),
        cpu / f64::from(rounds * n),
        sys / f64::from(rounds * n)
    );
}

/// CPU time of the whole process (all threads, user + system) so far.
fn cpu_ms() -> f64 {
    let u = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF).unwrap();
    let ms = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e3 + t.tv_usec() as f64 / 1e3;
    ms(u.user_time()) + ms(u.system_time())
}

/// System (kernel) CPU time of the whole process so far.
fn sys_ms() -> f64 {
    let u = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF).unwrap();
    u.system_time().tv_sec() as f64 * 1e3 + u.system_time().tv_usec() as f64 / 1e3
}
