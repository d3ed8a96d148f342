//! docker-py 7 against `docknet serve` must see what `docknet replay` shows for the same
//! operations done with the docker CLI: `docker_py.py` makes a network and two containers,
//! reads an address, runs `exec_run` pings (one by name, one that fails), lists networks,
//! runs a `remove=True` container for its output, asks for a missing network and cleans up,
//! printing each result as the CLI prints it; [`STEPS`] are the same operations as CLI steps.

use std::path::Path;
use std::process::Command;

use libtest_mimic::Failed;

use super::{start_server, temp_dir};

/// The CLI steps whose outputs the script's blocks must equal, one group per block.
const STEPS: &[&[&str]] = &[
    &["docker network create --subnet 10.7.0.0/24 pynet"],
    &[
        "docker run -d --name pa --network pynet busybox sleep 1000",
        "docker run -d --name pb --network pynet busybox sleep 1000",
    ],
    &["docker inspect -f '{{.NetworkSettings.Networks.pynet.IPAddress}}' pa"],
    &["docker exec pa ping -c 1 -W 1 pb"],
    &["docker exec pa ping -c 1 -W 1 nosuch"],
    &["docker network ls --format '{{.Name}}'"],
    &["docker run --rm --network pynet busybox ping -c 1 10.7.0.3"],
    &[],
    &[
        "docker rm -f pa pb",
        "docker network rm pynet",
        "docker network ls --format '{{.Name}}'",
    ],
];

/// The python with docker-py 7: `DOCKNET_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var("DOCKNET_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Why docker-py 7 cannot run here, if it cannot.
pub fn unavailable() -> Option<String> {
    let probe = Command::new(python())
        .args([
            "-c",
            "import docker; assert docker.__version__.startswith('7.')",
        ])
        .output();
    match probe {
        Ok(o) if o.status.success() => None,
        _ => Some(format!(
            "docker-py 7 is not importable by {} (set DOCKNET_PYTHON)",
            python()
        )),
    }
}

/// What the replay prints for one group, as the script prints that block.
fn expected(
    group: &[&str],
    replayed: &mut impl Iterator<Item = docknet::transcript::StepRecord>,
) -> String {
    let mut out = String::new();
    for (i, step) in group.iter().enumerate() {
        let s = replayed.next().expect("a replayed step");
        let o = &s.output;
        out += &if step.starts_with("docker exec") {
            format!("{}{}[exit {}]", o.stdout, o.stderr, o.exit)
        } else if step.contains("network ls") {
            let mut names: Vec<&str> = o.stdout.lines().collect();
            names.sort_unstable();
            names.join("\n")
        } else if step.starts_with("docker rm") || step.starts_with("docker network rm") {
            continue;
        } else {
            o.stdout.trim_end().to_string()
        };
        if i + 1 < group.len() {
            out.push('\n');
        }
    }
    out
}

/// Runs the script against a fresh server and compares block by block.
pub fn compare() -> Result<(), Failed> {
    let text: String = STEPS
        .iter()
        .flat_map(|g| g.iter())
        .map(|s| format!("$ {s}\n"))
        .collect();
    let scenario = docknet::parse("docker-py.scn", &text)?;
    let mut kernel = docknet::Backend::Sim.kernel()?;
    let mut replayed = docknet::replay(&scenario, None, kernel.as_mut())?
        .steps
        .into_iter();
    let dir = temp_dir("docker-py");
    let (server, socket) = start_server(&dir)?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/docker_py.py");
    let out = Command::new(python()).arg(&script).arg(&socket).output()?;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(format!(
            "docker-py script failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let blocks: Vec<&str> = stdout.split("\n--\n").collect();
    let mut diffs = Vec::new();
    for (group, got) in STEPS.iter().zip(&blocks) {
        let want = if group.is_empty() {
            // The daemon's own message (docker-py shows it; the CLI rewords it).
            "NotFound: network nosuch not found".to_string()
        } else {
            expected(group, &mut replayed).trim_end().to_string()
        };
        if got.trim_end() != want {
            diffs.push(format!(
                "{group:?}\n--- replay:\n{want}\n--- docker-py:\n{got}\n"
            ));
        }
    }
    if diffs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} of {} blocks differ:\n{}",
        diffs.len(),
        STEPS.len(),
        diffs.join("\n")
    )
    .into())
}
