//! The engine's only source of randomness: a seeded generator (SplitMix64).
//!
//! Docker draws IDs, MACs and veth names at random; docknet draws them from this, so one seed
//! gives byte-identical output.

/// A deterministic pseudo-random generator.
#[derive(Clone, Debug)]
pub struct SeededRng {
    state: u64,
}

impl SeededRng {
    /// A generator that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        SeededRng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `n` random lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let v = self.next_u64();
            for i in 0..16 {
                if s.len() == n {
                    break;
                }
                let nibble = ((v >> (60 - 4 * i)) & 0xf) as u32;
                s.push(char::from_digit(nibble, 16).expect("nibble < 16"));
            }
        }
        s
    }

    /// `n` random bytes.
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let v = self.next_u64().to_be_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SeededRng::new(7);
        let mut b = SeededRng::new(7);
        assert_eq!(a.hex(64), b.hex(64));
        assert_eq!(a.bytes::<4>(), b.bytes::<4>());
        assert_ne!(SeededRng::new(8).hex(12), SeededRng::new(7).hex(12));
        assert_eq!(a.hex(7).len(), 7);
    }
}
