//! Attaching N containers to one bridge on the real kernel, against an `ip -batch` script
//! doing the same setup in the same run. Needs root; without it, prints why and exits.
//!
//! Per container: netns, veth (host end enslaved to docker0 and up), peer moved into the
//! netns, renamed eth0, MAC, address, lo and eth0 up, default route. Teardown drops the
//! namespaces (the kernel deletes eth0 and with it the host end) and waits until every host
//! veth end is gone.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use docknet_engine::kernel::Kernel;
use docknet_engine::op::{Ipv4Cidr, LinkAddKind, Mac, NetnsName, Op, RouteSpec};
use docknet_kernel::KernelBackend;

const SIZES: [u32; 3] = [1, 10, 100];

fn container(i: u32) -> NetnsName {
    NetnsName::new(format!("/var/run/docker/netns/{i:012x}"))
}

fn ip_of(i: u32) -> [u8; 4] {
    (u32::from_be_bytes([172, 17, 0, 2]) + i).to_be_bytes()
}

fn docker0() -> Vec<Op> {
    let h = NetnsName::host();
    vec![
        Op::LinkAdd {
            ns: h.clone(),
            name: "docker0".into(),
            mac: Mac::parse("02:42:9f:00:00:01"),
            kind: LinkAddKind::Bridge,
        },
        Op::AddrAdd {
            ns: h.clone(),
            dev: "docker0".into(),
            addr: Ipv4Cidr::parse("172.17.0.1/16").unwrap(),
            broadcast: true,
        },
        Op::LinkSetUp {
            ns: h,
            name: "docker0".into(),
            up: true,
        },
    ]
}

/// The ops dockerd's libnetwork issues to attach container `i`, in its order.
fn attach(i: u32) -> Vec<Op> {
    let h = NetnsName::host();
    let c = container(i);
    let host_end = format!("veth{i:07x}");
    let peer = format!("vethp{i:06x}");
    let o = ip_of(i);
    vec![
        Op::NetnsAdd { ns: c.clone() },
        Op::LinkAdd {
            ns: h.clone(),
            name: host_end.clone(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: peer.clone(),
                peer_ns: None,
                peer_mac: None,
            },
        },
        Op::LinkSetMaster {
            ns: h.clone(),
            name: host_end.clone(),
            master: Some("docker0".into()),
        },
        Op::LinkSetUp {
            ns: h.clone(),
            name: host_end,
            up: true,
        },
        Op::LinkSetNetns {
            ns: h,
            name: peer.clone(),
            target: c.clone(),
        },
        Op::LinkSetName {
            ns: c.clone(),
            name: peer,
            new_name: "eth0".into(),
        },
        Op::LinkSetMac {
            ns: c.clone(),
            name: "eth0".into(),
            mac: Mac([0x02, 0x42, o[0], o[1], o[2], o[3]]),
        },
        Op::AddrAdd {
            ns: c.clone(),
            dev: "eth0".into(),
            addr: Ipv4Cidr::new(o.into(), 16),
            broadcast: true,
        },
        Op::LinkSetUp {
            ns: c.clone(),
            name: "lo".into(),
            up: true,
        },
        Op::LinkSetUp {
            ns: c.clone(),
            name: "eth0".into(),
            up: true,
        },
        Op::RouteAdd {
            ns: c,
            route: RouteSpec {
                dst: None,
                via: Some([172, 17, 0, 1].into()),
                dev: "eth0".into(),
                onlink: false,
            },
        },
    ]
}

fn fresh_backend() -> KernelBackend {
    let mut k = KernelBackend::new().expect("backend");
    k.apply_all(&docker0()).expect("docker0");
    k
}

/// Time for the backend to attach `n` containers.
fn rtnl_attach(n: u32) -> (Duration, KernelBackend) {
    let mut k = fresh_backend();
    let ops: Vec<Op> = (0..n).flat_map(attach).collect();
    let t = Instant::now();
    k.apply_all(&ops).expect("attach");
    (t.elapsed(), k)
}

