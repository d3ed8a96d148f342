//! Attaching N containers to one bridge on the real kernel, against `ip -batch` scripts
//! doing the same setup in the same run: one in Docker's order (peer moved into the
//! container: `ip-batch`) and the fastest one `ip` allows (peer created in place:
//! `ip-batch-lean`). Needs root; without it, prints why and exits (fails when `CI` is set).
//! Run: `cargo bench -p docknet-kernel --bench attach` (criterion groups, then a summary
//! table from interleaved runs: medians and medians of pairwise ratios).
//!
//! Per container, the ops docknet's engine sends for `docker run` (see [`attach`]): netns,
//! veth (host end enslaved to docker0 and up), peer moved into the netns, renamed eth0, MAC,
//! address, lo and eth0 up, default route; the `ip` script does the same. Teardown drops the
//! namespaces (the kernel deletes eth0 and with it the host end) and waits until every host
//! veth end is gone.
//!
//! Where the time goes (`profile_bench_batch` in `tests/profile_ops.rs`, the same batch under
//! `getrusage` and `perf record -e cpu-clock -g`, kernel 6.18, 2 vCPUs): about 1.1 ms of CPU per
//! container, of which 0.95-1.0 ms is in the kernel and 0.13 ms in docknet (message building,
//! tokio). Wall time equals that CPU time: link changes all hold the one global RTNL mutex
//! (this kernel has no per-namespace RTNL), so the second CPU only helps namespace creation,
//! which already runs ahead on 8 lanes. Kernel samples: namespace creation (`copy_net_ns`,
//! loopback, sysctl tables) 25%, veth creation (`veth_newlink`: two devices, their sysfs
//! objects and IPv4/IPv6 sysctl tables) 25%, link up/master changes 12%, waiting on RTNL
//! (`mutex_spin_on_owner`) 15%. So per container the kernel's own work is about 1 ms: the lean
//! `ip -batch` pays the same plus a process per container, and docknet cannot be much below
//! 1 ms or much above 3-3.5x it without doing less in the kernel than Docker asks for.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use docknet_kernel::KernelBackend;
use docknet_netstate::kernel::Kernel;
use docknet_netstate::op::{NetnsName, Op};

#[path = "../tests/common/mod.rs"]
mod common;

const SIZES: [u32; 3] = [1, 10, 100];

fn container(i: u32) -> NetnsName {
    NetnsName::new(format!("/var/run/docker/netns/{i:012x}"))
}

fn ip_of(i: u32) -> [u8; 4] {
    (u32::from_be_bytes([172, 17, 0, 2]) + i).to_be_bytes()
}

/// The ops docknet's engine sends to attach container `i` for `docker run` (the tests' own
/// builder), minus the three IPv6 sysctls, which `ip` cannot do: netns, lo up, veth in the
/// host with txqlen 0 and MTU on both ends, enslaved and up, peer moved, set down, renamed,
/// MAC, address, up, default route.
fn attach(i: u32) -> Vec<Op> {
    common::attach_like_libnetwork(i)
        .into_iter()
        .filter(|op| !matches!(op, Op::SysctlSet { .. }))
        .collect()
}

fn fresh_backend() -> KernelBackend {
    let mut k = KernelBackend::new().expect("backend");
    k.apply_all(&common::docker0()).expect("docker0");
    k
}

/// Destroyed namespaces are cleaned up by a kernel work queue; a measurement that overlaps
/// the previous run's cleanup measures that cleanup too. Runs wait for it first (untimed).
fn quiesce() {
    std::thread::sleep(Duration::from_millis(50));
}

/// Time for the backend to attach `n` containers (then detaches them, untimed).
fn rtnl_attach(k: &mut KernelBackend, n: u32) -> Duration {
    let ops: Vec<Op> = (0..n).flat_map(attach).collect();
    quiesce();
    let t = Instant::now();
    k.apply_all(&ops).expect("attach");
    let d = t.elapsed();
    detach(k, n);
    d
}

/// Drops the namespaces of `n` containers; returns once every host veth end is gone.
fn detach(k: &mut KernelBackend, n: u32) {
    let ops: Vec<Op> = (0..n).map(|i| Op::NetnsDel { ns: container(i) }).collect();
    k.apply_all(&ops).expect("teardown");
    let left = k.observe().expect("observe").host().links.len();
    assert_eq!(left, 2, "only lo and docker0 remain");
}

/// Time to tear `n` attached containers down by dropping their namespaces.
fn rtnl_teardown(k: &mut KernelBackend, n: u32) -> Duration {
    let ops: Vec<Op> = (0..n).flat_map(attach).collect();
    k.apply_all(&ops).expect("attach");
    quiesce();
    let t = Instant::now();
    detach(k, n);
    t.elapsed()
}

/// How the `ip` script builds the veth pair.
#[derive(Clone, Copy)]
enum IpStyle {
    /// Docker's order: both ends in the host, then the peer moved in and renamed (each move
    /// waits for an RCU grace period in the kernel, about 20 ms here).
    DockerOrder,
    /// The fastest `ip` can do: the peer created in the container, named, with its MAC.
    PeerInPlace,
}

