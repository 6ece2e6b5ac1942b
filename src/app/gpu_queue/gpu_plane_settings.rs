//! `GpuPlaneSettings`: Settings → GPU (the plane on or off, per-user limits, the lease and the
//! heartbeat interval, the maximum runtime, the log cap and retention), how a change is checked
//! (each bad value refused with its field and what to set), and how they are stored (one JSON
//! setting, so a restart keeps them).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::GpuError;
use crate::domain::gpu_queue::QueueLimits;

/// The setting the GPU plane's settings are stored under.
pub const SETTING_KEY: &str = "gpu_plane";

const MIB: u64 = 1024 * 1024;
const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

/// The GPU plane's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpuPlaneSettings {
    pub enabled: bool,
    pub limits: QueueLimits,
    /// How long a worker holds a job without a heartbeat.
    pub lease: Duration,
    /// How often a worker is asked to renew its lease.
    pub heartbeat: Duration,
    /// The longest a job may run; the worker stops it after that.
    pub max_runtime: Duration,
    /// The most output kept per job, in bytes.
    pub log_cap: u64,
    /// How long the output of a finished job is kept.
    pub log_retention: Duration,
}

impl Default for GpuPlaneSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            limits: QueueLimits::default(),
            lease: Duration::from_secs(60),
            heartbeat: Duration::from_secs(15),
            max_runtime: Duration::from_secs(24 * HOUR),
            log_cap: 256 * MIB,
            log_retention: Duration::from_secs(30 * DAY),
        }
    }
}

/// A change from Settings → GPU: each field absent keeps its value. Units are the ones people
/// think in (seconds, hours, MiB, days).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpuSettingsChange {
    pub enabled: Option<bool>,
    pub max_queued_per_user: Option<u32>,
    pub max_running_per_user: Option<u32>,
    pub lease_seconds: Option<u64>,
    pub heartbeat_seconds: Option<u64>,
    pub max_runtime_hours: Option<u64>,
    pub log_cap_mib: Option<u64>,
    pub log_retention_days: Option<u64>,
}

fn invalid(field: &'static str, message: impl Into<String>) -> GpuError {
    GpuError::Invalid {
        field,
        message: message.into(),
    }
}

fn within(field: &'static str, value: u64, low: u64, high: u64, unit: &str) -> Result<u64, GpuError> {
    if (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(
            field,
            format!("{field} is {value}; set it between {low} and {high} {unit}"),
        ))
    }
}

impl GpuPlaneSettings {
    /// The settings as a complete change (what Settings → GPU shows).
    pub fn as_change(&self) -> GpuSettingsChange {
        GpuSettingsChange {
            enabled: Some(self.enabled),
            max_queued_per_user: Some(self.limits.max_queued_per_user()),
            max_running_per_user: Some(self.limits.max_running_per_user()),
            lease_seconds: Some(self.lease.as_secs()),
            heartbeat_seconds: Some(self.heartbeat.as_secs()),
            max_runtime_hours: Some(self.max_runtime.as_secs() / HOUR),
            log_cap_mib: Some(self.log_cap / MIB),
            log_retention_days: Some(self.log_retention.as_secs() / DAY),
        }
    }

    /// These settings with `change` applied, or the first bad field. Nothing changes on error.
    ///
    /// # Errors
    /// `Invalid` naming the field: limits 1–1000, lease 5 s–1 h, heartbeat at least 1 s and at
    /// most a third of the lease (two missed heartbeats must not lose the job), maximum runtime
    /// 1 h–30 days, log cap 1 MiB–64 GiB, retention 1–3650 days.
    pub fn apply(&self, change: &GpuSettingsChange) -> Result<Self, GpuError> {
        // A field left out keeps its exact value (which need not be a whole number of units).
        let secs = |field, value: Option<u64>, low, high, unit, scale: u64, old: Duration| {
            value.map_or(Ok(old), |v| {
                within(field, v, low, high, unit).map(|v| Duration::from_secs(v * scale))
            })
        };
        let queued = match change.max_queued_per_user {
            Some(v) => within("max_queued_per_user", u64::from(v), 1, 1000, "jobs")? as u32,
            None => self.limits.max_queued_per_user(),
        };
        let running = match change.max_running_per_user {
            Some(v) => within("max_running_per_user", u64::from(v), 1, 1000, "jobs")? as u32,
            None => self.limits.max_running_per_user(),
        };
        let lease = secs("lease_seconds", change.lease_seconds, 5, HOUR, "seconds", 1, self.lease)?;
        let heartbeat = secs(
            "heartbeat_seconds",
            change.heartbeat_seconds,
            1,
            (lease.as_secs() / 3).max(1),
            "seconds (at most a third of the lease, so two missed heartbeats do not lose the job)",
            1,
            self.heartbeat,
        )?;
        if heartbeat * 3 > lease {
            return Err(invalid(
                "heartbeat_seconds",
                format!(
                    "heartbeat_seconds is {}; with a lease of {} s set it to at most {} so two missed heartbeats do not lose the job",
                    heartbeat.as_secs(),
                    lease.as_secs(),
                    (lease.as_secs() / 3).max(1)
                ),
            ));
        }
        let max_runtime = secs(
            "max_runtime_hours",
            change.max_runtime_hours,
            1,
            30 * 24,
            "hours",
            HOUR,
            self.max_runtime,
        )?;
        let log_cap = match change.log_cap_mib {
            Some(v) => within("log_cap_mib", v, 1, 64 * 1024, "MiB")? * MIB,
            None => self.log_cap,
        };
        let log_retention = secs(
            "log_retention_days",
            change.log_retention_days,
            1,
            3650,
            "days",
            DAY,
            self.log_retention,
        )?;
        let limits = QueueLimits::new(queued, running).map_err(|e| invalid("max_queued_per_user", e.to_string()))?;
        Ok(Self {
            enabled: change.enabled.unwrap_or(self.enabled),
            limits,
            lease,
            heartbeat,
            max_runtime,
            log_cap,
            log_retention,
        })
    }

