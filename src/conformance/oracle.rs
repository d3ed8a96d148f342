//! A real Docker 20.10 host for one scenario: dockerd and its own containerd run inside the
//! scenario's host namespace, which docknet's kernel backend builds exactly as a replay does
//! (the `%host-if` NICs, the outside namespace, the internet), so both hosts start alike.
//!
//! Facts (Debian 12's `docker.io` 20.10.24, containerd 1.6.20, runc 1.1.5, as
//! `../shared/oracle/` runs them): dockerd needs a private `/run` (its own containerd and
//! shim sockets, `xtables.lock`, and no `/run/systemd/system`, so the cgroupfs driver), a
//! private `/etc/docker` (it writes `key.json`) and `/opt` (containerd's opt plugin creates
//! `/opt/containerd`); it keeps its data under `--data-root` and runs with its default
//! exec-root `/var/run/docker` inside the private `/run`, so sandbox keys are where steps
//! look for them (`ls /var/run/docker/netns`, `nsenter --net=...`). It
//! programs iptables through the machine's default alternative (nft), as the backend does.
//!
//! Nothing touches the machine's own namespaces: dockerd joins the backend's host namespace
//! and a fresh private mount namespace. Stopping removes every container, ends dockerd by
//! PID, waits for its children, removes its cgroups and state directory; the backend then
//! deletes the namespaces.

use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use docknet_engine::{CommandOutput, Kernel, NetnsName};
use docknet_kernel::KernelBackend;
use docknet_netstate::tools::MacSource;

use crate::runner::host;
use crate::scenario::Scenario;

/// The CLI 20.10 binary (Debian's docker.io); `docker` first in PATH may be another version.
pub const CLI: &str = "/usr/bin/docker";
/// dockerd 20.10 (Debian's docker.io).
pub const DOCKERD: &str = "/usr/sbin/dockerd";

/// The script that runs in dockerd's new mount namespace, inside the host namespace.
const INNER: &str = r#"set -e
mount --make-rprivate /
mount -n -t tmpfs -o mode=755,size=64m tmpfs /run
mount -n --bind "$BASE/etc-docker" /etc/docker
mount -n -t tmpfs -o mode=755,size=16m tmpfs /opt
exec "$DOCKERD" -H "unix://$BASE/docker.sock" --data-root "$BASE/data" \
    --exec-root /var/run/docker --pidfile "$BASE/dockerd.pid" --storage-driver overlay2 \
    --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$CGROUP" "$@"
"#;

/// A running real engine in a scenario's host.
pub struct Oracle {
    backend: KernelBackend,
    base: PathBuf,
    cgroup: String,
    child: Option<Child>,
    dockerd: Option<u32>,
}

/// Whether this machine can run the oracle: root, Debian's dockerd and CLI 20.10, busybox.
pub fn available() -> Result<(), String> {
    if !nix_is_root() {
        return Err("needs root (it starts a real dockerd in namespaces it creates)".into());
    }
    for (path, package) in [
        (DOCKERD, "docker.io"),
        (CLI, "docker.io"),
        ("/bin/busybox", "busybox-static"),
    ] {
        if !Path::new(path).exists() {
            return Err(format!("needs {path}: apt-get install {package}"));
        }
    }
    let v = Command::new(CLI)
        .args(["version", "--format", "{{.Client.Version}}"])
        .output()
        .map_err(|e| format!("{CLI}: {e}"))?;
    let version = String::from_utf8_lossy(&v.stdout);
    if !version.starts_with("20.10") {
        return Err(format!("{CLI} is CLI {version}, not 20.10"));
    }
    docknet_kernel::probe()
}

