//! What makes a template healthy: `template=1`, the guest agent enabled, a cloud-init drive, a
//! serial console on a socket, and the tags `nimbus-template` and `nimbus-baked-v<N>`. Read from
//! a template's config; a template missing any of it is still used (readiness falls back to
//! TCP 22) but is offered a Rebuild.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

/// The tag every Nimbus template carries.
pub const TEMPLATE_TAG: &str = "nimbus-template";

/// Templates older than this are offered a Rebuild, so new VMs start with recent security updates.
pub const REBUILD_AFTER_DAYS: i64 = 90;

/// The tag naming the bake recipe's version.
pub fn baked_tag(version: u32) -> String {
    format!("nimbus-baked-v{version}")
}

/// The tags a freshly baked template gets, in Proxmox's `;`-separated form.
pub fn baked_tags(version: u32) -> String {
    format!("{TEMPLATE_TAG};{}", baked_tag(version))
}

/// What a template's config says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateHealth {
    pub template: bool,
    pub agent: bool,
    pub cloud_init: bool,
    pub serial: bool,
    pub tagged: bool,
    /// The highest `nimbus-baked-v<N>` tag, if any.
    pub bake_version: Option<u32>,
    /// When Proxmox created it (`meta: …,ctime=<unix>`), if recorded.
    pub created: Option<DateTime<Utc>>,
}

/// Why a template is offered a Rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RebuildReason {
    /// Not baked by Nimbus: no guest agent baked in, or a part missing.
    Unbaked { missing: Vec<&'static str> },
    /// Baked with an older recipe.
    OldRecipe { version: u32, current: u32 },
    /// Older than [`REBUILD_AFTER_DAYS`].
    Old { days: i64 },
}

impl RebuildReason {
    /// The sentence an admin reads.
    pub fn words(&self) -> String {
        match self {
            RebuildReason::Unbaked { missing } => format!(
                "Not baked by Nimbus ({} missing): new VMs from it may have no guest agent. Rebuild it.",
                missing.join(", ")
            ),
            RebuildReason::OldRecipe { version, current } => format!(
                "Baked with recipe v{version}; the current recipe is v{current}. Rebuild it to pick up the changes."
            ),
            RebuildReason::Old { days } => {
                format!("Built {days} days ago. Rebuild it so new VMs start with recent security updates.")
            }
        }
    }
}

/// Splits Proxmox's tag list (`;`, `,` or space separated).
pub fn tags_of(value: &str) -> Vec<String> {
    value
        .split([';', ',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

impl TemplateHealth {
    pub fn read(config: &BTreeMap<String, String>) -> Self {
        let get = |k: &str| config.get(k).map(String::as_str);
        let tags = get("tags").map(tags_of).unwrap_or_default();
        let agent = get("agent").is_some_and(|a| {
            a.split(',')
                .any(|p| p == "1" || p == "enabled=1" || p == "enabled=true")
        });
        let cloud_init = config.iter().any(|(k, v)| {
            (k.starts_with("ide") || k.starts_with("sata") || k.starts_with("scsi")) && v.contains("cloudinit")
        });
        let bake_version = tags
            .iter()
            .filter_map(|t| t.strip_prefix("nimbus-baked-v")?.parse::<u32>().ok())
            .max();
        let created = get("meta").and_then(|m| {
            m.split(',')
                .find_map(|p| p.strip_prefix("ctime="))
                .and_then(|t| t.parse::<i64>().ok())
                .and_then(|t| DateTime::from_timestamp(t, 0))
        });
        Self {
            template: get("template") == Some("1"),
            agent,
            cloud_init,
            serial: get("serial0") == Some("socket"),
            tagged: tags.iter().any(|t| t == TEMPLATE_TAG),
            bake_version,
            created,
        }
    }

    /// Whether this is a healthy template baked with recipe `current` or later.
    pub fn is_healthy_baked(&self, current: u32) -> bool {
        self.missing().is_empty() && self.bake_version.is_some_and(|v| v >= current)
    }

    fn missing(&self) -> Vec<&'static str> {
        [
            (self.template, "template flag"),
            (self.agent, "guest agent"),
            (self.cloud_init, "cloud-init drive"),
            (self.serial, "serial console"),
            (self.tagged, "nimbus-template tag"),
            (self.bake_version.is_some(), "bake tag"),
        ]
        .into_iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, what)| what)
        .collect()
    }

    /// Why it should be rebuilt at `now` (`built` when Nimbus knows better than the config), if it should.
    pub fn rebuild_reason(
        &self,
        current: u32,
        built: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<RebuildReason> {
        let missing = self.missing();
        if !missing.is_empty() {
            return Some(RebuildReason::Unbaked { missing });
        }
        let version = self.bake_version.unwrap_or(0);
        if version < current {
            return Some(RebuildReason::OldRecipe { version, current });
        }
        let days = built.or(self.created).map(|at| (now - at).num_days())?;
        (days >= Duration::days(REBUILD_AFTER_DAYS).num_days()).then_some(RebuildReason::Old { days })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn baked() -> BTreeMap<String, String> {
        config(&[
            ("template", "1"),
            ("agent", "1"),
            ("ide2", "local-lvm:vm-9000-cloudinit,media=cdrom"),
            ("serial0", "socket"),
            ("tags", "nimbus-template;nimbus-baked-v1"),
            ("meta", "creation-qemu=9.0.2,ctime=1700000000"),
        ])
    }

    fn at(unix: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(unix, 0).unwrap()
    }

    #[test]
    fn a_baked_template_is_healthy_and_knows_its_age() {
        let h = TemplateHealth::read(&baked());
        assert!(h.is_healthy_baked(1));
        assert!(!h.is_healthy_baked(2), "a newer recipe makes it stale");
        assert_eq!(h.created, Some(at(1_700_000_000)));
        assert_eq!(h.rebuild_reason(1, None, at(1_700_000_000 + 86_400)), None);
        assert_eq!(
            h.rebuild_reason(1, None, at(1_700_000_000 + 91 * 86_400)),
            Some(RebuildReason::Old { days: 91 })
        );
        assert_eq!(
            h.rebuild_reason(2, None, at(1_700_000_000)),
            Some(RebuildReason::OldRecipe { version: 1, current: 2 })
        );
    }

    #[test]
    fn a_hand_made_template_is_flagged_with_what_it_lacks() {
        let mut c = baked();
        c.remove("serial0");
        c.insert("tags".into(), "nimbus-template".into());
        c.insert("agent".into(), "enabled=0".into());
        let h = TemplateHealth::read(&c);
        assert!(!h.is_healthy_baked(1));
        let reason = h.rebuild_reason(1, None, at(0)).unwrap();
        let words = reason.words();
        assert!(
            words.contains("guest agent") && words.contains("serial console") && words.contains("bake tag"),
            "{words}"
        );
    }

    #[test]
    fn tags_are_read_in_every_separator_and_the_highest_bake_wins() {
        let mut c = baked();
        c.insert("tags".into(), "nimbus-baked-v1,nimbus-template nimbus-baked-v3".into());
        assert_eq!(TemplateHealth::read(&c).bake_version, Some(3));
        assert_eq!(baked_tags(2), "nimbus-template;nimbus-baked-v2");
    }
}
