//! The `docknet` command line's words, parsed once into a [`Command`].

use docknet::Backend;
use docknet_netstate::diagram::Format;

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
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

/// The words after a verb, one at a time: a `--flag=value` comes as the flag, its value
/// kept for [`Words::value`]; otherwise a flag's value is the next word.
struct Words<'a> {
    rest: std::slice::Iter<'a, String>,
    inline: Option<&'a str>,
}

impl<'a> Words<'a> {
    fn new(args: &'a [String]) -> Self {
        Words {
            rest: args.iter(),
            inline: None,
        }
    }

    /// The next flag or word.
    fn next_word(&mut self) -> Option<&'a str> {
        let arg = self.rest.next()?;
        self.inline = None;
        match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => {
                self.inline = Some(v);
                Some(f)
            }
            _ => Some(arg.as_str()),
        }
    }

    /// The value of the flag `name` just read.
    fn value(&mut self, name: &str) -> Result<String, String> {
        self.inline
            .take()
            .or_else(|| self.rest.next().map(String::as_str))
            .map(str::to_string)
            .ok_or(format!("{name} needs a value"))
    }
}

/// Parses the arguments after the program name; the error is the message for stderr.
pub fn parse_args(args: &[String]) -> Result<Command, String> {
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
    let mut words = Words::new(&args[1..]);
    while let Some(flag) = words.next_word() {
        let mut value = |name: &str| words.value(name);
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
    let mut words = Words::new(args);
    while let Some(flag) = words.next_word() {
        let mut value = |name: &str| words.value(name);
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
