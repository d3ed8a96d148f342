//! Replaying a scenario: build the host, start the daemon, run each step.
//!
//! A step's first word picks who answers it:
//! - `docker ...` goes to the engine, except `docker exec NAME CMD...`, which runs CMD in the
//!   container's namespace;
//! - `ip`, `bridge`, `brctl`, `iptables-save`: show commands render the observed kernel state
//!   ([`show`]); changing commands become ops applied to the kernel, with the real tools'
//!   error texts ([`iproute`], [`brctl`]);
//! - `nsenter --net=PATH CMD...` runs CMD in the namespace named by that sandbox key path;
//! - `ls /var/run/docker/netns` lists the engine's sandbox keys;
//! - `docker compose ...` and `docker-compose ...` go to the engine's Compose half with the
//!   `%file`s written so far; `cd DIR` changes the directory they are read from.
//!
//! Anything else prints `docknet: unsupported command: ...` with status 127; nothing panics.

mod api;
pub mod clients;
pub mod diagnose;
pub mod diagram;
mod exec;
pub mod host;
pub mod net;

use docknet_engine::compose::{join_path, ComposeFs, Program as ComposeProgram};
use docknet_engine::container::foreground::PendingProcess;
use docknet_engine::{CommandOutput, Engine, Kernel, NetnsName, DEFAULT_SEED};

use crate::error::Error;
use crate::scenario::{Scenario, Step};
use crate::transcript::{StepRecord, Transcript};
use docknet_netstate::tools::{self, MacSource, Observed};
pub use docknet_netstate::tools::{unsupported, Outcome};

/// Where Docker keeps its sandbox keys (`ls` of it lists namespaces).
pub const NETNS_DIR: &str = "/var/run/docker/netns";

/// The shell's directory when a scenario starts (docknet's steps run as root).
pub const HOME: &str = "/root";

/// Replays `scenario` on `kernel`; `seed` overrides the scenario's `%seed`.
pub fn replay(
    scenario: &Scenario,
    seed: Option<u64>,
    kernel: &mut dyn Kernel,
) -> Result<Transcript, Error> {
    replay_with(scenario, seed, kernel, &mut |_| {})
}

/// [`replay`], calling `after_step` with each step's record as soon as the step has run (a
/// harness uses it to run the real tool in the same state, e.g. through a kernel it shares).
pub fn replay_with(
    scenario: &Scenario,
    seed: Option<u64>,
    kernel: &mut dyn Kernel,
    after_step: &mut dyn FnMut(&StepRecord),
) -> Result<Transcript, Error> {
    replay_then(scenario, seed, kernel, after_step, &[]).map(|(t, _)| t)
}

/// [`replay_with`], then runs `then` (one more command line, e.g. `docknet trace A B`) on
/// the host the scenario left, and returns what it printed too.
pub fn replay_then(
    scenario: &Scenario,
    seed: Option<u64>,
    kernel: &mut dyn Kernel,
    after_step: &mut dyn FnMut(&StepRecord),
    then: &[String],
) -> Result<(Transcript, CommandOutput), Error> {
    let seed = seed.or(scenario.seed).unwrap_or(DEFAULT_SEED);
    let mut runner = Runner::start(scenario, seed, kernel)?;
    let mut transcript = Transcript::default();
    for (i, step) in scenario.steps.iter().enumerate() {
        for f in scenario.files.iter().filter(|f| f.before_step == i) {
            runner.write_file(&f.path, &f.text);
        }
        let outcome = run_step(step, &mut |argv| runner.run(argv), |o| &mut o.output);
        let record = StepRecord {
            line: step.line,
            command: step.command.clone(),
            output: outcome.output,
            tool: outcome.tool,
        };
        after_step(&record);
        transcript.steps.push(record);
    }
    let last = runner.run(then).output;
    Ok((transcript, last))
}

