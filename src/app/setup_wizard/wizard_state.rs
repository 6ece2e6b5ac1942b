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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::cluster_settings::MissingPrivilege;

    fn proxmox(missing: usize) -> SavedProxmox {
        SavedProxmox {
            url: "https://pve1.lan:8006/".into(),
            fingerprint: "AB".into(),
            token_id: "a@pve!b".into(),
            token_secret: "c".into(),
            check: ClusterCheck {
                version: "8.4.1".into(),
                cluster_name: None,
                nodes: Vec::new(),
                storages: Vec::new(),
                token_id: "a@pve!b".into(),
                created_token: false,
                missing: (0..missing)
                    .map(|_| MissingPrivilege {
                        privilege: "VM.Clone on /vms".into(),
                        feature: "provisioning".into(),
                        reason: String::new(),
                        pveum: String::new(),
                        ui: String::new(),
                    })
                    .collect(),
            },
        }
    }

    #[test]
    fn the_wizard_resumes_at_the_first_step_not_done() {
        let mut state = WizardState::default();
        assert_eq!(state.step(), Step::Proxmox);
        state.proxmox = Some(proxmox(1));
        assert_eq!(state.step(), Step::Proxmox, "a token lacking a privilege is not done");
        state.proxmox = Some(proxmox(0));
        assert_eq!(state.step(), Step::Network);
        state.network = Some(NetworkForm::default());
        assert_eq!(state.step(), Step::Access);
        state.access = Some(AccessChoice {
            signup_mode: "open".into(),
            github: None,
            google: None,
        });
        assert_eq!(state.step(), Step::Admin);
        state.proxmox = Some(proxmox(2));
        assert_eq!(
            state.step(),
            Step::Proxmox,
            "a check again that finds a gap reopens the step"
        );
    }

    #[test]
    fn the_saved_state_never_prints_the_token_secret() {
        let state = WizardState {
            proxmox: Some(proxmox(0)),
            ..WizardState::default()
        };
        assert!(!format!("{state:?}").contains("token_secret: \"c\""));
    }
}
