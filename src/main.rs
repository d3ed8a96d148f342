//! The `docknet` command line: `replay`, `trace`, `reach` and `diagram` over a scenario file.

use std::process::ExitCode;

mod args;

use args::{parse_args, Command};
use docknet::{Backend, Error};

const HELP: &str = "\
docknet: Docker 20.10 bridge networking, replayed on a simulated or a real Linux kernel

Usage:
  docknet replay FILE|- [--seed N] [--json] [--backend sim|kernel]
  docknet trace FILE|- FROM TO [tcp|udp PORT] [--json] [--seed N] [--backend sim|kernel]
  docknet reach FILE|- [--seed N] [--backend sim|kernel]
  docknet conform FILE|- [--seed N]
  docknet serve [--socket PATH] [--backend sim|kernel] [--seed N]
  docknet diagram FILE|- [--at LINE] [--format svg|dot|mermaid|text] [--reach] [-o FILE]
                  [--seed N] [--backend sim|kernel]
  docknet --help | --version

replay   Reads a scenario (.scn; `-` reads standard input), builds its host, starts a
         simulated dockerd and runs every `$ command` step. Prints a transcript: each step
         as `$ command`, then what the real tool prints on stdout, then on stderr, then
         `[exit N]` when the status is not 0.

trace    Replays the scenario, then walks one packet (a ping, or a TCP/UDP connect to PORT)
         from FROM to TO and prints every hop: routing decisions, each iptables rule that
         decided (table, chain, number, text), NAT rewrites, links crossed, the outcome.
         FROM and TO are a container name, an IPv4 address, `host` or `outside`. Exit 0
         when the probe gets its answer, 1 when it does not.

reach    Replays the scenario, then prints which running containers reach which (ICMP and
         each port a container listens on).

conform  Replays the scenario on the simulated kernel and on a real Docker 20.10 started
         here in namespaces of its own (needs root and Debian's docker.io), and prints
         each step whose output differs after the normalisations of what a real host
         makes random, then `conformance: M/T steps equal`. Exit 0 when all are equal.
diagram  Replays the scenario (up to and including the step on LINE with --at), then draws
         the connectivity picture from the kernel state: the outside, the host's NICs,
         bridges and their ports, each container's namespace and the veth pairs between
         them, down links dashed, published ports at the host's edge. --reach adds who
         pings whom and whether each published port answers from the outside. The format
         is --format's, else the -o file's extension (.svg .dot .mmd .txt), else text.

serve    Serves the Docker Engine API 1.41 (dockerd 20.10's) on a unix socket (default
         /tmp/docknet.sock) over one simulated dockerd, until Ctrl-C or SIGTERM: point a
         real client at it with DOCKER_HOST=unix://PATH. State lives until it stops.

Options:
  --seed N              Seed for IDs, MACs and names (overrides the scenario's %seed)
  --json                Print [{\"line\", \"command\", \"stdout\", \"stderr\", \"exit\"}] instead
  --backend sim|kernel  The kernel to run on (default sim; kernel needs root)
  -h, --help            This text
  -V, --version         The version

Exit status: 0 when the scenario parsed and replayed (a step's own failure is part of the
transcript), 2 on a parse error, an unreadable file or bad flags, 1 when the backend is not
available or the host could not be built.

Steps are printed as they complete.

Examples:
  docknet replay scenarios/tutorial-03-containers.scn
  docknet replay scenarios/tutorial-05-isolated-network.scn --json --seed 7
  docknet trace scenarios/traffic-ports.scn test1 test2 tcp 80
  docknet reach scenarios/traffic-isolation.scn
  docknet diagram scenarios/tutorial-04-testbridge.scn --format mermaid
  docknet diagram scenarios/traffic-isolation.scn --reach
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse_args(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("docknet: {msg}\nTry `docknet --help`.");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!("docknet {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Replay {
            file,
            seed,
            json,
            backend,
        } => replay(&file, seed, json, backend),
        Command::Conform { file, seed } => conform(&file, seed),
        Command::Serve(o) => match docknet::serve::serve(&o) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => failure(e),
        },
        Command::Diagnose {
            file,
            seed,
            backend,
            step,
        } => match docknet::diagnose_file(&file, seed, backend, &step) {
            Ok(out) => {
                print!("{}", out.stdout);
                eprint!("{}", out.stderr);
                ExitCode::from(out.exit.clamp(0, 255) as u8)
            }
            Err(e) => failure(e),
        },
        Command::Diagram {
            file,
            seed,
            backend,
            at,
            output,
            step,
        } => match docknet::diagnose_file_at(&file, seed, backend, &step, at) {
            Ok(out) => write_diagram(out, output.as_deref()),
            Err(e) => failure(e),
        },
    }
}

/// Prints the diagram, or writes it to `output`.
fn write_diagram(out: docknet_engine::CommandOutput, output: Option<&str>) -> ExitCode {
    eprint!("{}", out.stderr);
    if out.exit != 0 {
        return ExitCode::from(out.exit.clamp(0, 255) as u8);
    }
    match output {
        None | Some("-") => print!("{}", out.stdout),
        Some(path) => {
            if let Err(e) = std::fs::write(path, &out.stdout) {
                eprintln!("docknet: cannot write {path}: {e}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The message and status of a replay that could not run.
fn failure(e: Error) -> ExitCode {
    eprintln!("docknet: {e}");
    let code = match e {
        Error::Parse { .. } | Error::Read { .. } | Error::NoStepAt { .. } => 2,
        Error::Backend { .. } | Error::Setup(_) => 1,
    };
    ExitCode::from(code)
}

/// Compares `file` on sim with a real Docker 20.10 here.
fn conform(file: &str, seed: Option<u64>) -> ExitCode {
    use docknet::conformance;
    let scenario = match docknet::load(file) {
        Ok(s) => s,
        Err(e) => return failure(e),
    };
    if let Err(reason) = conformance::oracle::available() {
        eprintln!("docknet: a real Docker 20.10 is not available here: {reason}");
        return ExitCode::from(1);
    }
    let base = std::env::temp_dir().join(format!("docknet-conform-{}", std::process::id()));
    match conformance::compare(&scenario, seed, &base) {
        Ok(steps) => {
            let equal = steps.iter().filter(|s| s.equal()).count();
            for s in &steps {
                print!("{}", s.describe());
            }
            println!("conformance: {equal}/{} steps equal", steps.len());
            ExitCode::from(u8::from(equal != steps.len()))
        }
        Err(e) => failure(e),
    }
}

/// Replays `file`, printing each step as soon as it has run.
fn replay(file: &str, seed: Option<u64>, json: bool, backend: Backend) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let mut stream = docknet::transcript::JsonStream::default();
    let mut failed_write = false;
    let mut print = |text: String| {
        if !failed_write && (stdout.write_all(text.as_bytes()).is_err() || stdout.flush().is_err())
        {
            failed_write = true;
        }
    };
    let result = docknet::replay_file_with(file, seed, backend, &mut |step| {
        print(if json {
            stream.step(step)
        } else {
            step.to_text()
        })
    });
    match result {
        Ok(_) => {
            if json {
                print(stream.finish());
            }
            ExitCode::SUCCESS
        }
        Err(e) => failure(e),
    }
}