/// Time to tear `n` attached containers down by dropping their namespaces.
fn rtnl_teardown(n: u32) -> Duration {
    let (_, mut k) = rtnl_attach(n);
    let ops: Vec<Op> = (0..n).map(|i| Op::NetnsDel { ns: container(i) }).collect();
    let t = Instant::now();
    k.apply_all(&ops).expect("teardown");
    let d = t.elapsed();
    let left = k.observe().expect("observe").host().links.len();
    assert_eq!(left, 2, "only lo and docker0 remain");
    d
}

/// The same setup as one `ip -batch` for the host plus one `ip -n cX -batch` per container,
/// in a private mount namespace whose /run is a tmpfs (never the machine's).
fn ip_batch_script(n: u32) -> String {
    let mut host = String::new();
    let mut per_ns = String::new();
    for i in 0..n {
        let c = format!("c{i}");
        let o = ip_of(i);
        host.push_str(&format!(
            "netns add {c}\nlink add veth{i:07x} type veth peer name vethp{i:06x}\n\
             link set veth{i:07x} master docker0\nlink set veth{i:07x} up\n\
             link set vethp{i:06x} netns {c}\n"
        ));
        per_ns.push_str(&format!(
            "ip -n {c} -batch - <<EOF\nlink set vethp{i:06x} name eth0\n\
             link set eth0 address 02:42:{:02x}:{:02x}:{:02x}:{:02x}\n\
             addr add {}.{}.{}.{}/16 brd + dev eth0\nlink set lo up\nlink set eth0 up\n\
             route add default via 172.17.0.1 dev eth0\nEOF\n",
            o[0], o[1], o[2], o[3], o[0], o[1], o[2], o[3]
        ));
    }
    format!(
        "set -e\nmount -t tmpfs none /run\nip -batch - <<EOF\n{host}EOF\n{per_ns}\
         date +%s%N\n"
    )
}

/// Time for `ip` to do the same setup (measured inside the script, excluding the shell's
/// startup and the mount namespace's teardown).
fn ip_attach(n: u32) -> Duration {
    let k = fresh_backend();
    let script = ip_batch_script(n);
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
    Duration::from_nanos((stamps[1] - stamps[0]) as u64)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("attach");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for n in SIZES {
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::new("rtnl", n), &n, |b, &n| {
            b.iter_custom(|iters| (0..iters).map(|_| rtnl_attach(n).0).sum())
        });
        g.bench_with_input(BenchmarkId::new("ip-batch", n), &n, |b, &n| {
            b.iter_custom(|iters| (0..iters).map(|_| ip_attach(n)).sum())
        });
        g.bench_with_input(BenchmarkId::new("teardown", n), &n, |b, &n| {
            b.iter_custom(|iters| (0..iters).map(|_| rtnl_teardown(n)).sum())
        });
    }
    g.finish();
}

/// Median of `runs` measurements, in ms per container.
fn per_container(runs: usize, n: u32, f: impl Fn(u32) -> Duration) -> f64 {
    let mut v: Vec<f64> = (0..runs)
        .map(|_| f(n).as_secs_f64() * 1e3 / f64::from(n))
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[runs / 2]
}

/// A plain table with the ratios the issue asks for.
fn summary() {
    println!("\nms per container (median of 5)   rtnl   ip-batch  ratio  teardown");
    for n in SIZES {
        let r = per_container(5, n, |n| rtnl_attach(n).0);
        let ip = per_container(5, n, ip_attach);
        let td = per_container(5, n, rtnl_teardown);
        println!(
            "N={n:<4}                         {r:6.3}  {ip:8.3}  {:4.1}x  {td:7.3}",
            ip / r
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
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    if std::env::args().any(|a| a == "--bench") {
        summary();
    }
}
