//! [`KernelBackend`]: the engine's [`Kernel`] on the real kernel, in namespaces it owns.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use docknet_netstate::kernel::{Errno, Kernel, KernelError};
use docknet_netstate::op::{NetnsName, Op};
use docknet_netstate::state::KernelState;
use docknet_netstate::walk::{walk, Outcome, Probe, ProbeKind};
use tokio::runtime::Runtime;

use crate::ifindex::Cursor;
use crate::nl::{Conn, NlError};
use crate::{link, netns, nsid, sysctl, KernelBackendError};

/// How long NetnsDel waits for the kernel to remove a dead namespace's veth peers elsewhere.
const PEER_GONE_TIMEOUT: Duration = Duration::from_secs(10);

/// One namespace the backend owns: held by fd, talked to through its own netlink socket.
pub(crate) struct Ns {
    /// Keeps the namespace alive; closing it (and the socket) lets the kernel destroy it.
    pub fd: OwnedFd,
    /// A netlink connection bound to this namespace.
    pub conn: Conn,
    /// Whether iptables ops ever ran here (untouched namespaces have no tables to read).
    pub iptables_touched: bool,
    /// Where the next ifindex comes from (the backend pins every index it creates).
    pub cursor: Cursor,
    /// Listening sockets opened here, in order.
    pub sockets: Vec<crate::socket::Held>,
}

impl Ns {
    /// The namespace fd as a raw number (for IFLA_NET_NS_FD / NETNSA_FD).
    pub(crate) fn fd_raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// The real Linux kernel, confined to network namespaces this value creates and destroys.
pub struct KernelBackend {
    pub(crate) rt: Runtime,
    pub(crate) namespaces: BTreeMap<NetnsName, Ns>,
    /// Link indexes by (namespace, name) learnt during the current `apply_all`; cleared by
    /// any op that renames, moves or deletes links.
    pub(crate) known: RefCell<BTreeMap<(NetnsName, String), u32>>,
    /// Namespaces created ahead for the NetnsAdd ops of the current `apply_all`; unnamed and
    /// unused until an op takes one, destroyed (unseen) if the batch stops early.
    spares: Option<netns::Spares>,
}

impl KernelBackend {
    /// Creates the backend with a fresh "host" namespace (never the machine's own).
    pub fn new() -> Result<Self, KernelBackendError> {
        // Current-thread: the Kernel trait is synchronous, and no worker thread may ever sit in
        // some other namespace; all namespace switching happens on throwaway threads.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let mut backend = KernelBackend {
            rt,
            namespaces: BTreeMap::new(),
            known: RefCell::new(BTreeMap::new()),
            spares: None,
        };
        backend.add_ns(NetnsName::host())?;
        Ok(backend)
    }

