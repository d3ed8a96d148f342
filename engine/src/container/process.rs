//! What a container's main process does, as far as docknet can tell from its command line.
//!
//! Containers run no real processes. A command docknet can run to completion (busybox's
//! `echo`, `true`, `false`, `cat` of the files Docker writes, and `sh -c` scripts of those
//! with `exit N`) runs when the container starts: its output is the container's, its status
//! the exit code, and the container stops. Network tools (`ip ...`) run in the container's
//! namespace through the scenario runner. Servers, `sleep` and shells with stdin open run
//! until stopped. Anything else is [`Program::Unknown`]: a detached container keeps it
//! running; a foreground run refuses it as unsupported.
//!
//! Facts (20.10 + busybox, `../shared/oracle/`): the exit status of the process is `docker
//! run`'s; stdout and stderr stay apart; a shell without `-i` reads EOF and exits 0; `ps`
//! shows `Exited (N) ...`; `/etc/hosts` is six fixed lines and `IP<TAB>hostname`;
//! `/etc/resolv.conf` is `nameserver 127.0.0.11` + `options ndots:0` on user-defined
//! networks and a copy of the host's on the default bridge.

/// One step of a command docknet runs to completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Text on stdout.
    Stdout(String),
    /// Text on stderr.
    Stderr(String),
    /// `cat FILE`.
    Cat(String),
    /// A command that sets the status (`true` 0, `false` 1).
    Status(i32),
    /// `exit N`: the process ends here.
    Exit(i32),
}

/// What the main process is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// Runs until it is stopped.
    LongRunning,
    /// Runs these steps at start and exits.
    Finite(Vec<Action>),
    /// A network tool that the runner answers in the container's namespace, then exits.
    Tool(Vec<String>),
    /// A command docknet cannot run.
    Unknown,
}

/// Programs that serve or wait until stopped.
const LONG_RUNNING: &[&str] = &[
    "sleep",
    "httpd",
    "nginx",
    "nc",
    "python",
    "python3",
    "tail",
    "top",
    "postgres",
    "redis-server",
    "mysqld",
    "watch",
];

/// Classifies a container's `entrypoint + cmd`; `interactive` is `-i` (a shell then waits on
/// its open stdin).
pub fn classify(entrypoint: Option<&[String]>, cmd: &[String], interactive: bool) -> Program {
    if entrypoint.is_some_and(|e| !e.is_empty()) {
        // Images with an entrypoint script (nginx, postgres) run their server.
        return Program::LongRunning;
    }
    let Some((first, args)) = cmd.split_first() else {
        return Program::Unknown;
    };
    let name = first.rsplit('/').next().unwrap_or(first);
    match name {
        "sh" | "ash" | "bash" if args.is_empty() => {
            if interactive {
                Program::LongRunning
            } else {
                Program::Finite(Vec::new())
            }
        }
        "sh" | "ash" | "bash" if args.len() == 2 && args[0] == "-c" => script(&args[1]),
        // The network clients the runner answers (nc stays a server: `nc -l` is the common use).
        "ip" | "ping" | "wget" | "curl" => Program::Tool(cmd.to_vec()),
        n if LONG_RUNNING.contains(&n) => Program::LongRunning,
        _ => simple(name, args).map_or(Program::Unknown, Program::Finite),
    }
}

/// `echo`, `true`, `false`, `cat FILE...`, `exit [N]` as steps.
fn simple(name: &str, args: &[String]) -> Option<Vec<Action>> {
    let to_stderr = args.last().is_some_and(|a| a == ">&2" || a == "1>&2");
    let args = if to_stderr {
        &args[..args.len() - 1]
    } else {
        args
    };
    match name {
        "echo" => {
            let (newline, words) = match args.split_first() {
                Some((n, rest)) if n == "-n" => (false, rest),
                _ => (true, args),
            };
            let mut text = words.join(" ");
            if newline {
                text.push('\n');
            }
            Some(vec![if to_stderr {
                Action::Stderr(text)
            } else {
                Action::Stdout(text)
            }])
        }
        "true" | ":" if args.is_empty() => Some(vec![Action::Status(0)]),
        "false" if args.is_empty() => Some(vec![Action::Status(1)]),
        "cat" if !args.is_empty() => Some(args.iter().map(|f| Action::Cat(f.clone())).collect()),
        "exit" => match args {
            [] => Some(vec![Action::Exit(-1)]),
            [n] => n.parse::<i32>().ok().map(|n| vec![Action::Exit(n & 0xff)]),
            _ => None,
        },
        _ => None,
    }
}

/// A `sh -c` script of `;`-separated simple commands.
fn script(text: &str) -> Program {
    let mut actions = Vec::new();
    for part in text.split([';', '\n']) {
        let Some(words) = split_words(part) else {
            return Program::Unknown;
        };
        let Some((name, args)) = words.split_first() else {
            continue;
        };
        if LONG_RUNNING.contains(&name.as_str()) {
            return Program::LongRunning;
        }
        match simple(name, args) {
            Some(a) => actions.extend(a),
            None => return Program::Unknown,
        }
    }
    Program::Finite(actions)
}

