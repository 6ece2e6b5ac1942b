//! The GPU plane over HTTP: people's jobs (`/gpu/jobs…`: submit, list with places in the queue,
//! read, cancel, the whole output raw and the output followed live), the workers' protocol
//! (`worker.rs`), and Settings → GPU with its workers (`settings.rs`). Jobs are their owner's
//! and admins'; anyone else gets 404.

mod follow;
mod settings;
pub mod views;
mod worker;

use std::collections::HashMap;
use std::sync::Arc;

use poem::Body;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, OpenApi, Tags};

pub use self::follow::RenderedChunks;
pub use self::settings::GpuSettingsApi;
use self::views::{GpuJobListView, GpuJobView, GpuPlaneView, NewGpuJobRequest};
pub use self::worker::GpuWorkerApi;
use super::auth::SignedIn;
use super::envelope::{Envelope, ErrorBody};
use super::errors::status::{BadRequest, Conflict, Forbidden, NotFound, Unavailable};
use super::errors::{ApiError, Covers, statuses};
use crate::app::accounts::{AccountManagement, Caller};
use crate::app::gpu_queue::{GpuError, GpuQueue, GpuWorkers};
use crate::app::provisioning::Provisioning;
use crate::app::stream_budget::StreamBudget;
use crate::domain::gpu_queue::JobId;
use crate::domain::ids::InstanceId;

#[derive(Tags)]
#[allow(clippy::enum_variant_names)]
enum GpuTags {
    /// GPU training jobs: submit, follow, cancel.
    GpuJobs,
    /// The protocol GPU workers (`gx10-worker`) speak, with a worker token.
    GpuWorker,
    /// Settings → GPU and its workers (admins).
    GpuSettings,
}

/// The error body of a refused GPU call.
fn body_of(e: &GpuError) -> ErrorBody {
    let mut body = ErrorBody::new(e.code(), e.to_string());
    if let Some(field) = e.field() {
        body = body.with_field(field);
    }
    body
}

/// People's calls: a plane that is off is a conflict with the request (409), not an outage.
impl<S> From<GpuError> for ApiError<S>
where
    S: Covers<BadRequest> + Covers<Forbidden> + Covers<NotFound> + Covers<Conflict> + Covers<Unavailable>,
{
    fn from(e: GpuError) -> Self {
        let body = body_of(&e);
        match e {
            GpuError::Invalid { .. } => Self::bad_request(body),
            GpuError::NotFound => Self::not_found(body),
            GpuError::Disabled | GpuError::Refused(_) | GpuError::WorkerExists(_) | GpuError::LogCapReached(_) => {
                Self::conflict(body)
            }
            GpuError::Internal(cause) => Self::unexpected("GPU queue operation failed", cause),
        }
    }
}

mod op {
    use super::statuses;

