//! One IPAM pool: a subnet, an optional allocation sub-range, and its taken addresses.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use crate::error::EngineError;
use crate::op::Ipv4Cidr;

/// An allocated address pool (libnetwork's `PoolData` plus its bitmap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The masked subnet.
    pub subnet: Ipv4Cidr,
    /// `--ip-range`, masked: where dynamic addresses come from.
    pub range: Option<Ipv4Cidr>,
    /// Taken addresses, including the pre-reserved network and broadcast addresses.
    pub used: BTreeSet<Ipv4Addr>,
}

impl Pool {
    /// A fresh pool; like libnetwork it pre-reserves the network and broadcast addresses.
    pub fn new(subnet: Ipv4Cidr, range: Option<Ipv4Cidr>) -> Self {
        let subnet = subnet.masked();
        let mut used = BTreeSet::new();
        used.insert(subnet.network());
        used.insert(subnet.broadcast());
        Pool {
            subnet,
            range: range.map(|r| r.masked()),
            used,
        }
    }

    /// `RequestAddress`: the preferred address if free, else the lowest free one (in the
    /// range, if there is one). Errors are libnetwork's `ipamapi` ones.
    pub fn request(&mut self, preferred: Option<Ipv4Addr>) -> Result<Ipv4Addr, EngineError> {
        if let Some(ip) = preferred {
            if !self.subnet.contains(ip) {
                return Err(EngineError::AddressOutOfRange);
            }
        }
        let size = 1u64 << (32 - self.subnet.prefix);
        if self.used.len() as u64 >= size {
            return Err(EngineError::Message(
                "No available addresses on this pool".to_string(),
            ));
        }
        let ip = match preferred {
            Some(ip) => {
                if self.used.contains(&ip) {
                    return Err(EngineError::AddressInUse);
                }
                ip
            }
            None => {
                // A range wider than the subnet is cut to it (`getAddressRange` works in host
                // bits of the master pool).
                let span = match self.range {
                    Some(r) if r.prefix >= self.subnet.prefix => r,
                    _ => self.subnet,
                };
                self.lowest_free(span).ok_or_else(|| {
                    EngineError::Message("No available addresses on this pool".to_string())
                })?
            }
        };
        self.used.insert(ip);
        Ok(ip)
    }

    /// `ReleaseAddress`; releasing a free address is a no-op.
    pub fn release(&mut self, ip: Ipv4Addr) {
        if ip != self.subnet.network() && ip != self.subnet.broadcast() {
            self.used.remove(&ip);
        }
    }

    /// The lowest address of `span` not yet taken.
    fn lowest_free(&self, span: Ipv4Cidr) -> Option<Ipv4Addr> {
        let first = u32::from(span.network());
        let last = u32::from(span.broadcast());
        let mut candidate = first;
        // `used` is sorted, so walk it alongside the candidate to find the first gap.
        for ip in self
            .used
            .range(Ipv4Addr::from(first)..=Ipv4Addr::from(last))
        {
            let v = u32::from(*ip);
            if v > candidate {
                break;
            }
            if v == candidate {
                if candidate == last {
                    return None;
                }
                candidate += 1;
            }
        }
        Some(Ipv4Addr::from(candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Ipv4Cidr {
        Ipv4Cidr::parse(s).unwrap()
    }

    #[test]
    fn lowest_free_and_reuse() {
        let mut p = Pool::new(cidr("10.0.0.1/24"), None);
        assert_eq!(p.subnet, cidr("10.0.0.0/24"));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(10, 0, 0, 3));
        p.release(Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(10, 0, 0, 4));
    }

    #[test]
    fn preferred_errors() {
        let mut p = Pool::new(cidr("10.4.0.0/24"), None);
        assert_eq!(
            p.request(Some(Ipv4Addr::new(10, 4, 0, 0))),
            Err(EngineError::AddressInUse)
        );
        assert_eq!(
            p.request(Some(Ipv4Addr::new(10, 5, 0, 1))),
            Err(EngineError::AddressOutOfRange)
        );
        assert_eq!(
            p.request(Some(Ipv4Addr::new(10, 4, 0, 9))).unwrap(),
            Ipv4Addr::new(10, 4, 0, 9)
        );
        assert_eq!(
            p.request(Some(Ipv4Addr::new(10, 4, 0, 9))),
            Err(EngineError::AddressInUse)
        );
    }

    #[test]
    fn range_starts_at_its_network_address() {
        let mut p = Pool::new(cidr("172.28.0.0/16"), Some(cidr("172.28.5.0/24")));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(172, 28, 5, 0));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(172, 28, 5, 1));
    }

    #[test]
    fn range_wider_than_subnet_is_the_subnet() {
        let mut p = Pool::new(cidr("10.0.0.0/24"), Some(cidr("10.0.0.128/16")));
        assert_eq!(p.request(None).unwrap(), Ipv4Addr::new(10, 0, 0, 1));
    }

    #[test]
    fn exhaustion() {
        let mut p = Pool::new(cidr("10.9.0.0/30"), None);
        assert!(p.request(None).is_ok());
        assert!(p.request(None).is_ok());
        assert!(p.request(None).is_err());
    }
}
