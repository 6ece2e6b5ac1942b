//! The audit log for admins: `GET /api/audit`, newest first, filtered and paged.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::auth::AdminOnly;
use super::envelope::Envelope;
use super::errors::{ApiError, StatusSet, statuses};
use crate::app::audit::{AuditError, Auditor};
use crate::domain::audit::AuditAction;
use crate::ports::audit::{AuditEntry, AuditQuery};

#[derive(Tags)]
enum AuditTags {
    /// Who did what, and when (admins).
    Audit,
}

macro_rules! action_view {
    ($($variant:ident => $name:literal,)+) => {
        /// A kind of recorded action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
        #[oai(rename = "AuditAction")]
        pub enum ActionView {
            $(#[oai(rename = $name)] $variant,)+
        }

        impl From<AuditAction> for ActionView {
            fn from(a: AuditAction) -> Self {
                match a {
                    $(AuditAction::$variant => Self::$variant,)+
                }
            }
        }

        impl From<ActionView> for AuditAction {
            fn from(a: ActionView) -> Self {
                match a {
                    $(ActionView::$variant => Self::$variant,)+
                }
            }
        }
    };
}

action_view! {
    AccountCreated => "account.created",
    SignIn => "auth.sign_in",
    SignInFailed => "auth.sign_in_failed",
    SignedOutEverywhere => "auth.signed_out_everywhere",
    PasswordChanged => "account.password_changed",
    RoleChanged => "account.role_changed",
    StatusChanged => "account.status_changed",
    EmailConflict => "account.email_conflict",
    EmailReleased => "account.email_released",
    PromotedAtBoot => "account.promoted_at_boot",
    TokenCreated => "token.created",
    TokenRevoked => "token.revoked",
    InvitationCreated => "invitation.created",
    InvitationRevoked => "invitation.revoked",
    InvitationRedeemed => "invitation.redeemed",
    SettingsChanged => "settings.changed",
    AccessCodeRotated => "access_code.rotated",
    AccessCodeFailed => "access_code.failed",
    IdentityLinked => "identity.linked",
    IdentityUnlinked => "identity.unlinked",
    KeyCreated => "key.created",
    KeyDeleted => "key.deleted",
    PrivateKeyRead => "key.private_key_read",
    QuotaChanged => "quota.changed",
    VmApproved => "vm.approved",
    VmDenied => "vm.denied",
    VmCreatedOnBehalf => "vm.created_on_behalf",
    TemplatesBootstrapped => "templates.bootstrap",
    TemplatesRebuilt => "templates.rebuild",
    TemplatesBootstrapFinished => "templates.bootstrap_finished",
    TunnelCreated => "tunnel.created",
    TunnelDeleted => "tunnel.deleted",
    PublicSshRetried => "tunnel.public_ssh_retried",
    GpuWorkerAdded => "gpu.worker_added",
    GpuWorkerRevoked => "gpu.worker_revoked",
    GpuJobCancelled => "gpu.job_cancelled",
}

/// One recorded action.
#[derive(Debug, Clone, Object)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: ActionView,
    /// The acting account's id, when there is one.
    #[oai(skip_serializing_if_is_none)]
    pub actor_id: Option<String>,
    /// The acting account's email (or the email a failed sign-in tried).
    #[oai(skip_serializing_if_is_none)]
    pub actor_email: Option<String>,
    /// What it was done to, as `kind:id`.
    #[oai(skip_serializing_if_is_none)]
    pub target: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub target_label: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ip: Option<String>,
    pub detail: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        let ev = e.event;
        Self {
            id: e.id,
            at: ev.at,
            action: ev.action.into(),
            actor_id: ev.actor.map(|a| a.to_string()),
            actor_email: ev.actor_email,
            target: ev.target,
            target_label: ev.target_label,
            ip: ev.ip,
            detail: ev.detail,
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Clone, Object)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_before: Option<i64>,
}

#[derive(ApiResponse)]
pub enum AuditResponse {
    /// Entries, newest first.
    #[oai(status = 200)]
    Ok(Json<Envelope<AuditPage>>),
}

impl<S: StatusSet> From<AuditError> for ApiError<S> {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Internal(cause) => Self::unexpected("reading the audit log failed", cause),
        }
    }
}

/// What reading the audit log answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub ListAudit [
            BadRequest = "A query parameter could not be read (`action`, `before`, `limit`), or `actor` is not an \
                account id (`validation_failed`).",
            Unauthorized,
            Forbidden,
        ];
    }
}

pub struct AuditApi;

#[OpenApi(tag = "AuditTags::Audit")]
impl AuditApi {
    /// The audit log, newest first (admins): filter by action, by actor id, or by text in the
    /// actor's email or the target's name; page with `before`.
    #[oai(path = "/audit", method = "get", operation_id = "list_audit")]
    #[allow(clippy::too_many_arguments)] // each query parameter is an argument
    async fn list(
        &self,
        _admin: AdminOnly,
        audit: Data<&Arc<Auditor>>,
        action: Query<Option<ActionView>>,
        actor: Query<Option<String>>,
        q: Query<Option<String>>,
        before: Query<Option<i64>>,
        limit: Query<Option<u32>>,
    ) -> Result<AuditResponse, ApiError<op::ListAudit>> {
        let actor = match actor.0.filter(|a| !a.trim().is_empty()) {
            Some(text) => Some(
                text.parse()
                    .map_err(|_| ApiError::invalid("actor", "actor must be an account id (a UUID)."))?,
            ),
            None => None,
        };
        let limit = limit.0.unwrap_or(50);
        let query = AuditQuery {
            action: action.0.map(Into::into),
            actor,
            text: q.0,
            before: before.0,
            limit,
        };
        let entries = audit.list(query).await?;
        let full = entries.len() as u32 >= limit.clamp(1, crate::app::audit::MAX_PAGE);
        let next_before = if full { entries.last().map(|e| e.id) } else { None };
        Ok(AuditResponse::Ok(Json(Envelope::ok(AuditPage {
            entries: entries.into_iter().map(Into::into).collect(),
            next_before,
        }))))
    }
}
