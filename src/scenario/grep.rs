//! `| grep PATTERN`: the one pipeline stage a step may have, as the tutorial uses it
//! (`docker inspect X | grep Sandbox`).
//!
//! Patterns are GNU grep basic regular expressions restricted to literals and `.` (any
//! character); anything else that is special in a BRE is refused at parse time unless `-F` is
//! given, so a filter never matches differently from the real grep.

/// A parsed `grep [-i] [-v] [-F] PATTERN` stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grep {
    /// The pattern.
    pub pattern: String,
    /// `-v`: keep lines that do not match.
    pub invert: bool,
    /// `-i`: ASCII case-insensitive.
    pub ignore_case: bool,
    /// `-F`: the pattern is a fixed string (`.` is literal).
    pub fixed: bool,
}

impl Grep {
    /// Parses grep's arguments (without `grep`); the error says what was expected.
    pub fn parse(args: &[String]) -> Result<Grep, String> {
        let mut grep = Grep {
            pattern: String::new(),
            invert: false,
            ignore_case: false,
            fixed: false,
        };
        let mut pattern = None;
        for arg in args {
            match arg.as_str() {
                "-i" => grep.ignore_case = true,
                "-v" => grep.invert = true,
                "-F" => grep.fixed = true,
                "-vi" | "-iv" => {
                    grep.invert = true;
                    grep.ignore_case = true;
                }
                a if a.starts_with('-') && a.len() > 1 => {
                    return Err(format!("a grep option among -i, -v, -F (not `{a}`)"));
                }
                a if pattern.is_none() => pattern = Some(a.to_string()),
                a => return Err(format!("one grep pattern (unexpected `{a}`; no files)")),
            }
        }
        grep.pattern = pattern.ok_or("a pattern after `grep`")?;
        if !grep.fixed {
            if let Some(c) = grep.pattern.chars().find(|c| "*[]^$\\".contains(*c)) {
                return Err(format!(
                    "a grep pattern of literals and `.` (`{c}` is not supported; use -F)"
                ));
            }
        }
        Ok(grep)
    }

    /// Filters `text` line by line; returns the kept lines and grep's exit status.
    pub fn apply(&self, text: &str) -> (String, i32) {
        let mut out = String::new();
        for line in text.lines() {
            if self.matches(line) != self.invert {
                out.push_str(line);
                out.push('\n');
            }
        }
        let exit = if out.is_empty() { 1 } else { 0 };
        (out, exit)
    }

    fn matches(&self, line: &str) -> bool {
        let fold = |s: &str| -> Vec<char> {
            if self.ignore_case {
                s.chars().map(|c| c.to_ascii_lowercase()).collect()
            } else {
                s.chars().collect()
            }
        };
        let (hay, pat) = (fold(line), fold(&self.pattern));
        if pat.is_empty() {
            return true;
        }
        hay.windows(pat.len()).any(|w| {
            w.iter()
                .zip(&pat)
                .all(|(h, p)| h == p || (*p == '.' && !self.fixed))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grep(args: &[&str]) -> Grep {
        Grep::parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn filters_like_grep() {
        let text = "\"SandboxID\": \"ab\",\n\"Gateway\": \"\",\n\"SandboxKey\": \"/x\",\n";
        assert_eq!(
            grep(&["Sandbox"]).apply(text),
            (
                "\"SandboxID\": \"ab\",\n\"SandboxKey\": \"/x\",\n".into(),
                0
            )
        );
        assert_eq!(
            grep(&["-v", "Sandbox"]).apply(text).0,
            "\"Gateway\": \"\",\n"
        );
        assert_eq!(grep(&["-i", "sandboxkey"]).apply(text).1, 0);
        assert_eq!(grep(&["nothing"]).apply(text), (String::new(), 1));
        assert_eq!(grep(&["10.0.0"]).apply("10x0y0\n").1, 0);
        assert_eq!(grep(&["-F", "10.0.0"]).apply("10x0y0\n").1, 1);
    }

    #[test]
    fn refuses_regex_it_cannot_honour() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(Grep::parse(&args(&["a*"])).is_err());
        assert!(Grep::parse(&args(&["-E", "a"])).is_err());
        assert!(Grep::parse(&args(&[])).is_err());
        assert!(Grep::parse(&args(&["a", "file"])).is_err());
        assert!(Grep::parse(&args(&["-F", "a*"])).is_ok());
    }
}
