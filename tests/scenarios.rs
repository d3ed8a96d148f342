//! One test per scenario file and backend: `sim::<stem>` replays `scenarios/<stem>.scn` on the
//! simulated kernel and asserts the insta snapshot `snapshots/<stem>.snap`; `kernel::<stem>`
//! replays it on the real kernel, requires exactly the sim transcript, and compares every
//! rendered show step with the real tool run in the same namespace. `determinism::replay-twice` replays every scenario twice on sim and
//! requires byte-identical output.
//!
//! Review changed snapshots with `INSTA_UPDATE=always cargo test --test scenarios` and
//! `git diff snapshots/` (cargo-insta does not scan a top-level snapshots/ directory).

use std::path::{Path, PathBuf};

use docknet::{Backend, Scenario, Transcript};
use docknet_engine::CommandOutput;
use docknet_netstate::tools::Compare;
use libtest_mimic::{Arguments, Completion, Failed, Trial};

const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
const SNAPSHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots");

fn main() {
    let args = Arguments::from_args();
    let files = scenario_files();
    let mut trials = Vec::new();
    for path in &files {
        let stem = stem(path);
        let p = path.clone();
        trials.push(Trial::test(format!("sim::{stem}"), move || sim_trial(&p)).with_kind("sim"));
        if Backend::Kernel.is_built() {
            let p = path.clone();
            trials.push(
                Trial::ignorable_test(format!("kernel::{stem}"), move || kernel_trial(&p))
                    .with_kind("kernel"),
            );
        }
    }
    trials.push(Trial::test("determinism::replay-twice", move || {
        determinism(&files)
    }));
    trials.sort_by(|a, b| a.name().cmp(b.name()));
    libtest_mimic::run(&args, trials).exit();
}

/// `scenarios/*.scn` and the found-bug regressions in `scenarios/regressions/*.scn`.
fn scenario_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [SCENARIOS.to_string(), format!("{SCENARIOS}/regressions")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        files.extend(
            entries
                .map(|e| e.expect("readable scenarios/").path())
                .filter(|p| p.extension().is_some_and(|e| e == "scn")),
        );
    }
    files.sort();
    files
}

fn in_regressions(path: &Path) -> bool {
    path.parent().is_some_and(|p| p.ends_with("regressions"))
}

/// The trial and snapshot name: the file stem (`regression-` before a regression's).
fn stem(path: &Path) -> String {
    let name = path.file_stem().expect("a file name").to_string_lossy();
    if in_regressions(path) {
        format!("regression-{name}")
    } else {
        name.into_owned()
    }
}

/// The path as the snapshot header shows it: relative to the repository.
fn shown(path: &Path) -> String {
    let name = path.file_name().expect("a file name").to_string_lossy();
    if in_regressions(path) {
        format!("scenarios/regressions/{name}")
    } else {
        format!("scenarios/{name}")
    }
}

fn load(path: &Path) -> Result<Scenario, Failed> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    docknet::parse(&shown(path), &text).map_err(|e| e.to_string().into())
}

fn replay_on(backend: Backend, scenario: &Scenario) -> Result<Transcript, Failed> {
    let mut kernel = backend.kernel().map_err(|e| e.to_string())?;
    docknet::replay(scenario, None, kernel.as_mut()).map_err(|e| e.to_string().into())
}

fn sim_trial(path: &Path) -> Result<(), Failed> {
    let scenario = load(path)?;
    let text = replay_on(Backend::Sim, &scenario)?.to_text();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(SNAPSHOTS);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(shown(path));
    // insta's settings are thread-local and libtest-mimic reuses its worker threads, so the
    // settings are bound for exactly this assertion.
    settings.bind(|| insta::assert_snapshot!(stem(path), text));
    Ok(())
}

