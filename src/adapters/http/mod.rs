//! The HTTP adapter: the poem-openapi API under `/api`, its spec and explorer, and the embedded
//! portal, wrapped in the middleware every response passes through.

pub(crate) mod access_code;
mod approvals;
mod audit;
mod body_channel;
mod cluster;
mod fleet;
mod gopher_settings;
mod gpu;
mod ips;
pub(crate) mod keys;
pub mod oauth;
mod quotas;
mod routes;

pub mod accounts;
pub mod auth;
mod cookies;
mod csrf;
pub mod envelope;
pub mod errors;
pub mod limits;
pub mod middleware;
mod spa;
mod system;
mod templates;
mod tunnels;
pub(crate) mod vms;

use std::sync::Arc;

use poem::middleware::{CatchPanic, Cors};
use poem::{Endpoint, EndpointExt, Route};
use poem_openapi::OpenApiService;

use crate::app::access_code::AccessGate;
use crate::app::accounts::AccountService;
use crate::app::audit::Auditor;
use crate::app::health::HealthService;
use crate::app::keys::KeyVault;
use crate::app::oauth::OAuthService;
use crate::app::signups::SignupSwitch;
use auth::CookiePolicy;
use csrf::CsrfGuard;
use limits::RateLimits;
use middleware::{ApiErrors, ApiRoutes, BodyLimit, PanicToEnvelope, RequestContext, SecurityHeaders};

/// Largest request body the API reads (1 MiB): no Nimbus request needs more.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The use-case services the API calls.
#[derive(Clone)]
pub struct ApiServices {
    pub health: Arc<HealthService>,
    pub cluster: Arc<crate::app::cluster_settings::ClusterSettings>,
    pub setup: Arc<crate::app::setup_wizard::SetupWizard>,
    pub accounts: Arc<AccountService>,
    pub management: Arc<crate::app::accounts::AccountManagement>,
    pub limits: Arc<RateLimits>,
    pub audit: Arc<Auditor>,
    pub gate: Arc<AccessGate>,
    /// Invitations and the sign-up door.
    pub invitations: Arc<crate::app::invitations::Invitations>,
    pub oauth: Arc<OAuthService>,
    pub keys: Arc<KeyVault>,
    pub signups: Arc<SignupSwitch>,
    pub vms: Arc<crate::app::provisioning::Provisioning>,
    /// The template bootstrap.
    pub bootstrap: Arc<crate::app::provisioning::bootstrap::Bootstrap>,
    /// Each account's budget of open streams.
    pub streams: Arc<crate::app::stream_budget::StreamBudget>,
    pub quotas: Arc<crate::app::quotas::Quotas>,
    /// The background jobs and their last reports.
    pub jobs: Arc<crate::app::jobs::JobBoard>,
    /// Settings → Gopher, and the gateway it applies.
    pub gopher: Arc<crate::app::gopher_settings::GopherSettings>,
    /// The GPU training-job queue and its workers.
    pub gpu: Arc<crate::app::gpu_queue::GpuQueue>,
    pub gpu_workers: Arc<crate::app::gpu_queue::GpuWorkers>,
}

/// Options that shape the HTTP surface.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Origins allowed to call the API from a browser; empty turns CORS off.
    pub cors_origins: Vec<String>,
    /// Send `Strict-Transport-Security` (the portal's public URL is https).
    pub hsts: bool,
    /// How the session cookie is written.
    pub cookies: CookiePolicy,
    /// The portal's public origin (APP_URL), for the providers' callback URLs.
    pub public_origin: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// Every API group; grows into a tuple as features add groups (poem-openapi takes at most 16, so
