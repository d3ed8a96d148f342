//! HTTP/1.1 on the unix socket: each request parsed once into an [`ApiRequest`], answered by
//! the engine thread, written back with Docker's headers.
//!
//! Facts (`shared/reference/engine-api.md` §1–§4, dockerd 20.10.24):
//! - every response carries `Api-Version: 1.41` (the CLI falls back to 1.24 without it on
//!   `/_ping`), `Docker-Experimental`, `Ostype` and `Server: Docker/20.10.24+dfsg1 (linux)`;
//! - JSON bodies end in a newline; errors use Content-Type exactly `application/json`;
//! - a `wait` sends its 200 headers at once and the body when the container exits;
//! - exec start answers 101 and hands the connection over (see [`super::hijack`]).

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response, StatusCode};

use docknet_engine::api::attach::{stream_type, AttachSpec};
use docknet_engine::api::{ApiRequest, ApiResponse, Body, WaitSpec, API_VERSION, MAX_BODY};

use super::hijack;
use super::worker::Worker;

/// A response body: all at once, or frames sent later from a channel.
pub enum RespBody {
    /// The whole body.
    Full(Full<Bytes>),
    /// Frames as they come; the body ends when the sender is dropped.
    Stream(tokio::sync::mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for RespBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            RespBody::Full(f) => std::pin::Pin::new(f).poll_frame(cx),
            RespBody::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    // A whole body's length lets hyper send Content-Length rather than chunks, as dockerd
    // (Go's net/http) does for a small answer written at once.
    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            RespBody::Full(f) => f.size_hint(),
            RespBody::Stream(_) => hyper::body::SizeHint::default(),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RespBody::Full(f) => f.is_end_stream(),
            RespBody::Stream(_) => false,
        }
    }
}

/// A response with Docker's headers.
fn response(status: u16, content_type: Option<&str>, body: RespBody) -> Response<RespBody> {
    let mut b = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("Api-Version", API_VERSION)
        .header("Docker-Experimental", "false")
        .header("Ostype", "linux")
        .header("Server", "Docker/20.10.24+dfsg1 (linux)");
    if let Some(ct) = content_type {
        b = b.header("Content-Type", ct);
    }
    b.body(body)
        .unwrap_or_else(|_| Response::new(RespBody::Full(Full::new(Bytes::new()))))
}

/// A JSON document with a final newline, as dockerd writes it.
fn json_bytes(v: &serde_json::Value) -> Bytes {
    let mut out = serde_json::to_vec(v).unwrap_or_default();
    out.push(b'\n');
    Bytes::from(out)
}

/// One request, start to finish.
pub async fn handle(
    worker: Worker,
    mut req: Request<Incoming>,
) -> Result<Response<RespBody>, Infallible> {
    let upgrade = hyper::upgrade::on(&mut req);
    let method = req.method().as_str().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(e) => {
            let msg = format!("docknet: cannot read the request body: {e}");
            let v = serde_json::json!({ "message": msg });
            return Ok(response(
                400,
                Some("application/json"),
                full(json_bytes(&v)),
            ));
        }
    };
    let mut api = ApiRequest::new(&method, &target, body);
    api.wall_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs());
    let Some(resp) = worker.call(move |r| r.api(&api)).await else {
        return Ok(unavailable());
    };
    Ok(match resp.body {
        Body::Wait(spec) => stream_wait(worker, spec),
        Body::Exec(spec) => hijack::exec(worker, spec, upgrade),
        Body::Attach(spec) => hijack::attach(worker, spec, upgrade),
        Body::Follow(spec) => stream_follow(worker, spec),
        _ => plain(resp),
    })
}

/// The engine thread has stopped (the server is shutting down).
fn unavailable() -> Response<RespBody> {
    let v = serde_json::json!({"message": "docknet: the server is stopping"});
    response(503, Some("application/json"), full(json_bytes(&v)))
}

/// A whole body.
fn full(b: Bytes) -> RespBody {
    RespBody::Full(Full::new(b))
}

/// An answer that is complete now.
fn plain(resp: ApiResponse) -> Response<RespBody> {
    match resp.body {
        Body::Empty => response(resp.status, None, full(Bytes::new())),
        Body::Json(v) => response(resp.status, Some("application/json"), full(json_bytes(&v))),
        Body::Text(t) => response(
            resp.status,
            Some("text/plain; charset=utf-8"),
            full(Bytes::from(t)),
        ),
        Body::JsonLines(lines) => {
            let mut out = Vec::new();
            for l in &lines {
                out.extend_from_slice(&json_bytes(l));
            }
            response(
                resp.status,
                Some("application/json"),
                full(Bytes::from(out)),
            )
        }
        Body::Raw {
            content_type,
            bytes,
        } => response(resp.status, Some(content_type), full(Bytes::from(bytes))),
        Body::Wait(_) | Body::Exec(_) | Body::Attach(_) | Body::Follow(_) => {
            response(500, None, full(Bytes::new()))
        }
    }
}

/// `logs --follow`: 200 and the headers now; the output once the container exits.
fn stream_follow(worker: Worker, spec: AttachSpec) -> Response<RespBody> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let tty = spec.tty;
    tokio::spawn(async move {
        loop {
            let s = spec.clone();
            let Some(answer) = worker.call(move |r| r.api_attach(&s)).await else {
                return;
            };
            if let Some(bytes) = answer {
                let _ = tx.send(Bytes::from(bytes)).await;
                return;
            }
            if tx.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    response(200, Some(stream_type(tty)), RespBody::Stream(rx))
}

/// `wait`: 200 and the headers now; the body once the condition holds (or never, if the
/// client goes away first).
fn stream_wait(worker: Worker, spec: WaitSpec) -> Response<RespBody> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        loop {
            let s = spec.clone();
            let Some(answer) = worker.call(move |r| r.api_wait(&s)).await else {
                return;
            };
            if let Some(v) = answer {
                let _ = tx.send(json_bytes(&v)).await;
                return;
            }
            if tx.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    response(200, Some("application/json"), RespBody::Stream(rx))
}
