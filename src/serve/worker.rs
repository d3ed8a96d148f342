//! The one thread that owns the kernel and the engine: every request runs there, one at a
//! time, in arrival order, so the engine sees the same serial command stream a replay does.

use std::sync::mpsc;
use std::thread::JoinHandle;

use crate::runner::Runner;
use crate::scenario::Scenario;
use crate::{Backend, Error};

/// A job for the engine thread.
type Job = Box<dyn for<'a, 'k> FnOnce(&'a mut Runner<'k>) + Send>;

/// A handle on the engine thread; cloning it shares the thread.
#[derive(Clone)]
pub struct Worker {
    tx: mpsc::Sender<Job>,
}

/// The engine thread itself, to join when the server stops.
pub struct WorkerThread {
    handle: JoinHandle<()>,
}

impl WorkerThread {
    /// Waits until the thread has dropped its kernel (on the kernel backend: removed every
    /// namespace it made). Every [`Worker`] must be dropped first.
    pub fn join(self) {
        let _ = self.handle.join();
    }
}

/// An empty scenario: the host `docknet replay` builds for a file with no directives.
fn bare_host() -> Scenario {
    Scenario {
        file: "<serve>".into(),
        seed: None,
        host_ifs: Vec::new(),
        userland_proxy: true,
        steps: Vec::new(),
        files: Vec::new(),
    }
}

/// Starts the engine thread on `backend`, booted with `seed`.
pub fn start(backend: Backend, seed: u64) -> Result<(Worker, WorkerThread), Error> {
    let (tx, rx) = mpsc::channel::<Job>();
    let (ready_tx, ready_rx) = mpsc::channel::<Result<(), Error>>();
    let handle = std::thread::Builder::new()
        .name("docknet-engine".into())
        .spawn(move || {
            let mut kernel = match backend.kernel() {
                Ok(k) => k,
                Err(e) => return drop(ready_tx.send(Err(e))),
            };
            let scenario = bare_host();
            let mut runner = match Runner::start(&scenario, seed, &mut *kernel) {
                Ok(r) => r,
                Err(e) => return drop(ready_tx.send(Err(e))),
            };
            let _ = ready_tx.send(Ok(()));
            while let Ok(job) = rx.recv() {
                job(&mut runner);
            }
            drop(runner);
            drop(kernel);
        })
        .map_err(|e| Error::Setup(format!("engine thread: {e}")))?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok((Worker { tx }, WorkerThread { handle })),
        Ok(Err(e)) => {
            let _ = handle.join();
            Err(e)
        }
        Err(_) => Err(Error::Setup("engine thread died while starting".into())),
    }
}

impl Worker {
    /// Runs `f` on the engine thread and waits for its answer.
    pub async fn call<T, F>(&self, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: for<'a, 'k> FnOnce(&'a mut Runner<'k>) -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |r| {
            let _ = tx.send(f(r));
        });
        self.tx.send(job).ok()?;
        rx.await.ok()
    }
}
