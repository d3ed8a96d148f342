//! `/networks`: list, inspect, create, connect, disconnect, remove, prune.
//!
//! Facts (dockerd 20.10.24 with CLI 20.10 and docker-py, `shared/reference/engine-api.md`):
//! - the CLI sends list filters in map form `{"driver":{"bridge":true}}`, docker-py in list
//!   form `{"driver":["bridge"]}`; the CLI sorts the list by name itself;
//! - `network rm X` first inspects `GET /networks/X`, then deletes (204);
//! - create answers 201 `{"Id": ..., "Warning": ""}`; a taken name is a 409, a predefined
//!   one a 403; prune answers `{"NetworksDeleted": [...]}`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse_body, ApiError, ApiRequest, ApiResponse, Method, Routed};
use crate::engine::Engine;
use crate::kernel::Kernel;
use crate::network::create::CreateRequest;
use crate::network::IpamConfigEcho;

/// `POST /networks/create`'s body (the fields docknet models; the rest are ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkCreateBody {
    /// The name.
    pub name: String,
    /// The driver (empty: bridge).
    pub driver: Option<String>,
    /// IPAM.
    #[serde(rename = "IPAM")]
    pub ipam: Option<IpamBody>,
    /// `--internal`.
    pub internal: bool,
    /// `--attachable`.
    pub attachable: bool,
    /// `--ingress` (swarm; not modelled).
    pub ingress: bool,
    /// `--ipv6`.
    #[serde(rename = "EnableIPv6")]
    pub enable_ipv6: bool,
    /// `--config-only` (not modelled).
    pub config_only: bool,
    /// `-o k=v`.
    pub options: Option<BTreeMap<String, String>>,
    /// `--label k=v`.
    pub labels: Option<BTreeMap<String, String>>,
}

/// The `IPAM` object.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpamBody {
    /// The IPAM driver (`default`).
    pub driver: Option<String>,
    /// The pools.
    pub config: Option<Vec<IpamPoolBody>>,
    /// `--ipam-opt` (null from Compose and docker-py).
    pub options: Option<BTreeMap<String, String>>,
}

/// One `IPAM.Config` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpamPoolBody {
    /// `--subnet`.
    pub subnet: Option<String>,
    /// `--ip-range`.
    #[serde(rename = "IPRange")]
    pub ip_range: Option<String>,
    /// `--gateway`.
    pub gateway: Option<String>,
    /// `--aux-address`.
    pub auxiliary_addresses: Option<BTreeMap<String, String>>,
}

/// `POST /networks/{id}/connect`'s body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ConnectBody {
    /// The container.
    pub container: String,
    /// `--ip`, `--alias`.
    pub endpoint_config: Option<EndpointBody>,
}

/// An endpoint's settings (connect, and create's `NetworkingConfig`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointBody {
    /// `IPAMConfig.IPv4Address`.
    #[serde(rename = "IPAMConfig")]
    pub ipam_config: Option<EndpointIpam>,
    /// Aliases.
    pub aliases: Option<Vec<String>>,
    /// `--link` on this network (Compose sends a service's links here).
    pub links: Option<Vec<String>>,
}

/// An endpoint's requested addresses.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointIpam {
    /// The IPv4 address asked for.
    #[serde(rename = "IPv4Address")]
    pub ipv4_address: Option<String>,
    /// The IPv6 address (not modelled).
    #[serde(rename = "IPv6Address")]
    pub ipv6_address: Option<String>,
}

/// `POST /networks/{id}/disconnect`'s body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DisconnectBody {
    /// The container.
    pub container: String,
    /// `-f`.
    pub force: bool,
}

/// Parses the `filters` query in either form: `{"k":{"v":true}}` or `{"k":["v"]}`.
pub fn parse_filters(raw: Option<&str>) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
    let Some(raw) = raw.filter(|s| !s.is_empty()) else {
        return Ok(BTreeMap::new());
    };
    let v: BTreeMap<String, Value> =
        serde_json::from_str(raw).map_err(|e| ApiError::bad(format!("invalid filter: {e}")))?;
    let mut out = BTreeMap::new();
    for (k, v) in v {
        let vals = match v {
            Value::Object(m) => m
                .into_iter()
                .filter(|(_, on)| on.as_bool() != Some(false))
                .map(|(k, _)| k)
                .collect(),
            Value::Array(a) => a
                .into_iter()
                .map(|x| x.as_str().map(str::to_string).ok_or(()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| ApiError::bad("invalid filter: values must be strings"))?,
            _ => return Err(ApiError::bad(format!("invalid filter '{k}'"))),
        };
        out.insert(k, vals);
    }
    Ok(out)
}

