//! Shared settings for the domain's property tests. Every run checks the same cases (a fixed seed,
//! so CI is deterministic and a failure reproduces as is) and nothing is written into the source
//! tree. `NIMBUS_PROPTEST_SEED=<u64>` explores other cases locally.

use proptest::test_runner::{Config, RngSeed};

const DEFAULT_SEED: u64 = 0x6e69_6d62_7573;

/// `cases` cases from the fixed (or overridden) seed.
pub(crate) fn with_cases(cases: u32) -> Config {
    let seed = std::env::var("NIMBUS_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(DEFAULT_SEED);
    Config {
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::with_cases(cases)
    }
}
