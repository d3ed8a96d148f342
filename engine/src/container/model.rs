//! What the daemon remembers about a container: its config, its state, and, while it runs,
//! its sandbox with one endpoint per network.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::clock::Timestamp;
use crate::container::port::{BoundPort, PortBindingSpec, PortProto};
use crate::op::{Ipv4Cidr, Mac};

/// Where a container's life is (`State.Status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Created, never started (or its first start failed).
    Created,
    /// Running.
    Running,
    /// Stopped after having run.
    Exited,
}

impl RunState {
    /// The word inspect prints as `State.Status`.
    pub fn name(self) -> &'static str {
        match self {
            RunState::Created => "created",
            RunState::Running => "running",
            RunState::Exited => "exited",
        }
    }
}

/// `HostConfig.NetworkMode` as the user asked for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkMode {
    /// No `--network`: the default bridge; inspect says `default`.
    Default,
    /// `--network NAME` for a bridge network (`bridge` included), as typed.
    Named(String),
    /// `--network host`: no namespace of its own.
    Host,
    /// `--network none`: a namespace with only `lo`.
    None,
    /// `--network container:X`: X's namespace (X's full ID).
    Container(String),
}

impl NetworkMode {
    /// The string inspect prints as `HostConfig.NetworkMode`.
    pub fn inspect_name(&self) -> String {
        match self {
            NetworkMode::Default => "default".into(),
            NetworkMode::Named(n) => n.clone(),
            NetworkMode::Host => "host".into(),
            NetworkMode::None => "none".into(),
            NetworkMode::Container(id) => format!("container:{id}"),
        }
    }
}

/// How the `IPAMConfig` of an endpoint setting serialises: 20.10 keeps what the client sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpamConfigStyle {
    /// `null`: `docker run` without `--ip`.
    Null,
    /// `{}` or `{"IPv4Address": ...}`: sent by `network connect`, or `run --ip`.
    Object,
}

/// One entry of `NetworkSettings.Networks`: the user's settings for a network, kept across
/// stop and start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointConfig {
    /// The network's name at connect time (the map key).
    pub network_name: String,
    /// The network's ID ("" until the first successful join, as 20.10 shows it).
    pub network_id: String,
    /// `--ip`.
    pub ipv4: Option<Ipv4Addr>,
    /// Whether `IPAMConfig` prints `null` or an object.
    pub ipam_style: IpamConfigStyle,
    /// `Aliases`: `None` prints `null`.
    pub aliases: Option<Vec<String>>,
    /// `DriverOpts`: `false` prints `null`, `true` prints `{}` (network connect sends a map).
    pub driver_opts_map: bool,
    /// `Links` on a user-defined network (`CONTAINER:ALIAS`, as Compose sends them).
    pub links: Option<Vec<String>>,
}

/// A live endpoint: a container's attachment to one network while it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The network's ID.
    pub network_id: String,
    /// The network's name.
    pub network_name: String,
    /// 64 hex.
    pub id: String,
    /// Address and prefix (`None` for host/null networks).
    pub ip: Option<Ipv4Cidr>,
    /// The network's gateway (`None` for host/null networks).
    pub gateway: Option<Ipv4Addr>,
    /// `02:42` + IPv4 bytes.
    pub mac: Option<Mac>,
    /// Whether the network is `--internal` (sorts after the others).
    pub internal: bool,
    /// The veth, for bridge networks.
    pub veth: Option<VethPair>,
}

/// The two names and MAC of a bridge endpoint's veth pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VethPair {
    /// The host end, a port of the bridge (`veth` + 7 hex).
    pub host: String,
    /// The container end's name before it is renamed (`veth` + 7 hex).
    pub temp: String,
    /// The container end's name in the sandbox (`ethN`).
    pub ifname: String,
    /// The host end's MAC (the kernel would pick a random one; docknet draws it from the seed).
    pub host_mac: Mac,
    /// The kernel bridge it is a port of.
    pub bridge: String,
}

/// A running container's network sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sandbox {
    /// 64 hex (not the container ID).
    pub id: String,
    /// `/var/run/docker/netns/<12 hex>`, or `.../default` for host mode.
    pub key: String,
    /// Whether the sandbox has a namespace of its own (not host mode).
    pub has_netns: bool,
    /// The next `ethN` suffix; never goes down while the sandbox lives (≤ 27.x).
    pub next_eth: u32,
    /// Endpoints in join order.
    pub endpoints: Vec<Endpoint>,
    /// Host ports bound for the gateway endpoint.
    pub ports: Vec<BoundPort>,
    /// The endpoint ID that has the default route and the published ports.
    pub gateway_endpoint: Option<String>,
}