/// The engine's typed create request from the API body.
pub fn create_request(b: NetworkCreateBody) -> Result<CreateRequest, ApiError> {
    if b.ingress || b.config_only {
        return Err(ApiError::unsupported("ingress and config-only networks"));
    }
    let ipam = b.ipam.unwrap_or_default();
    if ipam
        .driver
        .as_deref()
        .is_some_and(|d| !d.is_empty() && d != "default")
    {
        return Err(ApiError::unsupported("IPAM drivers other than default"));
    }
    let pools = ipam.config.unwrap_or_default();
    if b.enable_ipv6
        && !pools
            .iter()
            .any(|p| p.subnet.as_deref().unwrap_or("").contains(':'))
    {
        return Err(ApiError::not_found(
            "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network",
        ));
    }
    let ipam_cfg = pools
        .into_iter()
        .map(|p| IpamConfigEcho {
            subnet: p.subnet.unwrap_or_default(),
            ip_range: p.ip_range.filter(|s| !s.is_empty()),
            gateway: p.gateway.filter(|s| !s.is_empty()),
            aux: p.auxiliary_addresses.unwrap_or_default(),
        })
        .collect();
    Ok(CreateRequest {
        name: b.name,
        driver: b
            .driver
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "bridge".into()),
        ipam: ipam_cfg,
        internal: b.internal,
        attachable: b.attachable,
        labels: b.labels.unwrap_or_default(),
        options: b.options.unwrap_or_default(),
        ipam_options_null: ipam.options.is_none(),
    })
}

impl Engine {
    /// The network routes.
    pub(crate) fn api_networks(
        &mut self,
        k: &mut dyn Kernel,
        req: &ApiRequest,
        segs: &[&str],
    ) -> Routed {
        Some(match (req.method, segs) {
            (Method::Get, [] | [""]) => self.api_network_list(req),
            (Method::Post, ["create"]) => self.api_network_create(k, req),
            (Method::Post, ["prune"]) => {
                let mut gone = self.prune_networks(k);
                gone.sort();
                Ok(ApiResponse::json(200, json!({ "NetworksDeleted": gone })))
            }
            (Method::Get, [id]) => self
                .network(id)
                .map(|n| ApiResponse::json(200, self.network_json(n)))
                .map_err(ApiError::from),
            (Method::Delete, [id]) => self
                .remove_network(k, id)
                .map(|()| ApiResponse::empty(204))
                .map_err(ApiError::from),
            (Method::Post, [id, "connect"]) => self.api_connect(k, id, req),
            (Method::Post, [id, "disconnect"]) => {
                parse_body::<DisconnectBody>(&req.body).and_then(|b| {
                    self.disconnect(k, id, &b.container, b.force)
                        .map(|()| ApiResponse::empty(200))
                        .map_err(ApiError::from)
                })
            }
            _ => return None,
        })
    }

    /// `GET /networks?filters=...`.
    fn api_network_list(&self, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let filters = parse_filters(req.q("filters"))?;
        for key in filters.keys() {
            if !["driver", "name", "id", "label", "scope", "type", "dangling"]
                .contains(&key.as_str())
            {
                return Err(ApiError::bad(format!("Invalid filter '{key}'")));
            }
        }
        let list: Vec<Value> = self
            .networks
            .iter()
            .filter(|n| self.ls_filter(n, &filters))
            .map(|n| {
                let mut v = self.network_json(n);
                v["Containers"] = json!({});
                v
            })
            .collect();
        Ok(ApiResponse::json(200, Value::Array(list)))
    }

    /// `POST /networks/create`.
    fn api_network_create(
        &mut self,
        k: &mut dyn Kernel,
        req: &ApiRequest,
    ) -> Result<ApiResponse, ApiError> {
        let body: NetworkCreateBody = parse_body(&req.body)?;
        if body.name.is_empty() {
            return Err(ApiError::bad("network name must not be empty"));
        }
        let id = self.create_network(k, create_request(body)?)?;
        Ok(ApiResponse::json(201, json!({"Id": id, "Warning": ""})))
    }

    /// `POST /networks/{id}/connect`.
    fn api_connect(
        &mut self,
        k: &mut dyn Kernel,
        network: &str,
        req: &ApiRequest,
    ) -> Result<ApiResponse, ApiError> {
        let b: ConnectBody = parse_body(&req.body)?;
        let ep = b.endpoint_config.unwrap_or_default();
        let ip = ep
            .ipam_config
            .and_then(|c| c.ipv4_address)
            .filter(|s| !s.is_empty());
        let aliases = ep.aliases.unwrap_or_default();
        let links = ep.links.unwrap_or_default();
        self.connect(k, network, &b.container, ip.as_deref(), aliases, &links)?;
        Ok(ApiResponse::empty(200))
    }
}
