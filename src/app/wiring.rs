//! Builds the running application from configuration: opens the store, picks the clock, and
//! hands the use-case services to the HTTP adapter. The only place that names concrete adapters.

use std::sync::Arc;

use anyhow::Context;

use crate::adapters::clock::SystemClock;
use crate::adapters::http::{self, ApiServices, HttpOptions};
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::config::Config;
use crate::app::health::HealthService;
use crate::ports::{Clock, Store};

/// Setting key of this installation's random identity (marks the VMs it creates).
pub const INSTANCE_ID_KEY: &str = "instance_id";

/// Everything a running Nimbus holds.
pub struct App {
    pub config: Config,
    pub store: SqliteStore,
    pub clock: Arc<dyn Clock>,
    pub instance_id: String,
    services: ApiServices,
}

impl App {
    /// Opens the database (applying migrations) and assembles the services.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let store = SqliteStore::open(&config.server.db_path).await?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let fresh_id = uuid::Uuid::new_v4().to_string();
        let instance_id = store
            .put_setting_if_absent(INSTANCE_ID_KEY, &fresh_id, clock.now())
            .await
            .context("cannot record this installation's identity in the database")?;
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let services = ApiServices {
            health: Arc::new(HealthService::new(shared)),
        };
        Ok(Self {
            config,
            store,
            clock,
            instance_id,
            services,
        })
    }

    /// The HTTP endpoint serving the API and the portal.
    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        let options = HttpOptions {
            cors_origins: self.config.server.cors_origins.clone(),
            hsts: self.config.server.secure_cookies(),
        };
        http::routes(self.services.clone(), options)
    }
}
