//! Admin → Settings → Gopher: the reverse-tunnel gateway's URL in the settings table and its API
//! key sealed, seeded once from `GOPHER_API_URL`/`GOPHER_API_KEY` on the first start that sees
//! them; afterwards the Settings page is authoritative. Every change is applied at once by
//! switching the [`GatewaySwitch`] every part of Nimbus holds, and audited. The key is never
//! shown again: the view says only whether one is configured.

use std::sync::Arc;

use super::audit::Auditor;
use super::gateway_switch::GatewaySwitch;
use super::secrets::SecretBox;
use crate::app::accounts::Caller;
use crate::domain::audit::AuditAction;
use crate::ports::tunnel_gateway::{GatewayError, GatewayOpener};
use crate::ports::{Clock, Store, StoreError};

#[cfg(test)]
mod tests;

const URL: &str = "gopher.url";
const KEY: &str = "gopher.api_key";
const SEEDED: &str = "gopher.seeded";

/// The settings as admins see them: the key only as "configured".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GopherView {
    /// Gopher's URL, when one is set.
    pub url: Option<String>,
    pub key_configured: bool,
    /// A gateway is in use: tunnels are available.
    pub enabled: bool,
}

/// What an admin saves. An empty or absent key keeps the stored one; `clear` forgets the URL and
/// the key, turning tunnels off.
#[derive(Clone, Default)]
pub struct GopherUpdate {
    pub url: Option<String>,
    pub api_key: Option<String>,
    pub clear: bool,
}

crate::domain::redact::debug_redacted!(GopherUpdate { url, clear } secret { api_key });

/// Values to try; each absent or empty one is taken from the stored settings.
#[derive(Clone, Default)]
pub struct GopherProbe {
    pub url: Option<String>,
    pub api_key: Option<String>,
}

crate::domain::redact::debug_redacted!(GopherProbe { url } secret { api_key });

/// Gopher's answer to a connection test, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GopherProbeResult {
    pub ok: bool,
    /// `unauthorized`, `unavailable`, `failed`, `invalid` or `not_found` when not ok.
    pub kind: Option<String>,
    pub message: String,
}

