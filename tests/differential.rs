//! Differential sim ≡ kernel on sequences nobody wrote: random Docker command sequences
//! mixed with host-tool changes (`ip`, `brctl`, `iptables`) and container pings,
//! each followed by the views of every namespace (links, addresses, routes, iptables, the
//! container list), replayed on the simulated and on the real kernel; the transcripts must
//! be byte-identical. A failure prints the shrunk sequence as a `.scn` scenario that
//! `docknet replay --backend kernel` reproduces, and writes it to
//! `target/differential-failure.scn`.
//!
//! Needs root and the real tools; without them it passes with a note (with `CI` set it
//! fails). Cases: `DOCKNET_DIFF_CASES` (default 6; CI runs the default).

use docknet::{Backend, Transcript};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

mod common;
use common::{scenario_lines, step_line, HOST_IFS, VIEWS};

fn replay(backend: Backend, text: &str) -> Result<Transcript, String> {
    let scenario = docknet::parse("generated.scn", text).map_err(|e| e.to_string())?;
    let mut kernel = backend.kernel().map_err(|e| e.to_string())?;
    docknet::replay(&scenario, None, kernel.as_mut()).map_err(|e| e.to_string())
}

fn kernel_available() -> bool {
    match Backend::Kernel.kernel() {
        Ok(_) => true,
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("CI is set, so the kernel differential must run: {e}")
        }
        Err(e) => {
            eprintln!("skipped: {e}");
            false
        }
    }
}

fn cases() -> u32 {
    std::env::var("DOCKNET_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

fn config() -> ProptestConfig {
    let mut c = ProptestConfig {
        cases: cases(),
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x0d1f_f001);
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sim_and_kernel_print_the_same(lines in proptest::collection::vec(step_line(), 1..12)) {
        if !kernel_available() {
            return Ok(());
        }
        let text = scenario_lines(HOST_IFS, &lines, VIEWS);
        let sim = replay(Backend::Sim, &text).map_err(TestCaseError::fail)?;
        let real = replay(Backend::Kernel, &text).map_err(TestCaseError::fail)?;
        if sim != real {
            let at = sim.steps.iter().zip(&real.steps).position(|(a, b)| a != b).unwrap_or(0);
            let _ = std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/target/differential-failure.scn"), &text);
            let (a, b) = (&sim.steps[at], &real.steps[at]);
            prop_assert!(false, "line {}: `{}` differs\n--- sim\n{}{}--- kernel\n{}{}\nscenario:\n{}",
                a.line, a.command, a.output.stdout, a.output.stderr, b.output.stdout, b.output.stderr, text);
        }
    }
}
