//! The `docknet` command line: `replay`, `trace`, `reach` and `diagram` over a scenario file.

use std::process::ExitCode;

use docknet::{Backend, Error};
use docknet_netstate::diagram::Format;

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

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Version,
    Replay {
        file: String,
        seed: Option<u64>,
        json: bool,
        backend: Backend,
    },
    /// `conform`: sim against a real Docker 20.10.
    Conform {
        file: String,
        seed: Option<u64>,
    },
    /// `trace` and `reach`: replay, then one `docknet ...` step.
    Diagnose {
        file: String,
        seed: Option<u64>,
        backend: Backend,
        step: Vec<String>,
    },
    /// `serve`: the Engine API on a unix socket.
    Serve(docknet::serve::ServeOptions),
    /// `diagram`: replay (up to a line), then one `docknet diagram ...` step, to a file.
    Diagram {
        file: String,
        seed: Option<u64>,
        backend: Backend,
        at: Option<usize>,
        output: Option<String>,
        step: Vec<String>,
    },
}

/// Parses the arguments after the program name; the error is the message for stderr.
fn parse_args(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        None => return Err("a command is required".into()),
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("-V" | "--version") => return Ok(Command::Version),
        Some("replay" | "trace" | "reach" | "conform") => {}
        Some("diagram") => return parse_diagram(&args[1..]),
        Some("serve") if args[1..].iter().any(|a| a == "-h" || a == "--help") => {
            return Ok(Command::Help)
        }
        Some("serve") => return docknet::serve::parse_args(&args[1..]).map(Command::Serve),
        Some(other) => return Err(format!("unknown command `{other}`")),
    }
    let verb = args[0].clone();
    let mut positional: Vec<String> = Vec::new();
    let (mut file, mut seed, mut json, mut backend) = (None, None, false, Backend::Sim);
    let mut it = args[1..].iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or(format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--json" => json = true,
            "--seed" => seed = Some(parse_seed(&value("--seed")?)?),
            "--backend" => backend = parse_backend(&value("--backend")?)?,
            f if f.starts_with('-') && f != "-" => return Err(format!("unknown option `{f}`")),
            f if file.is_none() => file = Some(f.to_string()),
            f if verb != "replay" => positional.push(f.to_string()),
            f => return Err(format!("one scenario file at a time (unexpected `{f}`)")),
        }
    }
    let file = file.ok_or(format!(
        "{verb} needs a scenario FILE (or - for standard input)"
    ))?;
    if verb == "conform" {
        if json || backend != Backend::Sim || !positional.is_empty() {
            return Err("conform takes only a scenario and --seed".into());
        }
        return Ok(Command::Conform { file, seed });
    }
    if verb == "replay" {
        return Ok(Command::Replay {
            file,
            seed,
            json,
            backend,
        });
    }
    if verb == "reach" && !positional.is_empty() {
        return Err(format!(
            "reach takes only a scenario (unexpected `{}`)",
            positional[0]
        ));
    }
    if verb == "trace" && !matches!(positional.len(), 2 | 4) {
        return Err("trace needs FROM and TO, and optionally tcp|udp PORT".into());
    }
    let mut step = vec!["docknet".to_string(), verb];
    step.extend(positional);
    if json {
        step.push("--json".into());
    }
    Ok(Command::Diagnose {
        file,
        seed,
        backend,
        step,
    })
}

/// `diagram FILE [--at LINE] [--format F] [--reach] [-o FILE] [--seed N] [--backend B]`.
fn parse_diagram(args: &[String]) -> Result<Command, String> {
    let (mut file, mut seed, mut backend) = (None, None, Backend::Sim);
    let (mut at, mut output, mut format, mut reach) = (None, None, None, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or(format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--reach" => reach = true,
            "--seed" => seed = Some(parse_seed(&value("--seed")?)?),
            "--backend" => backend = parse_backend(&value("--backend")?)?,
            "--at" => {
                let v = value("--at")?;
                at = Some(
                    v.parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(format!("--at takes the line number of a step, not `{v}`"))?,
                );
            }
            "--format" => {
                let v = value("--format")?;
                format = Some(
                    Format::parse(&v)
                        .ok_or(format!("--format takes {}, not `{v}`", Format::NAMES))?,
                );
            }
            "-o" | "--output" => output = Some(value("-o")?),
            f if f.starts_with('-') && f != "-" => return Err(format!("unknown option `{f}`")),
            f if file.is_none() => file = Some(f.to_string()),
            f => return Err(format!("one scenario file at a time (unexpected `{f}`)")),
        }
    }
    let file = file.ok_or("diagram needs a scenario FILE (or - for standard input)")?;
    let format = diagram_format(format, output.as_deref())?;
    let mut step: Vec<String> = ["docknet", "diagram", "--format", format_name(format)]
        .map(String::from)
        .to_vec();
    if reach {
        step.push("--reach".into());
    }
    Ok(Command::Diagram {
        file,
        seed,
        backend,
        at,
        output,
        step,
    })
}

