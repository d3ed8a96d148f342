//! Dropping the backend leaves nothing behind (needs root; gated).
mod common;

use std::os::fd::AsRawFd;

use common::*;
use docknet_kernel::KernelBackend;
use docknet_netstate::kernel::Kernel;
use docknet_netstate::op::{NetnsName, Op, RulePosition, Table};

/// Links named `w*` in the witness's host namespace.
fn witness_links(w: &mut KernelBackend) -> Vec<String> {
    let s = w.observe().unwrap();
    s.host()
        .links
        .values()
        .map(|l| l.name.clone())
        .filter(|n| n.starts_with('w'))
        .collect()
}

/// What this process holds: mounts, namespace fds, the netns of each thread.
fn process_footprint() -> (String, usize, Vec<String>) {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let ns_fds = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
        .filter(|t| t.to_string_lossy().starts_with("net:"))
        .count();
    let mut thread_ns: Vec<String> = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.unwrap().path().join("ns/net")).ok())
        .map(|t| t.to_string_lossy().into_owned())
        .collect();
    thread_ns.dedup();
    (mounts, ns_fds, thread_ns)
}

fn populated_backend() -> KernelBackend {
    let mut k = KernelBackend::new().unwrap();
    k.apply_all(&docker0()).unwrap();
    for i in 0..3 {
        k.apply_all(&attach(i)).unwrap();
    }
    k.apply_all(&[Op::RuleAdd {
        ns: NetnsName::host(),
        table: Table::Filter,
        chain: "FORWARD".into(),
        rule: docknet_netstate::rule::RuleSpec::parse("-j ACCEPT").unwrap(),
        at: RulePosition::Append,
    }])
    .unwrap();
    let _ = k.run_in_netns(
        &NetnsName::host(),
        &["brctl".to_string(), "show".to_string()],
    );
    k
}

/// Ties every namespace of `k` to a witness veth in `w`: the witness end dies exactly when
/// the namespace is destroyed, which only happens once nothing references it any more.
fn tie(w: &KernelBackend, k: &KernelBackend) -> usize {
    let names: Vec<NetnsName> = k.observe_names();
    for (i, name) in names.iter().enumerate() {
        let fd = k.netns_fd(name).unwrap().as_raw_fd();
        let target = format!("/proc/{}/fd/{fd}", std::process::id());
        let argv: Vec<String> = format!("ip link add w{i} type veth peer name t{i} netns {target}")
            .split(' ')
            .map(String::from)
            .collect();
        let out = w.run_in_netns(&NetnsName::host(), &argv).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    names.len()
}

trait Names {
    fn observe_names(&self) -> Vec<NetnsName>;
}

impl Names for KernelBackend {
    fn observe_names(&self) -> Vec<NetnsName> {
        let mut v = vec![NetnsName::host()];
        v.extend((0..3).map(|i| ns(&format!("/var/run/docker/netns/c{i:011}"))));
        v
    }
}

/// The footprint checks are process-wide: the tests of this file must not overlap.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn wait_until_gone(w: &mut KernelBackend) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !witness_links(w).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "namespaces still alive: {:?}",
            witness_links(w)
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn drop_destroys_every_namespace_and_leaves_no_trace() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !kernel_available() {
        return;
    }
    let before = process_footprint();
    let machine_links = std::fs::read_dir("/sys/class/net").unwrap().count();
    let mut w = KernelBackend::new().unwrap();
    let k = populated_backend();
    assert_eq!(tie(&w, &k), 4);
    assert_eq!(witness_links(&mut w).len(), 4);
    drop(k);
    wait_until_gone(&mut w);
    drop(w);
    let after = process_footprint();
    assert_eq!(before.0, after.0, "mount table changed");
    assert_eq!(before.1, after.1, "namespace fds left open");
    assert_eq!(before.2, after.2, "a thread stayed in another netns");
    assert_eq!(
        machine_links,
        std::fs::read_dir("/sys/class/net").unwrap().count()
    );
}

#[test]
fn a_panic_still_destroys_everything() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !kernel_available() {
        return;
    }
    let mut w = KernelBackend::new().unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let k = populated_backend();
        tie(&w, &k);
        panic!("a step failed");
    }));
    assert!(result.is_err());
    wait_until_gone(&mut w);
}