/// The same setup as one `ip -batch` for the host plus one `ip -n cX -batch` per container,
/// in a private mount namespace whose /run is a tmpfs (never the machine's).
fn ip_batch_script(n: u32, style: IpStyle) -> String {
    let mut host = String::new();
    let mut per_ns = String::new();
    for i in 0..n {
        let c = format!("c{i}");
        let o = ip_of(i);
        let mac = format!("02:42:{:02x}:{:02x}:{:02x}:{:02x}", o[0], o[1], o[2], o[3]);
        let (pair, in_ns) = match style {
            IpStyle::DockerOrder => (
                format!(
                    "link add veth{i:07x} type veth peer name vethp{i:06x}\n\
                     link set veth{i:07x} txqueuelen 0 mtu 1500\n\
                     link set vethp{i:06x} txqueuelen 0 mtu 1500\n\
                     link set veth{i:07x} master docker0\nlink set veth{i:07x} up\n\
                     link set vethp{i:06x} netns {c}\n"
                ),
                format!(
                    "link set vethp{i:06x} down\nlink set vethp{i:06x} name eth0\n\
                     link set eth0 address {mac}\n"
                ),
            ),
            IpStyle::PeerInPlace => (
                format!(
                    "link add veth{i:07x} txqueuelen 0 mtu 1500 master docker0 type veth \
                     peer name eth0 address {mac} txqueuelen 0 mtu 1500 netns {c}\n\
                     link set veth{i:07x} up\n"
                ),
                String::new(),
            ),
        };
        host.push_str(&format!("netns add {c}\n{pair}"));
        per_ns.push_str(&format!(
            "ip -n {c} -batch - <<EOF\nlink set lo up\n{in_ns}\
             addr add {}.{}.{}.{}/16 brd + dev eth0\nlink set eth0 up\n\
             route add default via 172.17.0.1 dev eth0\nEOF\n",
            o[0], o[1], o[2], o[3]
        ));
    }
    format!(
        "set -e\nmount -t tmpfs none /run\nip -batch - <<EOF\n{host}EOF\n{per_ns}\
         date +%s%N\n"
    )
}

/// Time for `ip` to do the same setup (measured inside the script, excluding the shell's
/// startup and the mount namespace's teardown).
fn ip_attach(k: &mut KernelBackend, n: u32, style: IpStyle) -> Duration {
    quiesce();
    let script = ip_batch_script(n, style);
    let argv: Vec<String> = [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        &format!("date +%s%N; {script}"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let out = k
        .run_in_netns(&NetnsName::host(), &argv)
        .expect("ip -batch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stamps: Vec<u128> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    // The namespaces died with the script's mount namespace; wait until the kernel has
    // removed their host veth ends before the next run.
    while k.observe().expect("observe").host().links.len() > 2 {
        std::thread::sleep(Duration::from_millis(1));
    }
    Duration::from_nanos((stamps[1] - stamps[0]) as u64)
}

fn bench(c: &mut Criterion, k: &mut KernelBackend, kip: &mut KernelBackend) {
    let mut g = c.benchmark_group("attach");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for n in SIZES {
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::new("rtnl", n), &n, |b, &n| {
            b.iter_custom(|iters| (0..iters).map(|_| rtnl_attach(k, n)).sum())
        });
        g.bench_with_input(BenchmarkId::new("ip-batch", n), &n, |b, &n| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| ip_attach(kip, n, IpStyle::DockerOrder))
                    .sum()
            })
        });
        g.bench_with_input(BenchmarkId::new("ip-batch-lean", n), &n, |b, &n| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| ip_attach(kip, n, IpStyle::PeerInPlace))
                    .sum()
            })
        });
        g.bench_with_input(BenchmarkId::new("teardown", n), &n, |b, &n| {
            b.iter_custom(|iters| (0..iters).map(|_| rtnl_teardown(k, n)).sum())
        });
    }
    g.finish();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

/// Interleaved pairs (rtnl, lean ip, Docker-order ip, rtnl, ...): each ratio compares runs
/// made moments apart, so the machine's drift (which moved a plain median 2x between runs)
/// cancels; the table shows medians of ms per container and medians of the pairwise ratios.
fn summary(k: &mut KernelBackend, kip: &mut KernelBackend) {
    const PAIRS: usize = 9;
    println!("\nms per container, medians of {PAIRS} interleaved runs; ratios are medians of pairwise ratios");
    println!("N      rtnl   ip-docker-order  ratio   ip-peer-in-place  ratio   teardown");
    for n in SIZES {
        let per = |d: Duration| d.as_secs_f64() * 1e3 / f64::from(n);
        let (mut r, mut ip, mut lean, mut td) = (vec![], vec![], vec![], vec![]);
        let (mut ip_ratio, mut lean_ratio) = (vec![], vec![]);
        for _ in 0..PAIRS {
            let a = per(rtnl_attach(k, n));
            let b = per(ip_attach(kip, n, IpStyle::PeerInPlace));
            let c = per(ip_attach(kip, n, IpStyle::DockerOrder));
            td.push(per(rtnl_teardown(k, n)));
            lean_ratio.push(b / a);
            ip_ratio.push(c / a);
            r.push(a);
            lean.push(b);
            ip.push(c);
        }
        println!(
            "{n:<4} {:7.3}  {:15.3}  {:5.1}x  {:16.3}  {:5.1}x  {:8.3}",
            median(r),
            median(ip),
            median(ip_ratio),
            median(lean),
            median(lean_ratio),
            median(td)
        );
    }
}

fn main() {
    if let Err(reason) = docknet_kernel::probe() {
        if std::env::var_os("CI").is_some() {
            panic!("kernel bench cannot run: {reason}");
        }
        println!("skipped (needs root): {reason}");
        return;
    }
    // One backend for the whole run: each measurement attaches to its docker0 and detaches.
    // The `ip` scripts get their own (tools that change links make a backend check indexes).
    let (mut k, mut kip) = (fresh_backend(), fresh_backend());
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &mut k, &mut kip);
    c.final_summary();
    if std::env::args().any(|a| a == "--bench") {
        summary(&mut k, &mut kip);
    }
}
