//! Admin → Settings → Cluster over HTTP: the Proxmox connection, the VM network and the
//! placement knobs, tried before they are saved and applied without a restart; and the setup
//! wizard ([`setup`]), which shares the shapes and the use case.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

mod errors;
mod setup;
mod setup_gate;
mod views;

pub use setup::SetupApi;
pub use setup_gate::SetupGate;
use views::{
    CertificateFingerprint, CheckResponse, FingerprintResponse, NetworkSettings, PlacementSettings, ProbeResponse,
    ProbeView, ProxmoxConnect, ProxmoxUrl, ReviewResponse,
};

use super::auth::AdminOnly;
use super::envelope::Envelope;
use super::errors::{ApiError, statuses};
use crate::app::cluster_settings::{ClusterChange, ClusterSettings, ClusterView};
use crate::ports::proxmox::connector::EndpointTrust;

#[derive(Tags)]
enum ClusterTags {
    /// The cluster settings (admins).
    ClusterSettings,
}

/// The connection in use.
#[derive(Debug, Clone, Object)]
pub struct ProxmoxSettings {
    pub url: String,
    /// The pinned certificate's fingerprint (absent when a CA file or no check is used).
    #[oai(skip_serializing_if_is_none)]
    pub fingerprint: Option<String>,
    pub token_id: String,
    /// `fingerprint`, `ca_file` or `insecure`.
    pub trust: String,
}

/// A value the process environment sets: shown, never edited here.
#[derive(Debug, Clone, Object)]
pub struct LockedSetting {
    /// `proxmox.url`, `network.gateway`, `placement.mem_buffer_mib`, ….
    pub field: String,
    /// The variable that sets it.
    pub variable: String,
}

/// The cluster settings.
#[derive(Debug, Clone, Object)]
pub struct ClusterSettingsView {
    /// Absent before a cluster is configured.
    #[oai(skip_serializing_if_is_none)]
    pub proxmox: Option<ProxmoxSettings>,
    pub network: NetworkSettings,
    pub placement: PlacementSettings,
    pub locked: Vec<LockedSetting>,
    /// The file saving writes (absent for the demo, whose changes last until it stops).
    #[oai(skip_serializing_if_is_none)]
    pub env_file: Option<String>,
    /// Machines that exist or are being built.
    pub machines: u32,
}

impl From<ClusterView> for ClusterSettingsView {
    fn from(v: ClusterView) -> Self {
        Self {
            proxmox: v.proxmox.map(|(endpoint, token_id)| {
                let (fingerprint, trust) = match &endpoint.trust {
                    EndpointTrust::Fingerprint(fp) => {
                        (Some(crate::app::cluster_settings::fingerprint_text(fp)), "fingerprint")
                    }
                    EndpointTrust::CaPem(_) => (None, "ca_file"),
                    EndpointTrust::AcceptAny => (None, "insecure"),
                };
                ProxmoxSettings {
                    url: endpoint.url.to_string(),
                    fingerprint,
                    token_id,
                    trust: trust.into(),
                }
            }),
            network: v.network.into(),
            placement: v.placement.into(),
            locked: v
                .locked
                .into_iter()
                .map(|(field, variable)| LockedSetting { field, variable })
                .collect(),
            env_file: v.env_file.map(|p| p.display().to_string()),
            machines: u32::try_from(v.machines).unwrap_or(u32::MAX),
        }
    }
}

/// A change to save: a new connection (tried first), the network, the placement knobs.
#[derive(Debug, Clone, Object)]
pub struct ClusterUpdate {
    /// Absent keeps the connection.
    #[oai(skip_serializing_if_is_none)]
    pub proxmox: Option<ProxmoxConnect>,
    pub network: NetworkSettings,
    /// Absent keeps the knobs.
    #[oai(skip_serializing_if_is_none)]
    pub placement: Option<PlacementSettings>,
}

/// The settings after saving, and what the admin should know.
#[derive(Debug, Clone, Object)]
pub struct ClusterSaved {
    pub settings: ClusterSettingsView,
    /// E.g. that gateway, prefix and DNS changes apply to new machines only.
    pub notes: Vec<String>,
}

#[derive(ApiResponse)]
pub enum SettingsResponse {
    /// The cluster settings.
    #[oai(status = 200)]
    Ok(Json<Envelope<ClusterSettingsView>>),
}

#[derive(ApiResponse)]
pub enum SavedResponse {
    /// Saved and applied.
    #[oai(status = 200)]
    Ok(Json<Envelope<ClusterSaved>>),
}

mod op {
    use super::statuses;

