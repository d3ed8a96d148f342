//! The flags of `docker start`, `stop`, `restart` and `rm` (CLI 20.10), parsed as pflag does.
//!
//! Facts (CLI 20.10 against dockerd 20.10, seen by the conformance runner): flags may come
//! after the container names (`docker rm c1 --subnet x` is `unknown flag: --subnet`, status
//! 125, before any container is looked up); no name at all is cobra's "requires at least 1
//! argument" with the usage, status 1; `-t` takes an integer (pflag's `strconv.ParseInt`
//! error otherwise).

use crate::cli::flags::{self, FlagSpec, Parsed};
use crate::cli::Usage;
use crate::output::CommandOutput;

/// A container verb: its usage under `docker VERB` and under `docker container VERB` (cobra
/// names a command by the path it was called by), and its flags.
pub(crate) struct Verb {
    top: Usage,
    grouped: Usage,
    flags: &'static [FlagSpec],
}

/// How the verb was called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Invoked {
    /// `docker VERB`.
    Top,
    /// `docker container VERB`.
    Container,
}

/// A verb under both of its paths, with `flags`.
macro_rules! verb {
    ($verb:literal, $short:literal, $flags:expr) => {
        Verb {
            top: Usage {
                path: concat!("docker ", $verb),
                line: concat!("docker ", $verb, " [OPTIONS] CONTAINER [CONTAINER...]"),
                short: $short,
            },
            grouped: Usage {
                path: concat!("docker container ", $verb),
                line: concat!(
                    "docker container ",
                    $verb,
                    " [OPTIONS] CONTAINER [CONTAINER...]"
                ),
                short: $short,
            },
            flags: $flags,
        }
    };
}

/// `-t/--time` of `stop` and `restart`.
const TIME: &[FlagSpec] = &[FlagSpec::value("time", Some('t'))];

/// `docker start`.
pub(crate) const START: Verb = verb!(
    "start",
    "Start one or more stopped containers",
    &[
        FlagSpec::boolean("attach", Some('a')),
        FlagSpec::boolean("interactive", Some('i')),
        FlagSpec::value("detach-keys", None),
        FlagSpec::value("checkpoint", None),
        FlagSpec::value("checkpoint-dir", None),
    ]
);

/// `docker stop`.
pub(crate) const STOP: Verb = verb!("stop", "Stop one or more running containers", TIME);

/// `docker restart`.
pub(crate) const RESTART: Verb = verb!("restart", "Restart one or more containers", TIME);

/// `docker rm`.
pub(crate) const RM: Verb = verb!(
    "rm",
    "Remove one or more containers",
    &[
        FlagSpec::boolean("force", Some('f')),
        FlagSpec::boolean("link", Some('l')),
        FlagSpec::boolean("volumes", Some('v')),
    ]
);

/// What a verb's command line asked for.
pub(crate) struct VerbArgs {
    /// The flags and the container names.
    pub parsed: Parsed,
    /// `-t/--time` in seconds, if given.
    pub time: Option<u64>,
}

impl Verb {
    /// Parses `args`, or gives the CLI's output for bad flags, `--help` or no container.
    pub(crate) fn parse(&self, args: &[String], via: Invoked) -> Result<VerbArgs, CommandOutput> {
        let usage = match via {
            Invoked::Top => &self.top,
            Invoked::Container => &self.grouped,
        };
        let parsed = flags::parse(self.flags, args, true).map_err(|e| usage.flag_error(&e))?;
        if parsed.help {
            return Err(usage.help());
        }
        let time = match parsed.last("time") {
            None => None,
            Some(v) => Some(v.parse::<u64>().map_err(|_| {
                usage.flag_error(&format!(
                    "invalid argument \"{v}\" for \"-t, --time\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"
                ))
            })?),
        };
        if let Some(out) = usage.check_args(parsed.args.len(), None, 1) {
            return Err(out);
        }
        Ok(VerbArgs { parsed, time })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_after_names_are_flags() {
        let err = RM
            .parse(&args("c1 --subnet x"), Invoked::Top)
            .err()
            .unwrap();
        assert_eq!(
            (err.stderr.as_str(), err.exit),
            ("unknown flag: --subnet\nSee 'docker rm --help'.\n", 125)
        );
        let ok = RM.parse(&args("c1 -f c2"), Invoked::Top).ok().unwrap();
        assert!(ok.parsed.flag("force"));
        assert_eq!(ok.parsed.args, ["c1", "c2"]);
        let t = STOP.parse(&args("-t5 c1"), Invoked::Top).ok().unwrap();
        assert_eq!(t.time, Some(5));
        assert_eq!(
            STOP.parse(&args("-t x c1"), Invoked::Top)
                .err()
                .unwrap()
                .exit,
            125
        );
        let none = RESTART.parse(&[], Invoked::Top).err().unwrap();
        assert!(none
            .stderr
            .starts_with("\"docker restart\" requires at least 1 argument."));
        assert_eq!(none.exit, 1);
        let grouped = RM
            .parse(&args("c1 --zz"), Invoked::Container)
            .err()
            .unwrap();
        assert_eq!(
            grouped.stderr,
            "unknown flag: --zz\nSee 'docker container rm --help'.\n"
        );
    }
}
