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

use docknet_engine::api::attach::{stream_type, wire, AttachSpec};
use docknet_engine::api::{ExecSpec, API_VERSION};

use super::http::RespBody;
use super::worker::Worker;

/// Answers 101 and, once the connection is handed over, runs the exec on it.
pub fn exec(worker: Worker, spec: ExecSpec, upgrade: OnUpgrade) -> Response<RespBody> {
    let content_type = stream_type(spec.tty);
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
        finish(&mut io, &wire(&out.stdout, &out.stderr, tty)).await;
    });
    upgraded(content_type)
}

/// Writes the output, closes our side, and drains what the client still sends (its stdin,
/// then its half-close) so the close loses nothing.
async fn finish(io: &mut TokioIo<hyper::upgrade::Upgraded>, bytes: &[u8]) {
    let _ = io.write_all(bytes).await;
    let _ = io.flush().await;
    let _ = io.shutdown().await;
    let mut buf = [0u8; 4096];
    let drain = async {
        while let Ok(n) = io.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
}

/// Answers 101 and holds the connection until the container exits, then sends its output.
/// A client that goes away (a read error) ends the wait; a half-close does not.
pub fn attach(worker: Worker, spec: AttachSpec, upgrade: OnUpgrade) -> Response<RespBody> {
    let content_type = stream_type(spec.tty);
    tokio::spawn(async move {
        let Ok(io) = upgrade.await else { return };
        let mut io = TokioIo::new(io);
        let mut buf = [0u8; 4096];
        let mut reading = true;
        loop {
            let s = spec.clone();
            let Some(answer) = worker.call(move |r| r.api_attach(&s)).await else {
                return;
            };
            if let Some(bytes) = answer {
                tokio::time::sleep(Duration::from_millis(50)).await;
                return finish(&mut io, &bytes).await;
            }
            let tick = tokio::time::sleep(Duration::from_millis(100));
            tokio::select! {
                _ = tick => {}
                r = io.read(&mut buf), if reading => match r {
                    Ok(0) => reading = false,
                    Ok(_) => {}
                    Err(_) => return,
                },
            }
        }
    });
    upgraded(content_type)
}

/// The 101 that hands the connection over.
fn upgraded(content_type: &'static str) -> Response<RespBody> {
    Response::builder()
        .status(101)
        .header("Api-Version", API_VERSION)
        .header("Content-Type", content_type)
        .header("Connection", "Upgrade")
        .header("Upgrade", "tcp")
        .body(RespBody::Full(Full::new(Bytes::new())))
        .unwrap_or_else(|_| Response::new(RespBody::Full(Full::new(Bytes::new()))))
}