/// Runs one step as a shell would: expands its `$(...)` substitutions by running them first,
/// runs the command line, then applies its `| grep`. `output` finds the printed part of
/// whatever `run` returns, so the same step machinery serves docknet and a real Docker host.
pub fn run_step<T>(
    step: &Step,
    run: &mut dyn FnMut(&[String]) -> T,
    output: fn(&mut T) -> &mut CommandOutput,
) -> T {
    // A substitution's stderr reaches the terminal too, before the command's own output.
    let mut inner_stderr = String::new();
    let mut argv = Vec::new();
    for word in &step.argv {
        argv.extend(word.expand(&mut |inner| {
            let mut answer = run(inner);
            let out = output(&mut answer);
            inner_stderr.push_str(&out.stderr);
            std::mem::take(&mut out.stdout)
        }));
    }
    let mut answer = run(&argv);
    let out = output(&mut answer);
    out.stderr.insert_str(0, &inner_stderr);
    if let Some(grep) = &step.grep {
        let (stdout, exit) = grep.apply(&out.stdout);
        out.stdout = stdout;
        out.exit = exit;
    }
    answer
}

/// A started host: the kernel, the daemon, and the scenario's own MAC source.
pub struct Runner<'k> {
    kernel: Observed<'k>,
    engine: Engine,
    macs: MacSource,
    fs: ComposeFs,
}

impl<'k> Runner<'k> {
    /// Builds the scenario's host on `kernel` and boots the daemon.
    pub fn start(
        scenario: &Scenario,
        seed: u64,
        kernel: &'k mut dyn Kernel,
    ) -> Result<Self, Error> {
        let mut macs = MacSource::new(seed);
        let mut kernel = Observed::new(kernel);
        host::build(&mut kernel, &scenario.host_ifs, &mut macs)?;
        let mut engine = Engine::new(seed);
        engine.set_userland_proxy(scenario.userland_proxy);
        let mut runner = Runner {
            kernel,
            engine,
            macs,
            fs: ComposeFs {
                cwd: HOME.to_string(),
                files: Default::default(),
            },
        };
        runner.tell_host_facts();
        runner
            .engine
            .boot(&mut runner.kernel)
            .map_err(|e| Error::Setup(format!("daemon start: {e}")))?;
        Ok(runner)
    }

    /// What libnetwork reads from the host before it makes a network: the routes (automatic
    /// subnets stay off them) and the filter table (`iptables -C` before it arranges
    /// DOCKER-USER). Tool steps and networks change both, so the daemon is told before each
    /// `network create`, from the current state.
    fn tell_host_facts(&mut self) {
        if let Ok(state) = self.kernel.state() {
            let routes = Engine::host_route_destinations(state);
            self.engine.set_host_routes(routes);
            let facts = docknet_engine::firewall::chains::FilterFacts::of(state);
            self.engine.set_filter_facts(facts);
        }
    }

    /// Writes a `%file` block, its path taken from the shell's directory.
    pub fn write_file(&mut self, path: &str, text: &str) {
        let path = join_path(&self.fs.cwd, path);
        self.fs.files.insert(path, text.to_string());
    }

    /// `cd [DIR]`: into `/`, the home directory, or a directory holding a `%file`.
    fn cd(&mut self, argv: &[String]) -> CommandOutput {
        let target = match argv {
            [_] => HOME.to_string(),
            [_, dir] => join_path(&self.fs.cwd, dir),
            _ => return CommandOutput::fail("bash: cd: too many arguments\n", 1),
        };
        let prefix = format!("{}/", target.trim_end_matches('/'));
        let exists =
            target == "/" || target == HOME || self.fs.files.keys().any(|f| f.starts_with(&prefix));
        if !exists {
            return CommandOutput::fail(
                format!("bash: cd: {}: No such file or directory\n", argv[1]),
                1,
            );
        }
        self.fs.cwd = target;
        CommandOutput::default()
    }

    /// A Compose command line (after `docker compose` or `docker-compose`).
    fn compose(&mut self, program: ComposeProgram, args: &[String]) -> Outcome {
        // An `up` may create networks with automatic subnets: tell the daemon the routes.
        self.tell_host_facts();
        let mut out = self
            .engine
            .compose(&mut self.kernel, program, args, &self.fs);
        while let Some(process) = self.engine.take_pending_process() {
            self.run_main_process(process, &mut out);
        }
        Outcome::plain(out)
    }

