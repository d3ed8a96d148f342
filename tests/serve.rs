//! `docknet serve` driven by the real docker CLI 20.10 must print what `docknet replay`
//! prints for the same commands: `serve::cli-20.10-matches-replay` starts the server on a
//! temporary socket (sim backend, the replay's default seed), runs each step with
//! `/usr/bin/docker` (`DOCKER_HOST=unix://...`, a temporary `HOME` and `DOCKER_CONFIG`),
//! replays the same steps as a scenario in-process, and requires equal stdout, stderr and
//! exit status for every step. Without `/usr/bin/docker` the trial is ignored with the
//! reason, except with `CI` set, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use docknet_engine::CommandOutput;
use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// Debian's docker.io CLI 20.10 (the `docker` first in PATH may be a newer CLI).
const CLI: &str = "/usr/bin/docker";

/// The tutorial's commands, and some refusals, in order.
const STEPS: &[&str] = &[
    "docker network ls",
    "docker network create -d bridge --subnet 10.0.0.1/24 testbridge",
    "docker network create testbridge",
    "docker network ls --filter driver=bridge",
    "docker network inspect testbridge",
    "docker run -d --name c1 --network testbridge busybox sleep 1000",
    "docker run -d --name c2 --network testbridge busybox sleep 1000",
    "docker run -d --name c3 busybox sleep 1000",
    "docker inspect -f '{{.NetworkSettings.Networks.testbridge.IPAddress}}' c1",
    "docker inspect -f '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.SandboxKey}}' c3",
    "docker inspect c1",
    "docker network inspect testbridge",
    "docker ps --format '{{.ID}} {{.Names}} {{.Image}} {{.Command}} {{.Status}} {{.Networks}}'",
    "docker exec c1 ping -c 1 10.0.0.3",
    "docker exec c1 ping -c 1 -W 1 10.0.0.99",
    "docker exec c1 nosuchprogram",
    "docker exec nosuch ip a",
    "docker network rm testbridge",
    "docker stop c2",
    "docker exec c2 ip a",
    "docker ps -a --format '{{.Names}} {{.Status}}'",
    "docker network disconnect testbridge c1",
    "docker network connect --ip 10.0.0.9 --alias web testbridge c1",
    "docker inspect -f '{{json .NetworkSettings.Networks}}' c1",
    "docker rm c1",
    "docker rm -f c1 c2 c3",
    "docker rm -f nosuch",
    "docker run -d --name c4 --network nosuch busybox sleep 1",
    "docker rm c4",
    "docker network rm testbridge nosuch",
    "docker network inspect nosuch",
    "docker inspect nothing",
    "docker network create n2",
    "docker network prune -f",
    "docker network ls",
    "docker info",
    "docker version",
    "docker run --rm busybox ping -c 1 172.17.0.1",
    "docker run --rm busybox ping -c 1 -W 1 10.9.9.9",
    "docker run --name e1 busybox sh -c 'echo hi; exit 3'",
    "docker ps -a --format '{{.Names}} {{.Status}}'",
    "docker start e1",
    "docker rm e1",
    "docker network create --internal --label a=b -o com.docker.network.bridge.name=br9 n3",
    "docker network ls --filter label=a=b --format '{{.Name}} {{.Driver}} {{.Internal}} {{.Labels}}'",
    "docker network inspect -f '{{json .IPAM}} {{.Options}}' n3",
    "docker network rm n3",
    "docker network create --subnet 10.0.0.1/24 tb",
    "docker run -d --name web -p 8080:80 --network tb --ip 10.0.0.9 --network-alias www nginx",
    "docker run -d --name pa -P --expose 81 busybox sleep 1000",
    "docker port web",
    "docker port pa",
    "docker ps --format '{{.Names}} {{.Ports}}'",
    "docker inspect -f '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}}' web",
    "docker inspect -f '{{json .NetworkSettings.Networks.tb.Aliases}}' web",
    "docker exec pa wget -q -O - http://172.17.0.1:8080",
    "docker create --name cr --mac-address 02:42:ac:11:00:99 busybox sleep 1000",
    "docker start cr",
    "docker inspect -f '{{.NetworkSettings.MacAddress}} {{.State.Status}}' cr",
    "docker restart cr",
    "docker run -d --rm --name tmp busybox sleep 1000",
    "docker stop tmp",
    "docker ps -a --format '{{.Names}} {{.Status}}'",
    "docker run -d --name lk --link cr:db busybox sleep 1000",
    "docker exec lk ping -c 1 db",
    "docker run -d --name h1 --network host busybox sleep 1000",
    "docker run -d --name n1 --network none busybox sleep 1000",
    "docker run -d --name j1 --network container:cr busybox sleep 1000",
    "docker inspect -f '{{.HostConfig.NetworkMode}}' h1 n1 j1",
    "docker exec -t pa ip -4 addr show eth0",
    "docker rm -f web pa cr tmp lk h1 n1 j1",
    "docker network rm tb",
];

