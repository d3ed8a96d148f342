//! `docknet serve` against the real dockerd 20.10, both driven by the real CLI 20.10, in one
//! run: per round, `network create` + `run -d` + `rm -f` + `network rm` (four CLI processes)
//! against each engine in turn (A B A B ...), and `GET /containers/json` requests per second
//! over one keep-alive connection with 10 containers running. Reports medians and the median
//! of the pairwise ratios. Needs root and Debian's docker.io (the conformance runner's
//! oracle starts dockerd in namespaces of its own); without them it says why and exits.
//! Run: `cargo bench --bench serve`.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use docknet::conformance::{images, oracle};

const CLI: &str = "/usr/bin/docker";
const ROUNDS: usize = 9;
const REQUESTS: usize = 500;

/// `docknet serve` on a socket, stopped by PID when dropped.
struct Serve(Child, PathBuf);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
        let _ = std::fs::remove_file(&self.1);
    }
}

fn serve(dir: &Path) -> Serve {
    let socket = dir.join("docknet.sock");
    let child = Command::new(env!("CARGO_BIN_EXE_docknet"))
        .args(["serve", "--socket"])
        .arg(&socket)
        .stderr(Stdio::null())
        .spawn()
        .expect("docknet serve starts");
    while !socket.exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
    Serve(child, socket)
}

fn cli(socket: &Path, line: &str) {
    let out = Command::new(CLI)
        .args(line.split_whitespace())
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .env("HOME", "/root")
        .stdin(Stdio::null())
        .output()
        .expect("the CLI runs");
    assert!(
        out.status.success(),
        "docker {line}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One round of the four commands; its wall time.
fn round(socket: &Path, i: usize) -> Duration {
    let t = Instant::now();
    cli(socket, &format!("network create bench{i}"));
    cli(
        socket,
        &format!("run -d --name b{i} --network bench{i} busybox sleep 1000"),
    );
    cli(socket, &format!("rm -f b{i}"));
    cli(socket, &format!("network rm bench{i}"));
    t.elapsed()
}

/// `GET /containers/json` requests per second, one after another on one connection.
fn list_rate(socket: &Path) -> f64 {
    let stream = UnixStream::connect(socket).expect("connects");
    let mut reader = BufReader::new(stream.try_clone().expect("clones"));
    let mut writer = stream;
    let req = b"GET /v1.41/containers/json HTTP/1.1\r\nHost: docker\r\n\r\n";
    let t = Instant::now();
    for _ in 0..REQUESTS {
        writer.write_all(req).expect("sends");
        read_response(&mut reader);
    }
    REQUESTS as f64 / t.elapsed().as_secs_f64()
}

/// Reads one response (Content-Length or chunked body).
fn read_response(r: &mut BufReader<UnixStream>) {
    let (mut len, mut chunked) = (0usize, false);
    loop {
        let mut line = String::new();
        r.read_line(&mut line).expect("a header line");
        let l = line.trim_end().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("content-length:") {
            len = v.trim().parse().expect("a length");
        }
        chunked |= l == "transfer-encoding: chunked";
    }
    if !chunked {
        let mut body = vec![0; len];
        r.read_exact(&mut body).expect("the body");
        return;
    }
    loop {
        let mut size = String::new();
        r.read_line(&mut size).expect("a chunk size");
        let n = usize::from_str_radix(size.trim(), 16).expect("hex");
        let mut chunk = vec![0; n + 2];
        r.read_exact(&mut chunk).expect("a chunk");
        if n == 0 {
            break;
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if let Err(why) = oracle::available() {
        println!("skipped: {why}");
        return;
    }
    let dir = std::env::temp_dir().join(format!("docknet-bench-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let scenario = docknet::parse("bench.scn", "").expect("an empty scenario");
    let real = oracle::Oracle::start(&scenario, docknet_engine::DEFAULT_SEED, &dir.join("oracle"))
        .expect("dockerd 20.10 starts");
    images::build(&|a| real.docker(a), real.base(), "busybox").expect("busybox image");
    let real_socket = real.base().join("docker.sock");
    let ours = serve(&dir);
    let (mut a, mut b, mut ratio) = (vec![], vec![], vec![]);
    for i in 0..ROUNDS {
        let x = round(&ours.1, i).as_secs_f64() * 1e3;
        let y = round(&real_socket, i).as_secs_f64() * 1e3;
        a.push(x);
        b.push(y);
        ratio.push(y / x);
    }
    println!("network create + run -d + rm -f + network rm with CLI 20.10, ms per round (medians of {ROUNDS}):");
    println!(
        "  docknet serve {:8.1}   dockerd 20.10 {:8.1}   dockerd/docknet {:5.1}x",
        median(a),
        median(b),
        median(ratio)
    );
    for socket in [&ours.1, &real_socket] {
        for i in 0..10 {
            cli(socket, &format!("run -d --name l{i} busybox sleep 1000"));
        }
    }
    let (mut a, mut b, mut ratio) = (vec![], vec![], vec![]);
    for _ in 0..5 {
        let x = list_rate(&ours.1);
        let y = list_rate(&real_socket);
        a.push(x);
        b.push(y);
        ratio.push(x / y);
    }
    println!("GET /containers/json, 10 containers, requests/s (medians of 5 x {REQUESTS}):");
    println!(
        "  docknet serve {:8.0}   dockerd 20.10 {:8.0}   docknet/dockerd {:5.1}x",
        median(a),
        median(b),
        median(ratio)
    );
    drop(ours);
    drop(real);
    let _ = std::fs::remove_dir_all(&dir);
}
