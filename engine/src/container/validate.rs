//! The checks 20.10 makes on an endpoint's settings before it creates the endpoint
//! (`validateNetworkingConfig`, `updateNetworkConfig`), with their exact messages.

use std::net::Ipv4Addr;

use crate::container::model::IpamConfigStyle;
use crate::error::EngineError;
use crate::ipam::defaults::default_pools;
use crate::network::Network;

/// Whether a network's subnet was given by the user (`--ip` needs one in 20.10). The model
/// does not record it, so an auto-allocated pool is recognised by its echo: a default pool
/// with its first address as gateway and no range.
pub fn user_configured_subnet(n: &Network) -> bool {
    let (Some(subnet), Some(gw)) = (n.subnet, n.gateway) else {
        return false;
    };
    let Some(cfg) = n.ipam_config.first() else {
        return false;
    };
    let auto = default_pools().contains(&subnet)
        && cfg.subnet == subnet.to_string()
        && cfg.gateway.as_deref() == Some(&gw.to_string())
        && cfg.ip_range.is_none()
        && cfg.aux.is_empty()
        && u32::from(gw) == u32::from(subnet.network()) + 1;
    !auto
}

/// Whether a network counts as user-defined (`NetworkMode.IsUserDefined`).
pub fn user_defined(n: &Network) -> bool {
    !n.is_predefined()
}

/// The `--ip` / `--alias` checks 20.10 makes before it creates an endpoint.
pub fn validate_endpoint(
    n: &Network,
    ip: Option<Ipv4Addr>,
    aliases: &[String],
) -> Result<(), EngineError> {
    if !user_defined(n) {
        if ip.is_some() {
            return Err(EngineError::Message(
                "user specified IP address is supported on user defined networks only".into(),
            ));
        }
        if !aliases.is_empty() {
            return Err(EngineError::Message(
                "network-scoped alias is supported only for containers in user defined networks"
                    .into(),
            ));
        }
        return Ok(());
    }
    if ip.is_some() && !user_configured_subnet(n) {
        return Err(EngineError::Message(
            "user specified IP address is supported only when connecting to networks with user configured subnets".into(),
        ));
    }
    Ok(())
}

/// The `IPAMConfig` style of a fresh endpoint config.
pub fn ipam_style(ip: Option<Ipv4Addr>) -> IpamConfigStyle {
    if ip.is_some() {
        IpamConfigStyle::Object
    } else {
        IpamConfigStyle::Null
    }
}