    /// The daemon, for callers that look at Docker's side directly.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs one command line typed at the host's shell.
    pub fn run(&mut self, argv: &[String]) -> Outcome {
        match argv.first().map(String::as_str) {
            None => Outcome::plain(CommandOutput::default()),
            Some("docker") if argv.get(1).is_some_and(|a| a == "compose") => {
                self.compose(ComposeProgram::V2, &argv[2..])
            }
            Some("docker") => self.docker(argv),
            Some("docker-compose") => self.compose(ComposeProgram::V1, &argv[1..]),
            Some("cd") => Outcome::plain(self.cd(argv)),
            Some("nsenter") => self.nsenter(argv),
            Some("ls") => Outcome::plain(self.ls(argv)),
            Some("docknet") => Outcome::plain(self.docknet(argv)),
            _ => self.tool(&NetnsName::host(), argv),
        }
    }

    /// Runs a network tool as if in namespace `ns`.
    fn tool(&mut self, ns: &NetnsName, argv: &[String]) -> Outcome {
        // `sh -c 'CMD ARGS'` of one simple command runs CMD; `busybox TOOL` is busybox's.
        if let [sh, c, script] = argv {
            if matches!(sh.as_str(), "sh" | "bash" | "ash") && c == "-c" {
                if let Some(words) = docknet_engine::container::process::split_words(script)
                    .filter(|w| !w.is_empty() && !script.contains([';', '\n']))
                {
                    return self.tool(ns, &words);
                }
            }
        }
        if let [cat, path] = argv {
            if cat == "cat" && ns.as_str() != NetnsName::HOST {
                return Outcome::plain(match self.engine.file_in(ns, path) {
                    Some(text) => CommandOutput::ok(text),
                    None => CommandOutput::fail(
                        docknet_engine::container::process::unknown_file(path),
                        127,
                    ),
                });
            }
        }
        let (flavour, argv) = match argv.split_first() {
            Some((b, rest)) if b == "busybox" && !rest.is_empty() => {
                (clients::Flavour::Busybox, rest)
            }
            _ => (net::flavour(&self.engine, ns), argv),
        };
        let mut view = net::NamespaceNet {
            kernel: &mut self.kernel,
            engine: &self.engine,
            ns: ns.clone(),
        };
        if let Some(out) = clients::run(argv, flavour, &mut view) {
            let tool =
                clients::second_opinion(argv, flavour, &mut view).map(|argv| tools::ToolRun {
                    ns: ns.clone(),
                    argv,
                    compare: tools::Compare::PingCounts,
                });
            return Outcome { output: out, tool };
        }
        tools::run(&mut self.kernel, &mut self.macs, ns, argv)
    }

    fn docker(&mut self, argv: &[String]) -> Outcome {
        let args = &argv[1..];
        let exec_at = match args {
            [first, ..] if first == "exec" => Some(1),
            [first, second, ..] if first == "container" && second == "exec" => Some(2),
            _ => None,
        };
        if let Some(at) = exec_at {
            return self.docker_exec(argv, &args[at..]);
        }
        // Only an automatic subnet looks at the host's routes: read them for network create.
        if args
            .iter()
            .take(2)
            .map(String::as_str)
            .eq(["network", "create"])
        {
            self.tell_host_facts();
        }
        let mut out = self.engine.docker(&mut self.kernel, args);
        if let Some(process) = self.engine.take_pending_process() {
            self.run_main_process(process, &mut out);
        }
        Outcome::plain(out)
    }

    /// A container whose main process is a network tool: it runs in the container's
    /// namespace (its output is the container's, shown when attached), then the container
    /// exits with its status.
    fn run_main_process(&mut self, p: PendingProcess, out: &mut CommandOutput) {
        let ran = self.tool(&p.ns, &p.argv).output;
        if p.attached {
            out.stdout.push_str(&ran.stdout);
            out.stderr.push_str(&ran.stderr);
            out.exit = ran.exit;
        }
        if let Err(e) = self
            .engine
            .process_exited(&mut self.kernel, &p.container_id, ran.exit)
        {
            out.stderr.push_str(&e.render());
            out.exit = 125;
        }
    }

