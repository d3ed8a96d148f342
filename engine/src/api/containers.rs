//! `/containers`: create, start, stop, restart, kill, wait, remove, list, inspect.
//!
//! Facts (`shared/reference/engine-api.md` §4–§6, dockerd 20.10.24):
//! - `docker run -d` sends create, then `wait?condition=next-exit` (whose headers must come
//!   at once), then start; `--rm` waits for `removed`, docker-py sends no condition;
//! - any 404 from create makes the CLI pull and retry, so networks are resolved at start;
//! - `NetworkMode: "default"` and an endpoint named `default` mean `bridge`;
//! - start/stop of a container already in that state answer 304; the list is newest first.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use super::networks::{parse_filters, EndpointBody};
use super::{parse_body, ApiError, ApiRequest, ApiResponse, Body, Method, Routed};
use super::{WaitCondition, WaitSpec};
use crate::container::options::{parse_ip, RunOptions};
use crate::container::port::{parse_expose, PortBindingSpec};
use crate::container::ps::status;
use crate::container::{Container, RunState};
use crate::engine::Engine;
use crate::kernel::Kernel;

/// `POST /containers/create`'s body (modelled fields; the rest are ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerCreateBody {
    /// The image.
    pub image: String,
    /// The command (null: the image's).
    pub cmd: Option<Vec<String>>,
    /// `--entrypoint` (not modelled unless empty).
    pub entrypoint: Option<Vec<String>>,
    /// `--hostname`.
    pub hostname: Option<String>,
    /// `-t`.
    pub tty: bool,
    /// `-i`.
    pub open_stdin: bool,
    /// Attached (not `-d`).
    pub attach_stdout: bool,
    /// `--expose` and the image's ports.
    pub exposed_ports: Option<BTreeMap<String, Value>>,
    /// `--label`.
    pub labels: Option<BTreeMap<String, String>>,
    /// `--mac-address`.
    pub mac_address: Option<String>,
    /// The host half.
    pub host_config: Option<HostConfigBody>,
    /// Per-network endpoint settings.
    pub networking_config: Option<NetworkingConfigBody>,
}

/// `HostConfig` (modelled fields).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct HostConfigBody {
    /// `--network`.
    pub network_mode: Option<String>,
    /// `-p`.
    pub port_bindings: Option<BTreeMap<String, Option<Vec<PortBindingBody>>>>,
    /// `-P`.
    pub publish_all_ports: bool,
    /// `--rm`.
    pub auto_remove: bool,
    /// `--restart`.
    pub restart_policy: Option<RestartPolicyBody>,
    /// `--link`.
    pub links: Option<Vec<String>>,
}

/// One `PortBindings` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PortBindingBody {
    /// The host IP ("" for all).
    pub host_ip: String,
    /// The host port ("" for dynamic).
    pub host_port: String,
}

/// `RestartPolicy`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RestartPolicyBody {
    /// `no`, `always`, `unless-stopped`, `on-failure`.
    pub name: String,
    /// For `on-failure`.
    pub maximum_retry_count: u32,
}

/// `NetworkingConfig`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkingConfigBody {
    /// By network name.
    pub endpoints_config: Option<BTreeMap<String, Option<EndpointBody>>>,
}

