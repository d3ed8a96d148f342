//! A container's main process at start, and what its exit does: the container stops, and
//! with `--rm` it is removed. See [`super::process`] for which commands docknet runs.

use crate::container::image;
use crate::container::model::NetworkMode;
use crate::container::options::RunOptions;
use crate::container::process::{self, Finished, Program};
use crate::container::validate::user_defined;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;
use crate::op::NetnsName;

/// A network tool that a container runs as its main process: the scenario runner runs it in
/// the container's namespace, then reports its status with [`Engine::process_exited`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingProcess {
    /// The container's ID.
    pub container_id: String,
    /// Its namespace.
    pub ns: NetnsName,
    /// The tool's argv.
    pub argv: Vec<String>,
    /// Whether the client is attached (a foreground run prints the tool's output).
    pub attached: bool,
}

/// What a `docker run` would run, from its options and the image's config.
pub(crate) fn program_of(o: &RunOptions) -> Program {
    let img = image::lookup(&o.image);
    let cmd = if o.cmd.is_empty() { &img.cmd } else { &o.cmd };
    process::classify(img.entrypoint.as_deref(), cmd, o.interactive)
}

/// Why a foreground run is refused before anything is created.
pub(crate) fn foreground_refusal(o: &RunOptions) -> Option<EngineError> {
    match program_of(o) {
        Program::Finite(_) | Program::Tool(_) => None,
        Program::LongRunning | Program::Unknown => Some(EngineError::Unsupported(format!(
            "a foreground `docker run` of `{}`: docknet runs echo, true, false, cat, \
             sh -c of those, and ip to completion; run other commands with -d",
            if o.cmd.is_empty() {
                o.image.clone()
            } else {
                o.cmd.join(" ")
            }
        ))),
    }
}

impl Engine {
    /// Runs the main process of the just started container `idx`. A finite command ends
    /// it here (its output returned); a tool is left for the runner ([`Self::take_pending_process`]).
    pub(crate) fn run_main_process(
        &mut self,
        k: &mut dyn Kernel,
        idx: usize,
        attached: bool,
    ) -> Result<Option<Finished>, EngineError> {
        let c = &self.containers.list[idx];
        let program = process::classify(c.entrypoint.as_deref(), &c.cmd, c.open_stdin);
        match program {
            Program::LongRunning | Program::Unknown => Ok(None),
            Program::Finite(actions) => {
                let done = process::run(&actions, &|path| self.container_file(idx, path));
                let id = c.id.clone();
                self.process_exited(k, &id, done.exit)?;
                Ok(Some(done))
            }
            Program::Tool(argv) => {
                let ns = self
                    .ctr_container_netns(&c.id)
                    .unwrap_or_else(NetnsName::host);
                self.pending = Some(PendingProcess {
                    container_id: c.id.clone(),
                    ns,
                    argv,
                    attached,
                });
                Ok(None)
            }
        }
    }

    /// The tool a container started with, once; the runner runs it.
    pub fn take_pending_process(&mut self) -> Option<PendingProcess> {
        self.pending.take()
    }

    /// A container's main process ended with `exit`: its networking goes, it is `Exited
    /// (exit)`, and with `--rm` it is removed.
    pub fn process_exited(
        &mut self,
        k: &mut dyn Kernel,
        container_id: &str,
        exit: i32,
    ) -> Result<(), EngineError> {
        let idx = self.containers.find(container_id)?;
        self.stop_container(k, idx, exit)?;
        self.remove_if_auto(idx);
        Ok(())
    }

    /// `--rm`: a stopped container removes itself.
    pub(crate) fn remove_if_auto(&mut self, idx: usize) {
        let c = &self.containers.list[idx];
        if c.auto_remove && !c.running() {
            self.containers.list.remove(idx);
        }
    }

    /// A file Docker writes into the container whose processes see `ns` (`/etc/hosts`,
    /// `/etc/resolv.conf`, `/etc/hostname`), as `cat` there prints it.
    pub fn file_in(&self, ns: &crate::op::NetnsName, path: &str) -> Option<String> {
        let i = (0..self.containers.list.len())
            .find(|&i| self.netns_of_index(i).as_ref() == Some(ns))?;
        self.container_file(i, path)
    }

    /// The files Docker writes into a container, as its processes read them.
    fn container_file(&self, idx: usize, path: &str) -> Option<String> {
        let c = &self.containers.list[idx];
        match path {
            "/etc/hostname" => Some(format!("{}\n", c.hostname)),
            "/etc/hosts" if c.network_mode != NetworkMode::Host => {
                let ip = c.sandbox.as_ref().and_then(|sb| {
                    sb.sorted_endpoints()
                        .into_iter()
                        .find_map(|e| e.ip.map(|i| i.addr))
                });
                let own = process::etc_hosts(ip, &c.hostname);
                // Link entries go between the fixed lines and the container's own.
                let fixed: String = own.lines().take(6).map(|l| format!("{l}\n")).collect();
                let mine: String = own.lines().skip(6).map(|l| format!("{l}\n")).collect();
                Some(fixed + &self.link_hosts_lines(c) + &mine)
            }
            "/etc/resolv.conf" => {
                let on_user_net = c.sandbox.as_ref().is_some_and(|sb| {
                    sb.endpoints
                        .iter()
                        .any(|e| self.network_by_id(&e.network_id).is_some_and(user_defined))
                });
                Some(
                    if on_user_net {
                        process::RESOLV_CONF_USER_NETWORK
                    } else {
                        process::RESOLV_CONF_HOST_FALLBACK
                    }
                    .to_string(),
                )
            }
            _ => None,
        }
    }
}