/// The real kernel must print exactly what sim prints, and every rendered show command must
/// print what the real tool prints in the same namespace right after the same step. Without
/// the privileges it needs the trial is ignored with the backend's reason, except under CI,
/// where it must run.
fn kernel_trial(path: &Path) -> Result<Completion, Failed> {
    let scenario = load(path)?;
    let (mut kernel, tools) = match Backend::Kernel.kernel_with_tools() {
        Ok(k) => k,
        Err(e) if std::env::var_os("CI").is_none() => return Ok(Completion::ignored_with(e)),
        Err(e) => return Err(format!("CI is set, so kernel trials must run: {e}").into()),
    };
    let mut tools = tools.ok_or("the kernel backend offers no way to run the real tools")?;
    let mut mismatches = Vec::new();
    let real = docknet::replay_with(&scenario, None, kernel.as_mut(), &mut |record| {
        if let Some(tool) = &record.tool {
            match tools(tool) {
                Ok(out) if same_tool_output(tool.compare, &record.output, &out) => {}
                Ok(out) => mismatches.push(format!(
                    "line {}: `{}` in {}\n--- docknet\n{}--- real {}\n{}",
                    record.line,
                    record.command,
                    tool.ns,
                    shown_output(&record.output),
                    tool.argv.join(" "),
                    shown_output(&out)
                )),
                Err(e) => mismatches.push(format!(
                    "line {}: cannot run {:?}: {e}",
                    record.line, tool.argv
                )),
            }
        }
    })
    .map_err(|e| e.to_string())?;
    if !mismatches.is_empty() {
        return Err(format!(
            "real tools disagree with docknet:\n{}",
            mismatches.join("\n")
        )
        .into());
    }
    let sim = replay_on(Backend::Sim, &scenario)?;
    first_difference(&sim, &real).map_or(Ok(Completion::Completed), |d| Err(d.into()))
}

/// Equal output, except the two `iptables-save` lines that print the wall clock (docknet
/// prints a fixed date there so that transcripts are deterministic); for a ping, the same
/// exit status and packet counts.
fn same_tool_output(compare: Compare, ours: &CommandOutput, real: &CommandOutput) -> bool {
    if compare == Compare::PingCounts {
        let counts = |s: &str| {
            s.lines()
                .find(|l| l.contains("packets transmitted"))
                .map(|l| {
                    l.split(',')
                        .take(2)
                        .map(|p| p.trim().replace("packets ", ""))
                        .collect::<Vec<_>>()
                })
        };
        return ours.exit == real.exit && counts(&ours.stdout) == counts(&real.stdout);
    }
    // The wall clock shows in iptables-save's header lines and in a bridge's running timers
    // (`ip -d`: gc_timer, forward_delay_timer, ... count down).
    let timers = regex::Regex::new(r"(_timer) +\d+\.\d\d").expect("a valid pattern");
    let unclocked = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| {
                !l.starts_with("# Generated by iptables-save") && !l.starts_with("# Completed on")
            })
            .map(|l| timers.replace_all(l, "$1 <t>").into_owned())
            .collect()
    };
    ours.exit == real.exit
        && ours.stderr == real.stderr
        && unclocked(&ours.stdout) == unclocked(&real.stdout)
        && ours.stdout.ends_with('\n') == real.stdout.ends_with('\n')
}

fn shown_output(out: &CommandOutput) -> String {
    format!("{}{}[exit {}]\n", out.stdout, out.stderr, out.exit)
}

/// A readable account of the first step where two transcripts differ.
fn first_difference(expected: &Transcript, actual: &Transcript) -> Option<String> {
    for (e, a) in expected.steps.iter().zip(&actual.steps) {
        if e != a {
            return Some(format!(
                "line {}: `{}` differs\n--- sim\n{}--- kernel\n{}",
                e.line,
                e.command,
                Transcript {
                    steps: vec![e.clone()]
                }
                .to_text(),
                Transcript {
                    steps: vec![a.clone()]
                }
                .to_text()
            ));
        }
    }
    (expected.steps.len() != actual.steps.len()).then(|| "different step counts".to_string())
}

fn determinism(files: &[PathBuf]) -> Result<(), Failed> {
    for path in files {
        let scenario = load(path)?;
        let first = replay_on(Backend::Sim, &scenario)?;
        let second = replay_on(Backend::Sim, &scenario)?;
        if first.to_text() != second.to_text() || first.to_json() != second.to_json() {
            let diff = first_difference(&first, &second).unwrap_or_default();
            return Err(format!("{}: two replays differ\n{diff}", shown(path)).into());
        }
    }
    Ok(())
}
