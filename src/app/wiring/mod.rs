//! Builds the running application from configuration: opens the store, picks the clock, connects
//! to Proxmox (or, for `nimbus demo`, starts the simulated cluster and connects to it over
//! loopback HTTPS), and hands the use-case services to the HTTP adapter. The only place that names
//! concrete adapters.

use std::sync::Arc;

use anyhow::Context;

use crate::adapters::clock::SystemClock;
use crate::adapters::fetch::HttpFetch;
use crate::adapters::http::auth::CookiePolicy;
use crate::adapters::http::limits::RateLimits;
use crate::adapters::http::{self, ApiServices, HttpOptions};
use crate::adapters::proxmox::sim::Profile;
use crate::adapters::proxmox::switchable::SwitchableProxmox;
use crate::adapters::ssh_keys::OpenSshCodec;
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::access_code::AccessGate;
use crate::app::accounts::{AccountManagement, AccountService, SessionPurge};
use crate::app::audit::Auditor;
use crate::app::cluster_settings::Live;
use crate::app::config::{Config, Mode, ProxmoxTrust, SimProfile};
use crate::app::gateway_switch::GatewaySwitch;
use crate::app::health::HealthService;
use crate::app::invitations::Invitations;
use crate::app::jobs::{self, JobBoard};
use crate::app::keys::KeyVault;
use crate::app::maintenance::DataDirLock;
use crate::app::oauth::OAuthService;
use crate::app::provisioning::bootstrap::TemplateRetirement;
use crate::app::quotas::Quotas;
use crate::app::secrets::SecretBox;
use crate::app::signups::SignupSwitch;
use crate::app::stream_budget::StreamBudget;
use crate::ports::proxmox::connector::ProxmoxConnector;
use crate::ports::{Clock, Proxmox, Store};
use accounts::{accounts, oauth_client};
use secrets::{cipher, open_secrets};
use stand_in_gx10::StandInGx10;
use vms::{Remotes, TEMPLATE_RETIREMENT_INTERVAL, bootstrap_settings, jobs as vms_jobs, provisioner};

/// Setting key of this installation's random identity (marks the VMs it creates).
pub const INSTANCE_ID_KEY: &str = "instance_id";

mod accounts;
mod cluster;
mod demo;
mod gopher;
pub mod gpu;
mod maintenance_commands;
mod proxmox;
mod secrets;
pub mod stand_in_gx10;
mod vms;

pub use cluster::SettingsMissing;
pub use demo::DemoCluster;
use demo::start_demo_cluster;
pub use maintenance_commands::{backup, rotate_key};
pub use proxmox::proxmox_fingerprint;
use proxmox::{HttpConnector, endpoint, token};

/// Everything a running Nimbus holds.
pub struct App {
    pub config: Config,
    pub store: SqliteStore,
    pub clock: Arc<dyn Clock>,
    pub instance_id: String,
    /// `None` while no cluster is configured (`nimbus serve` without PROXMOX_* in tests).
    pub proxmox: Option<Arc<dyn Proxmox>>,
    /// The simulated cluster, in `nimbus demo`.
    pub demo: Option<DemoCluster>,
    /// The image mirror Nimbus serves itself (the demo's loopback stand-in, `None` otherwise),
    /// under which each OS has `/{os_key}/{image file}` and its checksum file.
    pub image_mirror: Option<url::Url>,
    /// The one-time token that creating the first admin needs (`nimbus serve` without an admin).
    pub setup_token: Option<String>,
    /// Named secrets, sealed under the master key.
    pub secrets: Arc<SecretBox>,
    services: ApiServices,
    jobs: Vec<tokio::task::JoinHandle<()>>,
    /// The demo's stand-in GX10, once started.
    stand_in: tokio::sync::Mutex<Option<StandInGx10>>,
    /// Held while the app runs: no second server or key rotation on this data dir.
    _lock: DataDirLock,
}

