//! The first-run setup wizard. `serve` starts in setup mode when the cluster settings are
//! missing and the database has no admin and no machines (a lost env file on a working install
//! never reopens it). Then only the wizard and `/api/health` answer, and every wizard call needs
//! the one-time setup token `serve` prints (wrong tokens are rate-limited like passwords). Each
//! step is saved, sealed, as it is done, so a restart resumes there. Finishing applies the
//! cluster settings (written to the env file and swapped in live), creates the admin with the
//! same token, sets who may sign up, and closes setup for good.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

mod step;
mod wizard_state;

pub use step::Step;
pub use wizard_state::{AccessChoice, ProviderApp, SavedProxmox, WizardState};

use crate::app::access_code::AccessGate;
use crate::app::accounts::{AccountError, AccountService, AuthOutcome, ClientInfo, Credential, Registration};
use crate::app::audit::Auditor;
use crate::app::cluster_settings::{
    ClusterChange, ClusterCheck, ClusterError, ClusterSettings, NetworkForm, NetworkReview, ProxmoxForm,
};
use crate::app::oauth::{OAuthService, SettingsUpdate};
use crate::app::secrets::SecretBox;
use crate::domain::account::SignupMode;
use crate::domain::audit::AuditAction;
use crate::ports::accounts::User;

/// The sealed secret holding the wizard's state.
const STATE_SECRET: &str = "setup_wizard";

/// Why a wizard call was refused.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Setup is over (or never began): the routes are gone.
    #[error("Nimbus is set up already; sign in instead")]
    NotActive,
    #[error(
        "this needs the one-time setup token Nimbus printed to its log when it started (for a systemd install: \
         journalctl -u nimbus | grep 'setup token'); send it in the X-Setup-Token header"
    )]
    TokenRequired,
    #[error(
        "that is not the setup token Nimbus printed to its log; copy it again from the log (it changes at every start)"
    )]
    TokenInvalid,
    /// An earlier step is not done.
    #[error("finish the {0} step first")]
    Incomplete(&'static str),
    #[error("{message}")]
    Field { field: &'static str, message: String },
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("internal failure: {0}")]
    Internal(String),
}

/// The wizard as the page shows it.
#[derive(Debug, Clone)]
pub struct SetupView {
    pub step: Step,
    pub detected_url: Option<String>,
    pub state: WizardState,
}

/// The setup wizard.
pub struct SetupWizard {
    active: AtomicBool,
    token: Option<String>,
    secrets: Arc<SecretBox>,
    cluster: Arc<ClusterSettings>,
    accounts: Arc<AccountService>,
    gate: Arc<AccessGate>,
    oauth: Arc<OAuthService>,
    audit: Arc<Auditor>,
    lock: tokio::sync::Mutex<()>,
}

