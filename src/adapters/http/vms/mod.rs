//! The VM API: `POST /vms` (plain, or NDJSON with `Accept: application/x-ndjson`; an
//! `Idempotency-Key` joins a retried request to its first), `GET /vms`, `GET /vms/{id}`, its
//! server-sent events, its kept private key, the retry of a failed provision, and the catalog the
//! Provision form offers.

mod op;
mod pending;
pub mod public;
mod stream;
pub(crate) mod views;

use std::sync::Arc;

use poem::Body;
use poem::web::Data;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, OpenApi, Tags};

use self::pending::CreateResponse;
use self::stream::Follower;
pub use self::views::VmView;
use self::views::{CatalogView, ProvisionRequest, ResultView};
use super::auth::{FullCredential, SignedIn, client_info};
use super::envelope::Envelope;
use super::errors::ApiError;
use super::keys::PrivateKeyView;
use super::limits::{Action, RateLimits};
use crate::app::provisioning::{ProvisionError, Provisioning, idempotency_key};
use crate::app::stream_budget::StreamBudget;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::provisioning::{Phase, PowerAction};

#[derive(Tags)]
enum VmTags {
    /// Your machines: provision, follow, read.
    Vms,
}

#[derive(ApiResponse)]
pub enum ProvisionResponse {
    /// The machine is running (or, with `Accept: application/x-ndjson`, the NDJSON stream of
    /// its provisioning: `accepted`, one `step` per completed step, then `result` or `error`).
    #[oai(status = 200)]
    Replayed(Json<Envelope<ResultView>>),
    /// The machine was built and is running.
    #[oai(status = 201)]
    Created(Json<Envelope<ResultView>>),
    /// The NDJSON stream of the provision (`Accept: application/x-ndjson`).
    #[oai(status = 202, content_type = "application/x-ndjson")]
    Stream(Binary<Body>),
}

#[derive(ApiResponse)]
pub enum VmsResponse {
    /// Your machines, newest first.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<VmView>>>),
}

#[derive(ApiResponse)]
pub enum VmResponse {
    /// The machine.
    #[oai(status = 200)]
    Ok(Json<Envelope<VmView>>),
}

#[derive(ApiResponse)]
pub enum RetryResponse {
    /// A new provision of the same machine was accepted; follow it by its id.
    #[oai(status = 202)]
    Accepted(Json<Envelope<VmView>>),
}

#[derive(ApiResponse)]
pub enum ActionResponse {
    /// Accepted: the machine's status shows the action in progress (`starting`, `stopping`,
    /// `rebooting`, `deleting`); follow it with `GET /vms/{id}` or its events.
    #[oai(status = 202)]
    Accepted(Json<Envelope<VmView>>),
}

#[derive(ApiResponse)]
pub enum EventsResponse {
    /// `text/event-stream`: `event: vm` with the whole machine on every change, until it settles.
    #[oai(status = 200, content_type = "text/event-stream")]
    Stream(Binary<Body>),
}

#[derive(ApiResponse)]
pub enum CatalogResponse {
    /// Tiers, OSes and your default key.
    #[oai(status = 200)]
    Ok(Json<Envelope<CatalogView>>),
}

#[derive(ApiResponse)]
pub enum VmKeyResponse {
    /// The generated private key kept for this machine.
    #[oai(status = 200)]
    Ok(Json<Envelope<PrivateKeyView>>),
}

fn vm_id(id: &str) -> Result<InstanceId, ProvisionError> {
    id.parse().map_err(|_| ProvisionError::NotFound)
}

fn accepted(state: &crate::app::provisioning::VmState) -> ActionResponse {
    ActionResponse::Accepted(Json(Envelope::ok(VmView::from(state))))
}

async fn act(
    vms: &Arc<Provisioning>,
    caller: &SignedIn,
    id: &str,
    action: PowerAction,
) -> Result<ActionResponse, ApiError<op::PowerVm>> {
    let state = vms.lifecycle.power(&caller.0, vm_id(id)?, action).await?;
    Ok(accepted(&state))
}

fn wants_ndjson(accept: &Option<String>) -> bool {
    accept
        .as_deref()
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("application/x-ndjson")))
}

