//! The images a scenario runs, built for the real engine from this machine's own programs.
//!
//! There is no registry here: every image is this machine's static busybox (Debian's
//! `busybox-static`) under the scenario's name, with the entrypoint, command and exposed ports
//! docknet's image table gives that name, so that `docker ps` and `inspect` read alike. An
//! image docknet treats as Debian/Ubuntu based ([`image_flavour`] = GNU) also gets the host's
//! iputils `ping`, iproute2 `ip`, `curl` and `wget` with the libraries `ldd` names. An
//! entrypoint starts the server docknet's model says the image runs (busybox `httpd` with an
//! index page for nginx-like servers, `nc -l` for others) and exits 0 on SIGTERM as they do.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use docknet_engine::container::image::{self, ImageConfig};
use docknet_engine::container::options;
use docknet_engine::container::services::{self, ServerProgram};

use crate::runner::clients::Flavour;
use crate::runner::net::image_flavour;
use crate::scenario::Scenario;

/// The GNU tools a Debian-based image gets, as paths on this machine.
const GNU_TOOLS: &[&str] = &[
    "/usr/bin/ping",
    "/usr/sbin/ip",
    "/usr/bin/curl",
    "/usr/bin/wget",
];

/// The image names `docker run`/`docker create` steps of `scenario` use.
pub fn used_by(scenario: &Scenario) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for step in &scenario.steps {
        let Some(words) = step
            .argv
            .iter()
            .map(|w| w.literal())
            .collect::<Option<Vec<String>>>()
        else {
            continue;
        };
        let args = match words
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["docker", "run" | "create", ..] => &words[2..],
            ["docker", "container", "run" | "create", ..] => &words[3..],
            _ => continue,
        };
        if let Ok(opts) = options::parse(args) {
            names.insert(opts.image);
        }
    }
    names
}

/// Builds `name` with `docker` (the CLI pointed at the engine) from a rootfs under `work`.
pub fn build(
    docker: &dyn Fn(&[String]) -> std::io::Result<std::process::Output>,
    work: &Path,
    name: &str,
) -> Result<(), String> {
    let flavour = image_flavour(name);
    let config = image::lookup(name);
    let root = work.join(format!(
        "rootfs-{}",
        if flavour == Flavour::Gnu {
            "gnu"
        } else {
            "busybox"
        }
    ));
    if !root.exists() {
        make_rootfs(&root, flavour)?;
    }
    // Images name it absolutely (nginx) or through PATH (postgres).
    for path in ["docker-entrypoint.sh", "usr/local/bin/docker-entrypoint.sh"] {
        std::fs::write(root.join(path), entrypoint(name, &config)).map_err(|e| e.to_string())?;
        set_executable(&root.join(path))?;
    }
    let tar = work.join("rootfs.tar");
    run(Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tar)
        .arg("."))?;
    let mut argv = vec!["import".to_string()];
    for change in changes(&config) {
        argv.push("-c".into());
        argv.push(change);
    }
    argv.push(tar.display().to_string());
    argv.push(name.to_string());
    let out = docker(&argv).map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "docker import {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The `docker import -c` changes that give the image docknet's config of it.
fn changes(config: &ImageConfig) -> Vec<String> {
    let json = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
    let mut out = vec![
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        format!("CMD {}", json(&config.cmd)),
    ];
    if let Some(ep) = &config.entrypoint {
        out.push(format!("ENTRYPOINT {}", json(ep)));
    }
    for port in &config.exposed {
        out.push(format!("EXPOSE {port}"));
    }
    out
}

/// The entrypoint script: the image's server, stopping cleanly on SIGTERM.
fn entrypoint(name: &str, config: &ImageConfig) -> String {
    let argv: Vec<String> = config
        .entrypoint
        .iter()
        .flatten()
        .chain(&config.cmd)
        .cloned()
        .collect();
    let mut script = String::from("#!/bin/sh\ntrap 'exit 0' TERM\n");
    for l in services::listeners(name, &argv) {
        script += &match l.program {
            ServerProgram::Nginx | ServerProgram::PythonHttp => {
                format!("httpd -f -p {} -h /www &\n", l.port)
            }
            _ => format!("while :; do nc -l -p {}; done &\n", l.port),
        };
    }
    script + "while :; do sleep 1; done &\nwait\n"
}

fn make_rootfs(root: &Path, flavour: Flavour) -> Result<(), String> {
    for dir in [
        "bin",
        "etc",
        "proc",
        "sys",
        "dev",
        "tmp",
        "root",
        "www",
        "usr/bin",
        "usr/sbin",
        "usr/local/bin",
        "lib64",
        "lib/x86_64-linux-gnu",
    ] {
        std::fs::create_dir_all(root.join(dir)).map_err(|e| e.to_string())?;
    }
    let busybox = Path::new("/bin/busybox");
    std::fs::copy(busybox, root.join("bin/busybox"))
        .map_err(|e| format!("{}: {e}", busybox.display()))?;
    let list = Command::new(busybox)
        .arg("--list")
        .output()
        .map_err(|e| e.to_string())?;
    for applet in String::from_utf8_lossy(&list.stdout).lines() {
        let link = root.join("bin").join(applet);
        if !link.exists() {
            std::os::unix::fs::symlink("busybox", &link).map_err(|e| e.to_string())?;
        }
    }
    std::fs::write(root.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
        .map_err(|e| e.to_string())?;
    std::fs::write(root.join("etc/group"), "root:x:0:\n").map_err(|e| e.to_string())?;
    std::fs::write(root.join("www/index.html"), "<h1>Welcome</h1>\n").map_err(|e| e.to_string())?;
    if flavour == Flavour::Gnu {
        for tool in GNU_TOOLS {
            copy_with_libraries(Path::new(tool), root)?;
        }
    }
    Ok(())
}

/// Copies a dynamically linked program and every library `ldd` names into `root`.
fn copy_with_libraries(program: &Path, root: &Path) -> Result<(), String> {
    let ldd = Command::new("ldd")
        .arg(program)
        .output()
        .map_err(|e| e.to_string())?;
    let mut files: Vec<PathBuf> = vec![program.to_path_buf()];
    for line in String::from_utf8_lossy(&ldd.stdout).lines() {
        let path = line
            .split_whitespace()
            .find(|w| w.starts_with('/'))
            .map(PathBuf::from);
        files.extend(path);
    }
    for file in files {
        let dest = root.join(file.strip_prefix("/").unwrap_or(&file));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        // Follow symlinks: the image gets the files themselves.
        std::fs::copy(&file, &dest).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

fn set_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr)))
    }
}
