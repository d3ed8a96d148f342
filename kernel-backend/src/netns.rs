//! The only place that switches a thread's namespaces.
//!
//! `setns`/`unshare` change the *calling thread* only, and tokio reuses its threads, so every
//! namespace switch happens on a fresh `std::thread` that does its work and exits. Netlink
//! sockets and child processes keep the namespace of the thread that made them, which is how
//! work done on such a thread reaches the rest of the backend.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;

use nix::mount::{mount, MsFlags};
use nix::sched::{setns, unshare, CloneFlags};

/// A netlink route socket, created inside some namespace and bound to it for life.
pub(crate) type RouteSocketFd = OwnedFd;

/// Runs `f` on a fresh thread that first joined the network namespace `ns`.
///
/// With `private_sys`, the thread also gets its own mount namespace with a fresh sysfs on
/// `/sys`, so `/sys/class/net` lists the links of `ns` (brctl reads it); the mount namespace
/// dies with the thread and whatever child it spawned.
pub(crate) fn run_in<T, F>(ns: BorrowedFd<'_>, private_sys: bool, f: F) -> io::Result<T>
where
    T: Send,
    F: FnOnce() -> io::Result<T> + Send,
{
    let raw = ns.as_raw_fd();
    std::thread::scope(|s| {
        s.spawn(move || {
            // SAFETY-free: `raw` stays open for the whole scope because `ns` borrows it.
            let fd = unsafe { BorrowedFd::borrow_raw(raw) };
            setns(fd, CloneFlags::CLONE_NEWNET).map_err(io::Error::from)?;
            if private_sys {
                remount_sys()?;
            }
            f()
        })
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("namespace thread panicked")))
    })
}

/// Gives the calling thread a private mount namespace whose `/sys` shows its netns.
fn remount_sys() -> io::Result<()> {
    unshare(CloneFlags::CLONE_NEWNS).map_err(io::Error::from)?;
    // Private first, so nothing we mount propagates back to the machine's mount table.
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(io::Error::from)?;
    mount(
        Some("sysfs"),
        "/sys",
        Some("sysfs"),
        MsFlags::empty(),
        None::<&str>,
    )
    .map_err(io::Error::from)
}

/// A fresh namespace: its fd and a netlink route socket bound to it.
pub(crate) struct Made {
    /// The namespace.
    pub ns: OwnedFd,
    /// NETLINK_ROUTE socket made inside it.
    pub route: RouteSocketFd,
}

/// Creates a fresh network namespace with its sockets.
pub(crate) fn create() -> io::Result<Made> {
    std::thread::spawn(|| {
        unshare(CloneFlags::CLONE_NEWNET).map_err(io::Error::from)?;
        settle_dad();
        let ns: OwnedFd = File::open("/proc/thread-self/ns/net")?.into();
        let route = route_socket()?;
        Ok(Made { ns, route })
    })
    .join()
    .unwrap_or_else(|_| Err(io::Error::other("namespace thread panicked")))
}

/// Turns IPv6 duplicate address detection off in the calling thread's (fresh) namespace.
///
/// With DAD on, every link-local address reads `tentative` for about a second after its link
/// comes up; the hosts the tutorial and the recordings show were read long after that. A
/// replay reads state right after each step, so its namespaces skip DAD and show the settled
/// addresses at once, as the simulated kernel does. `accept_dad` is not among the sysctls
/// docknet observes, so nothing else in the observed state changes. Without IPv6 in the
/// kernel the files are missing and there is nothing to settle.
fn settle_dad() {
    for conf in ["all", "default"] {
        let _ = std::fs::write(format!("/proc/sys/net/ipv6/conf/{conf}/accept_dad"), "0");
    }
}