/// `--format`'s, else the output file's extension's, else text.
fn diagram_format(format: Option<Format>, output: Option<&str>) -> Result<Format, String> {
    match (format, output) {
        (Some(f), _) => Ok(f),
        (None, Some(o)) if o != "-" => Format::from_path(o).ok_or(format!(
            "cannot tell the format of `{o}` from its name; give --format {}",
            Format::NAMES
        )),
        (None, _) => Ok(Format::Text),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Mermaid => "mermaid",
        Format::Dot => "dot",
        Format::Svg => "svg",
    }
}

fn parse_seed(v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("--seed takes a non-negative integer, not `{v}`"))
}

fn parse_backend(v: &str) -> Result<Backend, String> {
    Backend::parse(v).ok_or(format!("--backend takes sim or kernel, not `{v}`"))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn replay_flags() {
        assert_eq!(
            parse_args(&args("replay x.scn --seed 7 --json --backend kernel")),
            Ok(Command::Replay {
                file: "x.scn".into(),
                seed: Some(7),
                json: true,
                backend: Backend::Kernel
            })
        );
        assert_eq!(
            parse_args(&args("replay --seed=3 -")),
            Ok(Command::Replay {
                file: "-".into(),
                seed: Some(3),
                json: false,
                backend: Backend::Sim
            })
        );
        assert_eq!(parse_args(&args("--help")), Ok(Command::Help));
        assert_eq!(parse_args(&args("replay x --help")), Ok(Command::Help));
    }

    #[test]
    fn trace_and_reach_flags() {
        assert_eq!(
            parse_args(&args("trace x.scn a b tcp 80 --json")),
            Ok(Command::Diagnose {
                file: "x.scn".into(),
                seed: None,
                backend: Backend::Sim,
                step: args("docknet trace a b tcp 80 --json"),
            })
        );
        assert_eq!(
            parse_args(&args("reach x.scn --backend kernel")),
            Ok(Command::Diagnose {
                file: "x.scn".into(),
                seed: None,
                backend: Backend::Kernel,
                step: args("docknet reach"),
            })
        );
        assert!(parse_args(&args("trace x.scn a")).is_err());
        assert!(parse_args(&args("reach x.scn a")).is_err());
        assert!(parse_args(&args("trace")).unwrap_err().contains("FILE"));
    }

    #[test]
    fn diagram_flags() {
        assert_eq!(
            parse_args(&args("diagram x.scn --at 12 -o d.svg --reach --seed 3")),
            Ok(Command::Diagram {
                file: "x.scn".into(),
                seed: Some(3),
                backend: Backend::Sim,
                at: Some(12),
                output: Some("d.svg".into()),
                step: args("docknet diagram --format svg --reach"),
            })
        );
        let text = parse_args(&args("diagram x.scn")).unwrap();
        assert!(matches!(text, Command::Diagram { step, .. } if step[3] == "text"));
        let explicit = parse_args(&args("diagram x.scn --format=dot -o d.svg")).unwrap();
        assert!(matches!(explicit, Command::Diagram { step, .. } if step[3] == "dot"));
    }

    #[test]
    fn bad_diagram_flags_are_refused() {
        assert!(parse_args(&args("diagram")).unwrap_err().contains("FILE"));
        assert!(parse_args(&args("diagram x --at zero"))
            .unwrap_err()
            .contains("line number"));
        assert!(parse_args(&args("diagram x --at 0")).is_err());
        assert!(parse_args(&args("diagram x --format png"))
            .unwrap_err()
            .contains("svg|dot|mermaid|text"));
        assert!(parse_args(&args("diagram x -o d.png"))
            .unwrap_err()
            .contains("give --format"));
        assert!(parse_args(&args("diagram x --json"))
            .unwrap_err()
            .contains("unknown option"));
        assert!(parse_args(&args("diagram x y")).is_err());
    }

    #[test]
    fn bad_flags_are_refused() {
        assert!(parse_args(&args("")).is_err());
        assert!(parse_args(&args("replay")).unwrap_err().contains("FILE"));
        assert!(parse_args(&args("replay x --seed"))
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse_args(&args("replay x --seed -1")).is_err());
        assert!(parse_args(&args("replay x --backend qemu"))
            .unwrap_err()
            .contains("sim or kernel"));
        assert!(parse_args(&args("replay x --frob"))
            .unwrap_err()
            .contains("unknown option"));
        assert!(parse_args(&args("replay x y")).is_err());
        assert!(parse_args(&args("run x")).is_err());
    }
}