    /// `docker exec [OPTIONS] CONTAINER CMD...`: CMD runs in the container's namespace. The
    /// refusals are the 20.10 CLI's and daemon's.
    fn docker_exec(&mut self, argv: &[String], args: &[String]) -> Outcome {
        let mut rest = args;
        while let Some((opt, tail)) = rest.split_first() {
            match opt.as_str() {
                "-u" | "--user" | "-e" | "--env" | "-w" | "--workdir" | "--env-file" => {
                    rest = tail.get(1..).unwrap_or(&[]);
                }
                o if o.starts_with("--") => rest = tail,
                o if o.len() > 1
                    && o.starts_with('-')
                    && o[1..].chars().all(|c| "itd".contains(c)) =>
                {
                    rest = tail
                }
                _ => break,
            }
        }
        let (container, cmd) =
            match rest.split_first() {
                Some((c, cmd)) if !cmd.is_empty() => (c, cmd),
                _ => return Outcome::plain(CommandOutput::fail(
                    "\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n\n\
                     Usage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n\
                     Run a command in a running container\n",
                    1,
                )),
            };
        self.exec_in(argv, container, cmd)
    }

    /// `nsenter --net=PATH CMD...` (also `--net PATH`, `-nPATH`).
    fn nsenter(&mut self, argv: &[String]) -> Outcome {
        // `--net` takes its file only attached (`--net=FILE`, `-nFILE`), as util-linux does;
        // alone it means "the target process's namespace", which docknet has no notion of.
        let mut path: Option<Option<String>> = None;
        let mut rest = &argv[1..];
        while let Some((opt, tail)) = rest.split_first() {
            if let Some(p) = opt.strip_prefix("--net=") {
                path = Some(Some(p.to_string()));
            } else if let Some(p) = opt.strip_prefix("-n") {
                path = Some((!p.is_empty()).then(|| p.to_string()));
            } else if opt == "--net" {
                path = Some(None);
            } else if opt == "--" {
                rest = tail;
                break;
            } else {
                break;
            }
            rest = tail;
        }
        let path = match path {
            Some(Some(path)) if !rest.is_empty() => path,
            Some(None) => {
                return Outcome::plain(CommandOutput::fail(
                    "nsenter: neither filename nor target pid supplied for ns/net\n",
                    1,
                ))
            }
            _ => return unsupported(argv),
        };
        let ns = NetnsName::new(path.trim_end_matches('/'));
        let known = self.engine.sandbox_keys().contains(&ns.0)
            || self
                .kernel
                .state()
                .is_ok_and(|s| s.namespaces.contains_key(&ns) && ns.0.starts_with('/'));
        if !known {
            return Outcome::plain(CommandOutput::fail(
                format!("nsenter: cannot open {path}: No such file or directory\n"),
                1,
            ));
        }
        let outcome = self.tool(&ns, rest);
        if outcome.output.exit == 127 && outcome.tool.is_none() {
            return unsupported(argv);
        }
        outcome
    }

    /// `docknet trace ...`, `docknet reach` and `docknet diagram ...` as steps.
    fn docknet(&mut self, argv: &[String]) -> CommandOutput {
        let state = match self.kernel.state() {
            Ok(s) => s.clone(),
            Err(e) => {
                return CommandOutput::fail(
                    format!("docknet: cannot read the kernel state: {e}\n"),
                    1,
                )
            }
        };
        match argv.get(1).map(String::as_str) {
            Some("trace") => diagnose::trace(&state, &self.engine, &argv[2..]),
            Some("reach") if argv.len() == 2 => diagnose::reach(&state, &self.engine),
            Some("diagram") => diagram::step(&state, &self.engine, &argv[2..]),
            _ => unsupported(argv).output,
        }
    }

    /// `ls [-1] /var/run/docker/netns`: the sandbox keys' file names, one per line (as `ls`
    /// prints when its output is not a terminal).
    fn ls(&self, argv: &[String]) -> CommandOutput {
        let paths: Vec<&String> = argv[1..].iter().filter(|a| a.as_str() != "-1").collect();
        match paths.as_slice() {
            [dir]
                if matches!(dir.trim_end_matches('/'), NETNS_DIR | "/run/docker/netns")
                    && self.engine.sandbox_dir_exists() =>
            {
                let mut names: Vec<String> = self
                    .engine
                    .sandbox_keys()
                    .iter()
                    .map(|k| k.rsplit('/').next().unwrap_or(k).to_string())
                    .collect();
                names.sort();
                CommandOutput::ok(names.iter().map(|n| format!("{n}\n")).collect::<String>())
            }
            [path] if !path.starts_with('-') => CommandOutput::fail(
                format!("ls: cannot access '{path}': No such file or directory\n"),
                2,
            ),
            _ => unsupported(argv).output,
        }
    }
}

#[cfg(test)]
mod tests;