/// Namespaces being created ahead of use, on background threads, while the caller works.
///
/// Namespace creation mostly waits inside the kernel, so it overlaps well with other work and
/// with itself: 8 lanes bring it from about 2.3 ms to 0.5 ms per namespace on this 2-CPU
/// machine. Spares are indistinguishable until used; unused ones die with this value.
pub(crate) struct Spares {
    rx: Option<mpsc::Receiver<io::Result<Made>>>,
    lanes: Vec<std::thread::JoinHandle<()>>,
}

impl Spares {
    /// Starts creating `n` namespaces on up to 8 lanes (each lane runs [`create`], which
    /// does the unshare on yet another fresh thread: lane threads never switch).
    pub(crate) fn start(n: usize) -> Spares {
        const PARALLEL: usize = 8;
        let (tx, rx) = mpsc::channel();
        let lanes = (0..PARALLEL.min(n))
            .map(|lane| {
                let count = n / PARALLEL.min(n) + usize::from(lane < n % PARALLEL.min(n));
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for _ in 0..count {
                        if tx.send(create()).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        Spares {
            rx: Some(rx),
            lanes,
        }
    }

    /// The next namespace made ahead, or `None` when none is left.
    pub(crate) fn take(&self) -> Option<Made> {
        self.rx.as_ref()?.recv().ok()?.ok()
    }
}

impl Drop for Spares {
    fn drop(&mut self) {
        // Closing the channel stops the lanes after their current namespace.
        drop(self.rx.take());
        for lane in self.lanes.drain(..) {
            let _ = lane.join();
        }
    }
}

/// Opens a netlink route socket on the calling thread (so in its netns).
fn route_socket() -> io::Result<RouteSocketFd> {
    let s = rtnetlink::sys::Socket::new(rtnetlink::sys::protocols::NETLINK_ROUTE)?;
    // SAFETY: into_raw_fd hands over sole ownership of a valid, open descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(s.into_raw_fd()) })
}

/// Whether this process may create network namespaces (CAP_SYS_ADMIN + CAP_NET_ADMIN).
pub fn probe() -> Result<(), String> {
    let made = create().map_err(|e| format!("cannot unshare a network namespace: {e}"))?;
    // Netlink writes need CAP_NET_ADMIN; a sysctl write in the new namespace checks it.
    run_in(made.ns.as_fd(), false, || {
        std::fs::write("/proc/sys/net/ipv4/ip_forward", "0")
    })
    .map_err(|e| format!("cannot configure a fresh network namespace: {e}"))
}

/// Runs `argv` to completion inside `ns`, feeding it `stdin` (or nothing).
///
/// With `private_sys` the child sees a `/sys` of `ns` (brctl needs it; iptables does not).
pub(crate) fn spawn(
    ns: BorrowedFd<'_>,
    argv: &[&str],
    stdin: Option<&[u8]>,
    private_sys: bool,
) -> io::Result<Output> {
    let (prog, args) = argv
        .split_first()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "empty argv"))?;
    run_in(ns, private_sys, || {
        let mut child = Command::new(prog)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .spawn()?;
        if let Some(input) = stdin {
            use std::io::Write;
            // Dropping the handle closes the pipe so the tool sees EOF.
            child.stdin.take().expect("piped").write_all(input)?;
        }
        child.wait_with_output()
    })
}

/// The inode of a namespace fd, which identifies the namespace.
#[cfg(test)]
fn inode(ns: BorrowedFd<'_>) -> io::Result<u64> {
    nix::sys::stat::fstat(ns)
        .map(|st| st.st_ino)
        .map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_gives_a_new_namespace() {
        if probe().is_err() {
            return;
        }
        let own = File::open("/proc/self/ns/net").unwrap();
        let made = create().unwrap();
        assert_ne!(inode(own.as_fd()).unwrap(), inode(made.ns.as_fd()).unwrap());
        // This thread never moved.
        let still = File::open("/proc/thread-self/ns/net").unwrap();
        assert_eq!(inode(own.as_fd()).unwrap(), inode(still.as_fd()).unwrap());
    }
}
