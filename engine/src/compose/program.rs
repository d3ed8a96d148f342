//! The two Compose programs docknet answers as, and every fact that differs between them.
//!
//! Facts (Compose 1.29.2 from Debian 12, Compose 2.40.3 from Debian unstable, both against
//! Docker 20.10.24, `tests/oracle/compose-*.log`): v1 names containers `proj_svc_1`, v2
//! `proj-svc-1`; both name networks `proj_key`; v1 aliases a container by its service name,
//! v2 by its container name and service name; the labels and the progress lines differ.

/// Which Compose program a step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// `docker-compose` 1.29 (Python).
    V1,
    /// `docker compose` 2.40 (Go).
    V2,
}

/// `com.docker.compose.version` of Compose 1.29.
pub const V1_VERSION: &str = "1.29.2";
/// `com.docker.compose.version` of Compose 2.40.
pub const V2_VERSION: &str = "2.40.3";

impl Program {
    /// What `com.docker.compose.version` says.
    pub fn version(self) -> &'static str {
        match self {
            Program::V1 => V1_VERSION,
            Program::V2 => V2_VERSION,
        }
    }

    /// The separator in container names (`proj_svc_1` or `proj-svc-1`).
    pub fn name_separator(self) -> char {
        match self {
            Program::V1 => '_',
            Program::V2 => '-',
        }
    }

    /// The file names looked for without `-f`, in order.
    pub fn default_files(self) -> &'static [&'static str] {
        match self {
            Program::V1 => &[
                "docker-compose.yml",
                "docker-compose.yaml",
                "compose.yml",
                "compose.yaml",
            ],
            Program::V2 => &[
                "compose.yaml",
                "compose.yml",
                "docker-compose.yaml",
                "docker-compose.yml",
            ],
        }
    }

    /// How the command is typed, for usage lines.
    pub fn command(self) -> &'static str {
        match self {
            Program::V1 => "docker-compose",
            Program::V2 => "docker compose",
        }
    }
}
