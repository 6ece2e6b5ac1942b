//! Latency profiles: how long simulated tasks take, when the guest agent answers and how stale
//! `/cluster/resources` is. Also the seeded random source behind jitter, MACs and pids.

use chrono::Duration;

/// How fast the simulated cluster is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Everything completes at once and statistics are always fresh (unit and simulation tests).
    Instant,
    /// Fixed durations without jitter (benchmarks and contract tests).
    Bench,
    /// Durations like a small real cluster, with seeded jitter.
    Realistic,
    /// `Realistic` about five times faster, for `nimbus demo`.
    Demo,
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "instant" => Ok(Self::Instant),
            "bench" => Ok(Self::Bench),
            "realistic" => Ok(Self::Realistic),
            "demo" => Ok(Self::Demo),
            other => Err(format!(
                "unknown profile '{other}': use instant, bench, realistic or demo"
            )),
        }
    }
}

/// What a task does, for its duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Work {
    FullClone { disk_bytes: u64 },
    LinkedClone,
    Config,
    Resize,
    Start,
    Stop,
    Shutdown,
    Reboot,
    Delete,
    Template,
    Create,
    Download { bytes: u64 },
}

/// SplitMix64: tiny, seedable and the same on every platform.
#[derive(Debug, Clone)]
pub(super) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi]` milliseconds.
    pub fn between_ms(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

impl Profile {
    fn scale(self) -> f64 {
        match self {
            Self::Demo => 0.2,
            _ => 1.0,
        }
    }

    /// Nominal duration in milliseconds and the jitter (± fraction) for `work`.
    fn nominal_ms(self, work: Work) -> (f64, f64) {
        let realistic = matches!(self, Self::Realistic | Self::Demo);
        let ms = match (work, realistic) {
            (Work::FullClone { disk_bytes }, false) => 2000.0 + disk_bytes as f64 / GIB * 1000.0,
            (Work::FullClone { disk_bytes }, true) => 5000.0 + disk_bytes as f64 / GIB * 3000.0,
            (Work::LinkedClone, _) => 1000.0,
            (Work::Config, false) => 1000.0,
            (Work::Config, true) => 500.0,
            (Work::Resize, _) => 1000.0,
            (Work::Start, false) => 2000.0,
            (Work::Start, true) => 3000.0,
            (Work::Stop, _) => 1000.0,
            (Work::Shutdown, false) => 2000.0,
            (Work::Shutdown, true) => 6000.0,
            (Work::Reboot, false) => 3000.0,
            (Work::Reboot, true) => 10000.0,
            (Work::Delete, false) => 1000.0,
            (Work::Delete, true) => 2500.0,
            (Work::Template, _) => 2000.0,
            (Work::Create, _) => 2000.0,
            // 50 MiB/s.
            (Work::Download { bytes }, _) => 1000.0 + bytes as f64 / (50.0 * 1024.0 * 1024.0) * 1000.0,
        };
        (ms, if realistic { 0.25 } else { 0.0 })
    }

    /// How long `work` takes, jitter drawn from `rng`.
    pub(super) fn duration(self, work: Work, rng: &mut Rng) -> Duration {
        if self == Self::Instant {
            return Duration::zero();
        }
        let (ms, jitter) = self.nominal_ms(work);
        let ms = ms * self.scale();
        let spread = (ms * jitter) as i64;
        Duration::milliseconds(rng.between_ms(ms as i64 - spread, ms as i64 + spread).max(0))
    }

    /// From the end of a start task until the guest agent answers (the guest has booted).
    pub(super) fn agent_delay(self, rng: &mut Rng) -> Duration {
        match self {
            Self::Instant => Duration::zero(),
            Self::Bench => Duration::seconds(10),
            Self::Realistic => Duration::milliseconds(rng.between_ms(10_000, 40_000)),
            Self::Demo => Duration::milliseconds(rng.between_ms(2_000, 8_000)),
        }
    }

    /// From the end of a boot until the agent a `cidata` ISO asked for is installed and answering.
    pub(super) fn agent_install_delay(self, rng: &mut Rng) -> Duration {
        match self {
            Self::Instant => Duration::zero(),
            Self::Bench => Duration::seconds(30),
            Self::Realistic => Duration::milliseconds(rng.between_ms(60_000, 120_000)),
            Self::Demo => Duration::milliseconds(rng.between_ms(12_000, 24_000)),
        }
    }

    /// From a guest's `poweroff` until the VM is stopped (zero: at once).
    pub(super) fn halt_delay(self, rng: &mut Rng) -> Duration {
        match self {
            Self::Instant => Duration::zero(),
            Self::Bench => Duration::seconds(3),
            Self::Realistic => Duration::milliseconds(rng.between_ms(4_000, 8_000)),
            Self::Demo => Duration::milliseconds(rng.between_ms(1_000, 2_000)),
        }
    }

    /// How often guest statistics reach `/cluster/resources` (zero: always fresh).
    pub(super) fn stats_interval(self) -> Duration {
        match self {
            Self::Instant => Duration::zero(),
            Self::Demo => Duration::seconds(2),
            Self::Bench | Self::Realistic => Duration::seconds(10),
        }
    }

    /// How long a task waits for a VM's lock file before giving up.
    pub(super) fn lock_wait(self) -> Duration {
        Duration::seconds(10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], Rng::new(8).next_u64());
    }

    #[test]
    fn full_clones_take_longer_for_bigger_disks_and_demo_is_faster() {
        let mut rng = Rng::new(1);
        let small = Profile::Bench.duration(Work::FullClone { disk_bytes: 1 << 30 }, &mut rng);
        let big = Profile::Bench.duration(Work::FullClone { disk_bytes: 10 << 30 }, &mut rng);
        assert!(big > small);
        assert_eq!(Profile::Instant.duration(Work::Start, &mut rng), Duration::zero());
        let real = Profile::Realistic.duration(Work::Reboot, &mut Rng::new(3));
        let demo = Profile::Demo.duration(Work::Reboot, &mut Rng::new(3));
        assert!(demo * 3 < real);
    }
}
