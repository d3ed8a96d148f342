//! The "name-order" normalisation: listings whose order follows random names or IDs, put in
//! one order once those names are numbered.
//!
//! Facts: `brctl show` lists bridges and each bridge's ports in sysfs directory order (kernfs
//! orders entries by a hash of the name); `ls` sorts names; `docker * prune` prints what it
//! deleted in Go map order; Go's JSON encoder sorts a map's keys, so `docker network inspect`
//! orders `Containers` by random container IDs.

/// How a line sorts: its text with the random names already numbered shown by number.
pub type Key<'a> = &'a dyn Fn(&str) -> String;

/// `text` with its randomly ordered listings sorted by `key`, before the numbering: names
/// met earlier (a network's bridge, a container's ID) order the listing, so the names first
/// met inside it are numbered in the same order on both hosts.
pub fn sorted(command: &str, text: &str, key: Key) -> String {
    let words = command_words(command);
    match words.as_slice() {
        ["brctl", "show", ..] => brctl_show(text, key),
        ["docker", _, "prune", ..] => runs_sorted(text, key),
        ["docker", "network", "inspect", ..] => containers_sorted(text, key),
        _ => text.to_string(),
    }
}

/// The words of a command as written, without their quotes (`docker 'system' 'prune'`).
pub fn command_words(command: &str) -> Vec<&str> {
    command
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '\'' || c == '"'))
        .collect()
}

/// `text` (numbered) with listings of names all met there sorted: `ls` of sandbox keys.
pub fn sorted_after(command: &str, text: &str) -> String {
    match command_words(command).first().copied() {
        Some("ls") => lines_sorted(text),
        _ => text.to_string(),
    }
}

fn lines_sorted(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    join(&lines, text)
}

/// Sorts each run of lines between headers (`Deleted Containers:`) and blank lines.
fn runs_sorted(text: &str, key: Key) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.ends_with(':') {
            run.sort_by_key(|l| key(l));
            out.append(&mut run);
            out.push(line);
        } else {
            run.push(line);
        }
    }
    run.sort_by_key(|l| key(l));
    out.append(&mut run);
    join(&out, text)
}

/// brctl's table: the header, then per bridge its line (with the first port) and one
/// line per further port.
fn brctl_show(text: &str, key: Key) -> String {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return text.to_string();
    };
    let mut bridges: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').filter(|c| !c.is_empty()).collect();
        if line.starts_with('\t') {
            if let (Some(b), Some(port)) = (bridges.last_mut(), cells.last()) {
                b.1.push(port.to_string());
            }
        } else {
            // The head keeps its own tabs; the first port, if any, ends the line.
            let port = cells.get(3).copied();
            let head = &line[..line.len() - port.map_or(0, str::len)];
            bridges.push((
                head.to_string(),
                port.into_iter().map(String::from).collect(),
            ));
        }
    }
    bridges.sort_by_key(|b| key(&b.0));
    let mut out = vec![header.to_string()];
    for (head, mut ports) in bridges {
        ports.sort_by_key(|p| key(p));
        out.push(format!(
            "{head}{}",
            ports.first().map_or("", String::as_str)
        ));
        out.extend(ports.iter().skip(1).map(|p| format!("\t\t\t\t\t\t\t{p}")));
    }
    let refs: Vec<&str> = out.iter().map(String::as_str).collect();
    join(&refs, text)
}

/// Sorts the entries of each `"Containers": {...}` object by their (numbered) keys.
fn containers_sorted(text: &str, key: Key) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        out.push(lines[i].to_string());
        if lines[i].trim_start() != "\"Containers\": {" {
            i += 1;
            continue;
        }
        let indent = lines[i].len() - lines[i].trim_start().len();
        let close = " ".repeat(indent) + "}";
        let mut entries: Vec<Vec<String>> = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].starts_with(&close) {
            if lines[i].len() - lines[i].trim_start().len() == indent + 4
                && lines[i].trim_end().ends_with('{')
            {
                entries.push(Vec::new());
            }
            if let Some(e) = entries.last_mut() {
                e.push(lines[i].to_string());
            }
            i += 1;
        }
        for e in &mut entries {
            if let Some(last) = e.last_mut() {
                *last = last.trim_end_matches(',').to_string();
            }
        }
        entries.sort_by_key(|e| e.first().map(|l| key(l)));
        let n = entries.len();
        for (k, entry) in entries.into_iter().enumerate() {
            let last = entry.len() - 1;
            for (j, line) in entry.into_iter().enumerate() {
                // Every entry but the last ends in a comma.
                let comma = j == last && k + 1 < n;
                out.push(if comma { format!("{line},") } else { line });
            }
        }
    }
    let refs: Vec<&str> = out.iter().map(String::as_str).collect();
    join(&refs, text)
}

fn join(lines: &[&str], original: &str) -> String {
    let mut s = lines.join("\n");
    if original.ends_with('\n') {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brctl_bridges_and_ports_sorted() {
        let t = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
                 br-<id 2>\t\t8000.<id 7>\tno\t\t<veth 2>\n\t\t\t\t\t\t\t<veth 1>\n\
                 br-<id 1>\t\t8000.<id 6>\tno\t\t\n";
        let out = sorted("brctl show", t, &|l| l.to_string());
        assert_eq!(
            out,
            "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
             br-<id 1>\t\t8000.<id 6>\tno\t\t\n\
             br-<id 2>\t\t8000.<id 7>\tno\t\t<veth 1>\n\t\t\t\t\t\t\t<veth 2>\n"
        );
    }

    #[test]
    fn containers_entries_sorted_with_commas_fixed() {
        let t = "        \"Containers\": {\n            \"<id 9>\": {\n                \"Name\": \"b\"\n            },\n            \"<id 3>\": {\n                \"Name\": \"a\",\n                \"X\": 1\n            }\n        },\n";
        let out = sorted("docker network inspect n", t, &|l| l.to_string());
        assert_eq!(out, "        \"Containers\": {\n            \"<id 3>\": {\n                \"Name\": \"a\",\n                \"X\": 1\n            },\n            \"<id 9>\": {\n                \"Name\": \"b\"\n            }\n        },\n");
    }

    #[test]
    fn prune_runs_sorted() {
        let t = "Deleted Containers:\n<id 9>\n<id 3>\n\nTotal reclaimed space: 0B\n";
        assert_eq!(
            sorted("docker container prune -f", t, &|l| l.to_string()),
            "Deleted Containers:\n<id 3>\n<id 9>\n\nTotal reclaimed space: 0B\n"
        );
    }
}