pub struct VmsApi;

#[OpenApi(tag = "VmTags::Vms")]
impl VmsApi {
    /// Provision a machine. Every field is checked before anything is reserved; the build runs
    /// in the background and survives a dropped connection. Plain requests wait for the result.
    #[oai(path = "/vms", method = "post", operation_id = "create_vm")]
    #[allow(clippy::too_many_arguments)] // each input of the operation is one extractor
    async fn create(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        streams: Data<&Arc<StreamBudget>>,
        limits: Data<&Arc<RateLimits>>,
        req: &poem::Request,
        request: Json<ProvisionRequest>,
        /// `application/x-ndjson` streams the steps as they complete.
        #[oai(name = "Accept")]
        accept: Header<Option<String>>,
        /// Makes a retried request join the machine its first attempt created (1–128 visible
        /// ASCII characters; a UUID is a good choice).
        #[oai(name = "Idempotency-Key")]
        key: Header<Option<String>>,
    ) -> Result<CreateResponse, ApiError<op::CreateVm>> {
        let key = key.0.as_deref().map(idempotency_key).transpose()?;
        let caller = caller.0;
        if !caller.is_admin() {
            let ip = client_info(req).ip;
            limits
                .check(Action::CreateVm, ip.as_deref(), &caller.user.id.to_string())
                .map_err(ApiError::rate_limited)?;
        }
        let ndjson = wants_ndjson(&accept.0);
        // The stream's slot is taken before anything is created, so a refused stream leaves
        // nothing behind.
        let slot = if ndjson {
            Some(streams.acquire(caller.user.id).map_err(ApiError::too_many_streams)?)
        } else {
            None
        };
        let form = request.0;
        let owner = match form.owner_id.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            None => None,
            Some(raw) => Some(raw.parse::<UserId>().map_err(|_| {
                ProvisionError::invalid("owner_id", "This is not an account id. Pick a member from the list.")
            })?),
        };
        let accepted = match owner {
            Some(owner) if owner != caller.user.id => {
                vms.submissions.submit_for(&caller, owner, form.into(), key).await
            }
            _ => vms.submissions.submit(&caller, form.into(), key).await,
        }?;
        let state = vms.views.get(&caller, accepted.id).await?;
        if *state.record.provision.phase() == Phase::PendingApproval {
            let view = VmView::from(&state);
            return Ok(if ndjson {
                CreateResponse::Done(Box::new(ProvisionResponse::Stream(Binary(stream::pending(view)))))
            } else {
                CreateResponse::Pending(Box::new(Json(Envelope::ok(view))))
            });
        }
        let follower = Follower::new(vms.views.clone(), caller, accepted.id);
        if let Some(slot) = slot {
            return Ok(CreateResponse::Done(Box::new(ProvisionResponse::Stream(Binary(
                stream::ndjson(follower, slot),
            )))));
        }
        let result = stream::wait(follower).await?;
        Ok(CreateResponse::Done(Box::new(if accepted.replay {
            ProvisionResponse::Replayed(Json(Envelope::ok(result)))
        } else {
            ProvisionResponse::Created(Json(Envelope::ok(result)))
        })))
    }

    /// Your machines, newest first. Admins may ask for every owner's with `all=true` (failed
    /// provisions still rolling back, or waiting for Proxmox as `rollback_pending`, show there).
    #[oai(path = "/vms", method = "get", operation_id = "list_vms")]
    async fn list(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        /// Every owner's machines (admins only).
        all: Query<Option<bool>>,
    ) -> Result<VmsResponse, ApiError<op::ListVms>> {
        let list = vms.views.list(&caller.0, all.0.unwrap_or(false)).await?;
        Ok(VmsResponse::Ok(Json(Envelope::ok(
            list.iter().map(VmView::from).collect(),
        ))))
    }

    /// One machine with its step timeline.
    #[oai(path = "/vms/:id", method = "get", operation_id = "get_vm")]
    async fn get(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<VmResponse, ApiError<op::VmLookup>> {
        let state = vms.views.get(&caller.0, vm_id(&id.0)?).await?;
        Ok(VmResponse::Ok(Json(Envelope::ok(VmView::from(&state)))))
    }

    /// Follow a machine: server-sent events with its whole state on every change (re-attach
    /// after a reload by opening it again). Each open stream counts against your account's
    /// budget of streams until it ends or you close it.
    #[oai(path = "/vms/:id/events", method = "get", operation_id = "vm_events")]
    async fn events(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        streams: Data<&Arc<StreamBudget>>,
        id: Path<String>,
    ) -> Result<EventsResponse, ApiError<op::VmEvents>> {
        let id = vm_id(&id.0)?;
        vms.views.get(&caller.0, id).await?;
        let slot = streams.acquire(caller.0.user.id).map_err(ApiError::too_many_streams)?;
        let follower = Follower::new(vms.views.clone(), caller.0, id);
        Ok(EventsResponse::Stream(Binary(stream::events(follower, slot))))
    }

    /// The generated private key kept for this machine (its owner only).
    #[oai(path = "/vms/:id/private-key", method = "get", operation_id = "get_vm_private_key")]
    async fn private_key(
        &self,
        caller: FullCredential,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<VmKeyResponse, ApiError<op::VmLookup>> {
        let (key_name, private_key) = vms.views.private_key(&caller.0, vm_id(&id.0)?).await?;
        Ok(VmKeyResponse::Ok(Json(Envelope::ok(PrivateKeyView {
            key_name,
            private_key,
        }))))
    }

    /// Try a failed (rolled back) provision again: a new provision with the same request.
    #[oai(path = "/vms/:id/retry", method = "post", operation_id = "retry_vm")]
    async fn retry(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<RetryResponse, ApiError<op::RetryVm>> {
        let accepted = vms.submissions.retry(&caller.0, vm_id(&id.0)?).await?;
        let state = vms.views.get(&caller.0, accepted.id).await?;
        Ok(RetryResponse::Accepted(Json(Envelope::ok(VmView::from(&state)))))
    }

    /// Delete a machine: removes it from Proxmox (only if it carries Nimbus's marker), releases
    /// its address and removes the key generated for it. Answers at once; finishes in the
    /// background.
    #[oai(path = "/vms/:id", method = "delete", operation_id = "delete_vm")]
    async fn delete(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<ActionResponse, ApiError<op::DeleteVm>> {
        let state = vms.lifecycle.delete(&caller.0, vm_id(&id.0)?).await?;
        Ok(accepted(&state))
    }

    /// Start a stopped machine.
    #[oai(path = "/vms/:id/start", method = "post", operation_id = "start_vm")]
    async fn start(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<ActionResponse, ApiError<op::PowerVm>> {
        act(&vms, &caller, &id, PowerAction::Start).await
    }

    /// Ask the machine's OS to shut down (ACPI). If it has not within two minutes, the machine
    /// stays running with a note suggesting Stop.
    #[oai(path = "/vms/:id/shutdown", method = "post", operation_id = "shutdown_vm")]
    async fn shutdown(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<ActionResponse, ApiError<op::PowerVm>> {
        act(&vms, &caller, &id, PowerAction::Shutdown).await
    }

    /// Power the machine off at once (like pulling the plug).
    #[oai(path = "/vms/:id/stop", method = "post", operation_id = "stop_vm")]
    async fn stop(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<ActionResponse, ApiError<op::PowerVm>> {
        act(&vms, &caller, &id, PowerAction::Stop).await
    }

    /// Reboot a running machine.
    #[oai(path = "/vms/:id/reboot", method = "post", operation_id = "reboot_vm")]
    async fn reboot(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<ActionResponse, ApiError<op::PowerVm>> {
        act(&vms, &caller, &id, PowerAction::Reboot).await
    }

    /// The tiers, OS templates and key default the Provision form offers you.
    #[oai(path = "/catalog", method = "get", operation_id = "get_catalog")]
    async fn catalog(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<CatalogResponse, ApiError<op::GetCatalog>> {
        Ok(CatalogResponse::Ok(Json(Envelope::ok(
            vms.views.catalog(&caller.0).await.into(),
        ))))
    }
}
