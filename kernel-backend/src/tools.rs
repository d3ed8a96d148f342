//! The real programs the backend and its checkers run, and whether this machine has them.
//!
//! Facts: on a fresh Debian machine iproute2 is usually present while bridge-utils and
//! iptables are not; without `iptables-restore` no firewall op can be applied, and without
//! `brctl`/`bridge`/`ip` the real tools cannot be compared with docknet's renderings. Both
//! failures would otherwise surface mid-replay as `No such file or directory`, so callers
//! probe first and report the packages to install.

use std::path::Path;

/// A program and the Debian package that ships it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tool {
    /// The executable's name, looked up on `PATH`.
    pub program: &'static str,
    /// The Debian package that installs it.
    pub package: &'static str,
}

/// What the backend itself runs to apply and read iptables rules.
pub const BACKEND_TOOLS: &[Tool] = &[
    Tool {
        program: "iptables-restore",
        package: "iptables",
    },
    Tool {
        program: "iptables-save",
        package: "iptables",
    },
];

/// What a checker runs to compare docknet's renderings with the real tools (and `ping`,
/// iputils' and busybox's, for a second opinion on ping steps).
pub const SHOW_TOOLS: &[Tool] = &[
    Tool {
        program: "ip",
        package: "iproute2",
    },
    Tool {
        program: "bridge",
        package: "iproute2",
    },
    Tool {
        program: "brctl",
        package: "bridge-utils",
    },
    Tool {
        program: "iptables-save",
        package: "iptables",
    },
    Tool {
        program: "ping",
        package: "iputils-ping",
    },
    Tool {
        program: "busybox",
        package: "busybox-static",
    },
];

/// Whether `program` is an executable file in one of the `PATH` directories.
fn on_path(program: &str, path: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path).any(|dir| {
        let file = Path::new(&dir).join(program);
        std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// `Ok` when every tool is on `PATH`; otherwise one line naming what is missing and the
/// `apt-get install` that brings it.
pub fn check(tools: &[Tool]) -> Result<(), String> {
    let path = std::env::var("PATH").unwrap_or_default();
    missing_message(tools.iter().filter(|t| !on_path(t.program, &path)))
}

fn missing_message<'a>(missing: impl Iterator<Item = &'a Tool>) -> Result<(), String> {
    let (mut programs, mut packages) = (Vec::new(), Vec::new());
    for t in missing {
        programs.push(t.program);
        if !packages.contains(&t.package) {
            packages.push(t.package);
        }
    }
    if programs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "missing {} (install: apt-get install {})",
        programs.join(", "),
        packages.join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_programs_and_packages_once() {
        assert_eq!(missing_message([].iter()), Ok(()));
        let msg = missing_message(SHOW_TOOLS[2..4].iter()).unwrap_err();
        assert_eq!(
            msg,
            "missing brctl, iptables-save (install: apt-get install bridge-utils iptables)"
        );
    }

    #[test]
    fn finds_only_executables_on_the_given_path() {
        assert!(on_path("sh", "/nonexistent:/bin:/usr/bin"));
        assert!(!on_path("sh", "/nonexistent"));
        assert!(!on_path("passwd", "/etc"));
    }
}
