//! Test support: a kernel that records ops and can refuse the N-th one, and a booted engine.

use crate::engine::Engine;
use crate::kernel::{Errno, Kernel, KernelError};
use crate::op::Op;
use crate::output::CommandOutput;
use crate::state::KernelState;

/// Records every op it is asked to apply; refuses op number `fail_at` (0-based, counting
/// from the last [`FakeKernel::reset`]) with EEXIST.
#[derive(Debug, Default)]
pub struct FakeKernel {
    /// Ops applied since the last reset, in order (the refused one excluded).
    pub ops: Vec<Op>,
    /// Every op ever applied, undo ops included.
    pub seen: usize,
    /// Which op to refuse.
    pub fail_at: Option<usize>,
}

impl FakeKernel {
    /// Forgets the recorded ops and the failure point.
    pub fn reset(&mut self) {
        self.ops.clear();
        self.seen = 0;
        self.fail_at = None;
    }
}

impl Kernel for FakeKernel {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        let n = self.seen;
        self.seen += 1;
        if self.fail_at == Some(n) {
            return Err(KernelError::errno(Errno::EEXIST, op));
        }
        self.ops.push(op.clone());
        Ok(())
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        Ok(KernelState::default())
    }
}

/// A booted engine on a fake kernel whose log is empty.
pub fn booted() -> (Engine, FakeKernel) {
    let mut e = Engine::new(7);
    let mut k = FakeKernel::default();
    e.boot(&mut k).expect("boot on a fake kernel");
    k.reset();
    (e, k)
}

/// Splits a command line on spaces (no quoting needed in tests).
pub fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

/// Runs `docker CMD` through the dispatcher.
pub fn docker(e: &mut Engine, k: &mut FakeKernel, cmd: &str) -> CommandOutput {
    e.docker(k, &words(cmd))
}

/// Runs a command that must succeed and returns its stdout without the newline.
pub fn run_ok(e: &mut Engine, k: &mut FakeKernel, cmd: &str) -> String {
    let out = docker(e, k, cmd);
    assert_eq!(out.exit, 0, "{cmd}: {out:?}");
    out.stdout.trim_end().to_string()
}

/// Replaces IDs, times and PIDs so a docknet document compares with a recorded one.
pub fn normalise(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        let mut l = line.to_string();
        for key in ["\"Created\": \"", "\"StartedAt\": \"", "\"FinishedAt\": \""] {
            if let Some(p) = l.find(key) {
                let v = &l[p + key.len()..];
                if !v.starts_with("0001") {
                    l = format!("{}{key}<TIME>\",", &l[..p]);
                }
            }
        }
        // The recordings were made with CLI 28.2, which sends `[]` where CLI 20.10 sends
        // `null` (HostConfig's throttle-device lists and Ulimits): compare as 20.10's.
        for key in [
            "\"BlkioDeviceReadBps\"",
            "\"BlkioDeviceWriteBps\"",
            "\"BlkioDeviceReadIOps\"",
            "\"BlkioDeviceWriteIOps\"",
            "\"Ulimits\"",
        ] {
            if l.trim_start().starts_with(key) {
                l = l.replace(": [],", ": null,");
            }
        }
        if let Some(p) = l.find("\"Pid\": ") {
            l = format!("{}\"Pid\": <PID>,", &l[..p]);
        }
        out.push_str(&hex_runs(&l));
        out.push('\n');
    }
    out
}

fn hex_runs(s: &str) -> String {
    let b: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_digit() || ('a'..='f').contains(&b[j])) {
            j += 1;
        }
        match j - i {
            64 => out.push_str("<ID>"),
            12 => out.push_str("<SHORT>"),
            0 => {
                out.push(b[i]);
                j = i + 1;
            }
            _ => out.extend(&b[i..j]),
        }
        i = j;
    }
    out
}
