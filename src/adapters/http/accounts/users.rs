//! The admin's view of accounts: list them, change roles and standing, release an address.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::super::auth::AdminOnly;
use super::super::envelope::Envelope;
use super::super::errors::{ApiError, statuses};
use super::AccountTags;
use super::views::{RoleView, StatusView, UserView};
use crate::app::accounts::AccountManagement;
use crate::domain::ids::UserId;
use crate::ports::accounts::StandingUpdate;

/// A change of role and/or standing; omitted fields stay as they are.
#[derive(Debug, Object)]
pub struct UserUpdate {
    pub role: Option<RoleView>,
    pub status: Option<StatusView>,
}

#[derive(ApiResponse)]
pub enum UsersResponse {
    /// The accounts.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<UserView>>>),
}

#[derive(ApiResponse)]
pub enum UserResponse {
    /// The account as changed.
    #[oai(status = 200)]
    Ok(Json<Envelope<UserView>>),
}

/// What each user-admin operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub ListUsers [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub UpdateUser [
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict = "`last_admin`: Nimbus keeps one active admin.",
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [Unavailable];
        pub ReleaseEmail [
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict = "`admin_email`: an admin's address is never released; make the account a member first.",
        ] never [BadRequest, Unavailable];
    }
}

pub struct UsersApi;

#[OpenApi(prefix_path = "/users", tag = "AccountTags::Users")]
impl UsersApi {
    /// Every account, oldest first (admins).
    #[oai(path = "/", method = "get", operation_id = "list_users")]
    async fn list(
        &self,
        _admin: AdminOnly,
        accounts: Data<&Arc<AccountManagement>>,
    ) -> Result<UsersResponse, ApiError<op::ListUsers>> {
        let users = accounts.list_users().await?;
        Ok(UsersResponse::Ok(Json(Envelope::ok(
            users.iter().map(UserView::from).collect(),
        ))))
    }

    /// Make someone admin or member, or disable or enable their account (admins). Their
    /// sessions end; Nimbus always keeps one active admin.
    #[oai(path = "/:id", method = "patch", operation_id = "update_user")]
    async fn update(
        &self,
        admin: AdminOnly,
        accounts: Data<&Arc<AccountManagement>>,
        id: Path<String>,
        body: Json<UserUpdate>,
    ) -> Result<UserResponse, ApiError<op::UpdateUser>> {
        let target: UserId = id.parse().map_err(|_| ApiError::no_such("user"))?;
        let update = StandingUpdate {
            role: body.role.map(Into::into),
            status: body.status.map(Into::into),
        };
        let user = accounts.update_standing(&admin.0, target, update).await?;
        Ok(UserResponse::Ok(Json(Envelope::ok(UserView::from(&user)))))
    }

    /// Take a member's address off their account (admins): for an address typed at sign-up that
    /// a GitHub or Google sign-in showed to be someone else's (`email_conflict`). The account
    /// gets `released-<id>@nimbus.invalid` and its sessions end; the owner's provider sign-in
    /// then creates their own account.
    #[oai(path = "/:id/release-email", method = "post", operation_id = "release_email")]
    async fn release_email(
        &self,
        admin: AdminOnly,
        accounts: Data<&Arc<AccountManagement>>,
        id: Path<String>,
    ) -> Result<UserResponse, ApiError<op::ReleaseEmail>> {
        let target: UserId = id.parse().map_err(|_| ApiError::no_such("user"))?;
        let user = accounts.release_email(&admin.0, target).await?;
        Ok(UserResponse::Ok(Json(Envelope::ok(UserView::from(&user)))))
    }
}