impl App {
    /// Opens the database (applying migrations), connects to Proxmox and assembles the services.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`App::build`], with the clock the use cases read (tests drive a manual one).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let lock = DataDirLock::acquire(&config.server.data_dir)?;
        let store = SqliteStore::open(&config.server.db_path).await?;
        let secrets = Arc::new(open_secrets(&config, &store, clock.clone()).await?);
        let fresh_id = uuid::Uuid::new_v4().to_string();
        let instance_id = store
            .put_setting_if_absent(INSTANCE_ID_KEY, &fresh_id, clock.now())
            .await
            .context("cannot record this installation's identity in the database")?;
        let (live, demo) = match config.mode {
            Mode::Demo => {
                let profile = match config.sim_profile {
                    SimProfile::Instant => Profile::Instant,
                    SimProfile::Bench => Profile::Bench,
                    SimProfile::Demo => Profile::Demo,
                };
                let (endpoint, token, demo) = start_demo_cluster(clock.clone(), profile, config.empty_demo).await?;
                (Some(Live { endpoint, token }), Some(demo))
            }
            Mode::Serve => match &config.proxmox {
                Some(p) => (
                    Some(Live {
                        endpoint: endpoint(p)?,
                        token: token(p),
                    }),
                    None,
                ),
                None => (None, None),
            },
        };
        // One handle every part holds; the setup wizard and Settings → Cluster replace what it
        // reaches.
        let switch = Arc::new(SwitchableProxmox::new(None));
        let connector = Arc::new(HttpConnector { switch: switch.clone() });
        if let Some(live) = &live {
            let conn = connector
                .open(&live.endpoint, Some(live.token.clone()))
                .map_err(|e| anyhow::anyhow!("cannot set up the Proxmox client: {e}"))?;
            connector.switch_to(conn.proxmox);
        }
        let proxmox: Option<Arc<dyn Proxmox>> = Some(switch);
        let image_mirror = demo.as_ref().map(|d| d.images.base_url());
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let audit = Arc::new(Auditor::new(Arc::new(store.clone()), clock.clone()));
        let accounts = Arc::new(accounts(&config, &store, clock.clone(), audit.clone()));
        let boot = accounts
            .boot()
            .await
            .map_err(|e| anyhow::anyhow!("cannot check the admin accounts: {e}"))?;
        let streams = StreamBudget::new(config.load.streams_per_account.get());
        let management = Arc::new(AccountManagement::new(accounts.clone(), streams.clone()));
        if let Some(user) = &boot.promoted {
            tracing::warn!(user = %user.id, email = %user.email, "no active admin existed: the oldest active account was made admin");
        }
        let limits = Arc::new(RateLimits::new(&config.auth.rate_limits, clock.clone()));
        let signups = Arc::new(SignupSwitch::load(shared.clone(), audit.clone(), clock.clone()).await?);
        let oauth = Arc::new(OAuthService::new(
            Arc::new(oauth_client(&config)?),
            accounts.clone(),
            Arc::new(store.clone()),
            shared.clone(),
            secrets.clone(),
            audit.clone(),
            clock.clone(),
            signups.clone(),
        ));
        oauth
            .settings
            .seed(&config.seeds)
            .await
            .context("cannot store the sign-in providers from the environment")?;
        let keys = Arc::new(KeyVault::new(
            Arc::new(store.clone()),
            Arc::new(OpenSshCodec),
            secrets.sealer(),
            audit.clone(),
            clock.clone(),
        ));
        let tunnels = Arc::new(GatewaySwitch::default());
        let gopher = gopher::settings(
            &config,
            demo.as_ref(),
            shared.clone(),
            secrets.clone(),
            tunnels.clone(),
            audit.clone(),
            clock.clone(),
        )
        .await?;
        let vms = provisioner(
            &config,
            &store,
            Remotes {
                proxmox: proxmox.clone(),
                tunnels,
                secrets: secrets.clone(),
            },
            demo.as_ref(),
            keys.clone(),
            audit.clone(),
            clock.clone(),
        )?;
        let quotas = Arc::new(Quotas::new(
            Arc::new(store.clone()),
            Arc::new(store.clone()),
            Arc::new(store.clone()),
            audit.clone(),
        ));
        let resumed = vms
            .runner
            .start()
            .await
            .map_err(|e| anyhow::anyhow!("cannot resume the unfinished provisions: {e}"))?;
        if resumed > 0 {
            tracing::info!(resumed, "resumed unfinished provisions");
        }
        let bootstrap = vms.bootstrap(
            bootstrap_settings(&config, image_mirror.as_ref()),
            Arc::new(store.clone()),
            Arc::new(
                HttpFetch::new(std::time::Duration::from_secs(60))
                    .context("cannot set up the HTTP client for checksum lists")?,
            ),
        );
        match bootstrap.recover().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(bakes = n, "resumed template bakes a restart interrupted"),
            Err(e) => tracing::warn!(error = %e, "cannot read the template bakes a restart interrupted"),
        }
        let gate = Arc::new(
            AccessGate::load(
                shared.clone(),
                Arc::new(store.clone()),
                secrets.clone(),
                audit.clone(),
                clock.clone(),
                signups.clone(),
            )
            .await?,
        );
        let health = Arc::new(
            HealthService::new(
                shared.clone(),
                proxmox.clone(),
                clock.clone(),
                config.load.cluster_max_age,
            )
            .with_insecure_tls(config.proxmox.as_ref().is_some_and(|p| p.tls == ProxmoxTrust::Insecure)),
        );
        let (cluster, setup) = cluster::cluster_and_setup(
            &config,
            cluster::Parts {
                connector,
                vms: vms.clone(),
                health: health.clone(),
                store: store.clone(),
                audit: audit.clone(),
                clock: clock.clone(),
                secrets: secrets.clone(),
                accounts: accounts.clone(),
                gate: gate.clone(),
                oauth: oauth.clone(),
                live,
                setup_token: boot.setup_token.clone(),
            },
        )
        .await?;
        let (gpu, gpu_workers) = gpu::gpu(&store, audit.clone(), clock.clone(), demo.is_some()).await?;
        let services = ApiServices {
            health,
            cluster,
            setup,
            accounts: accounts.clone(),
            management: management.clone(),
            limits: limits.clone(),
            audit: audit.clone(),
            gate: gate.clone(),
            invitations: Arc::new(Invitations::new(
                Arc::new(store.clone()),
                accounts.clone(),
                signups.clone(),
                gate,
                audit.clone(),
                clock.clone(),
            )),
            oauth: oauth.clone(),
            signups,
            keys,
            vms: vms.clone(),
            bootstrap: bootstrap.clone(),
            streams,
            quotas,
            jobs: Arc::new(JobBoard::default()),
            gopher,
            gpu: gpu.clone(),
            gpu_workers,
        };
        let board = services.jobs.clone();
        let mut jobs = Vec::new();
        if let Some(interval) = config.auth.purge_interval {
            jobs.push(jobs::spawn(
                Arc::new(SessionPurge::new(management.clone())),
                interval,
                clock.clone(),
                board.clone(),
            ));
            jobs.push(jobs::spawn(limits.clone(), interval, clock.clone(), board.clone()));
        }
        jobs.extend(vms_jobs(&config, &vms, &clock, &board));
        jobs.push(gpu::lease_job(&gpu, &clock, &board));
        jobs.push(jobs::spawn(
            Arc::new(TemplateRetirement(bootstrap)),
            TEMPLATE_RETIREMENT_INTERVAL,
            clock.clone(),
            board.clone(),
        ));
        // The start has succeeded: the copies earlier starts kept before migrating can go.
        maintenance_commands::remove_pre_migration_copies(&store);
        Ok(Self {
            config,
            store,
            clock,
            instance_id,
            proxmox,
            demo,
            image_mirror,
            setup_token: boot.setup_token,
            secrets,
            services,
            jobs,
            stand_in: tokio::sync::Mutex::default(),
            _lock: lock,
        })
    }

    /// The template bootstrap.
    pub fn bootstrap(&self) -> &Arc<crate::app::provisioning::bootstrap::Bootstrap> {
        &self.services.bootstrap
    }

    /// The setup wizard (open only in setup mode).
    pub fn setup(&self) -> &Arc<crate::app::setup_wizard::SetupWizard> {
        &self.services.setup
    }

    /// The accounts use cases.
    pub fn accounts(&self) -> &Arc<AccountService> {
        &self.services.accounts
    }

    /// What people do with their accounts, and admins with everyone's.
    pub fn account_management(&self) -> &Arc<AccountManagement> {
        &self.services.management
    }

    /// Starts the demo's stand-in GX10 against this server at `url` (errors: `gx10-worker` is
    /// missing or does not start).
    pub async fn start_stand_in_gx10(&self, url: &str) -> anyhow::Result<()> {
        let workers = &self.services.gpu_workers;
        let started = StandInGx10::start(workers, url, &self.config.server.data_dir).await?;
        *self.stand_in.lock().await = Some(started);
        Ok(())
    }

    /// The HTTP endpoint serving the API and the portal.
    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        let options = HttpOptions {
            cors_origins: self.config.server.cors_origins.clone(),
            hsts: self.config.server.secure_cookies(),
            trusted_proxies: self.config.server.trusted_proxies.clone(),
            public_origin: self
                .config
                .server
                .app_url
                .as_ref()
                .map(|u| u.origin().ascii_serialization()),
            cookies: CookiePolicy {
                public_https: self.config.server.app_url.as_ref().map(|u| u.scheme() == "https"),
                max_age_secs: self.config.auth.session_max_age.as_secs(),
            },
        };
        http::routes(self.services.clone(), options)
    }

    /// Stops what the app started besides the HTTP server (the demo's simulated cluster).
    pub async fn shut_down(&mut self) {
        for job in self.jobs.drain(..) {
            job.abort();
        }
        self.services.vms.runner.shut_down();
        if let Some(stand_in) = self.stand_in.get_mut().take() {
            stand_in.stop().await;
        }
        if let Some(demo) = self.demo.take() {
            demo.face.stop().await;
            demo.images.stop().await;
            demo.gopher.stop().await;
        }
    }
}
