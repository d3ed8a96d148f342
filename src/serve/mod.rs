//! `docknet serve`: the Docker Engine API 1.41 on a unix socket, over the same engine a
//! replay uses, so a real docker CLI 20.10 (`DOCKER_HOST=unix://PATH docker ...`) prints
//! what `docknet replay` prints for the same commands.
//!
//! One engine thread owns the kernel and the engine ([`worker`]); HTTP connections
//! ([`http`], hyper over tokio) hand it one request at a time. The state lives until the
//! server stops; Ctrl-C or SIGTERM stop it cleanly (on the kernel backend the engine
//! thread drops the kernel, which removes every namespace it made) and remove the socket.
//!
//! Facts: see `shared/reference/engine-api.md`; the routes and their Docker behaviour are
//! in `docknet_engine::api`.

pub mod hijack;
pub mod http;
pub mod worker;

use std::path::PathBuf;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::UnixListener;
use tokio::signal::unix::{signal, SignalKind};

use crate::{Backend, Error};

/// The socket `serve` listens on by default.
pub const DEFAULT_SOCKET: &str = "/tmp/docknet.sock";

/// What `docknet serve` was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeOptions {
    /// The unix socket's path.
    pub socket: PathBuf,
    /// The kernel to run on.
    pub backend: Backend,
    /// The engine's seed.
    pub seed: u64,
}

/// Parses `serve`'s arguments: `[--socket PATH] [--backend sim|kernel] [--seed N]`.
pub fn parse_args(args: &[String]) -> Result<ServeOptions, String> {
    let mut o = ServeOptions {
        socket: PathBuf::from(DEFAULT_SOCKET),
        backend: Backend::Sim,
        seed: docknet_engine::DEFAULT_SEED,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or(format!("{name} needs a value"))
        };
        match flag {
            "--socket" => o.socket = PathBuf::from(value("--socket")?),
            "--backend" => {
                let v = value("--backend")?;
                o.backend = Backend::parse(&v)
                    .ok_or(format!("--backend takes sim or kernel, not `{v}`"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                o.seed = v
                    .parse()
                    .map_err(|_| format!("--seed takes a number, not `{v}`"))?;
            }
            other => return Err(format!("serve: unexpected `{other}`")),
        }
    }
    Ok(o)
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn serve(o: &ServeOptions) -> Result<(), Error> {
    let (worker, thread) = worker::start(o.backend, o.seed)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Setup(format!("tokio runtime: {e}")))?;
    let result = rt.block_on(accept_loop(o, worker));
    // The runtime's tasks hold Worker clones: drop them, then let the engine thread finish.
    drop(rt);
    thread.join();
    let _ = std::fs::remove_file(&o.socket);
    result
}

/// Accepts connections until a signal; each connection runs as its own task.
async fn accept_loop(o: &ServeOptions, worker: worker::Worker) -> Result<(), Error> {
    if o.socket.exists() {
        let _ = std::fs::remove_file(&o.socket);
    }
    let listener = UnixListener::bind(&o.socket)
        .map_err(|e| Error::Setup(format!("cannot listen on {}: {e}", o.socket.display())))?;
    let mut term = signal(SignalKind::terminate())
        .map_err(|e| Error::Setup(format!("SIGTERM handler: {e}")))?;
    let mut int = signal(SignalKind::interrupt())
        .map_err(|e| Error::Setup(format!("SIGINT handler: {e}")))?;
    eprintln!(
        "docknet serve: Engine API {} on unix://{} ({} backend)",
        docknet_engine::api::API_VERSION,
        o.socket.display(),
        o.backend.name()
    );
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let w = worker.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| http::handle(w.clone(), req));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .with_upgrades()
                        .await;
                });
            }
        }
    }
    eprintln!("docknet serve: stopping");
    Ok(())
}
