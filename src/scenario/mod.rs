//! The `.scn` scenario format and its parser.
//!
//! A scenario is a text file, read line by line:
//!
//! ```text
//! # A comment: the tutorial section this replays.
//! %seed 42
//! %host-if ens160 mac 00:50:56:b4:47:61 addr 10.190.16.120/24 gateway 10.190.16.1 onlink
//! %host-if ens192 mac 00:50:56:b4:9b:ec down
//!
//! $ docker network ls
//! $ docker inspect test1 | grep Sandbox
//! ```
//!
//! - `#` lines are comments, blank lines are ignored.
//! - `%` lines are directives and must all come before the first step: they set up the host
//!   (`%seed N`, `%host-if ...`, see [`host_if`]) and the daemon (`%daemon
//!   --userland-proxy=false`).
//! - `$ ` lines are steps: one command line with shell quoting ([`words`]), optionally piped
//!   into one `grep` ([`grep`]). A line ending in `\` continues on the next line.
//! - `%file PATH <<WORD` (anywhere, also between steps) writes a file, such as a compose
//!   file, from the lines up to the one that is exactly `WORD`; it exists from that point
//!   of the replay on, at PATH relative to the shell's directory then (which starts at
//!   `/root`; `$ cd DIR` changes it).
//!
//! This module only parses; [`crate::runner`] gives the steps their meaning.

pub mod grep;
pub mod host_if;
pub mod words;

pub use grep::Grep;
pub use host_if::HostIf;
pub use words::Word;

use crate::error::Error;
use words::Token;

/// A parsed scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Where it came from (a path, or `<stdin>`), for messages.
    pub file: String,
    /// `%seed N`, if given.
    pub seed: Option<u64>,
    /// `%host-if` lines, in order (their ifindexes follow this order).
    pub host_ifs: Vec<HostIf>,
    /// `%daemon --userland-proxy=false`: dockerd runs without docker-proxy.
    pub userland_proxy: bool,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// `%file` blocks, in order.
    pub files: Vec<FileBlock>,
}

/// One `%file PATH <<WORD` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileBlock {
    /// 1-based line of the `%file`.
    pub line: usize,
    /// The path as written.
    pub path: String,
    /// The lines between, each ending in a newline.
    pub text: String,
    /// How many steps come before it (it is written before step number `before_step`).
    pub before_step: usize,
}

/// One `$ command` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number of the `$`.
    pub line: usize,
    /// The command as written (after `$ `, without a trailing comment).
    pub command: String,
    /// The command's words after quote removal (expanded when the step runs).
    pub argv: Vec<Word>,
    /// `| grep ...`, if the command is piped into one.
    pub grep: Option<Grep>,
}

/// Parses scenario text; `file` names it in error messages.
pub fn parse(file: &str, text: &str) -> Result<Scenario, Error> {
    let mut scenario = Scenario {
        file: file.to_string(),
        seed: None,
        host_ifs: Vec::new(),
        userland_proxy: true,
        steps: Vec::new(),
        files: Vec::new(),
    };
    let err = |line: usize, expected: String| Error::Parse {
        file: file.to_string(),
        line,
        expected,
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((n, raw)) = lines.next() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(spec) = line.strip_prefix("%file") {
            let (path, word) = file_header(spec).map_err(|e| err(n, e))?;
            let mut text = String::new();
            loop {
                let (_, body) = lines
                    .next()
                    .ok_or_else(|| err(n, format!("a line `{word}` ending the %file block")))?;
                if body == word {
                    break;
                }
                text.push_str(body);
                text.push('\n');
            }
            scenario.files.push(FileBlock {
                line: n,
                path,
                text,
                before_step: scenario.steps.len(),
            });
        } else if let Some(directive) = line.strip_prefix('%') {
            if !scenario.steps.is_empty() {
                return Err(err(
                    n,
                    "directives (`%...`) only before the first step".into(),
                ));
            }
            directive_into(&mut scenario, directive).map_err(|e| err(n, e))?;
        } else if let Some(rest) = line.strip_prefix('$') {
            let mut command = rest.to_string();
            while ends_in_continuation(&command) {
                let (_, next) = lines
                    .next()
                    .ok_or_else(|| err(n, "another line after the trailing `\\`".into()))?;
                command.push('\n');
                command.push_str(next);
            }
            scenario
                .steps
                .push(step(n, &command).map_err(|e| err(n, e))?);
        } else {
            return Err(err(
                n,
                "a `$ command` step, a `%` directive, a `#` comment or a blank line".into(),
            ));
        }
    }
    Ok(scenario)
}

/// ` PATH <<WORD` after `%file`.
fn file_header(spec: &str) -> Result<(String, String), String> {
    let words: Vec<&str> = spec.split_whitespace().collect();
    match words.as_slice() {
        [path, word] if word.len() > 2 && word.starts_with("<<") => {
            Ok((path.to_string(), word[2..].to_string()))
        }
        _ => Err("`%file PATH <<WORD`, then the file's lines, then a line `WORD`".into()),
    }
}

fn ends_in_continuation(s: &str) -> bool {
    s.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
}

