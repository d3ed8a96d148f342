//! `POST /containers/{id}/exec`, `POST /exec/{id}/start`, `GET /exec/{id}/json`, resize.
//!
//! Facts (`shared/reference/engine-api.md` §3): the CLI creates the exec (201 `{"Id"}`),
//! starts it on a hijacked connection (101, then multiplexed frames without a TTY), and when
//! the stream closes reads `ExitCode` from the exec's inspect once; an exec in a container
//! that is not running is a 409 `Container ID is not running`.
//!
//! The program itself runs outside the engine (the server runs it with the scenario
//! runner's in-container tools), which then reports the exit with [`Engine::exec_finished`].

use serde::Deserialize;
use serde_json::json;

use super::{parse_body, ApiError, ApiRequest, ApiResponse, Body, ExecSpec, Method, Routed};
use crate::container::inspect::derived_hex;
use crate::engine::Engine;

/// One exec instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exec {
    /// 64 hex, derived (execs take nothing from the seed's stream, so IDs elsewhere stay
    /// those of a replay).
    pub id: String,
    /// The container's full ID.
    pub container_id: String,
    /// The container as the client named it.
    pub container: String,
    /// The command.
    pub cmd: Vec<String>,
    /// `-t`.
    pub tty: bool,
    /// Whether it was started.
    pub started: bool,
    /// Its exit code, once finished.
    pub exit_code: Option<i32>,
}

/// The daemon's exec instances.
#[derive(Clone, Debug, Default)]
pub struct Execs {
    /// In creation order.
    pub list: Vec<Exec>,
}

/// `POST /containers/{id}/exec`'s body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecCreateBody {
    /// The command.
    pub cmd: Option<Vec<String>>,
    /// `-t`.
    pub tty: bool,
    /// `-d`.
    pub detach: bool,
    /// `-u` (not modelled).
    pub user: String,
    /// `-w` (not modelled).
    pub working_dir: String,
    /// `--privileged` (not modelled).
    pub privileged: bool,
}

/// `POST /exec/{id}/start`'s body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecStartBody {
    /// `-d`: start without a stream.
    pub detach: bool,
    /// `-t`.
    pub tty: bool,
}

impl Engine {
    /// `POST /containers/{id}/exec`.
    pub(crate) fn api_exec_create(
        &mut self,
        container: &str,
        req: &ApiRequest,
    ) -> Result<ApiResponse, ApiError> {
        let b: ExecCreateBody = parse_body(&req.body)?;
        let cmd = b
            .cmd
            .filter(|c| !c.is_empty())
            .ok_or_else(|| ApiError::bad("No exec command specified"))?;
        if b.detach || !b.user.is_empty() || !b.working_dir.is_empty() || b.privileged {
            return Err(ApiError::unsupported(
                "exec with -d, -u, -w or --privileged",
            ));
        }
        let c = self.containers.get(self.containers.find(container)?);
        if !c.running() {
            return Err(ApiError {
                status: 409,
                message: format!("Container {} is not running", c.id),
            });
        }
        let n = self.execs.list.len();
        let exec = Exec {
            id: derived_hex(&format!("exec:{n}:{}", c.id)),
            container_id: c.id.clone(),
            container: container.to_string(),
            cmd,
            tty: b.tty,
            started: false,
            exit_code: None,
        };
        let id = exec.id.clone();
        self.execs.list.push(exec);
        Ok(ApiResponse::json(201, json!({ "Id": id })))
    }

    /// The `/exec/{id}/...` routes.
    pub(crate) fn api_exec(&mut self, req: &ApiRequest, segs: &[&str]) -> Routed {
        let [id, action] = segs else { return None };
        let Some(i) = self
            .execs
            .list
            .iter()
            .position(|e| e.id == *id || (id.len() >= 12 && e.id.starts_with(id)))
        else {
            return Some(Err(ApiError::not_found(format!(
                "No such exec instance: {id}"
            ))));
        };
        Some(match (req.method, *action) {
            (Method::Post, "start") => self.api_exec_start(i, req),
            (Method::Get, "json") => {
                let e = &self.execs.list[i];
                Ok(ApiResponse::json(
                    200,
                    json!({
                        "ID": e.id, "Running": e.started && e.exit_code.is_none(),
                        "ExitCode": e.exit_code, "ProcessConfig": {"tty": e.tty, "entrypoint": e.cmd[0],
                        "arguments": &e.cmd[1..], "privileged": false, "user": ""},
                        "OpenStdin": false, "OpenStderr": true, "OpenStdout": true,
                        "CanRemove": false, "ContainerID": e.container_id, "DetachKeys": "", "Pid": 0,
                    }),
                ))
            }
            (Method::Post, "resize") => Ok(ApiResponse::empty(200)),
            _ => return None,
        })
    }

    /// `POST /exec/{id}/start`: the server hijacks the connection and runs the command.
    fn api_exec_start(&mut self, i: usize, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let b: ExecStartBody = parse_body(&req.body)?;
        if b.detach {
            return Err(ApiError::unsupported("detached exec start"));
        }
        let e = &mut self.execs.list[i];
        if e.started {
            return Err(ApiError {
                status: 409,
                message: format!("Error: Exec command {} has already run", e.id),
            });
        }
        e.started = true;
        Ok(ApiResponse {
            status: 101,
            body: Body::Exec(ExecSpec {
                exec_id: e.id.clone(),
                container: e.container.clone(),
                cmd: e.cmd.clone(),
                tty: e.tty || b.tty,
            }),
        })
    }

    /// Records how an exec's program ended.
    pub fn exec_finished(&mut self, exec_id: &str, exit_code: i32) {
        if let Some(e) = self.execs.list.iter_mut().find(|e| e.id == exec_id) {
            e.exit_code = Some(exit_code);
        }
    }
}