fn nix_is_root() -> bool {
    // SAFETY-free: geteuid has no preconditions (std exposes no safe wrapper).
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

impl Oracle {
    /// Builds the host of `scenario` (seeded like a replay) and starts dockerd in it.
    pub fn start(scenario: &Scenario, seed: u64, base: &Path) -> Result<Oracle, String> {
        let mut backend = KernelBackend::new().map_err(|e| e.to_string())?;
        let ops = host::plan(&scenario.host_ifs, &mut MacSource::new(seed));
        backend
            .apply_all(&ops)
            .map_err(|(i, e)| format!("host {:?}: {e}", ops[i]))?;
        let _ = std::fs::remove_dir_all(base);
        for dir in ["etc-docker", "data"] {
            std::fs::create_dir_all(base.join(dir)).map_err(|e| e.to_string())?;
        }
        std::fs::create_dir_all("/etc/docker").map_err(|e| format!("/etc/docker: {e}"))?;
        let cgroup = format!("docknet-conformance-{}", std::process::id());
        let mut oracle = Oracle {
            backend,
            base: base.to_path_buf(),
            cgroup,
            child: None,
            dockerd: None,
        };
        oracle.spawn_dockerd(scenario)?;
        if let Err(first) = oracle.wait_until_up() {
            // A loaded machine can make dockerd give up waiting for its containerd; once more.
            oracle.stop_daemon();
            oracle.spawn_dockerd(scenario)?;
            oracle
                .wait_until_up()
                .map_err(|e| format!("{e} (and before: {first})"))?;
        }
        Ok(oracle)
    }

    fn spawn_dockerd(&mut self, scenario: &Scenario) -> Result<(), String> {
        let fd = self
            .backend
            .netns_fd(&NetnsName::host())
            .ok_or("no host namespace")?
            .as_raw_fd();
        let log =
            std::fs::File::create(self.base.join("dockerd.log")).map_err(|e| e.to_string())?;
        let mut cmd = Command::new("nsenter");
        cmd.arg(format!("--net=/proc/{}/fd/{fd}", std::process::id()))
            .args([
                "--",
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--fork",
                "--",
            ])
            .args(["sh", "-c", INNER, "dockerd-sandbox"])
            .args(daemon_flags(scenario))
            .env("BASE", &self.base)
            .env("DOCKERD", DOCKERD)
            .env("CGROUP", &self.cgroup)
            .env("PATH", "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .process_group(0);
        self.child = Some(cmd.spawn().map_err(|e| format!("nsenter: {e}"))?);
        Ok(())
    }

    fn wait_until_up(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!("dockerd exited ({status}): {}", self.log_tail()));
                }
            }
            if let Ok(pid) = std::fs::read_to_string(self.base.join("dockerd.pid")) {
                self.dockerd = pid.trim().parse().ok();
                if self
                    .docker(&["version".into()])
                    .is_ok_and(|o| o.status.success())
                {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "dockerd did not come up in 30 s: {}",
            self.log_tail()
        ))
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.base.join("dockerd.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }

    /// Where the oracle keeps its state (images are built under it too).
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Runs the CLI 20.10 against this engine.
    pub fn docker(&self, args: &[String]) -> std::io::Result<Output> {
        self.cli(args).output()
    }

    fn cli(&self, args: &[String]) -> Command {
        let mut cmd = Command::new(CLI);
        cmd.args(args)
            .env(
                "DOCKER_HOST",
                format!("unix://{}/docker.sock", self.base.display()),
            )
            .env_remove("DOCKER_CONFIG")
            .env("HOME", "/root")
            .env("DOCKER_CLI_HINTS", "false")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs one command line as the scenario's host shell would.
    pub fn run(&self, argv: &[String]) -> CommandOutput {
        let result = match argv.split_first() {
            None => return CommandOutput::default(),
            Some((docker, args)) if docker == "docker" => self.run_docker(args),
            // The daemon's own paths (`/var/run/docker/netns/...`) exist only in its mount
            // namespace.
            Some((ls, _)) if ls == "ls" || ls == "nsenter" => self.in_daemon_namespaces(argv),
            Some(_) => self.backend.run_in_netns(&NetnsName::host(), argv),
        };
        // The "linkwatch" normalisation: what the step changed settles before the next one.
        let _ = self.backend.settle_host_links();
        if argv[0] == "docker" {
            self.settle_nsids();
        }
        let mut out = match result {
            Ok(out) => self.output(out),
            Err(e) => return CommandOutput::fail(format!("conformance: {}: {e}\n", argv[0]), 127),
        };
        if argv[0] == "ls" && argv.iter().any(|a| a.starts_with("/var/run/docker/netns")) {
            out.stdout = self.live_sandbox_keys(&out.stdout);
        }
        out
    }

    /// The kernel frees a dead namespace's nsid from a work queue, moments after the
    /// namespace goes: wait (up to 2 s) until the host's nsid list holds still for 100 ms.
    fn settle_nsids(&self) {
        let argv: Vec<String> = ["ip", "netns", "list-id"].map(String::from).to_vec();
        let list = || {
            self.backend
                .run_in_netns(&NetnsName::host(), &argv)
                .map(|o| o.stdout)
                .unwrap_or_default()
        };
        let mut last = list();
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(100));
            let now = list();
            if now == last {
                return;
            }
            last = now;
        }
    }

    /// The "netns-gc" normalisation: `ls` output less the sandbox keys that are no longer
    /// mounted namespaces (files awaiting dockerd's periodic garbage collection).
    fn live_sandbox_keys(&self, listing: &str) -> String {
        let Some(pid) = self.dockerd else {
            return listing.to_string();
        };
        let mounts = std::fs::read_to_string(format!("/proc/{pid}/mountinfo")).unwrap_or_default();
        // mountinfo's fifth field is the mount point (`/run/docker/netns/<key>`).
        let live: Vec<&str> = mounts
            .lines()
            .filter_map(|l| l.split(' ').nth(4))
            .filter_map(|m| m.strip_prefix("/run/docker/netns/"))
            .collect();
        listing
            .lines()
            .filter(|name| live.contains(name))
            .map(|name| format!("{name}\n"))
            .collect()
    }

    fn run_docker(&self, args: &[String]) -> std::io::Result<Output> {
        if tty_requested(args) {
            // Under `script` the CLI gets the terminal `-t` asks for; all output is its.
            let line = std::iter::once(CLI.to_string())
                .chain(args.iter().cloned())
                .map(|w| shell_quote(&w))
                .collect::<Vec<_>>()
                .join(" ");
            let mut cmd = Command::new("script");
            cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
                .env(
                    "DOCKER_HOST",
                    format!("unix://{}/docker.sock", self.base.display()),
                )
                .env_remove("DOCKER_CONFIG")
                .env("HOME", "/root")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            // Its stdin stays open and silent until the command ends: at end of input
            // `script` would type an EOF into the terminal, which echoes.
            let mut child = cmd.spawn()?;
            let stdin = child.stdin.take();
            let out = child.wait_with_output();
            drop(stdin);
            return out;
        }
        self.cli(args).output()
    }

    fn in_daemon_namespaces(&self, argv: &[String]) -> std::io::Result<Output> {
        let pid = self
            .dockerd
            .ok_or_else(|| std::io::Error::other("dockerd not running"))?;
        Command::new("nsenter")
            .args(["-t", &pid.to_string(), "-n", "-m", "--"])
            .args(argv)
            .stdin(Stdio::null())
            .output()
    }

    /// A process's output, with the oracle's state directories shown as Docker's defaults.
    fn output(&self, out: Output) -> CommandOutput {
        let base = self.base.display().to_string();
        let fix = |b: &[u8]| {
            String::from_utf8_lossy(b).replace(&format!("{base}/data"), "/var/lib/docker")
        };
        CommandOutput {
            stdout: fix(&out.stdout),
            stderr: fix(&out.stderr),
            exit: out.status.code().unwrap_or(128),
        }
    }

    fn stop(&mut self) {
        self.stop_daemon();
        remove_cgroups(&self.cgroup, Duration::from_secs(10));
        let _ = std::fs::remove_dir_all(&self.base);
    }

    /// Removes every container, then ends dockerd (and with it containerd) by PID.
    fn stop_daemon(&mut self) {
        if let Ok(ids) = self.docker(&["ps".into(), "-aq".into()]) {
            let ids: Vec<String> = String::from_utf8_lossy(&ids.stdout)
                .split_whitespace()
                .map(String::from)
                .collect();
            if !ids.is_empty() {
                let mut args = vec!["rm".to_string(), "-f".to_string()];
                args.extend(ids);
                let _ = self.docker(&args);
            }
        }
        if let Some(pid) = self.dockerd.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        if let Some(mut child) = self.child.take() {
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(100));
            }
            if matches!(child.try_wait(), Ok(None)) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// dockerd flags the scenario's `%daemon` line asks for.
fn daemon_flags(scenario: &Scenario) -> Vec<String> {
    if scenario.userland_proxy {
        Vec::new()
    } else {
        vec!["--userland-proxy=false".into()]
    }
}

/// Whether a `docker exec`/`run` asks for a terminal (`-t`, `-it`, `--tty`).
pub fn tty_requested(args: &[String]) -> bool {
    matches!(args.first().map(String::as_str), Some("exec" | "run"))
        && args[1..]
            .iter()
            .take_while(|a| a.starts_with('-'))
            .any(|a| a == "--tty" || (!a.starts_with("--") && a.contains('t')))
}

fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The cgroups dockerd made under `--cgroup-parent` (cgroup v1 controllers or v2), deepest
/// first; a cgroup is busy until the kernel has reaped its last task, so this retries.
fn remove_cgroups(parent: &str, patience: Duration) {
    let Ok(controllers) = std::fs::read_dir("/sys/fs/cgroup") else {
        return;
    };
    let mut roots: Vec<PathBuf> = controllers
        .flatten()
        .map(|c| c.path().join(parent))
        .chain([Path::new("/sys/fs/cgroup").join(parent)])
        .filter(|d| d.is_dir())
        .collect();
    roots.sort();
    roots.dedup();
    let deadline = Instant::now() + patience;
    for root in roots {
        let mut dirs = vec![root.clone()];
        let mut i = 0;
        while i < dirs.len() {
            if let Ok(entries) = std::fs::read_dir(&dirs[i]) {
                dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
            }
            i += 1;
        }
        for dir in dirs.iter().rev() {
            while std::fs::remove_dir(dir).is_err() && dir.exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}
