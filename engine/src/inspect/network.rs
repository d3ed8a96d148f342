//! `docker network inspect` documents (`types.NetworkResource`, API 1.41).

use serde_json::{json, Map, Value};

use crate::cli::template::typed::Kind;
use crate::engine::Engine;
use crate::network::Network;

impl Engine {
    /// The inspect document of one network, keys in the daemon's struct order.
    pub(crate) fn network_json(&self, n: &Network) -> Value {
        let config: Vec<Value> = n
            .ipam_config
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("Subnet".into(), json!(c.subnet));
                if let Some(r) = &c.ip_range {
                    m.insert("IPRange".into(), json!(r));
                }
                if let Some(g) = &c.gateway {
                    m.insert("Gateway".into(), json!(g));
                }
                if !c.aux.is_empty() {
                    m.insert("AuxiliaryAddresses".into(), json!(c.aux));
                }
                Value::Object(m)
            })
            .collect();
        let mut containers = Map::new();
        for ep in self.endpoints_on(&n.id) {
            containers.insert(
                ep.container_id.clone(),
                json!({
                    "Name": ep.name,
                    "EndpointID": ep.endpoint_id,
                    "MacAddress": ep.mac.map(|m| m.to_string()).unwrap_or_default(),
                    "IPv4Address": ep.ipv4.map(|c| c.to_string()).unwrap_or_default(),
                    "IPv6Address": "",
                }),
            );
        }
        let ipam_options = if n.ipam_options_empty_map {
            json!({})
        } else {
            Value::Null
        };
        json!({
            "Name": n.name,
            "Id": n.id,
            "Created": n.created.to_string(),
            "Scope": "local",
            "Driver": n.driver.name(),
            "EnableIPv6": false,
            "IPAM": {
                "Driver": "default",
                "Options": ipam_options,
                "Config": config,
            },
            "Internal": n.internal,
            "Attachable": n.attachable,
            "Ingress": false,
            "ConfigFrom": { "Network": "" },
            "ConfigOnly": false,
            "Containers": containers,
            "Options": n.options,
            "Labels": n.labels,
        })
    }
}

static STR: Kind = Kind::Str;
static BOOL: Kind = Kind::Bool;
static STR_MAP: Kind = Kind::Map(&STR);

/// `network.IPAMConfig`.
static IPAM_CONFIG: Kind = Kind::Struct(&[
    ("Subnet", "Subnet", &STR),
    ("IPRange", "IPRange", &STR),
    ("Gateway", "Gateway", &STR),
    ("AuxAddress", "AuxiliaryAddresses", &STR_MAP),
]);
static IPAM_CONFIGS: Kind = Kind::Slice(&IPAM_CONFIG);

/// `network.IPAM`.
static IPAM: Kind = Kind::Struct(&[
    ("Driver", "Driver", &STR),
    ("Options", "Options", &STR_MAP),
    ("Config", "Config", &IPAM_CONFIGS),
]);

/// `types.EndpointResource`.
static ENDPOINT: Kind = Kind::Struct(&[
    ("Name", "Name", &STR),
    ("EndpointID", "EndpointID", &STR),
    ("MacAddress", "MacAddress", &STR),
    ("IPv4Address", "IPv4Address", &STR),
    ("IPv6Address", "IPv6Address", &STR),
]);
static ENDPOINTS: Kind = Kind::Map(&ENDPOINT);

/// `network.ConfigReference`.
static CONFIG_REF: Kind = Kind::Struct(&[("Network", "Network", &STR)]);

/// `network.PeerInfo`.
static PEER: Kind = Kind::Struct(&[("Name", "Name", &STR), ("IP", "IP", &STR)]);
static PEERS: Kind = Kind::Slice(&PEER);

/// `types.NetworkResource` (API 1.41), the Go type `network inspect -f` templates run on.
pub static NETWORK_RESOURCE: Kind = Kind::Struct(&[
    ("Name", "Name", &STR),
    ("ID", "Id", &STR),
    ("Created", "Created", &Kind::Time),
    ("Scope", "Scope", &STR),
    ("Driver", "Driver", &STR),
    ("EnableIPv6", "EnableIPv6", &BOOL),
    ("IPAM", "IPAM", &IPAM),
    ("Internal", "Internal", &BOOL),
    ("Attachable", "Attachable", &BOOL),
    ("Ingress", "Ingress", &BOOL),
    ("ConfigFrom", "ConfigFrom", &CONFIG_REF),
    ("ConfigOnly", "ConfigOnly", &BOOL),
    ("Containers", "Containers", &ENDPOINTS),
    ("Options", "Options", &STR_MAP),
    ("Labels", "Labels", &STR_MAP),
    ("Peers", "Peers", &PEERS),
    ("Services", "Services", &STR_MAP),
]);
