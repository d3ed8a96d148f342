//! Why a Compose command fails, each worded as the program that fails prints it.
//!
//! Facts (`tests/oracle/compose-*.log`): both programs print their errors on stderr without
//! a prefix when stderr is not a terminal, and exit 1.

use super::program::Program;
use super::yaml::YamlError;

/// A Compose-side failure (the daemon's own errors stay [`crate::EngineError`]s).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// The file is not YAML.
    #[error("{}", yaml_text(*.program, .file, .error))]
    Yaml {
        /// Who reads it.
        program: Program,
        /// The file name as given.
        file: String,
        /// Where and why.
        error: YamlError,
    },
    /// A service names a network the file does not declare.
    #[error("{}", match .program {
        Program::V1 => format!("Service \"{}\" uses an undefined network \"{}\"", .service, .network),
        Program::V2 => format!("service \"{}\" refers to undefined network {}: invalid compose project", .service, .network),
    })]
    UndefinedNetwork {
        /// Who reads it.
        program: Program,
        /// The service.
        service: String,
        /// The network key it names.
        network: String,
    },
    /// An external network that the daemon does not know.
    #[error("{}", match .program {
        Program::V1 => format!("Network {0} declared as external, but could not be found. Please create the network manually using `docker network create {0}` and try again.", .name),
        Program::V2 => format!("network {} declared as external, but could not be found", .name),
    })]
    ExternalMissing {
        /// Who reads it.
        program: Program,
        /// The network's name.
        name: String,
    },
    /// `-p` that Compose v2 refuses.
    #[error("invalid project name \"{0}\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number")]
    InvalidProjectName(String),
    /// No compose file where one was looked for.
    #[error("{}", match .program {
        Program::V1 => "\n        Can't find a suitable configuration file in this directory or any\n        parent. Are you in the right directory?\n\n        Supported filenames: docker-compose.yml, docker-compose.yaml, compose.yml, compose.yaml\n        ".to_string(),
        Program::V2 => "no configuration file provided: not found".to_string(),
    })]
    NoFile {
        /// Who looked.
        program: Program,
    },
    /// `-f FILE` that does not exist.
    #[error("{}", match .program {
        Program::V1 => format!(".FileNotFoundError: [Errno 2] No such file or directory: '{}'", .path),
        Program::V2 => format!("open {}: no such file or directory", .path),
    })]
    FileMissing {
        /// Who looked.
        program: Program,
        /// The path as resolved.
        path: String,
    },
    /// A service refers to a service the file does not define (`depends_on`, `links`,
    /// `network_mode: service:S`).
    #[error("{}", match .program {
        Program::V1 => format!("Service '{}' depends on service '{}' which is undefined.", .service, .missing),
        Program::V2 => format!("service \"{}\" depends on undefined service \"{}\": invalid compose project", .service, .missing),
    })]
    UndefinedService {
        /// Who reads it.
        program: Program,
        /// The service that refers.
        service: String,
        /// The name it refers to.
        missing: String,
    },
}

fn yaml_text(program: Program, file: &str, e: &YamlError) -> String {
    match program {
        Program::V1 => e.v1_text(file),
        Program::V2 => e.v2_text(),
    }
}
