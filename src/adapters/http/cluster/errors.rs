//! How the cluster settings' and the setup wizard's refusals are answered: the one mapping of
//! `ClusterError` and `SetupError` to statuses and codes.

use super::super::envelope::ErrorBody;
use super::super::errors::status::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unavailable};
use super::super::errors::{ApiError, Covers};
use crate::app::cluster_settings::ClusterError;
use crate::app::setup_wizard::SetupError;

impl<S> From<ClusterError> for ApiError<S>
where
    S: Covers<BadRequest> + Covers<Conflict>,
{
    fn from(e: ClusterError) -> Self {
        let text = e.to_string();
        match e {
            ClusterError::Field { field, .. } => Self::invalid(&field, text),
            ClusterError::SecondFactor(_) => {
                Self::bad_request(ErrorBody::new("second_factor_required", text).with_field("root_password"))
            }
            ClusterError::PoolShrinkBlocked(_) => {
                Self::conflict(ErrorBody::new("pool_shrink_blocked", text).with_field("pool_start"))
            }
            ClusterError::OtherCluster(_) => Self::conflict(ErrorBody::new("other_cluster", text).with_field("url")),
            ClusterError::Internal(cause) => Self::unexpected("cluster settings operation failed", cause),
        }
    }
}

impl<S> From<SetupError> for ApiError<S>
where
    S: Covers<BadRequest>
        + Covers<Unauthorized>
        + Covers<Forbidden>
        + Covers<NotFound>
        + Covers<Conflict>
        + Covers<Unavailable>,
{
    fn from(e: SetupError) -> Self {
        let text = e.to_string();
        match e {
            SetupError::NotActive => Self::not_found(ErrorBody::new("setup_finished", text)),
            SetupError::TokenRequired => {
                Self::unauthorized(ErrorBody::new("setup_token_required", text).with_field("setup_token"))
            }
            SetupError::TokenInvalid => {
                Self::unauthorized(ErrorBody::new("setup_token_invalid", text).with_field("setup_token"))
            }
            SetupError::Incomplete(_) => Self::conflict(ErrorBody::new("setup_incomplete", text)),
            SetupError::Field { field, .. } => Self::invalid(field, text),
            SetupError::Cluster(e) => e.into(),
            SetupError::Account(e) => e.into(),
            SetupError::Internal(cause) => Self::unexpected("setup operation failed", cause),
        }
    }
}
