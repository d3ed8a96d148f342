//! `docker ps`: CLI 20.10's table (tabwriter, min width 10, padding 3), `-a`, `-q`,
//! `--no-trunc`, `--filter` and `--format`, with Docker's human durations.

use serde_json::{json, Value};

use crate::cli::flags::{self, FlagSpec};
use crate::cli::table::tabwrite;
use crate::cli::template::Template;
use crate::clock::Timestamp;
use crate::container::model::{Container, RunState};
use crate::container::port::displayable_ports;
use crate::engine::Engine;
use crate::kernel::Kernel;
use crate::output::CommandOutput;

/// The default `docker ps` format.
pub const DEFAULT_FORMAT: &str =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

const FLAGS: &[FlagSpec] = &[
    FlagSpec::boolean("all", Some('a')),
    FlagSpec::boolean("quiet", Some('q')),
    FlagSpec::boolean("no-trunc", None),
    FlagSpec::boolean("size", Some('s')),
    FlagSpec::boolean("latest", Some('l')),
    FlagSpec::value("last", Some('n')),
    FlagSpec::value("filter", Some('f')),
    FlagSpec::value("format", None),
];

/// Go's `units.HumanDuration`.
pub fn human_duration(nanos: u64) -> String {
    let secs = nanos / 1_000_000_000;
    let minutes = secs / 60;
    let hours = (nanos as f64 / 3.6e12 + 0.5) as u64;
    if secs < 1 {
        "Less than a second".into()
    } else if secs == 1 {
        "1 second".into()
    } else if secs < 60 {
        format!("{secs} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", secs / 3600 / 24 / 365)
    }
}

fn since(now: Timestamp, then: Timestamp) -> String {
    human_duration(now.0.saturating_sub(then.0))
}

/// `State.String()`: `Up 5 seconds`, `Exited (0) 2 minutes ago`, `Created`.
pub fn status(c: &Container, now: Timestamp) -> String {
    match (c.state, c.started_at, c.finished_at) {
        (RunState::Running, Some(s), _) => format!("Up {}", since(now, s)),
        (_, None, _) => "Created".into(),
        (_, Some(_), Some(f)) => format!("Exited ({}) {} ago", c.exit_code, since(now, f)),
        _ => String::new(),
    }
}

/// Go's `strconv.Quote` for the strings docknet meets.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The CLI's `Ellipsis`: at most `max` characters, the last one `…` when cut.
pub fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

/// The fields `--format` templates see, as CLI 20.10's container context prints them.
fn row(c: &Container, now: Timestamp, trunc: bool) -> Value {
    let cmd = if trunc {
        ellipsis(&c.command_line(), 20)
    } else {
        c.command_line()
    };
    let (exposed, bound) = match &c.sandbox {
        Some(sb) => (c.exposed.clone(), sb.ports.clone()),
        None => (Vec::new(), Vec::new()),
    };
    let nets: Vec<&String> = c.networks.keys().collect();
    let t = c.created;
    let created_at = format!("{} {} +0000 UTC", &t.rfc3339()[..10], &t.rfc3339()[11..19]);
    json!({
        "ID": if trunc { c.short_id().to_string() } else { c.id.clone() },
        "Image": c.image,
        "Command": go_quote(&cmd),
        "CreatedAt": created_at,
        "RunningFor": format!("{} ago", since(now, c.created)),
        "Ports": if c.running() { displayable_ports(&exposed, &bound) } else { String::new() },
        "State": c.state.name(),
        "Status": status(c, now),
        "Size": "0B",
        "Names": c.name,
        "Labels": "",
        "Mounts": "",
        "Networks": nets.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","),
    })
}

/// The header a table column shows for a field.
fn header(field: &str) -> &'static str {
    match field {
        "ID" => "CONTAINER ID",
        "Image" => "IMAGE",
        "Command" => "COMMAND",
        "CreatedAt" => "CREATED AT",
        "RunningFor" => "CREATED",
        "Ports" => "PORTS",
        "State" => "STATE",
        "Status" => "STATUS",
        "Size" => "SIZE",
        "Names" => "NAMES",
        "Labels" => "LABELS",
        "Mounts" => "MOUNTS",
        "Networks" => "NETWORKS",
        _ => "",
    }
}

/// The header row of a `table` format: each `{{.Field}}` replaced by its column title.
fn header_row(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let inner = rest[start + 2..start + end].trim();
        let field = inner.trim_start_matches('.');
        out.push_str(header(field));
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

fn matches_filter(c: &Container, f: &str) -> bool {
    let (k, v) = f.split_once('=').unwrap_or((f, ""));
    match k {
        "name" => c.name.contains(v),
        "id" => c.id.starts_with(v),
        "status" => c.state.name() == v,
        "network" => c.networks.contains_key(v),
        "ancestor" => c.image == v,
        _ => true,
    }
}

impl Engine {
    /// `docker ps`.
    pub(crate) fn cmd_ps(&mut self, _k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let p = match flags::parse(FLAGS, args, true) {
            Ok(p) => p,
            Err(e) => return CommandOutput::fail(format!("{e}\nSee 'docker ps --help'.\n"), 125),
        };
        let now = self.now();
        let all = p.flag("all");
        let trunc = !p.flag("no-trunc");
        let filters = p.all("filter").to_vec();
        let list: Vec<&Container> = self
            .containers
            .list
            .iter()
            .rev()
            .filter(|c| all || c.running())
            .filter(|c| filters.iter().all(|f| matches_filter(c, f)))
            .collect();
        if p.flag("quiet") {
            let ids: String = list
                .iter()
                .map(|c| format!("{}\n", if trunc { c.short_id() } else { &c.id }))
                .collect();
            return CommandOutput::ok(ids);
        }
        let format = p.last("format").unwrap_or(DEFAULT_FORMAT).to_string();
        let (table, body) = match format.strip_prefix("table") {
            Some(rest) => (true, rest.trim_start().to_string()),
            None => (false, format.clone()),
        };
        let tpl = match Template::parse(&body) {
            Ok(t) => t,
            Err(e) => return CommandOutput::fail(format!("{e}\n"), 1),
        };
        let mut lines: Vec<String> = Vec::new();
        if table {
            lines.push(header_row(&body));
        }
        for c in list {
            match tpl.execute(&row(c, now, trunc)) {
                Ok(s) => lines.push(s),
                Err(e) => return CommandOutput::fail(format!("{e}\n"), 1),
            }
        }
        if table {
            CommandOutput::ok(tabwrite(&lines))
        } else {
            CommandOutput::ok(lines.iter().map(|l| format!("{l}\n")).collect::<String>())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        assert_eq!(human_duration(500_000_000), "Less than a second");
        assert_eq!(human_duration(1_000_000_000), "1 second");
        assert_eq!(human_duration(59_000_000_000), "59 seconds");
        assert_eq!(human_duration(61_000_000_000), "About a minute");
        assert_eq!(human_duration(600_000_000_000), "10 minutes");
        assert_eq!(human_duration(3_600_000_000_000), "About an hour");
        assert_eq!(human_duration(5 * 3_600_000_000_000), "5 hours");
    }

    #[test]
    fn command_column() {
        let cmd = "sh -c 'mkdir -p /www && echo hello-from-test4 > /www/index.html'";
        assert_eq!(go_quote(&ellipsis(cmd, 20)), "\"sh -c 'mkdir -p /ww…\"");
        assert_eq!(go_quote(&ellipsis("sleep 100000", 20)), "\"sleep 100000\"");
        assert_eq!(header_row("{{.ID}}\t{{.Names}}"), "CONTAINER ID\tNAMES");
    }
}
