//! Docker 20.10's default IPAM: address pools per network, the default pool list with its
//! rotating cursor (facts §2.2), and container address requests (§2.4).

pub mod defaults;
pub mod pool;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::engine::Engine;
use crate::error::EngineError;
use crate::op::Ipv4Cidr;

pub use pool::Pool;

/// The local address space: every pool handed out, and where the next default search starts.
#[derive(Clone, Debug, Default)]
pub struct Ipam {
    /// Pools by network ID.
    pub pools: BTreeMap<String, Pool>,
    /// Index into [`defaults::DEFAULT_POOLS`] where the next automatic search starts; it only
    /// moves forward and wraps, so freed pools are not reused at once (≤ 26.x).
    pub cursor: usize,
}

impl Ipam {
    /// Whether `subnet` overlaps a pool already allocated.
    pub fn overlaps(&self, subnet: &Ipv4Cidr) -> bool {
        self.pools.values().any(|p| p.subnet.overlaps(subnet))
    }

    /// `RequestPool` with a preferred subnet: refused if it overlaps any allocated pool.
    pub fn request_pool(
        &mut self,
        network_id: &str,
        subnet: Ipv4Cidr,
        range: Option<Ipv4Cidr>,
    ) -> Result<Ipv4Cidr, EngineError> {
        let subnet = subnet.masked();
        if self.overlaps(&subnet) {
            return Err(EngineError::PoolOverlap);
        }
        self.pools
            .insert(network_id.to_string(), Pool::new(subnet, range));
        Ok(subnet)
    }

    /// `RequestPool` without a subnet: the next default pool from the cursor that overlaps no
    /// allocated pool and no host route; the cursor moves past every pool it tried.
    pub fn request_default_pool(
        &mut self,
        network_id: &str,
        host_routes: &[Ipv4Cidr],
    ) -> Result<Ipv4Cidr, EngineError> {
        let all = defaults::default_pools();
        let n = all.len();
        let start = self.cursor;
        for step in 0..n {
            let i = (start + step) % n;
            let cand = all[i];
            if self.overlaps(&cand) {
                continue;
            }
            // libnetwork takes the pool, then (finding it overlaps a route) keeps it leased
            // while it asks again: the cursor moves past it either way.
            self.cursor = (i + 1) % n;
            if host_routes.iter().any(|r| r.overlaps(&cand)) {
                continue;
            }
            self.pools
                .insert(network_id.to_string(), Pool::new(cand, None));
            return Ok(cand);
        }
        Err(EngineError::NoDefaultPool)
    }

    /// `ReleasePool`.
    pub fn release_pool(&mut self, network_id: &str) {
        self.pools.remove(network_id);
    }
}

impl Engine {
    /// An address for an endpoint on `network_id`: `preferred` if given and free, else the
    /// lowest free one. Errors as libnetwork's `assignAddressVersion` words them.
    pub(crate) fn ipam_request_address(
        &mut self,
        network_id: &str,
        preferred: Option<Ipv4Addr>,
    ) -> Result<Ipv4Addr, EngineError> {
        let (name, id) = match self.network_by_id(network_id) {
            Some(n) => (n.name.clone(), n.id.clone()),
            None => return Err(EngineError::NetworkNotFound(network_id.to_string())),
        };
        let Some(pool) = self.ipam.pools.get_mut(network_id) else {
            return Err(EngineError::NoAvailableAddress { name, id });
        };
        if let Some(ip) = preferred {
            if !pool.subnet.contains(ip) {
                return Err(EngineError::Message(format!(
                    "Invalid address {ip}: It does not belong to any of this network's subnets"
                )));
            }
        }
        match pool.request(preferred) {
            Ok(ip) => Ok(ip),
            Err(EngineError::Message(_)) if preferred.is_none() => {
                Err(EngineError::NoAvailableAddress { name, id })
            }
            Err(e) => Err(e),
        }
    }

    /// Gives an endpoint's address back; the next request may get it at once.
    pub(crate) fn ipam_release_address(&mut self, network_id: &str, ip: Ipv4Addr) {
        if let Some(pool) = self.ipam.pools.get_mut(network_id) {
            pool.release(ip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Ipv4Cidr {
        Ipv4Cidr::parse(s).unwrap()
    }

    #[test]
    fn rotating_cursor_does_not_reuse_freed_pools() {
        let mut ipam = Ipam::default();
        ipam.request_pool("bridge", cidr("172.17.0.0/16"), None)
            .unwrap();
        assert_eq!(
            ipam.request_default_pool("a", &[]).unwrap(),
            cidr("172.18.0.0/16")
        );
        assert_eq!(
            ipam.request_default_pool("b", &[]).unwrap(),
            cidr("172.19.0.0/16")
        );
        ipam.release_pool("a");
        ipam.release_pool("b");
        assert_eq!(
            ipam.request_default_pool("c", &[]).unwrap(),
            cidr("172.20.0.0/16")
        );
    }

    #[test]
    fn host_routes_are_skipped() {
        let mut ipam = Ipam::default();
        ipam.request_pool("bridge", cidr("172.17.0.0/16"), None)
            .unwrap();
        let routes = [cidr("172.18.5.0/24")];
        assert_eq!(
            ipam.request_default_pool("a", &routes).unwrap(),
            cidr("172.19.0.0/16")
        );
        assert_eq!(ipam.cursor, 3);
    }

    #[test]
    fn overlap_and_exhaustion() {
        let mut ipam = Ipam::default();
        ipam.request_pool("x", cidr("10.0.0.1/24"), None).unwrap();
        assert_eq!(
            ipam.request_pool("y", cidr("10.0.0.128/25"), None),
            Err(EngineError::PoolOverlap)
        );
        assert_eq!(
            ipam.request_pool("y", cidr("10.0.0.0/16"), None),
            Err(EngineError::PoolOverlap)
        );
        for i in 0..31 {
            ipam.request_default_pool(&format!("n{i}"), &[]).unwrap();
        }
        assert_eq!(
            ipam.request_default_pool("z", &[]),
            Err(EngineError::NoDefaultPool)
        );
    }
}
