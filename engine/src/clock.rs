//! A deterministic fake clock: Docker stamps networks and containers with `time.Now()`, docknet
//! with this, so one seed gives the same `Created` fields every run.

use std::fmt;

/// The instant a fresh daemon's clock starts at (2026-11-27T19:34:27Z, as in the recordings).
pub const EPOCH_START_SECS: u64 = 1_795_808_067;

/// A point in time, in nanoseconds since the Unix epoch, always UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// Seconds since the Unix epoch.
    pub fn secs(self) -> u64 {
        self.0 / 1_000_000_000
    }

    /// The sub-second part in nanoseconds.
    pub fn subsec_nanos(self) -> u32 {
        (self.0 % 1_000_000_000) as u32
    }

    /// Go's `time.Time.String()` in UTC: `2026-11-27 19:34:27.860921741 +0000 UTC`.
    pub fn go_string(self) -> String {
        let (y, mo, d, h, mi, s) = civil(self.secs());
        let mut out = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
        let ns = self.subsec_nanos();
        if ns != 0 {
            out.push('.');
            out.push_str(format!("{ns:09}").trim_end_matches('0'));
        }
        out.push_str(" +0000 UTC");
        out
    }

    /// Go's `time.RFC3339` (no fraction), as `docker ps` style fields use it.
    pub fn rfc3339(self) -> String {
        let (y, mo, d, h, mi, s) = civil(self.secs());
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// Go's `time.RFC3339Nano` in UTC: trailing zeros of the fraction trimmed, no fraction if zero.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = civil(self.secs());
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")?;
        let ns = self.subsec_nanos();
        if ns != 0 {
            let frac = format!("{ns:09}");
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

/// Splits Unix seconds into a UTC civil date and time (Howard Hinnant's days-to-civil).
fn civil(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem / 60 % 60) as u32,
        (rem % 60) as u32,
    )
}

/// The daemon's clock: it only moves when something reads it.
#[derive(Clone, Debug)]
pub struct Clock {
    now: Timestamp,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            now: Timestamp(EPOCH_START_SECS * 1_000_000_000),
        }
    }
}

impl Clock {
    /// Moves the clock forward by `nanos` and returns the new instant.
    pub fn advance(&mut self, nanos: u64) -> Timestamp {
        self.now = Timestamp(self.now.0 + nanos);
        self.now
    }

    /// The current instant, without moving.
    pub fn peek(&self) -> Timestamp {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go_rfc3339nano() {
        let t = Timestamp(EPOCH_START_SECS * 1_000_000_000 + 860_921_741);
        assert_eq!(t.to_string(), "2026-11-27T19:34:27.860921741Z");
        assert_eq!(
            Timestamp(EPOCH_START_SECS * 1_000_000_000 + 500_000_000).to_string(),
            "2026-11-27T19:34:27.5Z"
        );
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp(951_782_400 * 1_000_000_000).rfc3339(),
            "2000-02-29T00:00:00Z"
        );
    }
}