/// The engine's typed run options from a create body and the `name` query.
pub fn run_options(b: ContainerCreateBody, name: Option<&str>) -> Result<RunOptions, ApiError> {
    if b.image.is_empty() {
        return Err(ApiError::bad("No command specified"));
    }
    if b.entrypoint.as_ref().is_some_and(|e| !e.is_empty()) {
        return Err(ApiError::unsupported("--entrypoint"));
    }
    let hc = b.host_config.unwrap_or_default();
    let mut o = RunOptions {
        detach: !b.attach_stdout,
        interactive: b.open_stdin,
        tty: b.tty,
        name: name.filter(|n| !n.is_empty()).map(str::to_string),
        network: hc.network_mode.filter(|m| !m.is_empty() && m != "default"),
        image: b.image,
        cmd: b.cmd.unwrap_or_default(),
        hostname: b.hostname.filter(|h| !h.is_empty()),
        auto_remove: hc.auto_remove,
        publish_all: hc.publish_all_ports,
        links: hc.links.unwrap_or_default(),
        labels: b.labels.unwrap_or_default(),
        ..RunOptions::default()
    };
    if let Some(m) = b.mac_address.filter(|m| !m.is_empty()) {
        let mac = crate::op::Mac::parse(&m.replace('-', ":"))
            .ok_or_else(|| ApiError::bad(format!("invalid MAC address: {m}")))?;
        o.mac_address = Some(mac);
        o.mac_address_text = Some(m);
    }
    if let Some(r) = hc
        .restart_policy
        .filter(|r| !r.name.is_empty() && r.name != "no")
    {
        o.restart = Some(match (r.name.as_str(), r.maximum_retry_count) {
            ("on-failure", n) if n > 0 => format!("on-failure:{n}"),
            (name, _) => name.to_string(),
        });
    }
    for port in b.exposed_ports.unwrap_or_default().keys() {
        o.expose.extend(parse_expose(port).map_err(ApiError::bad)?);
    }
    for (port, binds) in hc.port_bindings.unwrap_or_default() {
        let container = *parse_expose(&port)
            .map_err(ApiError::bad)?
            .first()
            .ok_or_else(|| ApiError::bad(format!("invalid port {port}")))?;
        for bind in binds.unwrap_or_default() {
            o.publish.push(PortBindingSpec {
                container,
                host_ip: bind.host_ip,
                host_port: bind.host_port,
            });
        }
    }
    apply_endpoints(&mut o, b.networking_config.unwrap_or_default())?;
    Ok(o)
}

/// The endpoint of the container's network mode: its `--ip` and aliases.
fn apply_endpoints(o: &mut RunOptions, nc: NetworkingConfigBody) -> Result<(), ApiError> {
    let eps = nc.endpoints_config.unwrap_or_default();
    if eps.len() > 1 {
        return Err(ApiError::unsupported(
            "more than one network at create (connect the others afterwards)",
        ));
    }
    let mode = o.network.clone().unwrap_or_else(|| "default".into());
    for (net, ep) in eps {
        let same = net == mode || (net == "default" && mode == "bridge");
        if !same {
            return Err(ApiError::unsupported(format!(
                "an endpoint for {net} when the network mode is {mode}"
            )));
        }
        let ep = ep.unwrap_or_default();
        if let Some(ip) = ep.ipam_config.and_then(|c| c.ipv4_address) {
            if !ip.is_empty() {
                o.ip = Some(ip);
            }
        }
        o.aliases = ep.aliases.unwrap_or_default();
        // Compose puts a service's `links:` on its network's endpoint, not in HostConfig.
        o.links.extend(ep.links.unwrap_or_default());
    }
    if let Some(ip) = &o.ip {
        parse_ip(ip).map_err(ApiError::bad)?;
    }
    Ok(())
}

/// One `GET /containers/json` entry; `created_unix` is what `Created` says.
fn list_entry(c: &Container, now: crate::clock::Timestamp, created_unix: u64) -> Value {
    let mut ports: Vec<Value> = Vec::new();
    if let Some(sb) = c.sandbox.as_ref().filter(|_| c.running()) {
        for p in &c.exposed {
            let bound: Vec<&crate::container::port::BoundPort> =
                sb.ports.iter().filter(|b| b.container == *p).collect();
            if bound.is_empty() {
                ports.push(json!({"PrivatePort": p.port, "Type": p.proto.name()}));
            }
            for b in bound {
                ports.push(json!({"IP": b.host_ip, "PrivatePort": p.port,
                    "PublicPort": b.host_port, "Type": p.proto.name()}));
            }
        }
    }
    // Only the two parts the list shows: the whole inspect document costs ten times more.
    let networks = crate::container::inspect::networks_json(c);
    json!({
        "Id": c.id,
        "Names": [format!("/{}", c.name)],
        "Image": c.image,
        "ImageID": "",
        "Command": c.command_line(),
        "Created": created_unix,
        "Ports": ports,
        "Labels": c.labels,
        "State": c.state.name(),
        "Status": status(c, now),
        "HostConfig": {"NetworkMode": c.network_mode.inspect_name()},
        "NetworkSettings": {"Networks": networks},
        "Mounts": [],
    })
}

