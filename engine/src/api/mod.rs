//! The Docker Engine API 1.41 (dockerd 20.10's) as pure data: a parsed HTTP request in, a
//! status code and a JSON body out, over the same typed operations the CLI front end uses.
//!
//! The HTTP server (the root crate's `serve`) does the I/O; it hands each request here as an
//! [`ApiRequest`] and writes the [`ApiResponse`] back. Streams that outlive the request (the
//! `wait` body, exec's hijacked connection) come back as [`Body::Wait`] and [`Body::Exec`]
//! for the server to drive.
//!
//! Facts (real Docker 20.10 and the clients in `shared/reference/engine-api.md`):
//! - every route is also served without the `/vX.Y` prefix; an unknown route is a 404
//!   `{"message":"page not found"}`;
//! - errors are `{"message": ...}` with Content-Type exactly `application/json`; the status
//!   carries the meaning (the CLI maps 404 to "not found", 409 to conflict ...);
//! - booleans in queries come as `1`, `true` or `True` (docker-py);
//! - a version above 1.41 is a 400 `client version X is too new. Maximum supported API
//!   version is 1.41`, one below 1.12 a plain-text 400 (seen on dockerd 20.10.24);
//! - malformed JSON is a 400 on network routes and a 500 on container create in dockerd;
//!   docknet answers 400 for every malformed body.

pub mod attach;
pub mod containers;
pub mod exec;
pub mod images;
pub mod networks;
pub mod system;

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;

/// The API version docknet serves (dockerd 20.10's).
pub const API_VERSION: &str = "1.41";

/// The largest request body accepted (dockerd has no such limit; docknet refuses with 400).
pub const MAX_BODY: usize = 1 << 20;

/// An HTTP method the API distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD.
    Head,
    /// POST.
    Post,
    /// DELETE.
    Delete,
    /// PUT.
    Put,
    /// Anything else.
    Other,
}

impl Method {
    /// Parses an HTTP method name.
    pub fn parse(s: &str) -> Method {
        match s {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            "PUT" => Method::Put,
            _ => Method::Other,
        }
    }
}

/// One request, parsed once at the edge: method, path, query and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRequest {
    /// The method.
    pub method: Method,
    /// The path as sent, e.g. `/v1.41/networks/create` (no query).
    pub path: String,
    /// The query's `key=value` pairs, percent-decoded (the last of a repeated key wins).
    pub query: BTreeMap<String, String>,
    /// The raw body.
    pub body: Vec<u8>,
    /// The server's wall clock (Unix seconds), for the one field clients compare with their
    /// own clock (a list's `Created`); `None` keeps the engine's fake clock.
    pub wall_secs: Option<u64>,
}

impl ApiRequest {
    /// A request from its method, its target (`/path?query`) and its body.
    pub fn new(method: &str, target: &str, body: Vec<u8>) -> ApiRequest {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        ApiRequest {
            method: Method::parse(method),
            path: path.to_string(),
            query,
            body,
            wall_secs: None,
        }
    }

    /// A query value.
    pub fn q(&self, key: &str) -> Option<&str> {
        self.query.get(key).map(String::as_str)
    }

    /// A boolean query value: `1`, `true`, `True` are true.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.q(key), Some("1" | "true" | "True" | "TRUE"))
    }
}

/// Decodes `%XX` escapes and `+` (as Go's `url.ParseQuery` does).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a container `wait` waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitCondition {
    /// `not-running` (the default): answers at once if the container is not running.
    NotRunning,
    /// `next-exit`: the next time the container exits.
    NextExit,
    /// `removed`: when the container is gone.
    Removed,
}

/// A `wait` the server must hold open: headers now, the body when the condition holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitSpec {
    /// The container's full ID.
    pub container_id: String,
    /// The condition.
    pub condition: WaitCondition,
    /// The container's `FinishedAt` when the wait began (next-exit waits for a newer one).
    pub finished_before: Option<crate::clock::Timestamp>,
}

/// An exec the server must run on a hijacked connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecSpec {
    /// The exec instance's ID.
    pub exec_id: String,
    /// The container's name.
    pub container: String,
    /// The command.
    pub cmd: Vec<String>,
    /// Whether a TTY was asked for (raw stream instead of multiplexed frames).
    pub tty: bool,
}

/// The body of a response.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// No body (204, 304).
    Empty,
    /// A JSON document (`application/json`).
    Json(Value),
    /// Plain text (`/_ping`'s `OK`).
    Text(String),
    /// A JSON-lines progress stream (a pull).
    JsonLines(Vec<Value>),
    /// A streamed `wait`: 200 headers at once, `{"StatusCode":N,"Error":null}` later.
    Wait(WaitSpec),
    /// A hijacked exec stream: 101, then the output.
    Exec(ExecSpec),
    /// A hijacked attach: 101, then the main process's output when the container exits.
    Attach(attach::AttachSpec),
    /// `logs --follow` of a running container: a chunked body ending when it exits.
    Follow(attach::AttachSpec),
    /// Bytes of a given Content-Type (a logs stream).
    Raw {
        /// The Content-Type.
        content_type: &'static str,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// A status code and a body.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Body,
}