/// Why a change or a test was refused.
#[derive(Debug, thiserror::Error)]
pub enum GopherSettingsError {
    /// A value is wrong; `field` names it (`url`, `api_key`).
    #[error("{message}")]
    Field { field: &'static str, message: String },
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for GopherSettingsError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

fn internal(e: anyhow::Error) -> GopherSettingsError {
    GopherSettingsError::Internal(format!("{e:#}"))
}

/// The Gopher settings use case.
pub struct GopherSettings {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
    opener: Arc<dyn GatewayOpener>,
    switch: Arc<GatewaySwitch>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
}

impl GopherSettings {
    pub fn new(
        store: Arc<dyn Store>,
        secrets: Arc<SecretBox>,
        opener: Arc<dyn GatewayOpener>,
        switch: Arc<GatewaySwitch>,
        audit: Arc<Auditor>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            secrets,
            opener,
            switch,
            audit,
            clock,
        }
    }

    /// Writes the environment's gateway (`GOPHER_API_URL`, `GOPHER_API_KEY`) once, on the first start that sees it (a later clear
    /// is not undone by the environment), then opens the stored gateway.
    ///
    /// # Errors
    /// The store or the secret box fails.
    pub async fn seed_and_load(&self, seed: Option<(&url::Url, &str)>) -> anyhow::Result<()> {
        if let Some((url, api_key)) = seed
            && self.store.get_setting(SEEDED).await?.is_none()
        {
            self.store.put_setting(URL, url.as_str(), self.clock.now()).await?;
            self.secrets.put(KEY, api_key).await?;
            self.store.put_setting(SEEDED, "1", self.clock.now()).await?;
        }
        self.load().await
    }

    /// Stores `url` and `api_key` over whatever is stored and opens them: the demo's own
    /// simulated gateway, new at every start.
    ///
    /// # Errors
    /// The store or the secret box fails.
    pub async fn configure(&self, url: &url::Url, api_key: &str) -> anyhow::Result<()> {
        self.store.put_setting(URL, url.as_str(), self.clock.now()).await?;
        self.secrets.put(KEY, api_key).await?;
        self.store.put_setting(SEEDED, "1", self.clock.now()).await?;
        self.load().await
    }

    /// Opens the stored gateway, or none. Stored values that cannot be opened leave tunnels off,
    /// logged; they never stop the start.
    async fn load(&self) -> anyhow::Result<()> {
        let gateway = match self.stored().await? {
            (Some(url), Some(key)) => match self.opener.open(&url, &key) {
                Ok(gateway) => Some((gateway, url)),
                Err(e) => {
                    tracing::warn!(error = %e, "the stored Gopher settings cannot be used: tunnels are off");
                    None
                }
            },
            _ => None,
        };
        self.switch.switch_to(gateway.as_ref().map(|(g, url)| (g.clone(), url)));
        Ok(())
    }

    /// The stored URL (a value that no longer parses counts as none) and key.
    async fn stored(&self) -> anyhow::Result<(Option<url::Url>, Option<String>)> {
        let url = self
            .store
            .get_setting(URL)
            .await?
            .filter(|u| !u.is_empty())
            .and_then(|u| url::Url::parse(&u).ok());
        let key = self.secrets.get(KEY).await?.filter(|k| !k.is_empty());
        Ok((url, key))
    }

    /// The settings, the key only as configured or not.
    ///
    /// # Errors
    /// The store or the secret box fails.
    pub async fn view(&self) -> Result<GopherView, GopherSettingsError> {
        let (url, key) = self.stored().await.map_err(internal)?;
        Ok(GopherView {
            url: url.map(|u| u.to_string()),
            key_configured: key.is_some(),
            enabled: self.switch.is_configured(),
        })
    }

    /// Saves and applies a change, or clears the settings; audited.
    ///
    /// # Errors
    /// `Field` for a URL that is not `http(s)://host` (`url`), or no key given while none is
    /// stored (`api_key`); `Internal` when the store or the secret box fails.
    pub async fn update(&self, admin: &Caller, update: GopherUpdate) -> Result<GopherView, GopherSettingsError> {
        let detail = if update.clear {
            self.store.put_setting(URL, "", self.clock.now()).await?;
            self.secrets.delete(KEY).await.map_err(internal)?;
            self.switch.switch_to(None);
            "cleared: tunnels are off".to_owned()
        } else {
            let url = parse_url(update.url.as_deref().unwrap_or(""))?;
            let given = given(update.api_key.as_deref());
            let new_key = given.is_some();
            let (_, stored) = self.stored().await.map_err(internal)?;
            let key = match (given, stored) {
                (Some(key), _) | (None, Some(key)) => key,
                (None, None) => {
                    return Err(GopherSettingsError::Field {
                        field: "api_key",
                        message: "api_key is empty and no key is stored; give an API key from Gopher's Access Control \
                                  page"
                            .into(),
                    });
                }
            };
            let gateway = self.opener.open(&url, &key).map_err(|e| GopherSettingsError::Field {
                field: "url",
                message: e.to_string(),
            })?;
            self.store.put_setting(URL, url.as_str(), self.clock.now()).await?;
            if new_key {
                self.secrets.put(KEY, &key).await.map_err(internal)?;
            }
            self.switch.switch_to(Some((gateway, &url)));
            if new_key {
                format!("URL {url}, API key")
            } else {
                format!("URL {url}")
            }
        };
        self.store.put_setting(SEEDED, "1", self.clock.now()).await?;
        let entry = self.audit.entry(AuditAction::SettingsChanged).by(&admin.user);
        let entry = entry.on("setting", "gopher", "Gopher").from(admin.ip.as_deref());
        self.audit.record(entry.detail(detail)).await;
        self.view().await
    }

    /// Calls Gopher (lists its machines) with the given values, each absent one taken from the
    /// stored settings, and says what it answered. Nothing is saved.
    ///
    /// # Errors
    /// `Field` when no URL or key is given or stored, or the URL is not `http(s)://host`;
    /// `Internal` when the store or the secret box fails.
    pub async fn probe(&self, probe: GopherProbe) -> Result<GopherProbeResult, GopherSettingsError> {
        let (stored_url, stored_key) = self.stored().await.map_err(internal)?;
        let url = match given(probe.url.as_deref()) {
            Some(text) => parse_url(&text)?,
            None => stored_url.ok_or(GopherSettingsError::Field {
                field: "url",
                message: "url is empty and none is stored; give Gopher's address, e.g. https://router.example.com"
                    .into(),
            })?,
        };
        let key = given(probe.api_key.as_deref())
            .or(stored_key)
            .ok_or(GopherSettingsError::Field {
                field: "api_key",
                message: "api_key is empty and no key is stored; give an API key from Gopher's Access Control page"
                    .into(),
            })?;
        let gateway = self.opener.open(&url, &key).map_err(|e| GopherSettingsError::Field {
            field: "url",
            message: e.to_string(),
        })?;
        Ok(match gateway.machines().await {
            Ok(machines) => GopherProbeResult {
                ok: true,
                kind: None,
                message: format!(
                    "Gopher at {url} accepted the key and reports {} machine{}",
                    machines.len(),
                    if machines.len() == 1 { "" } else { "s" }
                ),
            },
            Err(e) => GopherProbeResult {
                ok: false,
                kind: Some(kind(&e).to_owned()),
                message: e.to_string(),
            },
        })
    }
}

/// A trimmed value, `None` when empty.
fn given(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn parse_url(text: &str) -> Result<url::Url, GopherSettingsError> {
    let bad = || GopherSettingsError::Field {
        field: "url",
        message: format!(
            "url {:?} is not an http:// or https:// URL with a host; give Gopher's address, e.g. https://router.example.com",
            text.trim()
        ),
    };
    let url = url::Url::parse(text.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(url)
}

/// The machine word of an error's kind.
fn kind(e: &GatewayError) -> &'static str {
    match e {
        GatewayError::Unauthorized => "unauthorized",
        GatewayError::NotFound(_) => "not_found",
        GatewayError::Conflict { .. } => "conflict",
        GatewayError::Invalid(_) => "invalid",
        GatewayError::Unavailable(_) => "unavailable",
        GatewayError::Failed(_) => "failed",
    }
}