/// Whether `c` passes the list filters (`name`, `id`, `status`, `network`, `label`, `ancestor`).
fn list_filter(c: &Container, f: &BTreeMap<String, Vec<String>>) -> bool {
    let any = |key: &str, test: &dyn Fn(&str) -> bool| {
        f.get(key).is_none_or(|vals| vals.iter().any(|v| test(v)))
    };
    let labels_ok = f.get("label").is_none_or(|vals| {
        vals.iter().all(|v| match v.split_once('=') {
            Some((k, want)) => c.labels.get(k).is_some_and(|have| have == want),
            None => c.labels.contains_key(v),
        })
    });
    any("name", &|v| c.name.contains(v.trim_start_matches('/')))
        && any("id", &|v| c.id.starts_with(v))
        && any("status", &|v| c.state.name() == v)
        && any("network", &|v| c.networks.contains_key(v))
        && any("ancestor", &|v| c.image == v)
        && labels_ok
}

impl Engine {
    /// The container routes.
    pub(crate) fn api_containers(
        &mut self,
        k: &mut dyn Kernel,
        req: &ApiRequest,
        segs: &[&str],
    ) -> Routed {
        Some(match (req.method, segs) {
            (Method::Post, ["create"]) => self.api_create(req),
            (Method::Get, ["json"]) => self.api_list(req),
            (Method::Get, [id, "json"]) => self
                .container_inspect_value(id)
                .map(|v| ApiResponse::json(200, v))
                .ok_or_else(|| ApiError::not_found(format!("No such container: {id}"))),
            (Method::Post, [id, "start"]) => self.api_start(k, id),
            (Method::Post, [id, "stop"]) => self.api_stop(k, id, req, false),
            (Method::Post, [id, "kill"]) => self.api_stop(k, id, req, true),
            (Method::Post, [id, "restart"]) => self
                .api_stop(k, id, req, false)
                .and_then(|_| self.api_start(k, id))
                .map(|_| ApiResponse::empty(204)),
            (Method::Post, [id, "wait"]) => self.api_wait(id, req),
            (Method::Delete, [id]) => self
                .remove_container(k, id, req.flag("force"))
                .map(|()| ApiResponse::empty(204))
                .map_err(ApiError::from),
            (Method::Post, [id, "exec"]) => self.api_exec_create(id, req),
            (Method::Post, [_, "resize"]) => Ok(ApiResponse::empty(200)),
            (Method::Post, [id, "attach"]) => self.api_attach(id, req),
            (Method::Get, [id, "logs"]) => self.api_logs(id, req),
            (
                _,
                [_, what @ ("pause" | "unpause" | "rename" | "update" | "top" | "stats" | "changes"
                | "export" | "archive")],
            ) => Err(ApiError::unsupported(format!("containers/{{id}}/{what}"))),
            _ => return None,
        })
    }

    /// `POST /containers/create?name=NAME`.
    fn api_create(&mut self, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let body: ContainerCreateBody = parse_body(&req.body)?;
        let o = run_options(body, req.q("name"))?;
        let i = self.create_container(&o)?;
        let mut warnings = Vec::new();
        if o.network.as_deref() == Some("host") && !o.publish.is_empty() {
            warnings.push("Published ports are discarded when using host network mode");
        }
        Ok(ApiResponse::json(
            201,
            json!({"Id": self.containers.get(i).id, "Warnings": warnings}),
        ))
    }

