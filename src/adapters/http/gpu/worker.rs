//! The worker protocol (`/gpu/worker/…`), spoken by `gx10-worker` with its worker token as
//! `Authorization: Bearer nimbus_worker_…`: claim the next job (204 when there is none), renew
//! the lease (the answer says continue, cancel or abandon), send output in numbered raw chunks
//! (a chunk sent twice is kept once; `next_seq` says what Nimbus wants next), and report how the
//! run ended. A token Nimbus does not know gets 401; while the plane is off every call gets 503
//! `gpu_disabled`; acting on a job the worker does not hold gets 409 `not_held`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, RequestBody, Result};
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::registry::{MetaSecurityScheme, Registry};
use poem_openapi::{ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions, OpenApi};

use super::views::{ClaimedJobView, HeartbeatView, LogAckView, RunStateView, StatusReportRequest};
use super::{GpuTags, body_of};
use crate::adapters::http::auth::bearer;
use crate::adapters::http::envelope::{Envelope, ErrorBody};
use crate::adapters::http::errors::status::{Conflict, NotFound, Unavailable};
use crate::adapters::http::errors::{ApiError, Covers, statuses};
use crate::app::gpu_queue::{GpuError, GpuQueue, GpuWorkers};
use crate::domain::gpu_queue::{JobId, RunOutcome, WorkerId};

const WORKER_SCHEME: &str = "worker";

/// The worker a request's token belongs to.
pub struct WorkerCaller(pub WorkerId);

impl<'a> ApiExtractor<'a> for WorkerCaller {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        registry.create_security_scheme(
            WORKER_SCHEME,
            MetaSecurityScheme {
                ty: "http",
                description: Some(
                    "A GPU worker's token (Admin → Settings → GPU → Add worker), sent as 'Authorization: Bearer \
                     nimbus_worker_…'.",
                ),
                name: None,
                key_in: None,
                scheme: Some("bearer"),
                bearer_format: Some("nimbus_worker_…"),
                flows: None,
                openid_connect_url: None,
            },
        );
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![WORKER_SCHEME]
    }

    async fn from_request(
        req: &'a Request,
        _body: &mut RequestBody,
        _opts: ExtractParamOptions<Self::ParamType>,
    ) -> Result<Self> {
        let refuse = |status: StatusCode, body: ErrorBody| poem::Error::from_response(body.into_response(status));
        let workers = req
            .data::<Arc<GpuWorkers>>()
            .ok_or_else(|| refuse(StatusCode::INTERNAL_SERVER_ERROR, ErrorBody::internal()))?;
        let token = bearer(req).unwrap_or_default();
        match workers.authenticate(&token).await {
            Some(worker) => Ok(Self(worker)),
            None => Err(refuse(
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(
                    "worker_token_invalid",
                    "Nimbus does not know this worker token (revoked, or never made). Add the worker again in \
                     Admin → Settings → GPU and put its token in NIMBUS_WORKER_TOKEN.",
                ),
            )),
        }
    }
}

/// A worker's refusal: the plane being off is an outage for the worker (it polls slowly until it
/// is back), a job it does not hold is `not_held`.
struct WorkerRefusal(GpuError);

impl<S> From<WorkerRefusal> for ApiError<S>
where
    S: Covers<NotFound>
        + Covers<Conflict>
        + Covers<Unavailable>
        + Covers<crate::adapters::http::errors::status::BadRequest>,
{
    fn from(WorkerRefusal(e): WorkerRefusal) -> Self {
        let body = body_of(&e);
        match e {
            GpuError::Disabled => Self::unavailable(body),
            GpuError::NotFound => Self::not_found(body),
            GpuError::Invalid { .. } => Self::bad_request(body),
            GpuError::Refused(_) | GpuError::LogCapReached(_) | GpuError::WorkerExists(_) => Self::conflict(body),
            GpuError::Internal(cause) => Self::unexpected("GPU worker call failed", cause),
        }
    }
}

fn refused(e: GpuError) -> WorkerRefusal {
    WorkerRefusal(e)
}

mod op {
    use super::statuses;

    statuses! {
        pub Claim [
            Unauthorized = "`worker_token_invalid`: the token is unknown or revoked.",
            Forbidden,
            Conflict = "`worker_busy`: this worker already holds a job; finish or report it first.",
            Unavailable = "`gpu_disabled`: the GPU plane is off; poll slowly.",
        ] never [BadRequest, NotFound];
        pub OnJob [
            BadRequest = "The job id is not a number.",
            Unauthorized = "`worker_token_invalid`: the token is unknown or revoked.",
            Forbidden,
            NotFound = "No such job (`not_found`): let it go.",
            Conflict = "`not_held`: the job is not this worker's (any more): stop it and report nothing.",
            Unavailable = "`gpu_disabled`: the GPU plane is off.",
        ];
        pub PostLog [
            BadRequest = "The job id or `X-Log-Seq` is missing or not a number.",
            Unauthorized = "`worker_token_invalid`: the token is unknown or revoked.",
            Forbidden,
            NotFound = "No such job (`not_found`).",
            Conflict = "`not_held` (not this worker's job) or `log_cap_reached` (the job wrote more output \
                than Nimbus keeps and was failed): stop it and report nothing.",
            PayloadTooLarge = "A chunk is at most 1 MiB.",
            UnsupportedMediaType,
            Unavailable = "`gpu_disabled`: the GPU plane is off.",
        ];
        pub PostStatus [
            BadRequest = "`validation_failed` with `field` `artifact`: not a path of at most 1 KiB.",
            Unauthorized = "`worker_token_invalid`: the token is unknown or revoked.",
            Forbidden,
            NotFound = "No such job (`not_found`).",
            Conflict = "`not_held`: the job is not this worker's.",
            PayloadTooLarge,
            UnsupportedMediaType,
            Unavailable = "`gpu_disabled`: the GPU plane is off.",
        ];
    }
}