impl SetupWizard {
    /// `active` only in setup mode; `token` is the setup token `serve` printed.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        active: bool,
        token: Option<String>,
        secrets: Arc<SecretBox>,
        cluster: Arc<ClusterSettings>,
        accounts: Arc<AccountService>,
        gate: Arc<AccessGate>,
        oauth: Arc<OAuthService>,
        audit: Arc<Auditor>,
    ) -> Self {
        Self {
            active: AtomicBool::new(active && token.is_some()),
            token,
            secrets,
            cluster,
            accounts,
            gate,
            oauth,
            audit,
            lock: tokio::sync::Mutex::new(()),
        }
    }

    /// Whether Nimbus is in setup mode.
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::SeqCst)
    }

    /// Checks the setup token of a call (constant time). Rate limiting is the caller's.
    pub fn admit(&self, given: Option<&str>) -> Result<(), SetupError> {
        if !self.is_active() {
            return Err(SetupError::NotActive);
        }
        let (Some(expected), Some(given)) = (&self.token, given.map(str::trim).filter(|g| !g.is_empty())) else {
            return Err(SetupError::TokenRequired);
        };
        let same = expected.len() == given.len()
            && expected
                .bytes()
                .zip(given.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same { Ok(()) } else { Err(SetupError::TokenInvalid) }
    }

    async fn load(&self) -> Result<WizardState, SetupError> {
        let text = self
            .secrets
            .get(STATE_SECRET)
            .await
            .map_err(|e| SetupError::Internal(format!("{e:#}")))?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
    }

    async fn save(&self, state: &WizardState) -> Result<(), SetupError> {
        let text = serde_json::to_string(state).map_err(|e| SetupError::Internal(e.to_string()))?;
        self.secrets
            .put(STATE_SECRET, &text)
            .await
            .map_err(|e| SetupError::Internal(format!("{e:#}")))
    }

    /// Where the wizard stands.
    pub async fn view(&self) -> Result<SetupView, SetupError> {
        let state = self.load().await?;
        Ok(SetupView {
            step: state.step(),
            detected_url: detected_url(),
            state,
        })
    }

    /// The certificate fingerprint at `url`.
    pub async fn fingerprint(&self, url: &str) -> Result<(url::Url, String), SetupError> {
        Ok(self.cluster.fingerprint(url).await?)
    }

    /// The Proxmox step: tries the connection and saves it (a token lacking privileges is saved
    /// too, and checking it again takes its saved secret when none is typed; the step is done
    /// once nothing is missing).
    pub async fn proxmox(&self, mut form: ProxmoxForm) -> Result<ClusterCheck, SetupError> {
        // "Check again" on the saved token needs no retyping of its secret.
        if form.root_password.is_empty() && form.token_secret.trim().is_empty() {
            let saved = self.load().await?.proxmox;
            if let Some(saved) = saved.filter(|p| p.token_id == form.token_id.trim()) {
                form.token_secret = saved.token_secret;
            }
        }
        let connected = self.cluster.connect(&form).await?;
        let _guard = self.lock.lock().await;
        let mut state = self.load().await?;
        state.proxmox = Some(SavedProxmox {
            url: connected.endpoint.url.to_string(),
            fingerprint: form.fingerprint.trim().to_owned(),
            token_id: connected.token.id.clone(),
            token_secret: connected.token.secret.clone(),
            check: connected.check.clone(),
        });
        self.save(&state).await?;
        Ok(connected.check)
    }

    /// Reviews `form` against the nodes of the connection saved in the Proxmox step.
    async fn review(&self, form: &NetworkForm) -> Result<NetworkReview, SetupError> {
        let state = self.load().await?;
        let proxmox = state.proxmox.as_ref().ok_or(SetupError::Incomplete("Proxmox"))?;
        Ok(self.cluster.review(form, &proxmox.check.node_addresses())?)
    }

    /// The network step: checked and saved.
    pub async fn network(&self, form: NetworkForm) -> Result<NetworkReview, SetupError> {
        let review = self.review(&form).await?;
        let _guard = self.lock.lock().await;
        let mut state = self.load().await?;
        state.network = Some(form);
        state.network_warnings = review.warnings.clone();
        self.save(&state).await?;
        Ok(review)
    }

    /// Probes the pool of `form` on the LAN.
    pub async fn probe(&self, form: NetworkForm) -> Result<(usize, Vec<std::net::Ipv4Addr>), SetupError> {
        let review = self.review(&form).await?;
        Ok(self.cluster.probe(&review.plan).await)
    }

    /// The access step.
    pub async fn access(&self, choice: AccessChoice) -> Result<AccessChoice, SetupError> {
        choice
            .signup_mode
            .parse::<SignupMode>()
            .map_err(|_| SetupError::Field {
                field: "signup_mode",
                message: "choose who may sign up: open, access_code or invite_only".into(),
            })?;
        for (field, app) in [
            ("github_client_id", &choice.github),
            ("google_client_id", &choice.google),
        ] {
            if let Some(app) = app
                && (app.client_id.trim().is_empty() || app.client_secret.trim().is_empty())
            {
                return Err(SetupError::Field {
                    field,
                    message: "give both the client id and the client secret, or leave both empty".into(),
                });
            }
        }
        let _guard = self.lock.lock().await;
        let mut state = self.load().await?;
        state.access = Some(choice.clone());
        self.save(&state).await?;
        Ok(choice)
    }

    /// Finishes: applies the cluster settings, creates the admin (who is signed in: the session
    /// secret is returned), sets who may sign up, and closes setup. A failure leaves setup open
    /// and every step saved; finishing again is safe.
    pub async fn finish(&self, form: Registration, client: ClientInfo) -> Result<(User, String), SetupError> {
        let _guard = self.lock.lock().await;
        if !self.is_active() {
            return Err(SetupError::NotActive);
        }
        let state = self.load().await?;
        match state.step() {
            Step::Admin => {}
            Step::Proxmox => return Err(SetupError::Incomplete("Proxmox")),
            Step::Network => return Err(SetupError::Incomplete("network")),
            Step::Access => return Err(SetupError::Incomplete("access")),
        }
        let (Some(proxmox), Some(network), Some(access)) = (&state.proxmox, &state.network, &state.access) else {
            return Err(SetupError::Incomplete("Proxmox"));
        };
        // The password and email are checked before anything is applied.
        self.accounts.check_registration(&form)?;
        // The saved token is tried again: it may have been revoked since.
        let connected = self
            .cluster
            .connect(&ProxmoxForm {
                url: proxmox.url.clone(),
                fingerprint: proxmox.fingerprint.clone(),
                token_id: proxmox.token_id.clone(),
                token_secret: proxmox.token_secret.clone(),
                ..ProxmoxForm::default()
            })
            .await?;
        let applied = self
            .cluster
            .apply(
                None,
                ClusterChange {
                    proxmox: Some(connected),
                    network: network.clone(),
                    placement: None,
                },
            )
            .await?;
        let form = Registration {
            setup_token: self.token.clone(),
            ..form
        };
        let (user, session) = self.accounts.register(form, client.clone()).await?;
        let admin = match self
            .accounts
            .authenticate(Some(&Credential::Session(session.clone())))
            .await?
        {
            AuthOutcome::Caller(caller) => *caller,
            _ => return Err(SetupError::Internal("the new admin's session was not accepted".into())),
        };
        let mode: SignupMode = access.signup_mode.parse().unwrap_or_default();
        self.gate
            .set_signup_mode(&admin, mode)
            .await
            .map_err(|e| SetupError::Internal(e.to_string()))?;
        if access.github.is_some() || access.google.is_some() {
            let update = SettingsUpdate {
                github_client_id: access.github.as_ref().map(|a| a.client_id.trim().to_owned()),
                github_client_secret: access.github.as_ref().map(|a| a.client_secret.trim().to_owned()),
                google_client_id: access.google.as_ref().map(|a| a.client_id.trim().to_owned()),
                google_client_secret: access.google.as_ref().map(|a| a.client_secret.trim().to_owned()),
                github_orgs: None,
                google_domains: None,
            };
            self.oauth
                .settings
                .update(&admin, update)
                .await
                .map_err(|e| SetupError::Internal(e.to_string()))?;
        }
        let entry = self.audit.entry(AuditAction::SettingsChanged).by(&admin.user);
        let entry = entry.on("setting", "cluster", "Setup").from(admin.ip.as_deref());
        let detail = format!("setup finished: {}; sign-up: {}", applied.summary, access.signup_mode);
        self.audit.record(entry.detail(detail)).await;
        self.active.store(false, Ordering::SeqCst);
        let _ = self.secrets.delete(STATE_SECRET).await;
        tracing::info!(admin = %admin.user.email, "setup finished: the cluster settings are saved and applied");
        Ok((user, session))
    }
}

/// `https://<this host>:8006` when Nimbus runs on a Proxmox node (its certificate is there).
fn detected_url() -> Option<String> {
    if !std::path::Path::new("/etc/pve/local/pve-ssl.pem").is_file() {
        return None;
    }
    let name = std::fs::read_to_string("/etc/hostname").ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| format!("https://{name}:8006"))
}