    statuses! {
        pub ListGpuJobs [
            BadRequest = "`all` is not `true` or `false`.",
            Unauthorized,
            Forbidden = "`admin_required` for `all=true` as a member, or the usual reasons.",
        ] never [NotFound, Conflict, Unavailable];
        pub SubmitGpuJob [
            BadRequest = "`validation_failed`: `field` is `image`, `command`, `env` or `vm_id`.",
            Unauthorized,
            Forbidden,
            Conflict = "`gpu_disabled` (an admin turns the plane on in Settings → GPU) or `too_many_queued` \
                (you have as many jobs waiting as you may).",
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [NotFound, Unavailable];
        pub GetGpuJob [
            BadRequest = "The job id is not a number.",
            Unauthorized,
            Forbidden,
            NotFound = "No such job of yours (`not_found`).",
        ] never [Conflict, Unavailable];
        pub CancelGpuJob [
            BadRequest = "The job id is not a number.",
            Unauthorized,
            Forbidden,
            NotFound = "No such job of yours (`not_found`).",
            Conflict = "`job_finished`: the job already ended.",
        ] never [Unavailable];
        pub FollowGpuJob [
            BadRequest = "The job id, `from_seq` or `Last-Event-ID` is not a number.",
            Unauthorized,
            Forbidden,
            NotFound = "No such job of yours (`not_found`).",
            TooManyRequests = "`too_many_streams`: your account holds as many open streams as it may; close one.",
        ] never [Conflict, Unavailable];
    }
}

#[derive(ApiResponse)]
pub enum ListResponse {
    /// The jobs, newest first, and whether the plane takes jobs.
    #[oai(status = 200)]
    Ok(Json<Envelope<GpuJobListView>>),
}

#[derive(ApiResponse)]
pub enum SubmitResponse {
    /// The job is queued.
    #[oai(status = 201)]
    Created(Json<Envelope<GpuJobView>>),
}

#[derive(ApiResponse)]
pub enum JobResponse {
    /// The job.
    #[oai(status = 200)]
    Ok(Json<Envelope<GpuJobView>>),
}

#[derive(ApiResponse)]
pub enum LogResponse {
    /// The job's whole output so far, as the program wrote it.
    #[oai(status = 200, content_type = "application/octet-stream")]
    Ok(
        Binary<Vec<u8>>,
        /// `attachment; filename="gpu-job-<id>.log"`.
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

#[derive(ApiResponse)]
pub enum FollowResponse {
    /// `text/event-stream`: `log` (id = chunk number; data `{"seq","text"}`), `job` (the job, on
    /// every change), then `end` (the finished job) once all output was sent.
    #[oai(status = 200, content_type = "text/event-stream")]
    Stream(Binary<Body>),
}

fn job_id(id: u64) -> JobId {
    JobId(id)
}

/// The plane's state as people see it.
async fn plane(queue: &GpuQueue, workers: &GpuWorkers) -> Result<GpuPlaneView, GpuError> {
    let settings = queue.settings();
    let listed = workers.list().await?;
    Ok(GpuPlaneView {
        enabled: settings.enabled,
        message: (!settings.enabled).then(|| GpuError::Disabled.to_string()),
        workers_online: listed.iter().filter(|w| w.online).count() as u32,
        stand_in: listed.iter().any(|w| w.stand_in),
    })
}

/// Owners' emails by id, for admins' lists of everyone's jobs.
async fn emails(accounts: &AccountManagement) -> HashMap<String, String> {
    match accounts.list_users().await {
        Ok(users) => users
            .into_iter()
            .map(|u| (u.id.to_string(), u.email.to_string()))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read accounts for GPU job owners");
            HashMap::new()
        }
    }
}

/// The machine a job is submitted for: one of the caller's own.
async fn own_vm(vms: &Provisioning, caller: &Caller, id: Option<&str>) -> Result<Option<InstanceId>, GpuError> {
    let Some(text) = id.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let invalid = || GpuError::Invalid {
        field: "vm_id",
        message: format!("vm_id '{text}' is not one of your machines; pick one from My machines or leave it out"),
    };
    let id: InstanceId = text.parse().map_err(|_| invalid())?;
    match vms.views.get(caller, id).await {
        Ok(state) if state.record.owner() == caller.user.id => Ok(Some(id)),
        _ => Err(invalid()),
    }
}

pub struct GpuJobsApi;

#[OpenApi(prefix_path = "/gpu/jobs", tag = "GpuTags::GpuJobs")]
impl GpuJobsApi {
    /// Your GPU jobs, newest first, with their places in the queue, and whether the plane takes
    /// jobs (`all=true`: everyone's, admins only).
    #[oai(path = "/", method = "get", operation_id = "list_gpu_jobs")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        caller: SignedIn,
        queue: Data<&Arc<GpuQueue>>,
        workers: Data<&Arc<GpuWorkers>>,
        accounts: Data<&Arc<AccountManagement>>,
        /// Every person's jobs (admins).
        all: Query<Option<bool>>,
    ) -> Result<ListResponse, ApiError<op::ListGpuJobs>> {
        let everyone = all.0.unwrap_or(false);
        if everyone && !caller.0.is_admin() {
            return Err(ApiError::forbidden(ErrorBody::new(
                "admin_required",
                "Only admins can list everyone's GPU jobs.",
            )));
        }
        let jobs = queue.list(&caller.0, everyone).await?;
        let owners = if everyone {
            emails(&accounts).await
        } else {
            HashMap::new()
        };
        let now = queue.now();
        let jobs = jobs
            .iter()
            .map(|j| GpuJobView::new(j, now, owners.get(&j.job.owner.to_string()).cloned()))
            .collect();
        let plane = plane(&queue, &workers).await?;
        Ok(ListResponse::Ok(Json(Envelope::ok(GpuJobListView { plane, jobs }))))
    }

