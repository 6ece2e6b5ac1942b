//! Wiring of the cluster settings and the setup wizard: the settings file `serve` reads, the
//! connection in use, and whether this start opens setup mode.

use std::sync::Arc;

use crate::adapters::store::sqlite::SqliteStore;
use crate::app::access_code::AccessGate;
use crate::app::accounts::AccountService;
use crate::app::audit::Auditor;
use crate::app::cluster_settings::{ClusterSettings, Live, SettingsFile};
use crate::app::config::Config;
use crate::app::health::HealthService;
use crate::app::oauth::OAuthService;
use crate::app::provisioning::Provisioning;
use crate::app::secrets::SecretBox;
use crate::app::setup_wizard::SetupWizard;
use crate::ports::proxmox::connector::ProxmoxConnector;
use crate::ports::{Clock, ProvisionStore, Store};

/// `serve` without cluster settings on an install that has data: a lost env file is an error
/// (the text says what is missing), never a new setup.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingsMissing(pub String);

/// The use cases the cluster settings and the wizard are built over.
pub(super) struct Parts {
    pub connector: Arc<dyn ProxmoxConnector>,
    pub vms: Arc<Provisioning>,
    pub health: Arc<HealthService>,
    pub store: SqliteStore,
    pub audit: Arc<Auditor>,
    pub clock: Arc<dyn Clock>,
    pub secrets: Arc<SecretBox>,
    pub accounts: Arc<AccountService>,
    pub gate: Arc<AccessGate>,
    pub oauth: Arc<OAuthService>,
    pub live: Option<Live>,
    /// The setup token of this start (`None` once an admin exists).
    pub setup_token: Option<String>,
}

/// The cluster settings, and the wizard: open when `serve` found the cluster settings missing
/// on a database with no admin and no provisions. With data, missing settings are an error: a
/// lost env file never reopens setup.
pub(super) async fn cluster_and_setup(
    config: &Config,
    p: Parts,
) -> anyhow::Result<(Arc<ClusterSettings>, Arc<SetupWizard>)> {
    let shared: Arc<dyn Store> = Arc::new(p.store.clone());
    let cluster = Arc::new(ClusterSettings::new(
        p.connector,
        p.vms,
        p.health,
        shared,
        p.audit.clone(),
        p.clock,
        match &config.sources {
            Some(sources) => SettingsFile::serve(sources.clone()),
            None => SettingsFile::none(),
        },
        p.live,
    ));
    let setup_mode = match &config.setup_pending {
        None => false,
        Some(missing) => {
            let provisions = ProvisionStore::all_provisions(&p.store)
                .await
                .map_or(1, |all| all.len());
            if p.setup_token.is_none() || provisions > 0 {
                return Err(SettingsMissing(missing.clone()).into());
            }
            true
        }
    };
    let setup = Arc::new(SetupWizard::new(
        setup_mode,
        p.setup_token,
        p.secrets,
        cluster.clone(),
        p.accounts,
        p.gate,
        p.oauth,
        p.audit,
    ));
    Ok((cluster, setup))
}