/// Shell words with `'...'` and `"..."` quoting; `None` for what docknet does not parse
/// (expansions, pipes, redirections other than `>&2`).
pub fn split_words(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(cur.take()),
            '\'' | '"' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        q if q == c => break,
                        '$' | '`' if c == '"' => return None,
                        ch => w.push(ch),
                    }
                }
            }
            '$' | '`' | '|' | '&' | '<' | '(' | ')' | '*' | '\\' => {
                // `>&2` is the one redirection docknet runs.
                return None;
            }
            '>' => {
                let rest: String = chars.by_ref().take(2).collect();
                if rest != "&2" {
                    return None;
                }
                words.extend(cur.take());
                words.push(">&2".into());
            }
            ch => cur.get_or_insert_with(String::new).push(ch),
        }
    }
    words.extend(cur);
    Some(words)
}

/// What a finished run printed and its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Finished {
    /// The process's stdout.
    pub stdout: String,
    /// The process's stderr.
    pub stderr: String,
    /// Its exit status.
    pub exit: i32,
}

/// Runs `actions`; `file` answers `cat` (`None`: no such file).
pub fn run(actions: &[Action], file: &dyn Fn(&str) -> Option<String>) -> Finished {
    let mut out = Finished::default();
    for a in actions {
        match a {
            Action::Stdout(t) => {
                out.stdout.push_str(t);
                out.exit = 0;
            }
            Action::Stderr(t) => {
                out.stderr.push_str(t);
                out.exit = 0;
            }
            Action::Status(n) => out.exit = *n,
            Action::Cat(path) => match file(path) {
                Some(text) => {
                    out.stdout.push_str(&text);
                    out.exit = 0;
                }
                None => {
                    out.stderr.push_str(&format!(
                        "cat: can't open '{path}': No such file or directory\n"
                    ));
                    out.exit = 1;
                }
            },
            Action::Exit(n) => {
                if *n >= 0 {
                    out.exit = *n;
                }
                return out;
            }
        }
    }
    out
}

/// What docknet says of a file in a container that Docker did not write: it does not know
/// the image's files.
pub fn unknown_file(path: &str) -> String {
    format!(
        "docknet: unsupported: cat {path} (docknet knows only the files Docker writes: \
         /etc/hosts, /etc/resolv.conf, /etc/hostname)\n"
    )
}

/// `/etc/hosts` as Docker writes it for a container with `ip` (if any) and `hostname`.
pub fn etc_hosts(ip: Option<std::net::Ipv4Addr>, hostname: &str) -> String {
    let mut s = String::from(
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n\
         ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n",
    );
    if let Some(ip) = ip {
        s.push_str(&format!("{ip}\t{hostname}\n"));
    }
    s
}

/// The embedded DNS server's `/etc/resolv.conf` on user-defined networks.
pub const RESOLV_CONF_USER_NETWORK: &str = "nameserver 127.0.0.11\noptions ndots:0\n";

/// The simulated host's `/etc/resolv.conf`, which default-bridge containers get a copy of.
/// The host has only a local stub resolver, which Docker filters out; it then writes its
/// fallback servers (Google's public DNS).
pub const RESOLV_CONF_HOST_FALLBACK: &str = "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn finish(p: Program) -> Finished {
        match p {
            Program::Finite(a) => run(&a, &|f| (f == "/etc/hostname").then(|| "h\n".into())),
            other => panic!("not finite: {other:?}"),
        }
    }

    #[test]
    fn classifies_commands() {
        assert_eq!(classify(None, &v("sleep 100"), false), Program::LongRunning);
        assert_eq!(classify(None, &v("sh"), true), Program::LongRunning);
        assert_eq!(classify(None, &v("sh"), false), Program::Finite(vec![]));
        assert_eq!(
            classify(None, &v("ip addr"), false),
            Program::Tool(v("ip addr"))
        );
        assert_eq!(
            classify(None, &v("wget x"), false),
            Program::Tool(v("wget x"))
        );
        assert_eq!(classify(None, &v("frobnicate"), false), Program::Unknown);
        let ep = v("/docker-entrypoint.sh");
        assert_eq!(
            classify(Some(&ep), &v("nginx"), false),
            Program::LongRunning
        );
    }

    #[test]
    fn runs_what_busybox_would() {
        assert_eq!(
            finish(classify(None, &v("echo hello world"), false)).stdout,
            "hello world\n"
        );
        assert_eq!(finish(classify(None, &v("false"), false)).exit, 1);
        let sh = |s: &str| classify(None, &["sh".into(), "-c".into(), s.into()], false);
        assert_eq!(finish(sh("exit 3")).exit, 3);
        let mixed = finish(sh("echo out; echo err >&2; exit 2"));
        assert_eq!(
            (mixed.stdout.as_str(), mixed.stderr.as_str(), mixed.exit),
            ("out\n", "err\n", 2)
        );
        assert_eq!(finish(sh("cat /etc/hostname")).stdout, "h\n");
        let missing = finish(classify(None, &v("cat /nope"), false));
        assert_eq!(missing.exit, 1);
        assert_eq!(
            missing.stderr,
            "cat: can't open '/nope': No such file or directory\n"
        );
        assert_eq!(sh("echo $HOME"), Program::Unknown);
        assert_eq!(sh("sleep 5; echo x"), Program::LongRunning);
    }

    #[test]
    fn hosts_file() {
        let ip = "172.17.0.5".parse().ok();
        assert!(etc_hosts(ip, "abc").ends_with("ff02::2\tip6-allrouters\n172.17.0.5\tabc\n"));
        assert_eq!(etc_hosts(None, "abc").lines().count(), 6);
    }
}