    /// The fd of a namespace the backend holds (for tools and tests that need to enter it).
    pub fn netns_fd(&self, ns: &NetnsName) -> Option<BorrowedFd<'_>> {
        self.namespaces.get(ns).map(|n| n.fd.as_fd())
    }

    /// Runs the host namespace's pending linkwatch work (bridges and their ports), for links
    /// something else changed, such as a real dockerd sharing the namespace: afterwards its
    /// carrier states read as they do once a moment has passed.
    pub fn settle_host_links(&self) -> Result<(), KernelBackendError> {
        let Some(host) = self.namespaces.get(&NetnsName::host()) else {
            return Ok(());
        };
        self.rt
            .block_on(crate::linkwatch::settle_bridges(&host.conn))
            .map_err(|e| KernelBackendError::Io(std::io::Error::other(format!("{e:?}"))))
    }

    /// Runs a real binary (ip, bridge, brctl, iptables-save) inside `ns` and collects its output.
    ///
    /// Meant for tools that only read. One that changes links bypasses the backend's ifindex
    /// allocation (the kernel's own cursor lags behind the pinned indexes, so it may reuse a
    /// freed index where an unpinned kernel would not); the backend then checks every index it
    /// pins, so its own later ops still succeed.
    pub fn run_in_netns(
        &self,
        ns: &NetnsName,
        argv: &[String],
    ) -> std::io::Result<std::process::Output> {
        let n = self.namespaces.get(ns).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("no namespace {ns}"))
        })?;
        let args: Vec<&str> = argv.iter().map(String::as_str).collect();
        for other in self.namespaces.values() {
            other.cursor.taint();
        }
        netns::spawn(n.fd.as_fd(), &args, None, true)
    }

    fn add_ns(&mut self, name: NetnsName) -> Result<(), KernelBackendError> {
        let made = match self.spares.as_ref().and_then(netns::Spares::take) {
            Some(made) => made,
            None => netns::create()?,
        };
        let conn = {
            let _in_runtime = self.rt.enter();
            Conn::new(made.route)?
        };
        let fd = made.ns;
        self.namespaces.insert(
            name,
            Ns {
                fd,
                conn,
                iptables_touched: false,
                cursor: Cursor::fresh(),
                sockets: Vec::new(),
            },
        );
        Ok(())
    }

    /// Destroys namespaces, then waits until the kernel has removed their veth peers in the
    /// namespaces that remain (namespace cleanup is asynchronous; batching many deletions
    /// lets the kernel unregister all their devices in one pass).
    pub(crate) fn del_namespaces(&mut self, names: &[NetnsName]) {
        let mut doomed = Vec::new();
        for name in names {
            if let Some(ns) = self.namespaces.remove(name) {
                doomed.push(ns);
            }
        }
        let rt = &self.rt;
        let survivors = &self.namespaces;
        rt.block_on(async {
            let mut peers = Vec::new();
            let mut ids = Vec::new();
            for ns in &doomed {
                peers.extend(peers_elsewhere(ns, survivors).await);
                ids.extend(ids_elsewhere(ns, survivors).await);
            }
            for mut ns in doomed {
                ns.sockets.clear();
                ns.conn.close().await;
                drop(ns.fd);
            }
            let deadline = Instant::now() + PEER_GONE_TIMEOUT;
            for (other, ifindex) in peers {
                let Some(o) = survivors.get(&other) else {
                    continue;
                };
                while link_exists(&o.conn, ifindex).await && Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
            }
            // The kernel frees a dead namespace's nsids asynchronously too; until it has,
            // a new namespace gets the next id instead of the freed one (sim frees at once).
            for (other, id) in ids {
                let Some(o) = survivors.get(&other) else {
                    continue;
                };
                while nsid_taken(&o.conn, id).await && Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
            }
        });
    }

    pub(crate) fn ns(&self, name: &NetnsName, op: &Op) -> Result<&Ns, KernelError> {
        self.namespaces
            .get(name)
            .ok_or_else(|| KernelError::errno(Errno::ENOENT, op))
    }
}

/// Veth peers of `ns`'s links that live in other namespaces the backend holds.
async fn peers_elsewhere(ns: &Ns, others: &BTreeMap<NetnsName, Ns>) -> Vec<(NetnsName, u32)> {
    let Ok(links) = link::dump(&ns.conn).await else {
        return Vec::new();
    };
    let mut wanted: Vec<(u32, u32)> = links
        .iter()
        .filter_map(|l| l.peer.as_ref())
        .filter_map(|p| p.netnsid.map(|id| (id, p.ifindex)))
        .collect();
    let mut out = Vec::new();
    // The host first: a container's peers are normally all there.
    let (host, rest): (Vec<_>, Vec<_>) = others
        .iter()
        .partition(|(n, _)| n.as_str() == NetnsName::HOST);
    for (name, other) in host.into_iter().chain(rest) {
        if wanted.is_empty() {
            break;
        }
        if let Ok(Some(id)) = nsid::of(&ns.conn, other.fd.as_raw_fd()).await {
            out.extend(
                wanted
                    .iter()
                    .filter(|(w, _)| *w == id)
                    .map(|(_, ifindex)| (name.clone(), *ifindex)),
            );
            wanted.retain(|(w, _)| *w != id);
        }
    }
    out
}

/// The nsids that the namespaces the backend keeps use for `ns`.
async fn ids_elsewhere(ns: &Ns, others: &BTreeMap<NetnsName, Ns>) -> Vec<(NetnsName, u32)> {
    let mut out = Vec::new();
    for (name, other) in others {
        if let Ok(Some(id)) = nsid::of(&other.conn, ns.fd.as_raw_fd()).await {
            out.push((name.clone(), id));
        }
    }
    out
}

