//! Fault injection: a kernel that refuses the k-th op of a command. For every k, the command
//! must fail and leave the kernel as it was before the failing plan: before the command, or
//! right after one of its earlier plans (a `run` whose process exits at once starts the
//! container in one plan and takes it down in another), on sim always. Teardown plans (those
//! that delete links or namespaces: stop, rm, network rm, disconnect) are left out: a
//! deleted veth pair or namespace cannot be recreated as it was (ifindexes, kernel-chosen
//! state), so their undo is best effort, as libnetwork's teardown is. (IPv6 link-local addresses are left out of the comparison: a bridge that got
//! carrier during the rolled-back part keeps its link-local address, as the real kernel does.)

use docknet_engine::kernel::Errno;
use docknet_engine::{Engine, Kernel, KernelError, KernelState, Op, DEFAULT_SEED};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

mod common;
use common::{command, without_port_history};

/// Passes ops to sim; the op numbered `fail_at` (counting from 0 since the last reset) is
/// refused with EPERM, and nothing of it applied.
struct Faulty {
    inner: docknet_sim::Sim,
    count: usize,
    fail_at: Option<usize>,
    /// When recording: the state after each batch (each plan) that went through.
    plans: Option<Vec<KernelState>>,
    /// When recording: for each op counted, whether its batch is a teardown.
    teardown: Vec<bool>,
}

impl Faulty {
    fn next(&mut self, op: &Op) -> Result<(), KernelError> {
        let n = self.count;
        self.count += 1;
        if self.fail_at == Some(n) {
            return Err(KernelError::errno(Errno::EPERM, op));
        }
        self.inner.apply(op)
    }
}

impl Kernel for Faulty {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        self.teardown
            .push(matches!(op, Op::LinkDel { .. } | Op::NetnsDel { .. }));
        self.next(op)
    }

    fn apply_all(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        let teardown = ops
            .iter()
            .any(|o| matches!(o, Op::LinkDel { .. } | Op::NetnsDel { .. }));
        self.teardown
            .extend(std::iter::repeat_n(teardown, ops.len()));
        for (i, op) in ops.iter().enumerate() {
            self.next(op).map_err(|e| (i, e))?;
        }
        if let Some(plans) = &mut self.plans {
            plans.push(without_port_history(
                self.inner.observe().expect("observable"),
            ));
        }
        Ok(())
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        self.inner.observe()
    }
}

/// A booted daemon that has run `prefix`.
fn prepared(prefix: &[Vec<String>]) -> (Engine, Faulty) {
    let mut k = Faulty {
        inner: docknet_sim::Sim::new(),
        count: 0,
        fail_at: None,
        plans: None,
        teardown: Vec::new(),
    };
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.boot(&mut k).expect("boots");
    for c in prefix {
        engine.docker(&mut k, c);
    }
    (engine, k)
}

fn config() -> ProptestConfig {
    let cases = std::env::var("DOCKNET_FAULT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut c = ProptestConfig {
        cases,
        max_global_rejects: 100_000,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x0fa0_1700);
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_refused_op_rolls_its_command_back(
        prefix in proptest::collection::vec(command(), 0..8),
        last in command(),
    ) {
        // How many ops the command applies when nothing fails, and the state after each plan.
        let (mut engine, mut k) = prepared(&prefix);
        let mut allowed = vec![without_port_history(k.observe().expect("observable"))];
        k.count = 0;
        k.plans = Some(Vec::new());
        k.teardown.clear();
        let clean = engine.docker(&mut k, &last);
        let ops = k.count;
        let teardown = std::mem::take(&mut k.teardown);
        allowed.extend(k.plans.take().unwrap_or_default());
        // Commands over several objects keep what they finished (see tests/properties.rs).
        let multi = last.iter().any(|w| w == "rm" || w == "prune" || w == "-f");
        prop_assume!(clean.exit == 0 && !multi);
        for fail_at in (0..ops).filter(|&i| !teardown.get(i).copied().unwrap_or(false)) {
            let (mut engine, mut k) = prepared(&prefix);
            k.count = 0;
            k.fail_at = Some(fail_at);
            let out = engine.docker(&mut k, &last);
            k.fail_at = None;
            prop_assert_ne!(out.exit, 0, "op {} of `docker {}` refused, yet it succeeded", fail_at, last.join(" "));
            let after = without_port_history(k.observe().expect("observable"));
            prop_assert!(allowed.contains(&after), "op {} of {} refused: `docker {}` left a half-applied plan", fail_at, ops, last.join(" "));
        }
    }
}
