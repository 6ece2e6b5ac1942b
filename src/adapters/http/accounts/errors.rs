//! How the account use cases' refusals are answered: the one mapping of `AccountError` to statuses
//! and codes, for every account operation (auth, me, tokens, users).

use super::super::envelope::ErrorBody;
use super::super::errors::status::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unavailable};
use super::super::errors::{ApiError, Covers};
use crate::app::accounts::AccountError;

impl<S> From<AccountError> for ApiError<S>
where
    S: Covers<BadRequest>
        + Covers<Unauthorized>
        + Covers<Forbidden>
        + Covers<NotFound>
        + Covers<Conflict>
        + Covers<Unavailable>,
{
    fn from(e: AccountError) -> Self {
        let text = e.to_string();
        let body = |code: &str| ErrorBody::new(code, text.clone());
        match e {
            AccountError::Invalid { field, .. } => Self::bad_request(body("validation_failed").with_field(field)),
            AccountError::EmailTaken => Self::conflict(body("email_taken").with_field("email")),
            AccountError::SetupTokenInvalid => Self::forbidden(body("setup_token_invalid").with_field("setup_token")),
            AccountError::InvalidCredentials => Self::unauthorized(body("invalid_credentials")),
            AccountError::WrongCurrentPassword => {
                Self::unauthorized(body("invalid_credentials").with_field("current_password"))
            }
            AccountError::AccountDisabled => Self::forbidden(body("account_disabled")),
            AccountError::NotFound(_) => Self::not_found(body("not_found")),
            AccountError::LastAdmin => Self::conflict(body("last_admin")),
            AccountError::AdminEmail => Self::conflict(body("admin_email")),
            AccountError::TokenNameTaken => Self::conflict(body("token_name_taken").with_field("name")),
            AccountError::SessionRequired(_) => Self::forbidden(body("session_required")),
            AccountError::Busy { retry_after } => Self::busy(text, retry_after),
            AccountError::Internal(cause) => Self::unexpected("account operation failed", cause),
        }
    }
}
