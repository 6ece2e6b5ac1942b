//! Settings → GPU over HTTP (admins): the plane on or off, limits, lease, heartbeat, maximum
//! runtime, log cap and retention; and the workers: add one (its token shown once, with the
//! lines for its environment file), list them with their last heartbeat and current job, revoke.

use std::sync::Arc;

use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::GpuTags;
use super::views::{GpuSettingsChangeRequest, GpuSettingsView, GpuWorkerCreatedView, NewGpuWorkerRequest};
use crate::adapters::http::auth::AdminOnly;
use crate::adapters::http::envelope::Envelope;
use crate::adapters::http::errors::{ApiError, statuses};
use crate::adapters::http::oauth::{PublicOrigin, origin};
use crate::app::gpu_queue::{GpuError, GpuQueue, GpuSettingsChange, GpuWorkers};

mod op {
    use super::statuses;

    statuses! {
        pub GetGpuSettings [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub SetGpuSettings [
            BadRequest = "`validation_failed`: `field` names the value out of range and says the range.",
            Unauthorized,
            Forbidden,
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [NotFound, Conflict, Unavailable];
        pub AddGpuWorker [
            BadRequest = "`validation_failed` with `field` `id`: not 1 to 64 of `A-Z a-z 0-9 . _ -`.",
            Unauthorized,
            Forbidden,
            Conflict = "`worker_exists`: a worker has this id.",
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [NotFound, Unavailable];
        pub RevokeGpuWorker [
            Unauthorized,
            Forbidden,
            NotFound = "No such worker (`not_found`).",
        ] never [BadRequest, Conflict, Unavailable];
    }
}

#[derive(ApiResponse)]
pub enum SettingsResponse {
    /// Settings → GPU and the workers.
    #[oai(status = 200)]
    Ok(Json<Envelope<GpuSettingsView>>),
}

#[derive(ApiResponse)]
pub enum AddedResponse {
    /// The worker and its token, shown this once.
    #[oai(status = 201)]
    Created(Json<Envelope<GpuWorkerCreatedView>>),
}

#[derive(ApiResponse)]
pub enum RevokedResponse {
    /// The worker's token no longer works; its running job went back to the queue.
    #[oai(status = 204)]
    Revoked,
}

async fn view(queue: &GpuQueue, workers: &GpuWorkers) -> Result<GpuSettingsView, GpuError> {
    let listed = workers.list().await?.into_iter().map(Into::into).collect();
    Ok(GpuSettingsView::new(&queue.settings(), listed))
}

pub struct GpuSettingsApi;

#[OpenApi(tag = "GpuTags::GpuSettings")]
impl GpuSettingsApi {
    /// Settings → GPU, with every worker, its last heartbeat and its current job.
    #[oai(path = "/settings/gpu", method = "get", operation_id = "get_gpu_settings")]
    async fn get(
        &self,
        _admin: AdminOnly,
        queue: Data<&Arc<GpuQueue>>,
        workers: Data<&Arc<GpuWorkers>>,
    ) -> Result<SettingsResponse, ApiError<op::GetGpuSettings>> {
        Ok(SettingsResponse::Ok(Json(Envelope::ok(view(&queue, &workers).await?))))
    }

    /// Changes Settings → GPU; absent fields keep their value. Applied at once.
    #[oai(path = "/settings/gpu", method = "put", operation_id = "set_gpu_settings")]
    async fn set(
        &self,
        _admin: AdminOnly,
        queue: Data<&Arc<GpuQueue>>,
        workers: Data<&Arc<GpuWorkers>>,
        body: Json<GpuSettingsChangeRequest>,
    ) -> Result<SettingsResponse, ApiError<op::SetGpuSettings>> {
        let b = body.0;
        let change = GpuSettingsChange {
            enabled: b.enabled,
            max_queued_per_user: b.max_queued_per_user,
            max_running_per_user: b.max_running_per_user,
            lease_seconds: b.lease_seconds,
            heartbeat_seconds: b.heartbeat_seconds,
            max_runtime_hours: b.max_runtime_hours,
            log_cap_mib: b.log_cap_mib,
            log_retention_days: b.log_retention_days,
        };
        queue.change_settings(&change).await?;
        Ok(SettingsResponse::Ok(Json(Envelope::ok(view(&queue, &workers).await?))))
    }

    /// Adds a GPU worker and mints its token, shown this once with the lines for the worker's
    /// environment file.
    #[oai(path = "/settings/gpu/workers", method = "post", operation_id = "add_gpu_worker")]
    async fn add(
        &self,
        admin: AdminOnly,
        workers: Data<&Arc<GpuWorkers>>,
        public: Data<&PublicOrigin>,
        req: &Request,
        body: Json<NewGpuWorkerRequest>,
    ) -> Result<AddedResponse, ApiError<op::AddGpuWorker>> {
        let minted = workers.add(Some(&admin.0), &body.0.id, false).await?;
        // APP_URL, or the address the admin reached Nimbus at.
        let url = origin(req, &public);
        let env = format!(
            "NIMBUS_URL={url}\nNIMBUS_WORKER_TOKEN={}\nGX10_WORKER_ID={}\n",
            minted.token, minted.worker.id
        );
        Ok(AddedResponse::Created(Json(Envelope::ok(GpuWorkerCreatedView {
            worker: minted.worker.into(),
            token: minted.token,
            env,
        }))))
    }

    /// Revokes a GPU worker: its token stops at once and its running job goes back to the queue.
    #[oai(
        path = "/settings/gpu/workers/:id",
        method = "delete",
        operation_id = "revoke_gpu_worker"
    )]
    async fn revoke(
        &self,
        admin: AdminOnly,
        workers: Data<&Arc<GpuWorkers>>,
        id: Path<String>,
    ) -> Result<RevokedResponse, ApiError<op::RevokeGpuWorker>> {
        workers.revoke(&admin.0, &id.0).await?;
        Ok(RevokedResponse::Revoked)
    }
}