    statuses! {
        pub GetClusterSettings [Unauthorized, Forbidden] never [BadRequest, Conflict];
        pub TryClusterSettings [
            BadRequest = "`validation_failed` (`field` names it) or `second_factor_required`.",
            Unauthorized,
            Forbidden,
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [Conflict];
        pub SaveClusterSettings [
            BadRequest = "`validation_failed` (`field` names it) or `second_factor_required`.",
            Unauthorized,
            Forbidden,
            Conflict = "`pool_shrink_blocked` (the message names each holder) or `other_cluster` (machines exist on \
                the cluster Nimbus manages).",
            PayloadTooLarge,
            UnsupportedMediaType,
        ];
    }
}

pub struct ClusterSettingsApi;

#[OpenApi(prefix_path = "/settings/cluster", tag = "ClusterTags::ClusterSettings")]
impl ClusterSettingsApi {
    /// The cluster settings, with the values the environment locks.
    #[oai(path = "/", method = "get", operation_id = "get_cluster_settings")]
    async fn get(
        &self,
        _admin: AdminOnly,
        cluster: Data<&Arc<ClusterSettings>>,
    ) -> Result<SettingsResponse, ApiError<op::GetClusterSettings>> {
        Ok(SettingsResponse::Ok(Json(Envelope::ok(cluster.view().await?.into()))))
    }

    /// The certificate fingerprint of a Proxmox node, to compare with its UI and pin.
    #[oai(
        path = "/proxmox/fingerprint",
        method = "post",
        operation_id = "cluster_proxmox_fingerprint"
    )]
    async fn fingerprint(
        &self,
        _admin: AdminOnly,
        cluster: Data<&Arc<ClusterSettings>>,
        body: Json<ProxmoxUrl>,
    ) -> Result<FingerprintResponse, ApiError<op::TryClusterSettings>> {
        let (url, fingerprint) = cluster.fingerprint(&body.url).await?;
        Ok(FingerprintResponse::Ok(Json(Envelope::ok(CertificateFingerprint {
            url: url.to_string(),
            fingerprint,
        }))))
    }

    /// Tries a connection live (nothing is saved): version, cluster, nodes, storages, and each
    /// privilege Nimbus needs against the token's permissions.
    #[oai(path = "/proxmox/check", method = "post", operation_id = "cluster_proxmox_check")]
    async fn check(
        &self,
        _admin: AdminOnly,
        cluster: Data<&Arc<ClusterSettings>>,
        body: Json<ProxmoxConnect>,
    ) -> Result<CheckResponse, ApiError<op::TryClusterSettings>> {
        let connected = cluster.connect(&body.0.into()).await?;
        Ok(CheckResponse::Ok(Json(Envelope::ok(connected.check.into()))))
    }

    /// Reviews a network plan against the cluster's nodes (nothing is saved).
    #[oai(path = "/network/review", method = "post", operation_id = "cluster_network_review")]
    async fn review(
        &self,
        _admin: AdminOnly,
        cluster: Data<&Arc<ClusterSettings>>,
        body: Json<NetworkSettings>,
    ) -> Result<ReviewResponse, ApiError<op::TryClusterSettings>> {
        let nodes = cluster.node_addresses().await;
        let review = cluster.review(&body.0.into(), &nodes)?;
        Ok(ReviewResponse::Ok(Json(Envelope::ok(review.into()))))
    }

    /// Probes a pool on the LAN: addresses a host already answers on.
    #[oai(path = "/network/probe", method = "post", operation_id = "cluster_network_probe")]
    async fn probe(
        &self,
        _admin: AdminOnly,
        cluster: Data<&Arc<ClusterSettings>>,
        body: Json<NetworkSettings>,
    ) -> Result<ProbeResponse, ApiError<op::TryClusterSettings>> {
        let nodes = cluster.node_addresses().await;
        let review = cluster.review(&body.0.into(), &nodes)?;
        Ok(ProbeResponse::Ok(Json(Envelope::ok(ProbeView::new(
            cluster.probe(&review.plan).await,
        )))))
    }

    /// Saves the cluster settings to the env file and applies them without a restart.
    #[oai(path = "/", method = "put", operation_id = "set_cluster_settings")]
    async fn save(
        &self,
        admin: AdminOnly,
        cluster: Data<&Arc<ClusterSettings>>,
        body: Json<ClusterUpdate>,
    ) -> Result<SavedResponse, ApiError<op::SaveClusterSettings>> {
        let b = body.0;
        let proxmox = match b.proxmox {
            Some(form) => Some(cluster.connect(&form.into()).await?),
            None => None,
        };
        let applied = cluster
            .apply(
                Some(&admin.0),
                ClusterChange {
                    proxmox,
                    network: b.network.into(),
                    placement: b.placement.map(Into::into),
                },
            )
            .await?;
        Ok(SavedResponse::Ok(Json(Envelope::ok(ClusterSaved {
            settings: cluster.view().await?.into(),
            notes: applied.notes,
        }))))
    }
}
