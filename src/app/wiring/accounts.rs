//! Wiring of the accounts: Argon2id with the configured session lifetimes, and the sign-in
//! providers' client with the configured endpoint overrides.

use std::sync::Arc;

use crate::adapters::oauth::{HttpOAuth, OAuthEndpoints};
use crate::adapters::passwords::Argon2idHasher;
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::accounts::{AccountService, AuthSettings, HashLimits};
use crate::app::audit::Auditor;
use crate::app::config::{Config, Mode};
use crate::domain::account::{PasswordPolicy, SessionPolicy};
use crate::ports::{AccountStore, Clock};

/// The sign-in providers' client, with the configured endpoint overrides.
pub(super) fn oauth_client(config: &Config) -> anyhow::Result<HttpOAuth> {
    let e = &config.oauth_endpoints;
    let pick = |over: &Option<url::Url>, default: String| over.as_ref().map_or(default, |u| u.to_string());
    let d = OAuthEndpoints::default();
    let endpoints = OAuthEndpoints {
        github_authorize: pick(&e.github_authorize, d.github_authorize),
        github_token: pick(&e.github_token, d.github_token),
        github_api: pick(&e.github_api, d.github_api),
        google_authorize: pick(&e.google_authorize, d.google_authorize),
        google_token: pick(&e.google_token, d.google_token),
        google_userinfo: pick(&e.google_userinfo, d.google_userinfo),
    };
    HttpOAuth::new(endpoints).map_err(|e| anyhow::anyhow!("cannot set up sign-in with GitHub and Google: {e}"))
}

/// The accounts use cases on this store, with Argon2id and the configured session lifetimes.
pub(super) fn accounts(
    config: &Config,
    store: &SqliteStore,
    clock: Arc<dyn Clock>,
    audit: Arc<Auditor>,
) -> AccountService {
    let duration = |d: std::time::Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    let settings = AuthSettings {
        sessions: SessionPolicy {
            idle: duration(config.auth.session_idle),
            absolute: duration(config.auth.session_max_age),
            touch_every: chrono::Duration::minutes(1),
        },
        passwords: PasswordPolicy::default(),
        setup_token_required: config.mode == Mode::Serve,
        hashing: HashLimits {
            concurrent: config.auth.hash_concurrency,
            waiting: config.auth.hash_queue,
            wait: config.auth.hash_wait,
        },
    };
    let store: Arc<dyn AccountStore> = Arc::new(store.clone());
    AccountService::new(store, Arc::new(Argon2idHasher::recommended()), clock, settings, audit)
}
