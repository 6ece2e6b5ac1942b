//! The admin's view of the fleet: nodes with their live usage and placement scores
//! (`GET /nodes`), every guest on the cluster (`GET /cluster/vms`), the overview's figures
//! (`GET /cluster/stats`) and provisioning metrics (`GET /metrics/provisions`).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi, Tags};

use super::auth::AdminOnly;
use super::envelope::Envelope;
use super::errors::{ApiError, statuses};
use crate::app::provisioning::Provisioning;

mod views;

use self::views::{ClusterVmView, MetricsView, NodeView, NodesView, StatsView};

#[derive(Tags)]
enum FleetTags {
    /// The whole fleet (admins): nodes, every guest, figures and metrics.
    Fleet,
}

#[derive(ApiResponse)]
pub enum NodesResponse {
    /// Every node, in the cluster's order.
    #[oai(status = 200)]
    Ok(Json<Envelope<NodesView>>),
}

#[derive(ApiResponse)]
pub enum ClusterVmsResponse {
    /// Every guest on the cluster except templates, by VMID.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<ClusterVmView>>>),
}

#[derive(ApiResponse)]
pub enum StatsResponse {
    /// The figures.
    #[oai(status = 200)]
    Ok(Json<Envelope<StatsView>>),
}

#[derive(ApiResponse)]
pub enum MetricsResponse {
    /// The metrics.
    #[oai(status = 200)]
    Ok(Json<Envelope<MetricsView>>),
}

/// What each fleet operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub ListNodes [
            BadRequest = "`tier` or `os` names none Nimbus offers (`validation_failed`).",
            Unauthorized,
            Forbidden,
            Unavailable = "`proxmox_unavailable`: Proxmox cannot be read right now.",
        ] never [NotFound, Conflict];
        pub ListClusterVms [
            Unauthorized,
            Forbidden,
            Unavailable = "`proxmox_unavailable`: Proxmox cannot be read right now.",
        ] never [BadRequest, NotFound, Conflict];
        pub GetClusterStats [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub GetProvisionMetrics [
            BadRequest = "`days` is not a whole number from 1 to 365.",
            Unauthorized,
            Forbidden,
        ] never [NotFound, Conflict, Unavailable];
    }
}

pub struct FleetApi;

#[OpenApi(tag = "FleetTags::Fleet")]
impl FleetApi {
    /// Every node with its live usage and how placement scores it for a VM of `tier` (default
    /// `small`) and `os` (default: the first OS with a template), rejection reasons included
    /// (admins).
    #[oai(path = "/nodes", method = "get", operation_id = "list_nodes")]
    async fn nodes(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
        tier: Query<Option<String>>,
        os: Query<Option<String>>,
    ) -> Result<NodesResponse, ApiError<op::ListNodes>> {
        let (tier, os, nodes, at) = vms.fleet.node_reports(tier.0.as_deref(), os.0.as_deref()).await?;
        Ok(NodesResponse::Ok(Json(Envelope::ok(NodesView {
            tier,
            os,
            status_at: at,
            nodes: nodes.iter().map(NodeView::from).collect(),
        }))))
    }

    /// Every guest on the cluster, Nimbus's own (with owner, hostname and address) and foreign
    /// ones (admins).
    #[oai(path = "/cluster/vms", method = "get", operation_id = "list_cluster_vms")]
    async fn cluster_vms(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<ClusterVmsResponse, ApiError<op::ListClusterVms>> {
        let (guests, at) = vms.fleet.cluster_guests().await?;
        Ok(ClusterVmsResponse::Ok(Json(Envelope::ok(
            guests.iter().map(|g| ClusterVmView::new(g, at)).collect(),
        ))))
    }

    /// The overview's figures: machines, approvals, the IP pool, average provision time, and the
    /// cluster's usage (admins).
    #[oai(path = "/cluster/stats", method = "get", operation_id = "get_cluster_stats")]
    async fn stats(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<StatsResponse, ApiError<op::GetClusterStats>> {
        let stats = vms.fleet.fleet_stats().await?;
        Ok(StatsResponse::Ok(Json(Envelope::ok(stats.into()))))
    }

    /// Provisioning metrics over the last `days` days (1 to 365, default 7): outcomes, success
    /// rate, and p50/p95 time per step (admins).
    #[oai(path = "/metrics/provisions", method = "get", operation_id = "get_provision_metrics")]
    async fn metrics(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
        days: Query<Option<u32>>,
    ) -> Result<MetricsResponse, ApiError<op::GetProvisionMetrics>> {
        let days = days.0.unwrap_or(7);
        if !(1..=365).contains(&days) {
            return Err(ApiError::invalid("days", "days: use a whole number from 1 to 365."));
        }
        let m = vms.fleet.metrics(days).await?;
        Ok(MetricsResponse::Ok(Json(Envelope::ok(m.into()))))
    }
}
