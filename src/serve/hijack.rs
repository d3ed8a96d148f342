//! Exec on a hijacked connection: 101, then the program's output, then the close.
//!
//! Facts (`shared/reference/engine-api.md` §3): without a TTY each chunk is framed
//! `[stream, 0, 0, 0, len: u32 BE] ++ payload` (1 stdout, 2 stderr), with one it is raw;
//! closing the stream ends the output, after which the CLI reads the exit code from
//! `GET /exec/{id}/json`; a client half-closes its side when it has no stdin, which is not a
//! disconnect; docker-py drops bytes that arrive with the 101, so output waits ~50 ms.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::upgrade::OnUpgrade;
use hyper::Response;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use docknet_engine::api::{ExecSpec, API_VERSION};

use super::http::RespBody;
use super::worker::Worker;

/// One multiplexed frame.
pub fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + payload.len());
    out.extend_from_slice(&[stream, 0, 0, 0]);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// The bytes an exec's output makes on the wire.
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

/// Answers 101 and, once the connection is handed over, runs the exec on it.
pub fn exec(worker: Worker, spec: ExecSpec, upgrade: OnUpgrade) -> Response<RespBody> {
    let content_type = if spec.tty {
        "application/vnd.docker.raw-stream"
    } else {
        "application/vnd.docker.multiplexed-stream"
    };
    tokio::spawn(async move {
        let io = match upgrade.await {
            Ok(io) => io,
            Err(_) => {
                // The client did not upgrade: the program still runs, as dockerd's would.
                let _ = worker.call(move |r| r.api_exec(&spec)).await;
                return;
            }
        };
        let mut io = TokioIo::new(io);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let tty = spec.tty;
        let Some(out) = worker.call(move |r| r.api_exec(&spec)).await else {
            return;
        };
        let _ = io.write_all(&wire(&out.stdout, &out.stderr, tty)).await;
        let _ = io.flush().await;
        let _ = io.shutdown().await;
        // Drain what the client still sends (stdin, its half-close) so the close is clean.
        let mut buf = [0u8; 4096];
        let drain = async {
            while let Ok(n) = io.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
    });
    Response::builder()
        .status(101)
        .header("Api-Version", API_VERSION)
        .header("Content-Type", content_type)
        .header("Connection", "Upgrade")
        .header("Upgrade", "tcp")
        .body(RespBody::Full(Full::new(Bytes::new())))
        .unwrap_or_else(|_| Response::new(RespBody::Full(Full::new(Bytes::new()))))
}