    /// `POST /containers/{id}/start`: 304 if it already runs.
    fn api_start(&mut self, k: &mut dyn Kernel, id: &str) -> Result<ApiResponse, ApiError> {
        let i = self.containers.find(id)?;
        if self.containers.get(i).running() {
            return Ok(ApiResponse::empty(304));
        }
        let attached = self.containers.get(i).attach;
        let id = self.containers.get(i).id.clone();
        self.start_container(k, i)?;
        if let Some(done) = self.run_main_process(k, i, attached)? {
            self.record_main_output(&id, done);
        }
        Ok(ApiResponse::empty(204))
    }

    /// `POST /containers/{id}/stop?t=N` (or `kill`: SIGKILL, exit 137); 304 if not running.
    fn api_stop(
        &mut self,
        k: &mut dyn Kernel,
        id: &str,
        req: &ApiRequest,
        kill: bool,
    ) -> Result<ApiResponse, ApiError> {
        let i = self.containers.find(id)?;
        if !self.containers.get(i).running() {
            if kill {
                let cid = self.containers.get(i).id.clone();
                return Err(ApiError {
                    status: 409,
                    message: format!("Cannot kill container: {id}: Container {cid} is not running"),
                });
            }
            return Ok(ApiResponse::empty(304));
        }
        if kill {
            if req
                .q("signal")
                .is_some_and(|s| !matches!(s, "KILL" | "SIGKILL" | "9"))
            {
                return Err(ApiError::unsupported("kill signals other than SIGKILL"));
            }
            self.stop_container(k, i, 137)?;
        } else {
            let t = match req.q("t") {
                Some(t) => Some(
                    t.parse::<u64>()
                        .map_err(|_| ApiError::bad(format!("invalid t: {t}")))?,
                ),
                None => None,
            };
            self.graceful_stop(k, i, t)?;
        }
        self.remove_if_auto(i);
        Ok(ApiResponse::empty(204))
    }

    /// `GET /containers/json?all=&filters=`.
    fn api_list(&mut self, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let filters = parse_filters(req.q("filters"))?;
        let all = req.flag("all");
        let now = self.now();
        let list: Vec<Value> = self
            .containers
            .list
            .iter()
            .rev()
            .filter(|c| all || c.running() || filters.contains_key("status"))
            .filter(|c| list_filter(c, &filters))
            .map(|c| {
                let age = now.0.saturating_sub(c.created.0) / 1_000_000_000;
                let created = match req.wall_secs {
                    Some(w) => w.saturating_sub(age),
                    None => c.created.secs(),
                };
                list_entry(c, now, created)
            })
            .collect();
        Ok(ApiResponse::json(200, Value::Array(list)))
    }

    /// `POST /containers/{id}/wait?condition=...`: the server holds it open.
    fn api_wait(&mut self, id: &str, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let condition = match req.q("condition").unwrap_or("") {
            "" | "not-running" => WaitCondition::NotRunning,
            "next-exit" => WaitCondition::NextExit,
            "removed" => WaitCondition::Removed,
            other => return Err(ApiError::bad(format!("invalid condition: \"{other}\""))),
        };
        let c = self.containers.get(self.containers.find(id)?);
        Ok(ApiResponse {
            status: 200,
            body: Body::Wait(WaitSpec {
                container_id: c.id.clone(),
                condition,
                finished_before: c.finished_at,
            }),
        })
    }

    /// The body a held `wait` answers with, once its condition holds.
    pub fn wait_result(&self, w: &WaitSpec) -> Option<Value> {
        let done = |code: i32| Some(json!({"StatusCode": code, "Error": null}));
        let Some(c) = self.containers.by_id(&w.container_id) else {
            // Gone (`--rm`, `rm -f`): the last exit docknet recorded for it.
            return done(self.recorded_exit(&w.container_id));
        };
        let stopped = c.state != RunState::Running;
        match w.condition {
            WaitCondition::NotRunning if stopped => done(c.exit_code),
            WaitCondition::NextExit if stopped && c.finished_at != w.finished_before => {
                done(c.exit_code)
            }
            _ => None,
        }
    }
}
