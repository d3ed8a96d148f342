//! Conformance with a real Docker 20.10: every scenario (and a sample of generated command
//! sequences) replayed on docknet's sim and on a real dockerd 20.10 with CLI 20.10 in the
//! same host, compared step by step after the normalisations of
//! `docknet::conformance::normalise` (each named there with its reason).
//!
//! A trial fails when a step differs, unless the README's "Differences from Docker 20.10"
//! table lists that scenario and command with the reason docknet differs. At the end it
//! prints `conformance: M/T steps equal` over every compared step.
//!
//! Needs root and Debian's `docker.io` (dockerd and CLI 20.10) and `busybox-static`; without
//! them the trials are ignored with the reason, and with `CI` set they fail. Generated
//! sequences: `DOCKNET_CONFORMANCE_CASES` (default 3). One trial's report goes to
//! `target/conformance/<name>.txt`, beside the scenario it ran (`<name>.scn`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use docknet::conformance::{self, oracle, StepComparison};
use docknet::Scenario;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

mod common;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

static COMPARED: AtomicUsize = AtomicUsize::new(0);
static EQUAL: AtomicUsize = AtomicUsize::new(0);

/// `(scenario stem, command)` pairs the README lists as deliberate differences.
static ACCEPTED: LazyLock<Vec<(String, String)>> = LazyLock::new(accepted_differences);

fn main() {
    let mut args = Arguments::from_args();
    // Two engines at a time: more only wait on each other on these 2-core machines.
    args.test_threads = args.test_threads.or(Some(2));
    let mut trials = Vec::new();
    for path in scenario_files() {
        let name = stem(&path);
        let text = std::fs::read_to_string(&path).expect("readable scenario");
        let shown = path
            .strip_prefix(ROOT)
            .unwrap_or(&path)
            .display()
            .to_string();
        trials.push(trial(name, shown, text));
    }
    for (k, text) in generated(cases()).into_iter().enumerate() {
        let name = format!("generated-{k}");
        trials.push(trial(name.clone(), format!("{name}.scn"), text));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    let (m, t) = (
        EQUAL.load(Ordering::SeqCst),
        COMPARED.load(Ordering::SeqCst),
    );
    if t > 0 {
        println!("conformance: {m}/{t} steps equal");
    }
    conclusion.exit();
}

fn trial(name: String, file: String, text: String) -> Trial {
    Trial::ignorable_test(format!("conformance::{name}"), move || {
        run(&name, &file, &text)
    })
    .with_kind("docker")
}

fn run(name: &str, file: &str, text: &str) -> Result<Completion, Failed> {
    if let Err(reason) = oracle::available() {
        if std::env::var_os("CI").is_some() {
            return Err(format!("CI is set, so conformance must run: {reason}").into());
        }
        return Ok(Completion::ignored_with(reason));
    }
    let scenario: Scenario = docknet::parse(file, text).map_err(|e| e.to_string())?;
    if !scenario.files.is_empty() {
        // Compose steps need the real Compose programs (1.29, 2.40), which CI does not
        // install; tests/oracle/ records their runs against the real 20.10.
        return Ok(Completion::ignored_with(
            "a compose scenario: compared with real Compose by hand (tests/oracle/)",
        ));
    }
    let base = PathBuf::from(format!("/tmp/docknet-conformance/{name}"));
    let steps = conformance::compare(&scenario, None, &base).map_err(|e| e.to_string())?;
    let equal = steps.iter().filter(|s| s.equal()).count();
    COMPARED.fetch_add(steps.len(), Ordering::SeqCst);
    EQUAL.fetch_add(equal, Ordering::SeqCst);
    let report: String = steps.iter().map(StepComparison::describe).collect();
    let dir = Path::new(ROOT).join("target/conformance");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.scn")), text);
    let _ = std::fs::write(
        dir.join(format!("{name}.txt")),
        format!("{file}: {equal}/{} steps equal\n{report}", steps.len()),
    );
    let unexplained: Vec<&StepComparison> = steps
        .iter()
        .filter(|s| !s.equal() && !accepted(name, &s.command))
        .collect();
    if unexplained.is_empty() {
        Ok(Completion::Completed)
    } else {
        let text: String = unexplained.iter().map(|s| s.describe()).collect();
        Err(format!(
            "{} of {} steps differ from Docker 20.10:\n{text}",
            unexplained.len(),
            steps.len()
        )
        .into())
    }
}

fn accepted(name: &str, command: &str) -> bool {
    ACCEPTED
        .iter()
        .any(|(s, c)| (s == name || s == "*") && (c == command || c == "*"))
}

/// The README table's rows: `| scenario | `$ command` | why |`.
fn accepted_differences() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap_or_default();
    let Some((_, section)) = readme.split_once("## Differences from Docker 20.10") else {
        return Vec::new();
    };
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let scenario = cells.get(1)?.trim_matches('`');
            let cell = *cells.get(2)?;
            let command = match cell {
                "*" => "*",
                _ => cell.strip_prefix("`$ ")?.strip_suffix('`')?,
            };
            Some((scenario.to_string(), command.replace("\\|", "|")))
        })
        .collect()
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/regressions"] {
        let Ok(entries) = std::fs::read_dir(Path::new(ROOT).join(dir)) else {
            continue;
        };
        files.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "scn")),
        );
    }
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    let name = path.file_stem().expect("a file name").to_string_lossy();
    if path.parent().is_some_and(|p| p.ends_with("regressions")) {
        format!("regression-{name}")
    } else {
        name.into_owned()
    }
}

fn cases() -> usize {
    std::env::var("DOCKNET_CONFORMANCE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

/// `n` generated sequences (Docker commands, host tools, pings) from a fixed seed (the same
/// every run), as scenario text.
fn generated(n: usize) -> Vec<String> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let step = common::step_line().prop_filter("a tool-made bridge (README)", |l| {
        !common::TOOL_BRIDGES.contains(&l.as_str())
    });
    let strategy = proptest::collection::vec(step, 1..10);
    (0..n)
        .map(|_| {
            let lines = strategy
                .new_tree(&mut runner)
                .expect("a generated sequence")
                .current();
            common::scenario_lines(common::HOST_IFS, &lines, common::VIEWS)
        })
        .collect()
}
