//! The CPU load factor: how busy the soft score assumes a fresh VM's vCPUs will be. Validated at
//! boot from `NIMBUS_CPU_LOAD_FACTOR`.

use std::fmt;

/// Share of a fresh VM's vCPUs the soft score assumes will be busy. Always within 0.25..=1.0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct CpuLoadFactor(f64);

/// The factor was not a number within 0.25..=1.0.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected a number from 0.25 to 1.0")]
pub struct CpuLoadFactorError;

impl CpuLoadFactor {
    pub const MIN: f64 = 0.25;
    pub const MAX: f64 = 1.0;

    pub fn new(value: f64) -> Result<Self, CpuLoadFactorError> {
        if value.is_finite() && (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(CpuLoadFactorError)
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for CpuLoadFactor {
    fn default() -> Self {
        Self(0.5)
    }
}

impl fmt::Display for CpuLoadFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_range_inclusive() {
        assert_eq!(CpuLoadFactor::new(0.25).map(CpuLoadFactor::get), Ok(0.25));
        assert_eq!(CpuLoadFactor::new(1.0).map(CpuLoadFactor::get), Ok(1.0));
    }

    #[test]
    fn rejects_values_outside_the_range_and_non_numbers() {
        for bad in [0.0, 0.2499, 1.0001, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(CpuLoadFactor::new(bad), Err(CpuLoadFactorError), "{bad}");
        }
    }
}
