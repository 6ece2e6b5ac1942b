//! Where the policy for published ports is kept: two settings, read with defaults.

use chrono::{DateTime, Utc};

use super::tunnel_error::TunnelError;
use crate::domain::subdomain::{Subdomain, TunnelPolicy};
use crate::ports::Store;

const RESERVED: &str = "tunnels.reserved";
const QUOTA: &str = "tunnels.per_member_quota";

/// The stored policy; the defaults for what was never set.
pub(super) async fn load(settings: &dyn Store) -> Result<TunnelPolicy, TunnelError> {
    let mut policy = TunnelPolicy::default();
    if let Some(text) = settings.get_setting(RESERVED).await? {
        policy.reserved = text.split(',').filter_map(|s| Subdomain::parse(s).ok()).collect();
    }
    if let Some(q) = settings.get_setting(QUOTA).await?.and_then(|q| q.parse().ok()) {
        policy.per_member_quota = q;
    }
    Ok(policy)
}

pub(super) async fn save(settings: &dyn Store, policy: &TunnelPolicy, now: DateTime<Utc>) -> Result<(), TunnelError> {
    let names: Vec<&str> = policy.reserved.iter().map(Subdomain::as_str).collect();
    settings.put_setting(RESERVED, &names.join(","), now).await?;
    settings
        .put_setting(QUOTA, &policy.per_member_quota.to_string(), now)
        .await?;
    Ok(())
}

/// Reserved names as an admin typed them: each one DNS label; duplicates dropped.
pub(super) fn parse_reserved(names: &[String]) -> Result<Vec<Subdomain>, TunnelError> {
    let mut out: Vec<Subdomain> = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let s = Subdomain::parse(name).map_err(|e| TunnelError::Invalid {
            field: "reserved",
            message: format!("reserved: '{name}': {e}"),
        })?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.len() > TunnelPolicy::MAX_RESERVED {
        return Err(TunnelError::Invalid {
            field: "reserved",
            message: format!("reserved: keep at most {} names", TunnelPolicy::MAX_RESERVED),
        });
    }
    Ok(out)
}
