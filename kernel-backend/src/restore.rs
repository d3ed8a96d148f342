//! Applying a batch of iptables ops with one `iptables-restore --noflush` per namespace.

use std::os::fd::AsFd;

use docknet_netstate::kernel::{Errno, KernelError};
use docknet_netstate::op::Op;

use crate::backend::KernelBackend;
use crate::{iptables, netns};

/// Result of one restore run: `Ok` or the tool's stderr.
fn restore(backend: &KernelBackend, ops: &[Op]) -> Result<Result<(), String>, KernelError> {
    let op = &ops[0];
    let ns = backend
        .namespaces
        .get(op.ns())
        .ok_or_else(|| KernelError::errno(Errno::ENOENT, op))?;
    let script = iptables::script(ops);
    let out = netns::spawn(
        ns.fd.as_fd(),
        &["iptables-restore", "--noflush"],
        Some(script.text.as_bytes()),
        false,
    )
    .map_err(|e| KernelError::Other(format!("iptables-restore: {e}")))?;
    Ok(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

/// The engine error for a failed single-op restore.
fn op_error(stderr: &str, op: &Op) -> KernelError {
    match iptables::errno(stderr) {
        Some(errno) => KernelError::errno(errno, op),
        None => KernelError::Other(format!("iptables-restore: {}", stderr.trim())),
    }
}

impl KernelBackend {
    /// Applies consecutive iptables ops of one namespace in one restore process.
    ///
    /// Each `*table ... COMMIT` section commits on its own, so on failure the sections before
    /// the failing one stay applied and the failing one applied nothing; its ops are then
    /// replayed one by one to find (and report) the exact op that fails.
    pub(crate) fn apply_iptables(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        if let Some(ns) = self.namespaces.get_mut(ops[0].ns()) {
            ns.iptables_touched = true;
        }
        let stderr = match restore(self, ops).map_err(|e| (0, e))? {
            Ok(()) => return Ok(()),
            Err(stderr) => stderr,
        };
        let script = iptables::script(ops);
        let failed = iptables::failed_line(&stderr)
            .and_then(|line| script.sections.iter().find(|s| s.lines.contains(&line)));
        let Some(section) = failed else {
            return Err((0, op_error(&stderr, &ops[0])));
        };
        for k in section.ops.clone() {
            if let Err(stderr) = restore(self, &ops[k..=k]).map_err(|e| (k, e))? {
                return Err((k, op_error(&stderr, &ops[k])));
            }
        }
        // Every op of the failing section went through alone; carry on after it.
        let end = section.ops.end;
        if end < ops.len() {
            self.apply_iptables(&ops[end..])
                .map_err(|(k, e)| (end + k, e))?;
        }
        Ok(())
    }
}
