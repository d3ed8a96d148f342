//! A project: its name, where its files are, and the names Compose gives its objects.
//!
//! Facts (`tests/oracle/compose-*.log`): without `-p` the project is named after the
//! directory of the (first) compose file. Compose 1.29 lowercases the name and drops every
//! character but `a-z0-9_-` (`-p My.Proj` is `myproj`); Compose 2.40 refuses a `-p` that is
//! not already lowercase `[a-z0-9][a-z0-9_-]*` and normalises a directory name the way 1.29
//! does, trimming leading `_`/`-` too. Networks are `<project>_<key>` (or their `name:`),
//! containers `<project>_<service>_1` (1.29) or `<project>-<service>-1` (2.40).

use super::error::ComposeError;
use super::program::Program;

/// The compose files a command reads and the project they make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// Who runs it.
    pub program: Program,
    /// The project name.
    pub name: String,
    /// The project directory (absolute).
    pub working_dir: String,
    /// The compose file, absolute.
    pub file_path: String,
    /// The compose file as given (`-f` or the default name), for v1's labels and messages.
    pub file_given: String,
}

/// 1.29's `normalize_name`: lowercase, only `a-z0-9_-` kept.
pub fn normalize(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
        .collect()
}

/// Whether 2.40 takes `-p NAME` as it is.
pub fn valid_v2_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

/// The project name from `-p` or the directory's name.
pub fn project_name(
    program: Program,
    flag: Option<&str>,
    dir: &str,
) -> Result<String, ComposeError> {
    match (program, flag) {
        (Program::V2, Some(p)) if !valid_v2_name(p) => {
            Err(ComposeError::InvalidProjectName(p.to_string()))
        }
        (_, Some(p)) => Ok(normalize(p)),
        (Program::V1, None) => Ok(normalize(basename(dir))),
        (Program::V2, None) => Ok(normalize(basename(dir))
            .trim_start_matches(['_', '-'])
            .to_string()),
    }
}

/// The last component of a path.
pub fn basename(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

impl Project {
    /// The container of `service` (Compose's number 1; docknet runs no replicas).
    pub fn container_name(&self, service: &str) -> String {
        let sep = self.program.name_separator();
        format!("{}{sep}{service}{sep}1", self.name)
    }

    /// The container name without the project, as links name it (`db_1`, `db-1`).
    pub fn short_container_name(&self, service: &str) -> String {
        format!("{service}{}1", self.program.name_separator())
    }

    /// The daemon's name of the network under `key`.
    pub fn network_name(&self, key: &str, explicit: Option<&str>) -> String {
        match explicit {
            Some(n) => n.to_string(),
            None => format!("{}_{key}", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_program() {
        assert_eq!(
            project_name(Program::V1, Some("My.Proj"), "/x").unwrap(),
            "myproj"
        );
        assert_eq!(
            project_name(Program::V2, Some("My_Proj"), "/x").unwrap_err().to_string(),
            "invalid project name \"My_Proj\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        );
        assert_eq!(
            project_name(Program::V2, None, "/root/_Compose_Django").unwrap(),
            "compose_django"
        );
        let p = Project {
            program: Program::V2,
            name: "p".into(),
            working_dir: "/root/p".into(),
            file_path: "/root/p/compose.yaml".into(),
            file_given: "compose.yaml".into(),
        };
        assert_eq!(p.container_name("web"), "p-web-1");
        assert_eq!(p.network_name("default", None), "p_default");
    }
}