#[derive(ApiResponse)]
pub enum ClaimResponse {
    /// The job this worker now holds; run it and send heartbeats.
    #[oai(status = 200)]
    Job(Json<Envelope<ClaimedJobView>>),
    /// Nothing is waiting; ask again after the poll interval.
    #[oai(status = 204)]
    Empty,
}

#[derive(ApiResponse)]
pub enum HeartbeatResponse {
    /// What to do with the job.
    #[oai(status = 200)]
    Ok(Json<Envelope<HeartbeatView>>),
}

#[derive(ApiResponse)]
pub enum LogResponse {
    /// The chunk is kept (or was already).
    #[oai(status = 200)]
    Ok(Json<Envelope<LogAckView>>),
}

#[derive(ApiResponse)]
pub enum StatusResponse {
    /// The report is recorded (or ignored: the job had already ended).
    #[oai(status = 200)]
    Ok(Json<Envelope<serde_json::Value>>),
}

pub struct GpuWorkerApi;

#[OpenApi(prefix_path = "/gpu/worker", tag = "GpuTags::GpuWorker")]
impl GpuWorkerApi {
    /// Hands the next queued job (first in, first out) to this worker, which holds it while it
    /// sends heartbeats.
    #[oai(path = "/claim", method = "post", operation_id = "worker_claim")]
    async fn claim(
        &self,
        worker: WorkerCaller,
        queue: Data<&Arc<GpuQueue>>,
    ) -> Result<ClaimResponse, ApiError<op::Claim>> {
        let Some(job) = queue.claim(&worker.0).await.map_err(refused)? else {
            return Ok(ClaimResponse::Empty);
        };
        let s = queue.settings();
        Ok(ClaimResponse::Job(Json(Envelope::ok(ClaimedJobView {
            id: job.id.0,
            image: job.spec.image().as_str().to_owned(),
            command: job.spec.command().to_vec(),
            env: job
                .spec
                .env()
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
                .collect(),
            lease_seconds: s.lease.as_secs(),
            heartbeat_seconds: s.heartbeat.as_secs(),
            max_runtime_seconds: s.max_runtime.as_secs(),
        }))))
    }

    /// Renews this worker's lease on the job; the answer says whether to go on, stop it for a
    /// cancel (or its maximum runtime), or let it go.
    #[oai(path = "/jobs/:id/heartbeat", method = "post", operation_id = "worker_heartbeat")]
    async fn heartbeat(
        &self,
        worker: WorkerCaller,
        queue: Data<&Arc<GpuQueue>>,
        id: Path<u64>,
    ) -> Result<HeartbeatResponse, ApiError<op::OnJob>> {
        let reply = queue.heartbeat(&worker.0, JobId(id.0)).await.map_err(refused)?;
        Ok(HeartbeatResponse::Ok(Json(Envelope::ok(HeartbeatView {
            action: reply.into(),
            lease_seconds: queue.settings().lease.as_secs(),
        }))))
    }

    /// Keeps chunk `X-Log-Seq` (0, 1, 2, …) of the job's output, raw bytes as the body. A chunk
    /// sent again is kept once; chunks arriving out of order are read back in order.
    #[oai(path = "/jobs/:id/logs", method = "post", operation_id = "worker_post_log")]
    async fn log(
        &self,
        worker: WorkerCaller,
        queue: Data<&Arc<GpuQueue>>,
        id: Path<u64>,
        /// The chunk's number, from 0.
        #[oai(name = "X-Log-Seq")]
        seq: Header<u64>,
        body: Binary<Vec<u8>>,
    ) -> Result<LogResponse, ApiError<op::PostLog>> {
        let accepted = queue
            .append_log(&worker.0, JobId(id.0), seq.0, &body.0)
            .await
            .map_err(refused)?;
        Ok(LogResponse::Ok(Json(Envelope::ok(LogAckView {
            next_seq: accepted.next_seq,
        }))))
    }

    /// Reports how the run ended: `succeeded`, or `failed` with the exit code and why; with the
    /// path the job wrote its results to, if any. A report about a job that already ended is
    /// ignored.
    #[oai(path = "/jobs/:id/status", method = "post", operation_id = "worker_report")]
    async fn status(
        &self,
        worker: WorkerCaller,
        queue: Data<&Arc<GpuQueue>>,
        id: Path<u64>,
        body: Json<StatusReportRequest>,
    ) -> Result<StatusResponse, ApiError<op::PostStatus>> {
        let b = body.0;
        let outcome = match (b.state, b.reason) {
            (RunStateView::Succeeded, _) => RunOutcome::Exited { code: 0 },
            // The container ran and exited non-zero: the program's own failure.
            (RunStateView::Failed, reason)
                if (1..=255).contains(&b.exit_code)
                    && reason
                        .as_deref()
                        .is_none_or(|r| r == format!("exited with code {}", b.exit_code)) =>
            {
                RunOutcome::Exited {
                    code: b.exit_code as i32,
                }
            }
            (RunStateView::Failed, reason) => RunOutcome::CouldNotRun {
                error: reason
                    .unwrap_or_else(|| format!("the worker could not run the job (exit code {})", b.exit_code)),
            },
        };
        let artifact = b.artifact.filter(|a| !a.trim().is_empty());
        queue
            .report(&worker.0, JobId(id.0), outcome, artifact)
            .await
            .map_err(refused)?;
        Ok(StatusResponse::Ok(Json(Envelope::ok(serde_json::json!({})))))
    }
}
