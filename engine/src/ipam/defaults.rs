//! The local-scope default address pools of Docker 18.09–26.x (`ipamutils`).

use std::net::Ipv4Addr;

use crate::op::Ipv4Cidr;

/// Bases and the prefix each is split into, in Docker's order.
const BASES: [(Ipv4Addr, u8, u8); 7] = [
    (Ipv4Addr::new(172, 17, 0, 0), 16, 16),
    (Ipv4Addr::new(172, 18, 0, 0), 16, 16),
    (Ipv4Addr::new(172, 19, 0, 0), 16, 16),
    (Ipv4Addr::new(172, 20, 0, 0), 14, 16),
    (Ipv4Addr::new(172, 24, 0, 0), 14, 16),
    (Ipv4Addr::new(172, 28, 0, 0), 14, 16),
    (Ipv4Addr::new(192, 168, 0, 0), 16, 20),
];

/// The 31 default pools: 172.17/16 … 172.31/16, then 192.168.0.0/20 … 192.168.240.0/20.
pub fn default_pools() -> Vec<Ipv4Cidr> {
    let mut out = Vec::new();
    for (base, prefix, size) in BASES {
        let count = 1u32 << (size - prefix);
        let step = 1u32 << (32 - size);
        for i in 0..count {
            out.push(Ipv4Cidr::new(
                Ipv4Addr::from(u32::from(base) + i * step),
                size,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_one_pools_in_order() {
        let p = default_pools();
        assert_eq!(p.len(), 31);
        assert_eq!(p[0].to_string(), "172.17.0.0/16");
        assert_eq!(p[14].to_string(), "172.31.0.0/16");
        assert_eq!(p[15].to_string(), "192.168.0.0/20");
        assert_eq!(p[30].to_string(), "192.168.240.0/20");
    }
}