fn main() {
    let args = Arguments::from_args();
    let trial = Trial::ignorable_test("serve::cli-20.10-matches-replay", || {
        if let Some(skip) = missing(CLI, "Debian's docker.io, CLI 20.10")? {
            return Ok(skip);
        }
        compare().map(|()| Completion::Completed)
    });
    let compose = Trial::ignorable_test("serve::compose-1.29-matches-replay", || {
        for (tool, what) in [
            (CLI, "Debian's docker.io"),
            (COMPOSE, "Debian's docker-compose"),
        ] {
            if let Some(skip) = missing(tool, what)? {
                return Ok(skip);
            }
        }
        compose::compare(COMPOSE_SCENARIO).map(|()| Completion::Completed)
    });
    let docker_py = Trial::ignorable_test("serve::docker-py-7-matches-replay", || {
        if let Some(why) = docker_py::unavailable() {
            if std::env::var_os("CI").is_some() {
                return Err(format!("CI is set, so the serve trials must run: {why}").into());
            }
            return Ok(Completion::ignored_with(why));
        }
        docker_py::compare().map(|()| Completion::Completed)
    });
    libtest_mimic::run(&args, vec![trial, compose, docker_py]).exit();
}

/// Debian's Compose 1.29 (Python; it talks to `DOCKER_HOST` itself).
const COMPOSE: &str = "/usr/bin/docker-compose";

/// The tutorial's Compose section, replayed with Compose 1.29 through the socket.
const COMPOSE_SCENARIO: &str = "scenarios/compose-tutorial-default-network.scn";

/// `None` when `tool` is installed; else the trial is ignored, or fails with `CI` set.
fn missing(tool: &str, what: &str) -> Result<Option<Completion>, Failed> {
    if Path::new(tool).exists() {
        return Ok(None);
    }
    let why = format!("{tool} ({what}) is not installed");
    if std::env::var_os("CI").is_some() {
        return Err(format!("CI is set, so the serve trials must run: {why}").into());
    }
    Ok(Some(Completion::ignored_with(why)))
}

#[path = "serve/compose.rs"]
mod compose;
#[path = "serve/docker_py.rs"]
mod docker_py;

/// What `docknet replay` prints for [`STEPS`].
fn replayed() -> Result<Vec<CommandOutput>, Failed> {
    let text: String = STEPS.iter().map(|s| format!("$ {s}\n")).collect();
    let scenario = docknet::parse("serve-steps.scn", &text)?;
    let mut kernel = docknet::Backend::Sim.kernel()?;
    let t = docknet::replay(&scenario, None, kernel.as_mut())?;
    Ok(t.steps.into_iter().map(|s| s.output).collect())
}

/// The server, stopped (SIGTERM, by PID) when dropped.
pub(crate) struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

/// A fresh directory under the target directory's temp space.
pub(crate) fn temp_dir(trial: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("docknet-serve-test-{}-{trial}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("docker")).expect("temp dir");
    dir
}

pub(crate) fn start_server(dir: &Path) -> Result<(Server, PathBuf), Failed> {
    let socket = dir.join("docknet.sock");
    let child = Command::new(env!("CARGO_BIN_EXE_docknet"))
        .args(["serve", "--socket"])
        .arg(&socket)
        .stderr(Stdio::null())
        .spawn()?;
    let server = Server(child);
    let t0 = Instant::now();
    while !socket.exists() {
        if t0.elapsed() > Duration::from_secs(20) {
            return Err("docknet serve did not make its socket within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((server, socket))
}

/// Runs one step with the real CLI (through `sh`, which quotes as the scenario parser does).
fn cli(step: &str, dir: &Path, socket: &Path) -> Result<CommandOutput, Failed> {
    let line = step.replacen("docker", CLI, 1);
    let out = Command::new("sh")
        .args(["-c", &line])
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .env("HOME", dir)
        .env("DOCKER_CONFIG", dir.join("docker"))
        .env_remove("DOCKER_API_VERSION")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null())
        .output()?;
    Ok(CommandOutput {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        exit: out.status.code().unwrap_or(-1),
    })
}

/// The one normalisation: CLI 20.10 prints `docker info`'s runtimes in Go's random map
/// order (a real dockerd's too), so that line's words are compared sorted.
fn runtimes_sorted(mut out: CommandOutput) -> CommandOutput {
    if !out.stdout.contains("\n Runtimes: ") {
        return out;
    }
    out.stdout = out
        .stdout
        .lines()
        .map(|l| match l.strip_prefix(" Runtimes: ") {
            Some(rest) => {
                let mut words: Vec<&str> = rest.split(' ').collect();
                words.sort_unstable();
                format!(" Runtimes: {}\n", words.join(" "))
            }
            None => format!("{l}\n"),
        })
        .collect();
    out
}

fn compare() -> Result<(), Failed> {
    let want = replayed()?;
    let dir = temp_dir("cli");
    let (server, socket) = start_server(&dir)?;
    let mut diffs = Vec::new();
    for (step, want) in STEPS.iter().zip(&want) {
        let got = runtimes_sorted(cli(step, &dir, &socket)?);
        let mut want = runtimes_sorted(want.clone());
        if step.starts_with("docker exec -t ") {
            // A TTY turns each newline into CRLF (a real dockerd's does too); the replay
            // prints the program's own bytes.
            want.stdout = want.stdout.replace('\n', "\r\n");
        }
        let want = &want;
        if got != *want {
            diffs.push(format!(
                "$ {step}\n--- replay:\n{}{}[exit {}]\n--- docker CLI 20.10 against docknet serve:\n{}{}[exit {}]\n",
                want.stdout, want.stderr, want.exit, got.stdout, got.stderr, got.exit
            ));
        }
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} steps differ:\n{}",
            diffs.len(),
            STEPS.len(),
            diffs.join("\n")
        )
        .into())
    }
}
