//! The sign-in providers' settings: client ids and allow-lists in the settings table, client
//! secrets sealed. Seeded once from the environment (`GITHUB_CLIENT_ID`, …); afterwards the
//! Settings page is authoritative and changes apply at once.

use std::sync::Arc;

use super::super::audit::Auditor;
use super::super::secrets::SecretBox;
use super::OAuthError;
use crate::app::accounts::Caller;
use crate::app::config::SeedConfig;
use crate::domain::audit::AuditAction;
use crate::domain::oauth::{AccessPolicy, Provider, normalise_list};
use crate::ports::oauth::ProviderApp;
use crate::ports::{Clock, Store};

const SEEDED: &str = "oauth.seeded";

fn id_key(p: Provider) -> String {
    format!("oauth.{}.client_id", p.as_str())
}

fn secret_key(p: Provider) -> String {
    format!("oauth.{}.client_secret", p.as_str())
}

const ORGS: &str = "oauth.github.orgs";
const DOMAINS: &str = "oauth.google.domains";

/// What an admin changes; `None` keeps a value, an empty secret keeps the stored one.
#[derive(Clone, Default)]
pub struct SettingsUpdate {
    pub github_client_id: Option<String>,
    pub github_client_secret: Option<String>,
    pub google_client_id: Option<String>,
    pub google_client_secret: Option<String>,
    pub github_orgs: Option<Vec<String>>,
    pub google_domains: Option<Vec<String>>,
}

crate::domain::redact::debug_redacted!(SettingsUpdate { github_client_id, google_client_id, github_orgs, google_domains } secret { github_client_secret, google_client_secret });

/// The settings as admins see them (secrets only as "configured").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsView {
    pub github_client_id: Option<String>,
    pub github_configured: bool,
    pub google_client_id: Option<String>,
    pub google_configured: bool,
    pub github_orgs: Vec<String>,
    pub google_domains: Vec<String>,
}

pub struct OAuthSettings {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
}

impl OAuthSettings {
    pub fn new(store: Arc<dyn Store>, secrets: Arc<SecretBox>, audit: Arc<Auditor>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            secrets,
            audit,
            clock,
        }
    }

    /// Writes the environment's OAuth apps once, on the first start that sees them.
    pub async fn seed(&self, seeds: &SeedConfig) -> anyhow::Result<()> {
        if self.store.get_setting(SEEDED).await?.is_some() {
            return Ok(());
        }
        for (provider, seed) in [(Provider::GitHub, &seeds.github), (Provider::Google, &seeds.google)] {
            if let Some(seed) = seed {
                self.store
                    .put_setting(&id_key(provider), &seed.client_id, self.clock.now())
                    .await?;
                self.secrets
                    .put(&secret_key(provider), seed.client_secret.expose())
                    .await?;
            }
        }
        self.store.put_setting(SEEDED, "1", self.clock.now()).await?;
        Ok(())
    }

    /// The provider's app when both its id and secret are set.
    pub async fn app(&self, provider: Provider) -> Option<ProviderApp> {
        let id = self.store.get_setting(&id_key(provider)).await.ok()??;
        let secret = match self.secrets.get(&secret_key(provider)).await {
            Ok(secret) => secret?,
            Err(e) => {
                tracing::error!(error = %e, provider = %provider, "the stored client secret does not decrypt");
                return None;
            }
        };
        (!id.is_empty() && !secret.is_empty()).then_some(ProviderApp {
            client_id: id,
            client_secret: secret,
        })
    }

    pub async fn policy(&self) -> AccessPolicy {
        let list = |text: Option<String>| normalise_list(&[text.unwrap_or_default()]);
        AccessPolicy {
            github_orgs: list(self.store.get_setting(ORGS).await.ok().flatten()),
            google_domains: list(self.store.get_setting(DOMAINS).await.ok().flatten()),
        }
    }

    pub async fn view(&self) -> SettingsView {
        let id = |p| async move {
            self.store
                .get_setting(&id_key(p))
                .await
                .ok()
                .flatten()
                .filter(|s| !s.is_empty())
        };
        let policy = self.policy().await;
        SettingsView {
            github_client_id: id(Provider::GitHub).await,
            github_configured: self.app(Provider::GitHub).await.is_some(),
            google_client_id: id(Provider::Google).await,
            google_configured: self.app(Provider::Google).await.is_some(),
            github_orgs: policy.github_orgs,
            google_domains: policy.google_domains,
        }
    }

    /// Errors: [`OAuthError::Internal`] when the store or the secret box fails (changes made before
    /// the failure stay).
    pub async fn update(&self, admin: &Caller, update: SettingsUpdate) -> Result<SettingsView, OAuthError> {
        let now = self.clock.now();
        let mut changed = Vec::new();
        for (provider, id, secret) in [
            (Provider::GitHub, &update.github_client_id, &update.github_client_secret),
            (Provider::Google, &update.google_client_id, &update.google_client_secret),
        ] {
            if let Some(id) = id {
                self.store.put_setting(&id_key(provider), id.trim(), now).await?;
                changed.push(format!("{} client id", provider.label()));
            }
            if let Some(secret) = secret.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                self.secrets
                    .put(&secret_key(provider), secret)
                    .await
                    .map_err(|e| OAuthError::Internal(format!("{e:#}")))?;
                changed.push(format!("{} client secret", provider.label()));
            }
        }
        if let Some(orgs) = &update.github_orgs {
            self.store
                .put_setting(ORGS, &normalise_list(orgs).join(","), now)
                .await?;
            changed.push("GitHub organisations".into());
        }
        if let Some(domains) = &update.google_domains {
            self.store
                .put_setting(DOMAINS, &normalise_list(domains).join(","), now)
                .await?;
            changed.push("Google domains".into());
        }
        if !changed.is_empty() {
            let entry = self.audit.entry(AuditAction::SettingsChanged).by(&admin.user);
            let entry = entry
                .on("setting", "oauth", "sign-in providers")
                .from(admin.ip.as_deref());
            self.audit.record(entry.detail(changed.join(", "))).await;
        }
        Ok(self.view().await)
    }
}
