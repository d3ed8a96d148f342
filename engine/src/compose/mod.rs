//! Docker Compose in scenarios: `docker compose` (2.40) and `docker-compose` (1.29) with
//! `up -d`, `down`, `ps` and `config`, turned into the engine's own network and container
//! operations (so IPAM, aliases, DNS, rollback and the packet walk are the engine's).
//!
//! Contract: the caller (the scenario runner) hands over the compose files it holds and the
//! working directory ([`ComposeFs`]); the engine reads nothing itself. The file is parsed once
//! ([`yaml`] then [`model`]); [`order`] and [`project`] decide names and order; [`up`],
//! [`down`], [`ps`] and [`config`] run them; [`labels`] and [`progress`] say what Compose
//! writes. Whatever docknet does not model fails with `docknet: unsupported: ...` (127).
//!
//! Facts (Compose 1.29.2 and 2.40.3 against Docker 20.10.24, `tests/oracle/compose-*.log`):
//! both print progress and errors on stderr and exit 1 on an error; `up` without `-d`
//! attaches to the services' output until interrupted (docknet refuses it); 2.40 warns,
//! with a timestamp, that `version:` is obsolete.

pub mod config;
pub mod down;
pub mod error;
pub mod labels;
pub mod model;
pub mod order;
pub mod program;
pub mod progress;
pub mod project;
pub mod ps;
pub mod up;
pub mod yaml;

use std::collections::BTreeMap;

use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::output::CommandOutput;
use error::ComposeError;
use model::{ComposeFile, ModelError};
pub use program::Program;
use progress::Progress;
use project::Project;

/// The files a Compose step can read: absolute path to text, and the shell's directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComposeFs {
    /// The working directory (absolute).
    pub cwd: String,
    /// File contents by absolute path.
    pub files: BTreeMap<String, String>,
}

/// A project with its file, read once.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// Names and places.
    pub project: Project,
    /// The file as types.
    pub file: ComposeFile,
}

/// The global options and the subcommand.
#[derive(Debug, Default)]
struct Invocation<'a> {
    file: Option<&'a str>,
    project: Option<&'a str>,
    sub: Option<&'a str>,
    rest: &'a [String],
}

fn invocation(args: &[String]) -> Result<Invocation<'_>, EngineError> {
    let mut inv = Invocation::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = args.get(i + 1).map(String::as_str);
        match a {
            "-f" | "--file" => inv.file = value,
            "-p" | "--project-name" => inv.project = value,
            _ if a.starts_with('-') => {
                return Err(EngineError::Unsupported(format!("compose option {a}")))
            }
            _ => {
                inv.sub = Some(a);
                inv.rest = &args[i + 1..];
                return Ok(inv);
            }
        }
        if value.is_none() {
            return Err(EngineError::Unsupported(format!(
                "compose option {a} without a value"
            )));
        }
        i += 2;
    }
    Ok(inv)
}

/// `/a/b` + `c` → `/a/b/c`; `..` and `.` resolved.
pub fn join_path(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        cwd.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn load(program: Program, inv: &Invocation, fs: &ComposeFs) -> Result<Loaded, EngineError> {
    let (path, given) = match inv.file {
        Some(f) => {
            let path = join_path(&fs.cwd, f);
            if !fs.files.contains_key(&path) {
                let shown = match program {
                    Program::V1 if !f.starts_with('/') => format!("./{f}"),
                    _ => path.clone(),
                };
                return Err(ComposeError::FileMissing {
                    program,
                    path: shown,
                }
                .into());
            }
            (path, f.to_string())
        }
        None => program
            .default_files()
            .iter()
            .map(|n| (join_path(&fs.cwd, n), n.to_string()))
            .find(|(p, _)| fs.files.contains_key(p))
            .ok_or(ComposeError::NoFile { program })?,
    };
    let dir = path.rsplit_once('/').map_or("/", |(d, _)| d).to_string();
    let name = project::project_name(program, inv.project, &dir)?;
    let shown_file = project::basename(&given).to_string();
    let tree = yaml::parse(&fs.files[&path]).map_err(|error| ComposeError::Yaml {
        program,
        file: shown_file,
        error,
    })?;
    let file = ComposeFile::from_tree(&tree).map_err(|e| match e {
        ModelError::Unsupported(what) => {
            EngineError::Unsupported(format!("compose file key {what}"))
        }
        ModelError::Invalid(what) => EngineError::Unsupported(format!("compose file: {what}")),
    })?;
    Ok(Loaded {
        project: Project {
            program,
            name,
            working_dir: dir,
            file_path: path,
            file_given: given,
        },
        file,
    })
}

impl Engine {
    /// Runs one Compose command line (`args` after `docker compose` or `docker-compose`).
    pub fn compose(
        &mut self,
        k: &mut dyn Kernel,
        program: Program,
        args: &[String],
        fs: &ComposeFs,
    ) -> CommandOutput {
        let mut out = Progress::new(program);
        let mut stdout = String::new();
        let r =
            invocation(args).and_then(|inv| self.compose_sub(k, &inv, fs, &mut out, &mut stdout));
        match r {
            Ok(()) => CommandOutput {
                stdout,
                stderr: out.text,
                exit: 0,
            },
            Err(e) => CommandOutput {
                stdout,
                stderr: out.text + &e.render(),
                exit: e.exit_status(),
            },
        }
    }

    fn compose_sub(
        &mut self,
        k: &mut dyn Kernel,
        inv: &Invocation,
        fs: &ComposeFs,
        out: &mut Progress,
        stdout: &mut String,
    ) -> Result<(), EngineError> {
        let program = out.program();
        let sub = inv.sub.unwrap_or("");
        let rest: Vec<&str> = inv.rest.iter().map(String::as_str).collect();
        let supported = matches!(
            (sub, rest.as_slice()),
            ("up", ["-d" | "--detach"]) | ("down" | "ps" | "config", [])
        );
        if !supported {
            return Err(EngineError::Unsupported(format!(
                "{} {} (docknet models up -d, down, ps and config)",
                program.command(),
                std::iter::once(sub)
                    .chain(rest)
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        let l = load(program, inv, fs)?;
        if program == Program::V2 && l.file.version.is_some() {
            let t = self.clock.peek().rfc3339();
            out.line(&format!(
                "time=\"{t}\" level=warning msg=\"{}: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion\"",
                l.project.file_path
            ));
        }
        let levels = order::levels(&l.file, program)?;
        match sub {
            "up" => self.compose_up(k, &l, &levels, out),
            "down" => {
                if !self.compose_down(k, &l, &levels, out)? && program == Program::V2 {
                    let t = self.clock.peek().rfc3339();
                    out.line(&format!("time=\"{t}\" level=warning msg=\"Warning: No resource found to remove for project \\\"{}\\\".\"", l.project.name));
                }
                Ok(())
            }
            "ps" => {
                stdout.push_str(&self.compose_ps(program, &l.project.name));
                Ok(())
            }
            _ => {
                self.check_config(&l)?;
                stdout.push_str(&config::render(&l)?);
                Ok(())
            }
        }
    }
}