impl ApiResponse {
    /// A JSON answer.
    pub fn json(status: u16, v: Value) -> ApiResponse {
        ApiResponse {
            status,
            body: Body::Json(v),
        }
    }

    /// An empty answer.
    pub fn empty(status: u16) -> ApiResponse {
        ApiResponse {
            status,
            body: Body::Empty,
        }
    }

    /// Docker's error shape: `{"message": ...}`.
    pub fn error(status: u16, message: impl Into<String>) -> ApiResponse {
        ApiResponse::json(status, json!({ "message": message.into() }))
    }

    /// The message of an error response, if this is one.
    pub fn message(&self) -> Option<&str> {
        match &self.body {
            Body::Json(v) if self.status >= 400 => v.get("message")?.as_str(),
            _ => None,
        }
    }
}

/// Why a request could not be answered normally: a status and Docker's message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The message.
    pub message: String,
}

impl ApiError {
    /// A 400 Bad Request.
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 400,
            message: message.into(),
        }
    }

    /// A 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 404,
            message: message.into(),
        }
    }

    /// What docknet does not model: 501 with a message no Docker would print.
    pub fn unsupported(what: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 501,
            message: format!("docknet: unsupported: {what}"),
        }
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> ApiError {
        let status = status_of(&e);
        let message = match &e {
            EngineError::NoSuchNetwork(n) => format!("network {n} not found"),
            EngineError::Cli(m) => m.strip_prefix("Error: ").unwrap_or(m).to_string(),
            other => other.to_string(),
        };
        ApiError { status, message }
    }
}

/// The status dockerd answers an engine error with.
fn status_of(e: &EngineError) -> u16 {
    match e {
        EngineError::NetworkNotFound(_) | EngineError::NoSuchNetwork(_) => 404,
        EngineError::PluginNotFound(_) => 404,
        EngineError::NetworkExists(_) => 409,
        EngineError::PredefinedNetworkCreate(_) | EngineError::PredefinedNetworkRemove(_) => 403,
        EngineError::ActiveEndpoints { .. } => 403,
        EngineError::NetworkAmbiguous { .. } => 400,
        EngineError::Unsupported(_) => 501,
        EngineError::Message(m) | EngineError::Cli(m) => message_status(m),
        _ => 500,
    }
}

/// The status of a daemon message the engine keeps as text.
fn message_status(m: &str) -> u16 {
    if m.contains("No such container") || m.contains("not found") {
        404
    } else if m.starts_with("endpoint with name") {
        403
    } else if m.starts_with("Conflict.")
        || m.contains("is not running")
        || m.contains("You cannot remove")
    {
        409
    } else if m.starts_with("Invalid") || m.starts_with("invalid") {
        400
    } else {
        500
    }
}

/// Parses a JSON body into `T`; malformed JSON or wrong types are a 400.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.len() > MAX_BODY {
        return Err(ApiError::bad(format!(
            "docknet: request body larger than {MAX_BODY} bytes"
        )));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| ApiError::bad(format!("invalid JSON: {e}")))
}

/// The path without its `/vX.Y` prefix, and the version if one was given.
pub fn strip_version(path: &str) -> (Option<&str>, &str) {
    if let Some(rest) = path.strip_prefix("/v") {
        if let Some(slash) = rest.find('/') {
            let v = &rest[..slash];
            if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.') {
                return (Some(v), &rest[slash..]);
            }
        }
    }
    (None, path)
}

/// Whether version `v` (e.g. `1.42`) is newer than `max`.
fn too_new(v: &str, max: &str) -> bool {
    let parse = |s: &str| -> (u32, u32) {
        let (a, b) = s.split_once('.').unwrap_or((s, "0"));
        (a.parse().unwrap_or(0), b.parse().unwrap_or(0))
    };
    parse(v) > parse(max)
}

impl Engine {
    /// Answers one Engine API request.
    pub fn api(&mut self, k: &mut dyn Kernel, req: &ApiRequest) -> ApiResponse {
        let (version, path) = strip_version(&req.path);
        if let Some(v) = version.filter(|v| too_new(v, API_VERSION)) {
            return ApiResponse::error(
                400,
                format!(
                    "client version {v} is too new. Maximum supported API version is {API_VERSION}"
                ),
            );
        }
        if let Some(v) = version.filter(|v| too_new("1.12", v)) {
            return ApiResponse {
                status: 400,
                body: Body::Text(format!(
                    "client version {v} is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version"
                )),
            };
        }
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let r = match segs.first().copied() {
            Some("_ping" | "version" | "info") => self.api_system(req, &segs),
            Some("networks") => self.api_networks(k, req, &segs[1..]),
            Some("containers") => self.api_containers(k, req, &segs[1..]),
            Some("exec") => self.api_exec(req, &segs[1..]),
            Some("images") => self.api_images(req, &segs[1..]),
            _ => None,
        };
        match r {
            Some(Ok(resp)) => resp,
            Some(Err(e)) => ApiResponse::error(e.status, e.message),
            None => ApiResponse::error(404, "page not found"),
        }
    }
}

/// A route's answer: `None` when no route matched (404 page not found).
pub type Routed = Option<Result<ApiResponse, ApiError>>;

#[cfg(test)]
mod tests;