    /// Queues a GPU job: a container image, its command as an argument list, and environment
    /// variables. Jobs run first-in first-out, one at a time per worker.
    #[oai(path = "/", method = "post", operation_id = "submit_gpu_job")]
    async fn submit(
        &self,
        caller: SignedIn,
        queue: Data<&Arc<GpuQueue>>,
        vms: Data<&Arc<Provisioning>>,
        body: Json<NewGpuJobRequest>,
    ) -> Result<SubmitResponse, ApiError<op::SubmitGpuJob>> {
        let b = body.0;
        let env: Vec<(String, String)> = b.env.into_iter().map(|v| (v.name, v.value)).collect();
        let vm = own_vm(&vms, &caller.0, b.vm_id.as_deref()).await?;
        let job = queue.submit(&caller.0, &b.image, &b.command, &env, vm).await?;
        let queued = queue.get(&caller.0, job.id).await?;
        Ok(SubmitResponse::Created(Json(Envelope::ok(GpuJobView::new(
            &queued,
            queue.now(),
            None,
        )))))
    }

    /// One GPU job (its owner and admins).
    #[oai(path = "/:id", method = "get", operation_id = "get_gpu_job")]
    async fn get(
        &self,
        caller: SignedIn,
        queue: Data<&Arc<GpuQueue>>,
        id: Path<u64>,
    ) -> Result<JobResponse, ApiError<op::GetGpuJob>> {
        let job = queue.get(&caller.0, job_id(id.0)).await?;
        Ok(JobResponse::Ok(Json(Envelope::ok(GpuJobView::new(
            &job,
            queue.now(),
            None,
        )))))
    }

    /// Cancels a job: at once when it waits; a running job's worker stops its container at its
    /// next heartbeat (the job shows `cancelling` until then).
    #[oai(path = "/:id/cancel", method = "post", operation_id = "cancel_gpu_job")]
    async fn cancel(
        &self,
        caller: SignedIn,
        queue: Data<&Arc<GpuQueue>>,
        id: Path<u64>,
    ) -> Result<JobResponse, ApiError<op::CancelGpuJob>> {
        queue.cancel(&caller.0, job_id(id.0)).await?;
        let job = queue.get(&caller.0, job_id(id.0)).await?;
        Ok(JobResponse::Ok(Json(Envelope::ok(GpuJobView::new(
            &job,
            queue.now(),
            None,
        )))))
    }

    /// The job's whole output so far, raw, as a download.
    #[oai(path = "/:id/logs", method = "get", operation_id = "get_gpu_job_log")]
    async fn log(
        &self,
        caller: SignedIn,
        queue: Data<&Arc<GpuQueue>>,
        id: Path<u64>,
    ) -> Result<LogResponse, ApiError<op::GetGpuJob>> {
        let bytes = queue.log(&caller.0, job_id(id.0)).await?;
        let disposition = format!("attachment; filename=\"gpu-job-{}.log\"", id.0);
        Ok(LogResponse::Ok(Binary(bytes), disposition))
    }

    /// Follows the job's output and state as server-sent events, from chunk `from_seq` on (or
    /// after `Last-Event-ID`). The stream counts against your account's budget of open streams
    /// until the job ends or you close it.
    #[oai(path = "/:id/logs/stream", method = "get", operation_id = "follow_gpu_job")]
    #[allow(clippy::too_many_arguments)]
    async fn follow(
        &self,
        caller: SignedIn,
        queue: Data<&Arc<GpuQueue>>,
        streams: Data<&Arc<StreamBudget>>,
        rendered: Data<&Arc<RenderedChunks>>,
        id: Path<u64>,
        /// The first chunk to send (0: from the start).
        from_seq: Query<Option<u64>>,
        /// Sent by a reconnecting browser: the last chunk it has.
        #[oai(name = "Last-Event-ID")]
        last_event_id: poem_openapi::param::Header<Option<u64>>,
    ) -> Result<FollowResponse, ApiError<op::FollowGpuJob>> {
        queue.get(&caller.0, job_id(id.0)).await?;
        let slot = streams.acquire(caller.0.user.id).map_err(ApiError::too_many_streams)?;
        let from = last_event_id.0.map(|l| l + 1).or(from_seq.0).unwrap_or(0);
        let body = follow::follow(queue.clone(), rendered.clone(), caller.0, job_id(id.0), from, slot);
        Ok(FollowResponse::Stream(Binary(body)))
    }
}
