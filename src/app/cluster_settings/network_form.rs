//! The VM network as the forms carry it: pool, gateway, prefix, reserved addresses and DNS, as
//! text, saved as the variables `serve` reads.

use std::collections::BTreeMap;

/// The VM network: pool, gateway, prefix, reserved addresses and DNS.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NetworkForm {
    pub pool_start: String,
    pub pool_end: String,
    pub gateway: String,
    pub prefix: u8,
    /// `10.0.0.20-10.0.0.29, 10.0.0.40`.
    pub reserved: String,
    /// Separated by commas or spaces.
    pub nameservers: String,
    pub search_domain: String,
}

impl NetworkForm {
    /// The form as the running settings show it.
    pub fn of(settings: &crate::app::provisioning::ProvisionSettings) -> Self {
        let base = Self {
            prefix: 24,
            nameservers: nameservers_text(&settings.nameservers),
            search_domain: settings.search_domain.clone(),
            ..Self::default()
        };
        let Some(plan) = &settings.network else {
            return base;
        };
        Self {
            pool_start: plan.pool().start().to_string(),
            pool_end: plan.pool().end().to_string(),
            gateway: plan.gateway().to_string(),
            prefix: plan.prefix().get(),
            reserved: plan
                .reserved()
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            ..base
        }
    }

    /// The variables this form sets.
    pub fn values(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("IP_POOL_START", self.pool_start.trim().to_owned()),
            ("IP_POOL_END", self.pool_end.trim().to_owned()),
            ("GATEWAY_IP", self.gateway.trim().to_owned()),
            ("VM_PREFIX_LEN", self.prefix.to_string()),
            ("IP_POOL_RESERVED", self.reserved.trim().to_owned()),
            ("NAMESERVER", self.nameservers.trim().to_owned()),
            ("SEARCH_DOMAIN", self.search_domain.trim().to_owned()),
        ])
    }

    /// The form as a set of variables shows it (a missing one is empty).
    pub fn from_values(values: &BTreeMap<String, String>) -> Self {
        let get = |k: &str| values.get(k).cloned().unwrap_or_default();
        Self {
            pool_start: get("IP_POOL_START"),
            pool_end: get("IP_POOL_END"),
            gateway: get("GATEWAY_IP"),
            prefix: get("VM_PREFIX_LEN").trim().parse().unwrap_or(24),
            reserved: get("IP_POOL_RESERVED"),
            nameservers: get("NAMESERVER"),
            search_domain: get("SEARCH_DOMAIN"),
        }
    }
}

/// Nameservers as the form writes them: separated by spaces.
pub fn nameservers_text(addrs: &[std::net::IpAddr]) -> String {
    addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(" ")
}
