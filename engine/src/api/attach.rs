//! `POST /containers/{id}/attach` and `GET /containers/{id}/logs`: a container's main
//! process output, as a hijacked stream (attached `docker run`, `start -a`) or as a body.
//!
//! Facts (`shared/reference/engine-api.md` §3): the CLI opens the attach before `wait` and
//! `start`, and the server holds it until the container exits, sending only output produced
//! after the attach; frames are `[stream, 0, 0, 0, len: u32 BE] ++ payload` (1 stdout, 2
//! stderr) without a TTY, raw bytes with one (where `\n` goes out as `\r\n`). docknet runs a
//! main process to completion when the container starts, so its whole output is known by the
//! time the attach answers; `logs` without `follow` answers what was recorded.

use std::collections::BTreeMap;

use super::{ApiError, ApiRequest, ApiResponse, Body, WaitCondition, WaitSpec};
use crate::container::process::Finished;
use crate::engine::Engine;

/// The main processes' outputs, by container ID (kept after a `--rm` removal, for `wait`).
#[derive(Clone, Debug, Default)]
pub struct MainOutputs {
    /// By container ID.
    pub by_container: BTreeMap<String, Finished>,
}

/// An attach the server must hold open until the container exits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachSpec {
    /// When to answer: the container's next exit.
    pub wait: WaitSpec,
    /// Whether the container has a TTY (raw stream).
    pub tty: bool,
    /// Whether to send stdout.
    pub stdout: bool,
    /// Whether to send stderr.
    pub stderr: bool,
}

/// One multiplexed frame.
pub fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + payload.len());
    out.extend_from_slice(&[stream, 0, 0, 0]);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// The bytes a process's output makes on an attach, exec or logs stream.
pub fn wire(stdout: &str, stderr: &str, tty: bool) -> Vec<u8> {
    if tty {
        return format!("{stdout}{stderr}")
            .replace('\n', "\r\n")
            .into_bytes();
    }
    let mut out = Vec::new();
    if !stdout.is_empty() {
        out.extend(frame(1, stdout.as_bytes()));
    }
    if !stderr.is_empty() {
        out.extend(frame(2, stderr.as_bytes()));
    }
    out
}

/// The Content-Type of a stream with or without a TTY.
pub fn stream_type(tty: bool) -> &'static str {
    if tty {
        "application/vnd.docker.raw-stream"
    } else {
        "application/vnd.docker.multiplexed-stream"
    }
}

impl Engine {
    /// Records what a container's main process printed and how it ended.
    pub fn record_main_output(&mut self, container_id: &str, out: Finished) {
        self.outputs
            .by_container
            .insert(container_id.to_string(), out);
    }

    /// `POST /containers/{id}/attach?stream=1&stdout=1&stderr=1`.
    pub(crate) fn api_attach(
        &mut self,
        id: &str,
        req: &ApiRequest,
    ) -> Result<ApiResponse, ApiError> {
        if !req.flag("stream") {
            return Err(ApiError::unsupported(
                "attach without stream=1 (logs through attach)",
            ));
        }
        let c = self.containers.get(self.containers.find(id)?);
        Ok(ApiResponse {
            status: 101,
            body: Body::Attach(AttachSpec {
                wait: WaitSpec {
                    container_id: c.id.clone(),
                    condition: WaitCondition::NextExit,
                    finished_before: c.finished_at,
                },
                tty: c.tty,
                stdout: req.flag("stdout"),
                stderr: req.flag("stderr"),
            }),
        })
    }

    /// What a held attach sends, once the container has exited.
    pub fn attach_result(&self, spec: &AttachSpec) -> Option<Vec<u8>> {
        self.wait_result(&spec.wait)?;
        let out = self.outputs.by_container.get(&spec.wait.container_id);
        Some(
            out.map(|o| wire(&o.stdout, &o.stderr, spec.tty))
                .unwrap_or_default(),
        )
    }

    /// The exit code recorded for a container that is gone.
    pub(crate) fn recorded_exit(&self, container_id: &str) -> i32 {
        self.outputs
            .by_container
            .get(container_id)
            .map(|o| o.exit)
            .unwrap_or(0)
    }

    /// `GET /containers/{id}/logs`: what was recorded; with `follow` on a running
    /// container, held open until it exits (as a chunked body).
    pub(crate) fn api_logs(&mut self, id: &str, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        if req.flag("timestamps") {
            return Err(ApiError::unsupported("logs with --timestamps"));
        }
        if req.q("tail").is_some_and(|t| t != "all") || req.q("since").is_some_and(|s| s != "0") {
            return Err(ApiError::unsupported("logs with --tail or --since"));
        }
        let c = self.containers.get(self.containers.find(id)?);
        let (stdout, stderr) = (req.flag("stdout"), req.flag("stderr"));
        if req.flag("follow") && c.running() {
            return Ok(ApiResponse {
                status: 200,
                body: Body::Follow(AttachSpec {
                    wait: WaitSpec {
                        container_id: c.id.clone(),
                        condition: WaitCondition::NextExit,
                        finished_before: c.finished_at,
                    },
                    tty: c.tty,
                    stdout,
                    stderr,
                }),
            });
        }
        let bytes = match self.outputs.by_container.get(&c.id) {
            Some(o) => wire(pick(&o.stdout, stdout), pick(&o.stderr, stderr), c.tty),
            None => Vec::new(),
        };
        Ok(ApiResponse {
            status: 200,
            body: Body::Raw {
                content_type: stream_type(c.tty),
                bytes,
            },
        })
    }
}

/// `s` if the client asked for that stream.
fn pick(s: &str, wanted: bool) -> &str {
    if wanted {
        s
    } else {
        ""
    }
}
