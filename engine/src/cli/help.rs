//! `--help` output as docker CLI 20.10 prints it (cobra usage template + pflag's
//! `FlagUsagesWrapped` at the 80-column default of a non-terminal).

use super::Usage;

/// One flag as `--help` lists it.
#[derive(Clone, Copy, Debug)]
pub struct FlagDoc {
    /// Short name.
    pub short: Option<char>,
    /// Long name.
    pub long: &'static str,
    /// pflag's type word (`string`, `map`, `list`, `strings`, `filter`; `""` for booleans).
    pub kind: &'static str,
    /// The ` (default ...)` text after the usage, `""` when the default is the zero value.
    pub default: &'static str,
    /// The usage sentence.
    pub usage: &'static str,
}

impl FlagDoc {
    /// A flag without a shown default.
    pub const fn new(
        short: Option<char>,
        long: &'static str,
        kind: &'static str,
        usage: &'static str,
    ) -> Self {
        FlagDoc {
            short,
            long,
            kind,
            default: "",
            usage,
        }
    }

    /// The same flag with ` (default X)` appended to its usage.
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = default;
        self
    }
}

/// pflag's `wrapN`: split `s` at the last space before `i` unless it fits with `slop`.
fn wrap_n(i: usize, slop: usize, s: &str) -> (String, String) {
    if i + slop > s.len() {
        return (s.to_string(), String::new());
    }
    match s[..i].rfind([' ', '\t', '\n']) {
        Some(w) if w > 0 => (s[..w].to_string(), s[w + 1..].to_string()),
        _ => (s.to_string(), String::new()),
    }
}

/// pflag's `wrap`: wraps `s` to width `w` with continuation lines indented by `i`.
fn wrap(i: usize, w: usize, s: &str) -> String {
    let (mut i, mut width) = (i, w.saturating_sub(i));
    let mut out = String::new();
    if width < 24 {
        i = 16;
        width = w.saturating_sub(i);
        out.push('\n');
        out.push_str(&" ".repeat(i));
    }
    if width < 24 {
        return out + s;
    }
    let slop = 5;
    width -= slop;
    let (first, mut rest) = wrap_n(width, slop, s);
    out.push_str(&first);
    while !rest.is_empty() {
        let (line, more) = wrap_n(width, slop, &rest);
        out.push('\n');
        out.push_str(&" ".repeat(i));
        out.push_str(&line);
        rest = more;
    }
    out
}

/// The `Options:` block: flags sorted by long name, usage column aligned.
fn flag_usages(flags: &[FlagDoc]) -> String {
    let mut sorted: Vec<&FlagDoc> = flags.iter().collect();
    sorted.sort_by_key(|f| f.long);
    let mut lines = Vec::new();
    let mut maxlen = 0;
    for f in sorted {
        let mut head = match f.short {
            Some(c) => format!("  -{c}, --{}", f.long),
            None => format!("      --{}", f.long),
        };
        if !f.kind.is_empty() {
            head.push(' ');
            head.push_str(f.kind);
        }
        maxlen = maxlen.max(head.len() + 1);
        let mut usage = f.usage.to_string();
        if !f.default.is_empty() {
            usage.push_str(&format!(" (default {})", f.default));
        }
        lines.push((head, usage));
    }
    let mut out = String::new();
    for (head, usage) in lines {
        let spacing = " ".repeat(maxlen - head.len());
        out.push_str(&format!(
            "{head} {spacing} {}\n",
            wrap(maxlen + 2, 79, &usage)
        ));
    }
    out
}

/// The whole `docker X --help` text (help template: a blank line, then the usage).
pub fn help_text(usage: &Usage, aliases: Option<&str>, flags: &[FlagDoc]) -> String {
    let mut out = format!("\nUsage:  {}\n\n{}\n", usage.line, usage.short);
    if let Some(a) = aliases {
        out.push_str(&format!("\nAliases:\n  {a}\n"));
    }
    if !flags.is_empty() {
        out.push_str("\nOptions:\n");
        out.push_str(&flag_usages(flags));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_wraps_like_pflag() {
        let u = Usage {
            path: "docker x",
            line: "docker x [OPTIONS]",
            short: "Do x",
        };
        let text = help_text(
            &u,
            Some("x, ex"),
            &[
                FlagDoc::new(
                    Some('d'),
                    "driver",
                    "string",
                    "Driver to manage the Network",
                )
                .with_default("\"bridge\""),
                FlagDoc::new(
                    None,
                    "aux-address",
                    "map",
                    "Auxiliary IPv4 or IPv6 addresses used by Network driver",
                )
                .with_default("map[]"),
                FlagDoc::new(
                    None,
                    "config-from",
                    "string",
                    "The network from which to copy the configuration",
                ),
            ],
        );
        assert_eq!(
            text,
            "\nUsage:  docker x [OPTIONS]\n\nDo x\n\nAliases:\n  x, ex\n\nOptions:\n      --aux-address map      Auxiliary IPv4 or IPv6 addresses used by\n                             Network driver (default map[])\n      --config-from string   The network from which to copy the configuration\n  -d, --driver string        Driver to manage the Network (default \"bridge\")\n"
        );
    }
}
