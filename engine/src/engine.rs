//! The Docker daemon's networking half: the entry point for every command.

use crate::clock::Clock;
use crate::container::Containers;
use crate::ipam::Ipam;
use crate::kernel::Kernel;
use crate::network::Network;
use crate::op::{Ipv4Cidr, NetnsName};
use crate::output::CommandOutput;
use crate::rng::SeededRng;
use crate::state::KernelState;

/// The seed used when a scenario names none.
pub const DEFAULT_SEED: u64 = 20_10_24;

/// One simulated `dockerd`: its networks, containers and endpoints.
#[derive(Debug)]
pub struct Engine {
    /// Every random choice comes from here.
    pub(crate) rng: SeededRng,
    /// `time.Now()`.
    pub(crate) clock: Clock,
    /// Networks in creation order.
    pub(crate) networks: Vec<Network>,
    /// The local address space.
    pub(crate) ipam: Ipam,
    /// IPv4 route destinations of the host namespace (libnetwork avoids them for auto pools).
    pub(crate) host_routes: Vec<Ipv4Cidr>,
    /// What libnetwork's `iptables -C` checks find in the host's filter table.
    pub(crate) filter_facts: crate::firewall::chains::FilterFacts,
    /// Containers and their endpoints (the containers half).
    pub(crate) containers: Containers,
    /// A network tool a container just started as its main process, for the runner.
    pub(crate) pending: Option<crate::container::foreground::PendingProcess>,
    /// `dockerd --userland-proxy` (default true): published ports get a docker-proxy.
    pub(crate) userland_proxy: bool,
    /// Exec instances made through the Engine API.
    pub(crate) execs: crate::api::exec::Execs,
    /// Main process outputs, for the Engine API's attach, logs and wait.
    pub(crate) outputs: crate::api::attach::MainOutputs,
}

impl Engine {
    /// A daemon that has not started yet; all its randomness comes from `seed`.
    pub fn new(seed: u64) -> Self {
        Engine {
            rng: SeededRng::new(seed),
            clock: Clock::default(),
            networks: Vec::new(),
            ipam: Ipam::default(),
            host_routes: Vec::new(),
            filter_facts: crate::firewall::chains::FilterFacts::steady(),
            containers: Containers::default(),
            pending: None,
            userland_proxy: true,
            execs: Default::default(),
            outputs: Default::default(),
        }
    }

    /// Tells the daemon which IPv4 routes (with a destination) the host already has, as
    /// libnetwork reads them from the kernel; automatic subnets avoid them. Call before boot
    /// and before each command (routes change), e.g. with [`Engine::host_route_destinations`].
    pub fn set_host_routes(&mut self, routes: Vec<Ipv4Cidr>) {
        self.host_routes = routes;
    }

    /// Tells the daemon what its `iptables -C` checks would find in the host's filter table
    /// (`DOCKER-USER`, its `-j RETURN`, FORWARD), e.g. from [`FilterFacts::of`]; call before each
    /// command that creates a network (tool steps may have changed them).
    ///
    /// [`FilterFacts::of`]: crate::firewall::chains::FilterFacts::of
    pub fn set_filter_facts(&mut self, facts: crate::firewall::chains::FilterFacts) {
        self.filter_facts = facts;
    }

    /// The IPv4 route destinations of the host namespace in `state` (what libnetwork's
    /// overlap check reads), for [`Engine::set_host_routes`].
    pub fn host_route_destinations(state: &KernelState) -> Vec<Ipv4Cidr> {
        state
            .ns(NetnsName::HOST)
            .map(|ns| ns.routes.iter().filter_map(|r| r.dst).collect())
            .unwrap_or_default()
    }

    /// `dockerd --userland-proxy=false` (call before [`Engine::boot`]): no docker-proxy;
    /// published ports are DNATed from every interface, hairpin traffic masqueraded.
    pub fn set_userland_proxy(&mut self, on: bool) {
        self.userland_proxy = on;
    }

    /// Daemon start: creates docker0, sets sysctls and the base iptables chains, and the
    /// `bridge`, `host` and `none` networks.
    pub fn boot(&mut self, kernel: &mut dyn Kernel) -> Result<(), crate::KernelError> {
        self.daemon_start(kernel)
    }

    /// Runs one `docker ...` command line (`args` without the leading `docker`).
    pub fn docker(&mut self, kernel: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        self.dispatch(kernel, args)
    }

    /// The sandbox keys Docker keeps under `/var/run/docker/netns` (`ls` order: sorted).
    pub fn sandbox_keys(&self) -> Vec<String> {
        self.ctr_sandbox_keys()
    }

    /// Whether the daemon has made its sandbox key directory yet (with its first sandbox).
    pub fn sandbox_dir_exists(&self) -> bool {
        self.containers.netns_dir_made
    }

    /// The namespace of a running container, by name, full ID or ID prefix.
    pub fn container_netns(&self, name_or_id: &str) -> Option<NetnsName> {
        self.ctr_container_netns(name_or_id)
    }
}
