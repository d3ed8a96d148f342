//! The CLI's IPAM flag checks (`consolidateIpam`), before anything reaches the daemon.

use std::collections::BTreeMap;

use crate::network::IpamConfigEcho;
use crate::op::Ipv4Cidr;

/// The CLI's `subnetMatches`: does `data` (an IP or CIDR) lie in `subnet`?
fn subnet_matches(subnet: &str, data: &str) -> Result<bool, String> {
    let s = Ipv4Cidr::parse(subnet)
        .ok_or_else(|| format!("invalid subnet: invalid CIDR address: {subnet}"))?;
    let ip = if data.contains('/') {
        Ipv4Cidr::parse(data)
            .ok_or_else(|| format!("invalid CIDR address: {data}"))?
            .addr
    } else {
        match data.parse() {
            Ok(ip) => ip,
            Err(_) => return Ok(false),
        }
    };
    Ok(s.contains(ip))
}

/// The CLI's `consolidateIpam`: pairs ranges, gateways and aux addresses with subnets.
pub fn consolidate_ipam(
    subnets: &[String],
    ranges: &[String],
    gateways: &[String],
    aux: &BTreeMap<String, String>,
) -> Result<Vec<IpamConfigEcho>, String> {
    if subnets.len() < ranges.len() || subnets.len() < gateways.len() {
        return Err("every ip-range or gateway must have a corresponding subnet".to_string());
    }
    let mut data: Vec<IpamConfigEcho> = Vec::new();
    for s in subnets {
        for k in &data {
            if subnet_matches(s, &k.subnet)? || subnet_matches(&k.subnet, s)? {
                return Err(
                    "multiple overlapping subnet configuration is not supported".to_string()
                );
            }
        }
        data.push(IpamConfigEcho {
            subnet: s.clone(),
            ..Default::default()
        });
    }
    for r in ranges {
        let mut matched = false;
        for d in data.iter_mut() {
            if !subnet_matches(&d.subnet, r)? {
                continue;
            }
            if let Some(prev) = &d.ip_range {
                return Err(format!(
                    "cannot configure multiple ranges ({r}, {prev}) on the same subnet ({})",
                    d.subnet
                ));
            }
            d.ip_range = Some(r.clone());
            matched = true;
        }
        if !matched {
            return Err(format!("no matching subnet for range {r}"));
        }
    }
    for g in gateways {
        let mut matched = false;
        for d in data.iter_mut() {
            if !subnet_matches(&d.subnet, g)? {
                continue;
            }
            if let Some(prev) = &d.gateway {
                return Err(format!(
                    "cannot configure multiple gateways ({g}, {prev}) for the same subnet ({})",
                    d.subnet
                ));
            }
            d.gateway = Some(g.clone());
            matched = true;
        }
        if !matched {
            return Err(format!("no matching subnet for gateway {g}"));
        }
    }
    for (key, addr) in aux {
        let mut matched = false;
        for d in data.iter_mut() {
            if !subnet_matches(&d.subnet, addr)? {
                continue;
            }
            d.aux.insert(key.clone(), addr.clone());
            matched = true;
        }
        if !matched {
            return Err(format!("no matching subnet for aux-address {addr}"));
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn consolidate_errors_match_cli() {
        let none = BTreeMap::new();
        assert_eq!(
            consolidate_ipam(&[], &[], &v(&["10.0.0.1"]), &none).unwrap_err(),
            "every ip-range or gateway must have a corresponding subnet"
        );
        assert_eq!(
            consolidate_ipam(&v(&["10.1.0.0/24"]), &[], &v(&["10.2.0.1"]), &none).unwrap_err(),
            "no matching subnet for gateway 10.2.0.1"
        );
        assert_eq!(
            consolidate_ipam(&v(&["10.5.0.0/24"]), &v(&["10.6.0.0/24"]), &[], &none).unwrap_err(),
            "no matching subnet for range 10.6.0.0/24"
        );
        assert_eq!(
            consolidate_ipam(&v(&["10.0.0.0/16", "10.0.1.0/24"]), &[], &[], &none).unwrap_err(),
            "multiple overlapping subnet configuration is not supported"
        );
        assert_eq!(
            consolidate_ipam(&v(&["foo"]), &[], &v(&["1.2.3.4"]), &none).unwrap_err(),
            "invalid subnet: invalid CIDR address: foo"
        );
        // A lone bad subnet passes the CLI; the daemon words that error.
        assert!(consolidate_ipam(&v(&["foo"]), &[], &[], &none).is_ok());
    }
}
