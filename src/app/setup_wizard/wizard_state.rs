//! What the setup wizard has been told so far, sealed at rest (it holds the Proxmox token's
//! secret and the sign-in providers' secrets) so a restart resumes where the admin was.

use super::Step;
use crate::app::cluster_settings::{ClusterCheck, NetworkForm};

/// The Proxmox step, once a connection answered.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedProxmox {
    pub url: String,
    pub fingerprint: String,
    pub token_id: String,
    pub token_secret: String,
    pub check: ClusterCheck,
}

crate::domain::redact::debug_redacted!(SavedProxmox { url, fingerprint, token_id, check } secret { token_secret });

/// A sign-in provider's app.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProviderApp {
    pub client_id: String,
    pub client_secret: String,
}

crate::domain::redact::debug_redacted!(ProviderApp { client_id } secret { client_secret });

/// The access step.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AccessChoice {
    /// `open`, `access_code` or `invite_only`.
    pub signup_mode: String,
    pub github: Option<ProviderApp>,
    pub google: Option<ProviderApp>,
}

/// Every step saved so far.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WizardState {
    pub proxmox: Option<SavedProxmox>,
    pub network: Option<NetworkForm>,
    #[serde(default)]
    pub network_warnings: Vec<String>,
    pub access: Option<AccessChoice>,
}

impl WizardState {
    /// The first step not done yet: a connection whose token lacks a privilege is not done.
    pub fn step(&self) -> Step {
        match (&self.proxmox, &self.network, &self.access) {
            (None, _, _) => Step::Proxmox,
            (Some(p), _, _) if !p.check.ready() => Step::Proxmox,
            (_, None, _) => Step::Network,
            (_, _, None) => Step::Access,
            _ => Step::Admin,
        }
    }
}