fn directive_into(scenario: &mut Scenario, directive: &str) -> Result<(), String> {
    let words: Vec<String> = directive.split_whitespace().map(String::from).collect();
    match words.first().map(String::as_str) {
        Some("seed") => {
            if scenario.seed.is_some() {
                return Err("one %seed per scenario".into());
            }
            match &words[1..] {
                [n] => {
                    scenario.seed =
                        Some(n.parse().map_err(|_| {
                            format!("a non-negative integer after %seed, not `{n}`")
                        })?)
                }
                _ => return Err("one integer after %seed".into()),
            }
        }
        Some("host-if") => {
            let hif = HostIf::parse(&words[1..])?;
            if scenario.host_ifs.iter().any(|h| h.name == hif.name) {
                return Err(format!(
                    "a new interface name (`{}` is declared twice)",
                    hif.name
                ));
            }
            if hif.gateway.is_some() && scenario.host_ifs.iter().any(|h| h.gateway.is_some()) {
                return Err("one `gateway` among all %host-if lines (one default route)".into());
            }
            scenario.host_ifs.push(hif);
        }
        Some("daemon") => match &words[1..] {
            [flag] if flag == "--userland-proxy=false" => scenario.userland_proxy = false,
            [flag] if flag == "--userland-proxy=true" || flag == "--userland-proxy" => {}
            _ => {
                return Err(
                    "a dockerd option docknet models after %daemon (`--userland-proxy=false`)"
                        .into(),
                )
            }
        },
        Some(other) => return Err(format!("%seed, %host-if, %daemon or %file, not %{other}")),
        None => return Err("a directive name after `%`".into()),
    }
    Ok(())
}

fn step(line: usize, text: &str) -> Result<Step, String> {
    if !text.is_empty() && !text.starts_with([' ', '\t']) {
        return Err("a space after `$`".into());
    }
    let lexed = words::split(text)?;
    let shown = match lexed.comment_at {
        Some(at) => &text[..at],
        None => text,
    };
    let mut stages = vec![Vec::new()];
    for token in lexed.tokens {
        match token {
            Token::Word(w) => stages.last_mut().expect("never empty").push(w),
            Token::Pipe => stages.push(Vec::new()),
        }
    }
    let grep = match stages.len() {
        1 => None,
        2 => {
            let words: Option<Vec<String>> = stages[1].iter().map(Word::literal).collect();
            let words = words.ok_or("a grep stage without `$(...)`")?;
            match words.split_first() {
                Some((g, args)) if g == "grep" => Some(Grep::parse(args)?),
                _ => return Err("`grep` after `|` (the only supported pipe)".into()),
            }
        }
        _ => return Err("at most one `|` (into grep)".into()),
    };
    let argv = stages.swap_remove(0);
    if argv.is_empty() {
        return Err("a command after `$`".into());
    }
    Ok(Step {
        line,
        command: shown.trim().to_string(),
        argv,
        grep,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TUTORIAL_HOST: &str = "\
# host of the tutorial
%seed 7
%host-if ens160 mac 00:50:56:b4:47:61 addr 10.190.16.120/24 gateway 10.190.16.1 onlink
%host-if ens192 mac 00:50:56:b4:9b:ec down

$ docker network ls
$ docker inspect test1 | grep Sandbox   # the sandbox key
$ docker network create \\
    --subnet 10.0.0.1/24 testbridge
";

    #[test]
    fn parses_host_and_steps() {
        let s = parse("t.scn", TUTORIAL_HOST).unwrap();
        assert_eq!(s.seed, Some(7));
        assert_eq!(s.host_ifs.len(), 2);
        assert_eq!(s.steps.len(), 3);
        assert_eq!(s.steps[0].line, 6);
        let argv0: Vec<_> = s.steps[0].argv.iter().filter_map(Word::literal).collect();
        assert_eq!(argv0, ["docker", "network", "ls"]);
        assert_eq!(s.steps[1].command, "docker inspect test1 | grep Sandbox");
        assert_eq!(s.steps[1].grep.as_ref().unwrap().pattern, "Sandbox");
        assert_eq!(s.steps[2].line, 8);
        assert_eq!(s.steps[2].argv.len(), 6);
    }

    fn parse_err(text: &str) -> String {
        parse("bad.scn", text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_file_line_and_expectation() {
        assert_eq!(
            parse_err("\n\nhello\n"),
            "bad.scn:3: expected a `$ command` step, a `%` directive, a `#` comment or a blank line"
        );
        assert!(parse_err("$ ls\n%seed 1\n").starts_with("bad.scn:2: expected directives"));
        assert!(parse_err("%seed x\n").contains("non-negative integer"));
        assert!(parse_err("%frob\n").contains("%seed, %host-if, %daemon or %file, not %frob"));
        assert!(parse_err("%daemon --iptables=false\n").contains("--userland-proxy=false"));
        assert!(parse_err("$ a 'b\n").starts_with("bad.scn:1: expected a closing `'`"));
        assert!(parse_err("$\n").contains("a command after `$`"));
        assert!(parse_err("$ls\n").contains("a space after `$`"));
        assert!(parse_err("$ a | sort\n").contains("`grep` after `|`"));
        assert!(parse_err("$ a \\\n").contains("another line"));
        assert!(
            parse_err("%host-if e mac 00:00:00:00:00:01\n%host-if e mac 00:00:00:00:00:02\n")
                .contains("declared twice")
        );
        assert!(parse_err("$ ls\n%file a.yml <<EOF\nx: 1\n")
            .starts_with("bad.scn:2: expected a line `EOF`"));
        assert!(parse_err("%file a.yml\n").starts_with("bad.scn:1: expected `%file PATH <<WORD`"));
    }

    #[test]
    fn file_blocks_between_steps() {
        let s = parse(
            "t.scn",
            "$ ls\n%file p/compose.yaml <<EOF\nservices:\n  # kept\n\nEOF\n$ cd p\n",
        )
        .unwrap();
        assert_eq!(s.files.len(), 1);
        assert_eq!(s.files[0].text, "services:\n  # kept\n\n");
        assert_eq!(s.files[0].before_step, 1);
        assert_eq!(s.steps[1].line, 7);
    }
}