/// Whether the connection's namespace still has `id` assigned.
async fn nsid_taken(conn: &Conn, id: u32) -> bool {
    nsid::dump(conn).await.is_ok_and(|ids| ids.contains(&id))
}

/// Whether a link with this ifindex exists in the connection's namespace.
async fn link_exists(conn: &Conn, ifindex: u32) -> bool {
    use netlink_packet_route::link::LinkMessage;
    use netlink_packet_route::RouteNetlinkMessage;
    let mut m = LinkMessage::default();
    m.header.index = ifindex;
    conn.get(RouteNetlinkMessage::GetLink(m)).await.is_ok()
}

/// Maps a netlink failure of `op` to the engine's error.
pub(crate) fn map_err(e: NlError, op: &Op) -> KernelError {
    match e {
        NlError::Errno(code) => match Errno::from_code(code) {
            Some(errno) => KernelError::errno(errno, op),
            None => KernelError::Other(format!(
                "{} (errno {code}) in {op:?}",
                std::io::Error::from_raw_os_error(code)
            )),
        },
        NlError::Broken(msg) => KernelError::Other(format!("netlink: {msg} in {op:?}")),
    }
}

impl Kernel for KernelBackend {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        self.apply_all(std::slice::from_ref(op)).map_err(|(_, e)| e)
    }

    fn apply_all(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        self.known.borrow_mut().clear();
        let adds = ops
            .iter()
            .filter(|o| matches!(o, Op::NetnsAdd { .. }))
            .count();
        if adds > 1 {
            self.spares = Some(netns::Spares::start(adds));
        }
        let result = self.apply_ops(ops);
        // Unused spares die here, unseen: nothing but their own fd and socket refer to them.
        self.spares = None;
        if let (Ok(()), Some(host)) = (&result, self.namespaces.get(&NetnsName::host())) {
            self.rt
                .block_on(crate::linkwatch::settle_bridges(&host.conn))
                .map_err(|e| (ops.len().saturating_sub(1), map_err(e, &ops[ops.len() - 1])))?;
        }
        result
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        self.observe_all()
    }

    /// Real packets; where they agree with the walk over the observed state, the walk's
    /// account (which socket, in which namespace) is returned, else the real outcome alone,
    /// so a disagreement shows in the transcript.
    fn probe(&mut self, p: &Probe) -> Result<Outcome, KernelError> {
        let state = self.observe_all()?;
        let predicted = walk(&state, p)
            .map_err(|e| KernelError::Other(e.to_string()))?
            .outcome;
        self.check_probe(&state, p, predicted, 0)
    }

    fn sends_real_packets(&self) -> bool {
        true
    }
}

impl KernelBackend {
    fn check_probe(
        &self,
        state: &KernelState,
        p: &Probe,
        predicted: Outcome,
        depth: usize,
    ) -> Result<Outcome, KernelError> {
        let ns = self.namespaces.get(&p.from).ok_or_else(|| {
            KernelError::Other(format!("probe from {}: no such namespace", p.from))
        })?;
        let real = crate::probe::send(ns.fd.as_fd(), p.dst, p.kind)
            .map_err(|e| KernelError::Other(format!("probe from {}: {e}", p.from)))?;
        if !crate::probe::agree(&real, &predicted, p.kind) {
            return Ok(real);
        }
        // A proxy's onward leg is real too: connect from the proxy's namespace.
        if let Outcome::Connected {
            ns: at,
            socket,
            onward: Some(next),
        } = &predicted
        {
            let target = state.namespaces.get(at).and_then(|n| {
                n.sockets
                    .iter()
                    .find(|s| s.port == socket.port() && s.forward.is_some())
            });
            if let (Some(fwd), true) = (target.and_then(|s| s.forward), depth < 4) {
                let leg = Probe {
                    from: at.clone(),
                    dst: *fwd.ip(),
                    kind: ProbeKind::Tcp(fwd.port()),
                };
                let onward = self.check_probe(state, &leg, (**next).clone(), depth + 1)?;
                return Ok(Outcome::Connected {
                    ns: at.clone(),
                    socket: *socket,
                    onward: Some(Box::new(onward)),
                });
            }
        }
        Ok(predicted)
    }
}

