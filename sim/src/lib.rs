//! docknet-sim: an in-memory, deterministic Linux network kernel.
//!
//! [`Sim`] implements the engine's [`Kernel`] trait over the [`Op`] vocabulary and reports a
//! [`KernelState`] that is meant to equal, byte for byte, what the real 6.18 kernel on the
//! reference machine reports for the same ops. Every rule modelled here was checked on that
//! kernel in a scratch namespace (`unshare --net --mount`); the module that models a rule
//! carries the fact and how it was observed.
//!
//! Layout: one module per kernel object. `netns` holds a namespace's own tables, `link`
//! devices, `veth` pairs, `netdev` their lifecycle (up, down, delete, move), `bridge` ports,
//! STP states, the bridge carrier and MAC, `carrier` the linkwatch (operstate) machinery,
//! `addr` IPv4/IPv6 addresses, `route` the main FIB table, `sysctl`, `iptables`, `nsid`, and
//! `observe` builds the [`KernelState`].
//!
//! Timing: the real kernel applies carrier changes through linkwatch, up to one second late.
//! The sim settles every op completely before the next one (as if each op were followed by a
//! pause), which is the state a backend sees once it waits for the kernel to settle.
//!
//! Checking: `examples/crosscheck` prints a scenario as `ip`/`sysctl`/`iptables` commands
//! plus the sim's state in a line format; run the commands in `unshare --net --mount`, dump the
//! real state in the same format and diff. The docker, bridge, misc and errors scenarios (and
//! their prefixes) were identical on the 6.18 reference kernel, but for kernel-random MACs.

mod addr;
mod bridge;
mod carrier;
mod error;
mod iptables;
mod link;
mod netdev;
mod netns;
mod nsid;
mod observe;
mod route;
mod socket;
mod sysctl;
mod veth;

pub use error::SimError;

use std::collections::{BTreeMap, BTreeSet};

use docknet_netstate::rng::SeededRng;
use docknet_netstate::{Kernel, KernelError, KernelState, NetnsName, Op};

use link::Dev;
use netns::Net;

/// Internal identity of a namespace (names can be reused after deletion; ids cannot).
pub(crate) type NetId = u64;
/// Internal identity of a device (stable across renames and namespace moves).
pub(crate) type DevId = u64;

/// The seed [`Sim::new`] uses for kernel-chosen (random) MAC addresses.
pub const DEFAULT_SEED: u64 = 0x6b65_726e_656c;

/// The simulated kernel: every namespace, device, address, route, sysctl and iptables table.
#[derive(Debug)]
pub struct Sim {
    /// Live namespaces by name.
    pub(crate) names: BTreeMap<NetnsName, NetId>,
    /// Namespace state by id.
    pub(crate) nets: BTreeMap<NetId, Net>,
    /// Every device of every namespace, by id.
    pub(crate) devs: BTreeMap<DevId, Dev>,
    /// Devices with a queued linkwatch event (a carrier change not yet applied to operstate).
    pub(crate) pending: BTreeSet<DevId>,
    /// Source of the random MACs the kernel gives links created without one.
    pub(crate) rng: SeededRng,
    next_net: NetId,
    next_dev: DevId,
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}

impl Sim {
    /// A kernel whose host namespace holds only `lo`, down, as a fresh `unshare --net` one.
    pub fn new() -> Sim {
        Sim::with_seed(DEFAULT_SEED)
    }

    /// Like [`Sim::new`], with random MACs drawn from `seed`.
    pub fn with_seed(seed: u64) -> Sim {
        let mut sim = Sim {
            names: BTreeMap::new(),
            nets: BTreeMap::new(),
            devs: BTreeMap::new(),
            pending: BTreeSet::new(),
            rng: SeededRng::new(seed),
            next_net: 1,
            next_dev: 1,
        };
        sim.netns_add(&NetnsName::host())
            .expect("a fresh kernel can create its host namespace");
        sim
    }

    /// A new namespace id.
    pub(crate) fn alloc_net_id(&mut self) -> NetId {
        let id = self.next_net;
        self.next_net += 1;
        id
    }

    /// A new device id.
    pub(crate) fn alloc_dev_id(&mut self) -> DevId {
        let id = self.next_dev;
        self.next_dev += 1;
        id
    }

    /// Applies one op; on error nothing changed (every op validates before it mutates).
    fn dispatch(&mut self, op: &Op) -> Result<(), SimError> {
        match op {
            Op::NetnsAdd { ns } => self.netns_add(ns),
            Op::NetnsDel { ns } => self.netns_del(ns),
            Op::LinkAdd {
                ns,
                name,
                mac,
                kind,
            } => self.link_add(ns, name, *mac, kind),
            Op::LinkDel { ns, name } => self.link_del(ns, name),
            Op::LinkSetUp { ns, name, up } => self.link_set_up(ns, name, *up),
            Op::LinkSetMaster { ns, name, master } => {
                self.link_set_master(ns, name, master.as_deref())
            }
            Op::LinkSetName { ns, name, new_name } => self.link_set_name(ns, name, new_name),
            Op::LinkSetMac { ns, name, mac } => self.link_set_mac(ns, name, *mac),
            Op::LinkSetMtu { ns, name, mtu } => self.link_set_mtu(ns, name, *mtu),
            Op::LinkSetTxQueueLen { ns, name, qlen } => self.link_set_txqlen(ns, name, *qlen),
            Op::LinkSetNetns { ns, name, target } => self.link_set_netns(ns, name, target),
            Op::AddrAdd {
                ns,
                dev,
                addr,
                broadcast,
            } => self.addr_add(ns, dev, *addr, *broadcast),
            Op::AddrDel { ns, dev, addr } => self.addr_del(ns, dev, *addr),
            Op::RouteAdd { ns, route } => self.route_add(ns, route),
            Op::RouteDel { ns, route } => self.route_del(ns, route),
            Op::SysctlSet { ns, key, value } => self.sysctl_set(ns, key, value),
            Op::ChainAdd { ns, table, chain } => self.chain_add(ns, *table, chain),
            Op::ChainDel { ns, table, chain } => self.chain_del(ns, *table, chain),
            Op::ChainFlush { ns, table, chain } => self.chain_flush(ns, *table, chain),
            Op::ChainPolicy {
                ns,
                table,
                chain,
                policy,
            } => self.chain_policy(ns, *table, chain, policy),
            Op::RuleAdd {
                ns,
                table,
                chain,
                rule,
                at,
            } => self.rule_add(ns, *table, chain, rule, *at),
            Op::SocketOpen { ns, socket } => self.socket_open(ns, socket),
            Op::LocalRouteAdd { ns, dst } => self.local_route_add(ns, *dst),
            Op::SocketClose { ns, socket } => self.socket_close(ns, socket),
            Op::RuleDel {
                ns,
                table,
                chain,
                rule,
            } => self.rule_del(ns, *table, chain, rule),
        }
    }
}

impl Kernel for Sim {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        let res = self.dispatch(op);
        // Linkwatch runs after the op, whether or not it failed half-way (ops validate first,
        // so a failed op queued nothing).
        self.settle();
        res.map_err(|e| e.into_kernel_error(op))
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        Ok(self.build_state())
    }
}
