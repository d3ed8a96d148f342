//! `ps`: the project's containers as each program tabulates them.
//!
//! Facts (`tests/oracle/compose-*.log`): 2.40 prints `NAME IMAGE COMMAND SERVICE CREATED
//! STATUS PORTS` with Docker's tabwriter (padding 3), the command quoted, IPv6 bindings
//! as `[::]:P`; 1.29 prints `Name Command State Ports` as Python's texttable draws it
//! (headers centred by `str.center`, cells left-aligned and padded, columns three spaces
//! apart, a rule of `-` under the header), ports comma-joined without spaces, `Up` or
//! `Exit N`. Both sort by container name.

use super::labels;
use super::program::Program;
use crate::cli::table::tabwrite;
use crate::container::model::{Container, RunState};
use crate::container::port::displayable_ports;
use crate::container::ps::{go_quote, human_duration, status};
use crate::engine::Engine;

impl Engine {
    /// `ps` of project `project`.
    pub(super) fn compose_ps(&mut self, program: Program, project: &str) -> String {
        let now = self.now();
        let mut mine: Vec<&Container> = self
            .containers
            .list
            .iter()
            .filter(|c| c.labels.get(labels::PROJECT).map(String::as_str) == Some(project))
            .collect();
        mine.sort_by(|a, b| a.name.cmp(&b.name));
        match program {
            Program::V2 => {
                let mut lines =
                    vec!["NAME\tIMAGE\tCOMMAND\tSERVICE\tCREATED\tSTATUS\tPORTS".to_string()];
                for c in mine {
                    let created = human_duration(now.0.saturating_sub(c.created.0));
                    lines.push(format!(
                        "{}\t{}\t{}\t{}\t{created} ago\t{}\t{}",
                        c.name,
                        c.image,
                        go_quote(&c.command_line()),
                        c.labels.get(labels::SERVICE).cloned().unwrap_or_default(),
                        status(c, now),
                        ports(c).replace(":::", "[::]:")
                    ));
                }
                tabwrite(&lines)
            }
            Program::V1 => {
                let rows: Vec<[String; 4]> = mine
                    .iter()
                    .map(|c| {
                        let state = match c.state {
                            RunState::Running => "Up".to_string(),
                            _ => format!("Exit {}", c.exit_code),
                        };
                        [
                            c.name.clone(),
                            c.command_line(),
                            state,
                            ports(c).replace(", ", ","),
                        ]
                    })
                    .collect();
                texttable(&["Name", "Command", "State", "Ports"], &rows)
            }
        }
    }
}

fn ports(c: &Container) -> String {
    match &c.sandbox {
        Some(sb) => displayable_ports(&c.exposed, &sb.ports),
        None => String::new(),
    }
}

/// texttable's centring (not CPython's `str.center`): the odd space always goes right. Real
/// Compose 1.29 printed `Name` with 7 spaces before it over a 19-wide column of names, and
/// 8 over a 20-wide one.
fn center(s: &str, width: usize) -> String {
    let marg = width.saturating_sub(s.len());
    let left = marg / 2;
    format!("{}{s}{}", " ".repeat(left), " ".repeat(marg - left))
}

/// texttable's `HEADER` decoration as Compose 1.29 sets it up.
fn texttable(headers: &[&str; 4], rows: &[[String; 4]]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.len());
        }
    }
    let head: Vec<String> = headers
        .iter()
        .zip(&widths)
        .map(|(h, w)| center(h, *w))
        .collect();
    let total = widths.iter().sum::<usize>() + 3 * (widths.len() - 1);
    let mut out = format!("{}\n{}\n", head.join("   "), "-".repeat(total));
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(&cells.join("   "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texttable_as_compose_1_29_draws_it() {
        let rows = [[
            "compose_django_web_1".to_string(),
            "httpd -f -p 8000".into(),
            "Up".into(),
            "0.0.0.0:8000->8000/tcp,:::8000->8000/tcp".into(),
        ]];
        let t = texttable(&["Name", "Command", "State", "Ports"], &rows);
        assert_eq!(
            t.lines().next().unwrap(),
            "        Name               Command        State                    Ports                  "
        );
        assert_eq!(
            texttable(&["Name", "Command", "State", "Ports"], &[]),
            "Name   Command   State   Ports\n------------------------------\n"
        );
    }
}