    /// The stored form: every value exact, in bytes and seconds.
    pub fn encode(&self) -> String {
        let stored = Stored {
            enabled: self.enabled,
            max_queued_per_user: self.limits.max_queued_per_user(),
            max_running_per_user: self.limits.max_running_per_user(),
            lease_seconds: self.lease.as_secs(),
            heartbeat_seconds: self.heartbeat.as_secs(),
            max_runtime_seconds: self.max_runtime.as_secs(),
            log_cap_bytes: self.log_cap,
            log_retention_seconds: self.log_retention.as_secs(),
        };
        serde_json::to_string(&stored).expect("settings always serialise")
    }

    /// Reads the stored form; a document that does not parse or holds impossible limits falls
    /// back to the defaults with a warning, never a failed start.
    pub fn decode(text: &str) -> Self {
        let stored = match serde_json::from_str::<Stored>(text) {
            Ok(stored) => stored,
            Err(e) => {
                tracing::warn!(error = %e, "stored GPU settings do not parse; using the defaults");
                return Self::default();
            }
        };
        let Ok(limits) = QueueLimits::new(stored.max_queued_per_user, stored.max_running_per_user) else {
            tracing::warn!("stored GPU limits are zero; using the defaults");
            return Self::default();
        };
        Self {
            enabled: stored.enabled,
            limits,
            lease: Duration::from_secs(stored.lease_seconds.max(1)),
            heartbeat: Duration::from_secs(stored.heartbeat_seconds.max(1)),
            max_runtime: Duration::from_secs(stored.max_runtime_seconds.max(1)),
            log_cap: stored.log_cap_bytes.max(1),
            log_retention: Duration::from_secs(stored.log_retention_seconds.max(1)),
        }
    }
}

/// The stored document.
#[derive(Serialize, Deserialize)]
struct Stored {
    enabled: bool,
    max_queued_per_user: u32,
    max_running_per_user: u32,
    lease_seconds: u64,
    heartbeat_seconds: u64,
    max_runtime_seconds: u64,
    log_cap_bytes: u64,
    log_retention_seconds: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_keeps_what_it_does_not_name_and_round_trips() {
        let base = GpuPlaneSettings::default();
        let changed = base
            .apply(&GpuSettingsChange {
                enabled: Some(true),
                max_runtime_hours: Some(2),
                log_cap_mib: Some(8),
                ..GpuSettingsChange::default()
            })
            .unwrap();
        assert!(changed.enabled);
        assert_eq!(changed.max_runtime, Duration::from_secs(7200));
        assert_eq!(changed.log_cap, 8 * MIB);
        assert_eq!(changed.lease, base.lease);
        assert_eq!(GpuPlaneSettings::decode(&changed.encode()), changed);
    }

    #[test]
    fn each_bad_value_is_refused_by_its_field() {
        let base = GpuPlaneSettings::default();
        let cases = [
            (
                GpuSettingsChange {
                    max_queued_per_user: Some(0),
                    ..Default::default()
                },
                "max_queued_per_user",
            ),
            (
                GpuSettingsChange {
                    max_running_per_user: Some(0),
                    ..Default::default()
                },
                "max_running_per_user",
            ),
            (
                GpuSettingsChange {
                    lease_seconds: Some(4),
                    ..Default::default()
                },
                "lease_seconds",
            ),
            (
                GpuSettingsChange {
                    heartbeat_seconds: Some(30),
                    ..Default::default()
                },
                "heartbeat_seconds",
            ),
            (
                GpuSettingsChange {
                    max_runtime_hours: Some(0),
                    ..Default::default()
                },
                "max_runtime_hours",
            ),
            (
                GpuSettingsChange {
                    log_cap_mib: Some(0),
                    ..Default::default()
                },
                "log_cap_mib",
            ),
            (
                GpuSettingsChange {
                    log_retention_days: Some(0),
                    ..Default::default()
                },
                "log_retention_days",
            ),
        ];
        for (change, field) in cases {
            let err = base.apply(&change).unwrap_err();
            assert_eq!(err.field(), Some(field), "{err}");
            assert!(err.to_string().contains("set it between"), "{err}");
        }
    }

    #[test]
    fn a_damaged_stored_value_falls_back_to_the_defaults() {
        assert_eq!(GpuPlaneSettings::decode("not json"), GpuPlaneSettings::default());
        let zero = GpuPlaneSettings::default()
            .encode()
            .replace("\"max_queued_per_user\":10", "\"max_queued_per_user\":0");
        assert!(zero.contains(":0"), "{zero}");
        assert_eq!(GpuPlaneSettings::decode(&zero), GpuPlaneSettings::default());
    }
}
