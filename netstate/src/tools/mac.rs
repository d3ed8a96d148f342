//! MACs for links the scenario itself creates (host-interface peers, `brctl addbr`,
//! `ip link add`).
//!
//! The real kernel gives such links a random MAC. docknet must print the same thing on the
//! simulated and on the real kernel, so it sets every MAC explicitly, drawn from the
//! scenario's seed. One visible consequence: the kernel derives a bridge's id from an
//! explicitly set MAC, so `brctl show` prints `8000.<that MAC>` for a fresh `brctl addbr`
//! bridge, where a real host prints `8000.000000000000` until the first port joins.

use crate::rng::SeededRng;
use crate::Mac;

/// Mixed into the scenario seed so these MACs never share a stream with the engine's IDs.
const STREAM: u64 = 0x646f_636b_6e65_7400; // "docknet\0"

/// A deterministic source of random-looking, locally administered unicast MACs.
#[derive(Clone, Debug)]
pub struct MacSource {
    rng: SeededRng,
}

impl MacSource {
    /// MACs for the scenario with this seed.
    pub fn new(seed: u64) -> Self {
        MacSource {
            rng: SeededRng::new(seed ^ STREAM),
        }
    }

    /// The next MAC, shaped like the kernel's `eth_random_addr` (local bit set, not multicast).
    pub fn next_mac(&mut self) -> Mac {
        let mut b = self.rng.bytes::<6>();
        b[0] = (b[0] & 0xfe) | 0x02;
        Mac(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_unicast_and_deterministic() {
        let mut a = MacSource::new(1);
        let mut b = MacSource::new(1);
        for _ in 0..8 {
            let m = a.next_mac();
            assert_eq!(m, b.next_mac());
            assert_eq!(m.0[0] & 0x03, 0x02);
        }
        assert_ne!(MacSource::new(2).next_mac(), MacSource::new(1).next_mac());
    }
}
