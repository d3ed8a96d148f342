//! Command-line flags as the docker CLI (cobra + pflag) parses them: `--flag=v`, `--flag v`,
//! `-f v`, `-fv`, combined booleans `-itd`, `--` to end flags, and pflag's error texts.

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    /// Long name without `--`.
    pub long: &'static str,
    /// One-letter short name.
    pub short: Option<char>,
    /// Whether it takes a value (otherwise it is a boolean).
    pub takes_value: bool,
}

impl FlagSpec {
    /// A flag with a value.
    pub const fn value(long: &'static str, short: Option<char>) -> Self {
        FlagSpec {
            long,
            short,
            takes_value: true,
        }
    }

    /// A boolean flag.
    pub const fn boolean(long: &'static str, short: Option<char>) -> Self {
        FlagSpec {
            long,
            short,
            takes_value: false,
        }
    }
}

/// Parsed flags and positional arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Values of value flags by long name, in command-line order.
    pub values: BTreeMap<&'static str, Vec<String>>,
    /// Boolean flags by long name, last setting wins.
    pub bools: BTreeMap<&'static str, bool>,
    /// Positional arguments.
    pub args: Vec<String>,
    /// `--help`/`-h` was given.
    pub help: bool,
}

impl Parsed {
    /// Whether the boolean flag is set.
    pub fn flag(&self, long: &str) -> bool {
        self.bools.get(long).copied().unwrap_or(false)
    }

    /// Every value of a flag.
    pub fn all(&self, long: &str) -> &[String] {
        self.values.get(long).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The last value of a flag.
    pub fn last(&self, long: &str) -> Option<&str> {
        self.all(long).last().map(String::as_str)
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// How pflag names a flag in "invalid argument" errors: `-f, --filter` or `--label`.
pub fn shown_name(spec: &FlagSpec) -> String {
    match spec.short {
        Some(c) => format!("-{c}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

fn set_bool(out: &mut Parsed, spec: &FlagSpec, val: Option<&str>) -> Result<(), String> {
    let shown = shown_name(spec);
    let b = match val {
        None => true,
        Some(v) => parse_go_bool(v).ok_or_else(|| {
            format!(
                "invalid argument \"{v}\" for \"{shown}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
            )
        })?,
    };
    out.bools.insert(spec.long, b);
    Ok(())
}

/// Parses `args` against `specs`. With `interspersed == false` (as `docker run`), flag parsing
/// stops at the first positional argument. The error is pflag's text.
pub fn parse(specs: &[FlagSpec], args: &[String], interspersed: bool) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            if name == "help" {
                out.help = true;
                continue;
            }
            let Some(spec) = specs.iter().find(|s| s.long == name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            if spec.takes_value {
                let v = match inline {
                    Some(v) => v.to_string(),
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => return Err(format!("flag needs an argument: --{name}")),
                };
                out.values.entry(spec.long).or_default().push(v);
            } else {
                set_bool(&mut out, spec, inline)?;
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let shorts = &a[1..];
            let chars: Vec<char> = shorts.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                if c == 'h' && !specs.iter().any(|s| s.short == Some('h')) {
                    out.help = true;
                    continue;
                }
                let Some(spec) = specs.iter().find(|s| s.short == Some(c)) else {
                    return Err(format!("unknown shorthand flag: '{c}' in -{shorts}"));
                };
                let rest: String = chars[j..].iter().collect();
                if spec.takes_value {
                    let v = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(format!("flag needs an argument: '{c}' in -{shorts}"));
                    };
                    out.values.entry(spec.long).or_default().push(v);
                    break;
                }
                if let Some(v) = rest.strip_prefix('=') {
                    set_bool(&mut out, spec, Some(v))?;
                    break;
                }
                set_bool(&mut out, spec, None)?;
            }
            continue;
        }
        out.args.push(a.clone());
        if !interspersed {
            out.args.extend(args[i..].iter().cloned());
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[FlagSpec] = &[
        FlagSpec::value("subnet", None),
        FlagSpec::value("opt", Some('o')),
        FlagSpec::boolean("internal", None),
        FlagSpec::boolean("interactive", Some('i')),
        FlagSpec::boolean("tty", Some('t')),
        FlagSpec::boolean("detach", Some('d')),
    ];

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn forms() {
        let p = parse(
            SPECS,
            &v("--subnet=10.0.0.0/24 -o a=b -oc=d x --internal -itd"),
            true,
        )
        .unwrap();
        assert_eq!(p.all("subnet"), ["10.0.0.0/24"]);
        assert_eq!(p.all("opt"), ["a=b", "c=d"]);
        assert!(p.flag("internal") && p.flag("tty") && p.flag("detach"));
        assert_eq!(p.args, ["x"]);
        let p = parse(SPECS, &v("-d img --internal"), false).unwrap();
        assert_eq!(p.args, ["img", "--internal"]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse(SPECS, &v("--foo"), true).unwrap_err(),
            "unknown flag: --foo"
        );
        assert_eq!(
            parse(SPECS, &v("-itz"), true).unwrap_err(),
            "unknown shorthand flag: 'z' in -itz"
        );
        assert_eq!(
            parse(SPECS, &v("--subnet"), true).unwrap_err(),
            "flag needs an argument: --subnet"
        );
        assert_eq!(
            parse(SPECS, &v("-o"), true).unwrap_err(),
            "flag needs an argument: 'o' in -o"
        );
    }
}