impl Sandbox {
    /// Endpoints in libnetwork's sort order (§4.3): non-internal first, then by network name.
    pub fn sorted_endpoints(&self) -> Vec<&Endpoint> {
        let mut v: Vec<&Endpoint> = self.endpoints.iter().collect();
        v.sort_by(|a, b| endpoint_order(a, b));
        v
    }
}

/// libnetwork's `Less`: non-internal before internal, gateway-capable first, then by name.
pub fn endpoint_order(a: &Endpoint, b: &Endpoint) -> std::cmp::Ordering {
    (a.internal, a.gateway.is_none(), &a.network_name).cmp(&(
        b.internal,
        b.gateway.is_none(),
        &b.network_name,
    ))
}

/// The gateway endpoint: the first one in sort order that has a gateway.
pub fn elect_gateway(endpoints: &[Endpoint]) -> Option<String> {
    let mut v: Vec<&Endpoint> = endpoints.iter().collect();
    v.sort_by(|a, b| endpoint_order(a, b));
    v.into_iter()
        .find(|e| e.gateway.is_some())
        .map(|e| e.id.clone())
}

/// One container.
#[derive(Clone, Debug)]
pub struct Container {
    /// 64 hex.
    pub id: String,
    /// The name without its leading `/`.
    pub name: String,
    /// The image as typed.
    pub image: String,
    /// `Path`: the first word of the command.
    pub path: String,
    /// `Args`: the rest.
    pub args: Vec<String>,
    /// `Config.Cmd` (what the user typed after the image; empty if none).
    pub cmd: Vec<String>,
    /// `Config.Entrypoint`, if the image has one.
    pub entrypoint: Option<Vec<String>>,
    /// `Config.Hostname`.
    pub hostname: String,
    /// `-t`.
    pub tty: bool,
    /// `-i`.
    pub open_stdin: bool,
    /// Whether the client attached (`run` without `-d`, and every `create`).
    pub attach: bool,
    /// When `docker create` ran.
    pub created: Timestamp,
    /// Lifecycle state.
    pub state: RunState,
    /// Last start; `None` means never started.
    pub started_at: Option<Timestamp>,
    /// Last stop; `None` means never stopped.
    pub finished_at: Option<Timestamp>,
    /// `State.ExitCode`.
    pub exit_code: i32,
    /// `State.Error`: why the last start failed.
    pub error: String,
    /// `State.Pid` while running.
    pub pid: u32,
    /// The exit code `docker stop` ends with (137 when the process ignores SIGTERM).
    pub stop_exit_code: i32,
    /// `HostConfig.NetworkMode`.
    pub network_mode: NetworkMode,
    /// `Config.ExposedPorts`.
    pub exposed: Vec<PortProto>,
    /// `HostConfig.PortBindings`, as requested.
    pub port_bindings: Vec<PortBindingSpec>,
    /// `HostConfig.PublishAllPorts` (`-P`).
    pub publish_all: bool,
    /// `NetworkSettings.Networks` by network name.
    pub networks: BTreeMap<String, EndpointConfig>,
    /// The sandbox while running.
    pub sandbox: Option<Sandbox>,
    /// The last sandbox's ID and key: inspect keeps showing them after a stop.
    pub last_sandbox: Option<(String, String)>,
    /// `HostConfig.AutoRemove` (`--rm`): removed once it stops.
    pub auto_remove: bool,
    /// `--mac-address`: the MAC for the endpoint on the network it was created with, and
    /// the text as typed (`Config.MacAddress`).
    pub mac_address: Option<(Mac, String)>,
    /// The servers its process runs (read off its command and image), and those started
    /// by `docker exec -d`, while it runs.
    pub listeners: Vec<crate::container::services::Listener>,
    /// `--link`s, in command-line order.
    pub links: Vec<crate::container::links::Link>,
    /// `Config.Labels` (`--label`, and Compose's `com.docker.compose.*`).
    pub labels: BTreeMap<String, String>,
}

impl Container {
    /// The 12-hex short ID.
    pub fn short_id(&self) -> &str {
        &self.id[..12]
    }

    /// Whether it runs.
    pub fn running(&self) -> bool {
        self.state == RunState::Running
    }

    /// The command as `docker ps` shows it (args with spaces in single quotes).
    pub fn command_line(&self) -> String {
        if self.args.is_empty() {
            return self.path.clone();
        }
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("'{a}'")
                } else {
                    a.clone()
                }
            })
            .collect();
        format!("{} {}", self.path, args.join(" "))
    }
}