impl KernelBackend {
    fn apply_ops(&mut self, ops: &[Op]) -> Result<(), (usize, KernelError)> {
        let mut i = 0;
        while i < ops.len() {
            if let Some(fused) = self.fuse_veth(ops, i) {
                i = fused?;
                continue;
            }
            let op = &ops[i];
            // Runs of ops that one request (or one process) can carry.
            let run = ops[i..]
                .iter()
                .take_while(|o| batchable_with(op, o))
                .count()
                .max(1);
            match op {
                Op::NetnsAdd { ns } => {
                    if self.namespaces.contains_key(ns) {
                        return Err((i, KernelError::errno(Errno::EEXIST, op)));
                    }
                    self.add_ns(ns.clone())
                        .map_err(|e| (i, KernelError::Other(e.to_string())))?;
                }
                Op::NetnsDel { .. } => {
                    self.known.borrow_mut().clear();
                    let mut names = Vec::new();
                    for (k, o) in ops[i..i + run].iter().enumerate() {
                        if !self.namespaces.contains_key(o.ns()) || names.contains(o.ns()) {
                            self.del_namespaces(&names);
                            return Err((i + k, KernelError::errno(Errno::ENOENT, o)));
                        }
                        names.push(o.ns().clone());
                    }
                    self.del_namespaces(&names);
                }
                Op::SysctlSet { ns, .. } => {
                    let fd = self.ns(ns, op).map_err(|e| (i, e))?.fd.as_fd();
                    let writes: Vec<(&str, &str)> = ops[i..i + run]
                        .iter()
                        .filter_map(|o| match o {
                            Op::SysctlSet { key, value, .. } => {
                                Some((key.as_str(), value.as_str()))
                            }
                            _ => None,
                        })
                        .collect();
                    sysctl::write_all(fd, &writes)
                        .map_err(|(k, e)| (i + k, io_err(e, &ops[i + k])))?;
                }
                o if o.is_iptables() => {
                    self.apply_iptables(&ops[i..i + run])
                        .map_err(|(k, e)| (i + k, e))?;
                }
                Op::SocketOpen { ns, socket } => {
                    let n = self
                        .namespaces
                        .get_mut(ns)
                        .ok_or((i, KernelError::errno(Errno::ENOENT, op)))?;
                    let held = crate::socket::open(n.fd.as_fd(), socket, op).map_err(|e| (i, e))?;
                    n.sockets.push(held);
                }
                Op::SocketClose { ns, socket } => {
                    let n = self
                        .namespaces
                        .get_mut(ns)
                        .ok_or((i, KernelError::errno(Errno::ENOENT, op)))?;
                    crate::socket::close(&mut n.sockets, socket, op).map_err(|e| (i, e))?;
                }
                _ => self.apply_netlink(op).map_err(|e| (i, e))?,
            }
            i += match op {
                Op::NetnsDel { .. } | Op::SysctlSet { .. } => run,
                o if o.is_iptables() => run,
                _ => 1,
            };
        }
        Ok(())
    }
}

/// Whether `next` can go in the same batch as `first` (same kind of batch, same namespace
/// for iptables).
fn batchable_with(first: &Op, next: &Op) -> bool {
    match first {
        Op::NetnsDel { .. } => matches!(next, Op::NetnsDel { .. }),
        Op::SysctlSet { ns, .. } => matches!(next, Op::SysctlSet { ns: n, .. } if n == ns),
        f if f.is_iptables() => next.is_iptables() && next.ns() == f.ns(),
        _ => false,
    }
}

/// Maps an I/O failure of `op` (a sysctl write) to the engine's error.
pub(crate) fn io_err(e: std::io::Error, op: &Op) -> KernelError {
    match e.raw_os_error().and_then(Errno::from_code) {
        Some(errno) => KernelError::errno(errno, op),
        None => KernelError::Other(format!("{e} in {op:?}")),
    }
}

impl Drop for KernelBackend {
    fn drop(&mut self) {
        // Sockets pin their namespaces: close them all before the fds go.
        let namespaces = std::mem::take(&mut self.namespaces);
        self.rt.block_on(async {
            for (_, mut ns) in namespaces {
                ns.sockets.clear();
                ns.conn.close().await;
                drop(ns.fd);
            }
        });
    }
}
