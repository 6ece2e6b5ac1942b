//! Personal API tokens: list, create (shown once), revoke.

use std::sync::Arc;

use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::super::auth::{SignedIn, client_info};
use super::super::envelope::Envelope;
use super::super::errors::{ApiError, statuses};
use super::super::limits::{Action, RateLimits};
use super::AccountTags;
use super::me::DeletedResponse;
use super::views::{ApiTokenView, CreatedToken, Deleted, ScopeView};
use crate::app::accounts::AccountManagement;

#[derive(Debug, Object)]
pub struct CreateTokenRequest {
    /// Unique among your tokens, e.g. the script or machine that uses it.
    pub name: String,
    /// `read_write` (default) or `read_only`.
    pub scope: Option<ScopeView>,
    /// 1 to 365 days (default 30).
    pub expires_in_days: Option<i64>,
}

#[derive(ApiResponse)]
pub enum TokensResponse {
    /// The tokens.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<ApiTokenView>>>),
}

#[derive(ApiResponse)]
pub enum CreatedTokenResponse {
    /// Created. The secret is in this answer only.
    #[oai(status = 201)]
    Created(Json<Envelope<CreatedToken>>),
}

/// What each token operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub ListTokens [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub CreateToken [
            BadRequest,
            Unauthorized,
            Forbidden = "Not allowed: `session_required` (a token cannot create tokens), `read_only_token`, \
                `access_code_required`, `account_disabled` or `csrf_rejected`.",
            Conflict = "`token_name_taken`: you have a token with this name.",
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
        ] never [NotFound, Unavailable];
        pub RevokeToken [Unauthorized, Forbidden, NotFound = "No such token of yours."]
            never [BadRequest, Conflict, Unavailable];
    }
}

pub struct TokensApi;

#[OpenApi(prefix_path = "/tokens", tag = "AccountTags::Tokens")]
impl TokensApi {
    /// The caller's API tokens, newest first (secrets are never shown again).
    #[oai(path = "/", method = "get", operation_id = "list_tokens")]
    async fn list(
        &self,
        caller: SignedIn,
        accounts: Data<&Arc<AccountManagement>>,
    ) -> Result<TokensResponse, ApiError<op::ListTokens>> {
        let tokens = accounts.list_tokens(&caller.0).await?;
        Ok(TokensResponse::Ok(Json(Envelope::ok(
            tokens.iter().map(ApiTokenView::from).collect(),
        ))))
    }

    /// Create an API token (browser sessions only). Send it as `Authorization: Bearer <secret>`.
    #[oai(path = "/", method = "post", operation_id = "create_token")]
    async fn create(
        &self,
        caller: SignedIn,
        req: &Request,
        accounts: Data<&Arc<AccountManagement>>,
        limits: Data<&Arc<RateLimits>>,
        body: Json<CreateTokenRequest>,
    ) -> Result<CreatedTokenResponse, ApiError<op::CreateToken>> {
        let client = client_info(req);
        limits
            .check(Action::CreateToken, client.ip.as_deref(), &caller.0.user.id.to_string())
            .map_err(ApiError::rate_limited)?;
        let scope = body.scope.unwrap_or(ScopeView::ReadWrite).into();
        let created = accounts
            .create_token(&caller.0, &body.name, scope, body.expires_in_days)
            .await?;
        Ok(CreatedTokenResponse::Created(Json(Envelope::ok(CreatedToken {
            token: ApiTokenView::from(&created.token),
            secret: created.secret,
        }))))
    }

    /// Revoke one of the caller's tokens; it stops working at once.
    #[oai(path = "/:id", method = "delete", operation_id = "revoke_token")]
    async fn revoke(
        &self,
        caller: SignedIn,
        accounts: Data<&Arc<AccountManagement>>,
        id: Path<String>,
    ) -> Result<DeletedResponse, ApiError<op::RevokeToken>> {
        let uuid = uuid::Uuid::parse_str(&id).map_err(|_| ApiError::no_such("API token"))?;
        accounts.revoke_token(&caller.0, uuid).await?;
        Ok(DeletedResponse::Ok(Json(Envelope::ok(Deleted {
            id: uuid.to_string(),
        }))))
    }
}
