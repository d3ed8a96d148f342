//! Random-looking names and numbers, all drawn from the engine's seeded generator.

use crate::clock::Timestamp;
use crate::engine::Engine;
use crate::op::Mac;

impl Engine {
    /// A Docker object ID: 64 lowercase hex (`stringid.GenerateRandomID`).
    pub(crate) fn new_id(&mut self) -> String {
        loop {
            let id = self.rng.hex(64);
            // Docker rejects IDs that parse as a number, so the short form is never all digits.
            if !id[..12].bytes().all(|b| b.is_ascii_digit()) {
                return id;
            }
        }
    }

    /// A host-side veth name: `veth` + 7 hex (`netutils.GenerateRandomName`).
    pub(crate) fn new_veth_name(&mut self) -> String {
        format!("veth{}", self.rng.hex(7))
    }

    /// A bridge MAC as Docker ≤ 27 sets it: `02:42` + 4 random bytes.
    pub(crate) fn new_bridge_mac(&mut self) -> Mac {
        let b = self.rng.bytes::<4>();
        Mac([0x02, 0x42, b[0], b[1], b[2], b[3]])
    }

    /// `time.Now()`: the fake clock, advanced by a seeded amount under a second.
    pub(crate) fn now(&mut self) -> Timestamp {
        let step = 1_000_000 + self.rng.next_u64() % 999_000_000;
        self.clock.advance(step)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Engine;

    #[test]
    fn ids_are_deterministic_and_well_formed() {
        let mut a = Engine::new(1);
        let mut b = Engine::new(1);
        let id = a.new_id();
        assert_eq!(id.len(), 64);
        assert!(id
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(id, b.new_id());
        let v = a.new_veth_name();
        assert_eq!(v.len(), 11);
        assert!(v.starts_with("veth"));
        let m = a.new_bridge_mac();
        assert_eq!(&m.0[..2], &[0x02, 0x42]);
        let t1 = a.now();
        let t2 = a.now();
        assert!(t2 > t1);
    }
}
