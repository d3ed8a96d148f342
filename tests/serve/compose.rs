//! Real Compose 1.29 against `docknet serve` must leave what `docknet replay` of the same
//! scenario shows: each `docker-compose` and `docker` step of the scenario (up to its
//! Compose 2 half, which CI has no program for) runs with the real programs in a directory
//! holding the scenario's `%file`s, and is compared with the replayed step.
//!
//! Compared after the conformance runner's normalisations (IDs numbered by first sight,
//! generated names, random MACs), plus what real Compose makes nondeterministic by itself:
//! it starts independent services in parallel threads, so its progress lines and its alias
//! sets (a Python set) come in any order, names are padded to whichever names are in flight,
//! and it reconnects each container to its network
//! after creating it, which draws endpoint IDs a replay does not. The project directory is
//! the replay's `/root/...`, and `config-hash` labels are Compose's own digest of its config.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use docknet::conformance::normalise::Normaliser;
use docknet_engine::container::image::is_generated_name;
use libtest_mimic::Failed;

use super::{start_server, temp_dir, CLI, COMPOSE};

/// Replays `file` and drives the server with the real programs; every step must agree.
pub fn compare(file: &str) -> Result<(), Failed> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path)?;
    let scenario = docknet::parse(file, &text)?;
    let mut kernel = docknet::Backend::Sim.kernel()?;
    let replayed = docknet::replay(&scenario, None, kernel.as_mut())?;
    let dir = temp_dir("compose");
    let home = dir.join("home");
    for f in &scenario.files {
        let p = home.join(&f.path);
        std::fs::create_dir_all(p.parent().expect("a file in a directory"))?;
        std::fs::write(p, &f.text)?;
    }
    let (server, socket) = start_server(&dir)?;
    let run = |line: &str, cwd: &Path| run(line, cwd, &home, &socket);
    // The replay's images are there from the start; a fresh server has pulled none.
    run("docker pull -q busybox", &home)?;
    let (mut ours, mut theirs) = (normaliser(), normaliser());
    let mut cwd = home.clone();
    let mut diffs = Vec::new();
    let mut compared = 0;
    for step in &replayed.steps {
        let c = step.command.as_str();
        if let Some(to) = c.strip_prefix("cd ") {
            cwd = normalised_join(&cwd, to);
            continue;
        }
        if c.starts_with("docker compose") {
            break;
        }
        if !(c.starts_with("docker-compose ") || c.starts_with("docker ")) {
            continue;
        }
        compared += 1;
        let got = run(c, &cwd)?;
        let home_text = home.display().to_string();
        let got = comparable(&mut theirs, c, &got.replace(&home_text, "/root"));
        let want = comparable(
            &mut ours,
            c,
            &format!(
                "{}{}[exit {}]\n",
                step.output.stdout, step.output.stderr, step.output.exit
            ),
        );
        if got != want {
            diffs.push(format!("$ {c}\n--- replay:\n{want}--- Compose 1.29 + docker CLI 20.10 against docknet serve:\n{got}"));
        }
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    if diffs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} of {compared} steps differ:\n{}",
        diffs.len(),
        diffs.join("\n")
    )
    .into())
}

fn normaliser() -> Normaliser {
    Normaliser::new(Vec::<String>::new(), is_generated_name)
}

/// `cwd` joined with a relative `cd` target, `..` resolved.
fn normalised_join(cwd: &Path, to: &str) -> PathBuf {
    let mut p = cwd.to_path_buf();
    for part in to.split('/') {
        match part {
            ".." => {
                p.pop();
            }
            "" | "." => {}
            other => p.push(other),
        }
    }
    p
}

/// One step with the real programs in `cwd`, as `stdout stderr [exit N]`.
fn run(line: &str, cwd: &Path, home: &Path, socket: &Path) -> Result<String, Failed> {
    let line = match line.strip_prefix("docker-compose") {
        Some(rest) => format!("{COMPOSE}{rest}"),
        None => line.replacen("docker", CLI, 1),
    };
    let out = Command::new("sh")
        .args(["-c", &line])
        .current_dir(cwd)
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .env("HOME", home)
        .env("DOCKER_CONFIG", home.join(".docker"))
        .env_remove("DOCKER_API_VERSION")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null())
        .output()?;
    Ok(format!(
        "{}{}[exit {}]\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1)
    ))
}

/// The normalised text, with Compose's own nondeterminism sorted away.
fn comparable(n: &mut Normaliser, command: &str, text: &str) -> String {
    let hash =
        regex::Regex::new(r#""com\.docker\.compose\.config-hash":"[0-9a-f]+""#).expect("a regex");
    let text = hash.replace_all(text, r#""com.docker.compose.config-hash":"<hash>""#);
    let sets = regex::Regex::new(r#"\["[^\]]*"\]"#).expect("a regex");
    let text = sets.replace_all(&text, |c: &regex::Captures| {
        let mut items: Vec<&str> = c[0][1..c[0].len() - 1].split(',').collect();
        items.sort_unstable();
        format!("[{}]", items.join(","))
    });
    let text = n.normalise(command, &text);
    if !command.starts_with("docker-compose ") {
        return text;
    }
    // Parallel threads: the order of the progress lines is theirs, and so is the padding
    // of a name (it is padded to the longest name in flight when its line is written).
    let padding = regex::Regex::new(r" +\.\.\. ").expect("a regex");
    let text = padding.replace_all(&text, " ... ");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines.iter().map(|l| format!("{l}\n")).collect()
}