/// related groups are nested).
type Apis = (
    system::SystemApi,
    accounts::AuthApi,
    accounts::MeApi,
    accounts::TokensApi,
    (accounts::UsersApi, accounts::InvitationsApi, accounts::InviteCheckApi),
    accounts::SignupsApi,
    audit::AuditApi,
    access_code::AccessCodeApi,
    oauth::OAuthApi,
    keys::KeysApi,
    vms::VmsApi,
    approvals::ApprovalsApi,
    ips::IpsApi,
    fleet::FleetApi,
    quotas::QuotasApi,
    (
        templates::TemplatesApi,
        cluster::ClusterSettingsApi,
        cluster::SetupApi,
        gopher_settings::GopherSettingsApi,
        tunnels::TunnelsApi,
        (gpu::GpuJobsApi, gpu::GpuWorkerApi, gpu::GpuSettingsApi),
    ),
);

fn service() -> OpenApiService<Apis, ()> {
    let apis = (
        system::SystemApi,
        accounts::AuthApi,
        accounts::MeApi,
        accounts::TokensApi,
        (accounts::UsersApi, accounts::InvitationsApi, accounts::InviteCheckApi),
        accounts::SignupsApi,
        audit::AuditApi,
        access_code::AccessCodeApi,
        oauth::OAuthApi,
        keys::KeysApi,
        vms::VmsApi,
        approvals::ApprovalsApi,
        ips::IpsApi,
        fleet::FleetApi,
        quotas::QuotasApi,
        (
            templates::TemplatesApi,
            cluster::ClusterSettingsApi,
            cluster::SetupApi,
            gopher_settings::GopherSettingsApi,
            tunnels::TunnelsApi,
            (gpu::GpuJobsApi, gpu::GpuWorkerApi, gpu::GpuSettingsApi),
        ),
    );
    OpenApiService::new(apis, "Nimbus", env!("CARGO_PKG_VERSION"))
        .description("Self-hosted VM provisioning portal for Proxmox VE clusters.")
        .server("/api")
}

/// The OpenAPI document, as committed at `openapi/nimbus.json`.
pub fn spec_json() -> String {
    let mut text = service().spec();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Every route Nimbus serves, with its middleware.
pub fn routes(services: ApiServices, options: HttpOptions) -> impl Endpoint + 'static {
    let api = service();
    let routes = ApiRoutes::from_spec(&api.spec());
    let explorer = api.swagger_ui();
    let spec = api.spec_endpoint();
    let api = api
        .with(BodyLimit {
            max: MAX_BODY_BYTES,
            routes: routes.clone(),
        })
        .with(ApiErrors { routes })
        .with(CatchPanic::new().with_handler(PanicToEnvelope))
        .with(CsrfGuard {
            allowed_origins: options.cors_origins.clone(),
        })
        .data(services.health.clone())
        .data(services.cluster.clone())
        .data(services.setup.clone())
        .data(services.accounts.clone())
        .data(services.management.clone())
        .data(services.limits.clone())
        .data(services.audit.clone())
        .data(services.gate.clone())
        .data(services.invitations.clone())
        .data(services.oauth.clone())
        .data(services.keys.clone())
        .data(services.signups.clone())
        .data(services.vms.clone())
        .data(services.bootstrap.clone())
        .data(services.streams.clone())
        .data(services.quotas.clone())
        .data(services.jobs.clone())
        .data(services.gopher.clone())
        .data(services.gpu.clone())
        .data(services.gpu_workers.clone())
        .data(Arc::new(gpu::RenderedChunks::default()))
        .data(oauth::PublicOrigin(options.public_origin.clone()))
        .data(auth::TrustedProxies(options.trusted_proxies.clone()))
        .data(options.cookies);
    let cors = Cors::new()
        .allow_origins(options.cors_origins.iter().cloned())
        .allow_credentials(true)
        .allow_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allow_headers(["content-type", "authorization", "idempotency-key"])
        .max_age(600);
    Route::new()
        .nest("/api/docs", explorer)
        .at("/api/openapi.json", spec)
        .nest("/api", api)
        .nest("/", spa::Spa { source: spa::Embedded })
        .with_if(!options.cors_origins.is_empty(), cors)
        .with(cluster::SetupGate {
            wizard: services.setup.clone(),
        })
        .with(SecurityHeaders { hsts: options.hsts })
        .with(RequestContext)
}
