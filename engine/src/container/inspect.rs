//! `docker inspect CONTAINER`: the whole 20.10 document in its field order. Fields docknet
//! models (Id, Created, Path, Args, State, Name, HostConfig.NetworkMode/PortBindings,
//! Config.Hostname/ExposedPorts/Cmd/Image, NetworkSettings) are real; the rest carry the
//! defaults a `docker run -d` of a local image shows, with paths and layer IDs derived from the
//! container ID so they read like the real ones.

use serde_json::{json, Map, Value};

use crate::cli::flags::{self, FlagSpec};
use crate::cli::template::Template;
use crate::container::model::{Container, EndpointConfig, IpamConfigStyle, RunState};
use crate::container::port::{parse_expose, port_lines, port_map};
use crate::engine::Engine;
use crate::kernel::Kernel;
use crate::output::CommandOutput;

/// What HostConfig's throttle-device lists and `Ulimits` hold when `docker run` set none:
/// the daemon stores what the client sent, and CLI 20.10 sends `null` there (seen with the
/// conformance runner against dockerd 20.10.24; CLI 28 sends `[]`, as the recordings in
/// `../shared/reference/dockerd-20.10/`, made with CLI 28.2, show).
const CLI_UNSET_LIST: Value = Value::Null;

/// Go's zero `time.Time` as JSON prints it.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// 64 hex derived from `seed` (FNV-1a chained): stable stand-ins for layer and image IDs.
pub(crate) fn derived_hex(seed: &str) -> String {
    let mut out = String::new();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..4 {
        for b in seed.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

fn state_json(c: &Container) -> Value {
    json!({
        "Status": c.state.name(),
        "Running": c.running(),
        "Paused": false,
        "Restarting": false,
        "OOMKilled": false,
        "Dead": false,
        "Pid": c.pid,
        "ExitCode": c.exit_code,
        "Error": c.error,
        "StartedAt": c.started_at.map(|t| t.to_string()).unwrap_or_else(|| ZERO_TIME.into()),
        "FinishedAt": c.finished_at.map(|t| t.to_string()).unwrap_or_else(|| ZERO_TIME.into()),
    })
}

fn host_config(c: &Container) -> Value {
    let mut bindings = Map::new();
    let mut specs = c.port_bindings.clone();
    specs.sort_by_key(|s| s.container);
    for s in &specs {
        let e = bindings
            .entry(s.container.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = e {
            a.push(json!({"HostIp": s.host_ip, "HostPort": s.host_port}));
        }
    }
    json!({
        "Binds": null,
        "ContainerIDFile": "",
        "LogConfig": {"Type": "json-file", "Config": {}},
        "NetworkMode": c.network_mode.inspect_name(),
        "PortBindings": bindings,
        "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0},
        "AutoRemove": c.auto_remove,
        "VolumeDriver": "",
        "VolumesFrom": null,
        "CapAdd": null,
        "CapDrop": null,
        "CgroupnsMode": "host",
        "Dns": [],
        "DnsOptions": [],
        "DnsSearch": [],
        "ExtraHosts": null,
        "GroupAdd": null,
        "IpcMode": "private",
        "Cgroup": "",
        "Links": crate::container::links::inspect_links(c),
        "OomScoreAdj": 0,
        "PidMode": "",
        "Privileged": false,
        "PublishAllPorts": c.publish_all,
        "ReadonlyRootfs": false,
        "SecurityOpt": null,
        "UTSMode": "",
        "UsernsMode": "",
        "ShmSize": 67_108_864,
        "Runtime": "runc",
        "ConsoleSize": [0, 0],
        "Isolation": "",
        "CpuShares": 0,
        "Memory": 0,
        "NanoCpus": 0,
        "CgroupParent": "",
        "BlkioWeight": 0,
        "BlkioWeightDevice": [],
        "BlkioDeviceReadBps": CLI_UNSET_LIST,
        "BlkioDeviceWriteBps": CLI_UNSET_LIST,
        "BlkioDeviceReadIOps": CLI_UNSET_LIST,
        "BlkioDeviceWriteIOps": CLI_UNSET_LIST,
        "CpuPeriod": 0,
        "CpuQuota": 0,
        "CpuRealtimePeriod": 0,
        "CpuRealtimeRuntime": 0,
        "CpusetCpus": "",
        "CpusetMems": "",
        "Devices": [],
        "DeviceCgroupRules": null,
        "DeviceRequests": null,
        "KernelMemory": 0,
        "KernelMemoryTCP": 0,
        "MemoryReservation": 0,
        "MemorySwap": 0,
        "MemorySwappiness": null,
        "OomKillDisable": false,
        "PidsLimit": null,
        "Ulimits": CLI_UNSET_LIST,
        "CpuCount": 0,
        "CpuPercent": 0,
        "IOMaximumIOps": 0,
        "IOMaximumBandwidth": 0,
        "MaskedPaths": [
            "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware"
        ],
        "ReadonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    })
}

fn config_json(c: &Container) -> Value {
    let mut m = Map::new();
    m.insert("Hostname".into(), json!(c.hostname));
    m.insert("Domainname".into(), json!(""));
    m.insert("User".into(), json!(""));
    m.insert("AttachStdin".into(), json!(c.attach && c.open_stdin));
    m.insert("AttachStdout".into(), json!(c.attach));
    m.insert("AttachStderr".into(), json!(c.attach));
    if !c.exposed.is_empty() {
        let mut ports = Map::new();
        let mut keys: Vec<String> = c.exposed.iter().map(|p| p.to_string()).collect();
        keys.sort();
        for k in keys {
            ports.insert(k, json!({}));
        }
        m.insert("ExposedPorts".into(), Value::Object(ports));
    }
    m.insert("Tty".into(), json!(c.tty));
    m.insert("OpenStdin".into(), json!(c.open_stdin));
    m.insert("StdinOnce".into(), json!(c.attach && c.open_stdin));
    m.insert(
        "Env".into(),
        json!(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]),
    );
    m.insert("Cmd".into(), json!(c.cmd));
    m.insert("Image".into(), json!(c.image));
    m.insert("Volumes".into(), Value::Null);
    m.insert("WorkingDir".into(), json!(""));
    m.insert("Entrypoint".into(), json!(c.entrypoint));
    if let Some((_, text)) = &c.mac_address {
        m.insert("MacAddress".into(), json!(text));
    }
    m.insert("OnBuild".into(), Value::Null);
    m.insert("Labels".into(), json!(c.labels));
    Value::Object(m)
}

/// One `Networks` entry: the user's settings plus, while running, the live endpoint's data.
fn endpoint_json(cfg: &EndpointConfig, c: &Container) -> Value {
    let ipam = match (&cfg.ipam_style, cfg.ipv4) {
        (IpamConfigStyle::Null, _) => Value::Null,
        (IpamConfigStyle::Object, Some(ip)) => json!({"IPv4Address": ip.to_string()}),
        (IpamConfigStyle::Object, None) => json!({}),
    };
    let live = c.sandbox.as_ref().and_then(|sb| {
        sb.endpoints
            .iter()
            .find(|e| e.network_name == cfg.network_name)
    });
    let s = |o: Option<String>| o.unwrap_or_default();
    json!({
        "IPAMConfig": ipam,
        "Links": cfg.links,
        "Aliases": cfg.aliases,
        "NetworkID": cfg.network_id,
        "EndpointID": s(live.map(|e| e.id.clone())),
        "Gateway": s(live.and_then(|e| e.gateway).map(|g| g.to_string())),
        "IPAddress": s(live.and_then(|e| e.ip).map(|i| i.addr.to_string())),
        "IPPrefixLen": live.and_then(|e| e.ip).map(|i| i.prefix).unwrap_or(0),
        "IPv6Gateway": "",
        "GlobalIPv6Address": "",
        "GlobalIPv6PrefixLen": 0,
        "MacAddress": s(live.and_then(|e| e.mac).map(|m| m.to_string())),
        "DriverOpts": if cfg.driver_opts_map { json!({}) } else { Value::Null },
    })
}

/// `NetworkSettings.Networks`: one endpoint document per network (the list shows it too).
pub fn networks_json(c: &Container) -> Map<String, Value> {
    c.networks
        .iter()
        .map(|(k, cfg)| (k.clone(), endpoint_json(cfg, c)))
        .collect()
}

fn network_settings(c: &Container) -> Value {
    let (sandbox_id, key) = match (&c.sandbox, &c.last_sandbox) {
        (Some(sb), _) => (sb.id.clone(), sb.key.clone()),
        (None, Some((id, key))) => (id.clone(), key.clone()),
        (None, None) => (String::new(), String::new()),
    };
    let mut ports = Map::new();
    if let Some(sb) = &c.sandbox {
        for (k, v) in port_map(&c.exposed, &sb.ports) {
            let v = match v {
                None => Value::Null,
                Some(list) => Value::Array(
                    list.into_iter()
                        .map(|(ip, port)| json!({"HostIp": ip, "HostPort": port}))
                        .collect(),
                ),
            };
            ports.insert(k, v);
        }
    }
    let networks = networks_json(c);
    // The deprecated top-level fields mirror the network named `bridge` only.
    let bridge = networks.get("bridge").cloned().unwrap_or(Value::Null);
    let top = |f: &str, zero: Value| bridge.get(f).cloned().unwrap_or(zero);
    json!({
        "Bridge": "",
        "SandboxID": sandbox_id,
        "HairpinMode": false,
        "LinkLocalIPv6Address": "",
        "LinkLocalIPv6PrefixLen": 0,
        "Ports": ports,
        "SandboxKey": key,
        "SecondaryIPAddresses": null,
        "SecondaryIPv6Addresses": null,
        "EndpointID": top("EndpointID", json!("")),
        "Gateway": top("Gateway", json!("")),
        "GlobalIPv6Address": "",
        "GlobalIPv6PrefixLen": 0,
        "IPAddress": top("IPAddress", json!("")),
        "IPPrefixLen": top("IPPrefixLen", json!(0)),
        "IPv6Gateway": "",
        "MacAddress": top("MacAddress", json!("")),
        "Networks": networks,
    })
}

/// The inspect document of one container.
pub fn container_json(c: &Container) -> Value {
    let dir = format!("/var/lib/docker/containers/{}", c.id);
    let layer = derived_hex(&format!("layer:{}", c.id));
    let base = derived_hex(&format!("image-layer:{}", c.image));
    let ov = "/var/lib/docker/overlay2";
    json!({
        "Id": c.id,
        "Created": c.created.to_string(),
        "Path": c.path,
        "Args": c.args,
        "State": state_json(c),
        "Image": format!("sha256:{}", derived_hex(&format!("image:{}", c.image))),
        "ResolvConfPath": format!("{dir}/resolv.conf"),
        "HostnamePath": format!("{dir}/hostname"),
        "HostsPath": format!("{dir}/hosts"),
        "LogPath": format!("{dir}/{}-json.log", c.id),
        "Name": format!("/{}", c.name),
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "",
        "ExecIDs": null,
        "HostConfig": host_config(c),
        "GraphDriver": {
            "Data": {
                "LowerDir": format!("{ov}/{layer}-init/diff:{ov}/{base}/diff"),
                "MergedDir": format!("{ov}/{layer}/merged"),
                "UpperDir": format!("{ov}/{layer}/diff"),
                "WorkDir": format!("{ov}/{layer}/work"),
            },
            "Name": "overlay2",
        },
        "Mounts": [],
        "Config": config_json(c),
        "NetworkSettings": network_settings(c),
    })
}

/// Prints values as `docker inspect` does: the daemon's JSON re-indented by 4 spaces inside
/// `[...]` (the 20.10 daemon does not HTML-escape, so neither does this).
pub fn indented_raw(items: &[Value]) -> String {
    if items.is_empty() {
        return "[]\n".to_string();
    }
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&items, &mut ser).expect("serializing a Value cannot fail");
    format!(
        "{}\n",
        String::from_utf8(buf).expect("serde_json writes UTF-8")
    )
}

impl Engine {
    /// The inspect document of the container `name_or_id`, if there is one.
    pub(crate) fn container_inspect_value(&self, name_or_id: &str) -> Option<Value> {
        let i = self.containers.find(name_or_id).ok()?;
        Some(container_json(self.containers.get(i)))
    }
}

/// Whether a container state is one `docker ps` without `-a` lists.
pub fn listed_by_default(state: RunState) -> bool {
    state == RunState::Running
}

const INSPECT_FLAGS: &[FlagSpec] = &[
    FlagSpec::value("format", Some('f')),
    FlagSpec::value("type", None),
    FlagSpec::boolean("size", Some('s')),
];

impl Engine {
    /// `docker inspect [-f FORMAT] CONTAINER...` (containers only; the dispatcher sends
    /// networks elsewhere). Missing names print `Error: No such object: X`.
    pub(crate) fn cmd_inspect(&mut self, _k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let p = match flags::parse(INSPECT_FLAGS, args, true) {
            Ok(p) => p,
            Err(e) => {
                return CommandOutput::fail(format!("{e}\nSee 'docker inspect --help'.\n"), 125)
            }
        };
        let container_only = p.last("type") == Some("container");
        let mut values = Vec::new();
        let mut out = CommandOutput::default();
        for name in &p.args {
            match self.container_inspect_value(name) {
                Some(v) => values.push(v),
                None => {
                    let what = if container_only {
                        "container"
                    } else {
                        "object"
                    };
                    out.stderr
                        .push_str(&format!("Error: No such {what}: {name}\n"));
                    out.exit = 1;
                }
            }
        }
        match p.last("format") {
            None => out.stdout = indented_raw(&values),
            Some(f) => {
                let tpl = match Template::parse(f) {
                    Ok(t) => t,
                    Err(e) => return CommandOutput::fail(format!("{e}\n"), 1),
                };
                for v in &values {
                    match tpl.execute(v) {
                        Ok(s) => out.stdout.push_str(&format!("{s}\n")),
                        Err(e) => {
                            out.stderr.push_str(&format!("{e}\n"));
                            out.exit = 1;
                        }
                    }
                }
                // The CLI prints one empty line when nothing was found (20.10, as
                // `docker network inspect -f` does).
                if values.is_empty() {
                    out.stdout.push('\n');
                }
            }
        }
        out
    }

    /// `docker port CONTAINER [PRIVATE_PORT[/PROTO]]`.
    pub(crate) fn cmd_port(&mut self, _k: &mut dyn Kernel, args: &[String]) -> CommandOutput {
        let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let Some(name) = names.first() else {
            return CommandOutput::fail(
                "\"docker port\" requires at least 1 argument.\nSee 'docker port --help'.\n\nUsage:  docker port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nList port mappings or a specific mapping for the container\n",
                1,
            );
        };
        let Ok(i) = self.containers.find(name) else {
            return CommandOutput::fail(format!("Error: No such container: {name}\n"), 1);
        };
        let c = self.containers.get(i);
        let bound = c
            .sandbox
            .as_ref()
            .map(|s| s.ports.clone())
            .unwrap_or_default();
        let only = match names.get(1) {
            None => None,
            Some(spec) => match parse_expose(spec).ok().and_then(|v| v.first().copied()) {
                Some(p) => Some(p),
                None => {
                    return CommandOutput::fail(format!("Error: Invalid port: {spec}\n"), 1);
                }
            },
        };
        let lines = port_lines(&bound, only);
        if let (Some(p), true) = (only, lines.is_empty()) {
            return CommandOutput::fail(
                format!("Error: No public port '{p}' published for {name}\n"),
                1,
            );
        }
        CommandOutput::ok(lines.iter().map(|l| format!("{l}\n")).collect::<String>())
    }
}
