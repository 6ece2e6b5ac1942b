//! Invitations: an admin's one-time link that lets one person create an account, whatever the
//! sign-up setting, with the role the admin chose and, optionally, only for one address. The
//! link's secret is random and made outside the domain; here are the rules of its life: how long
//! it lasts, what state it is in at a given time, and why it cannot be used.

use chrono::{DateTime, Duration, Utc};

use super::Email;

/// How long an invitation can be used: whole days, 1 to 30 (7 unless the admin chooses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteLifetime(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("An invitation lasts 1 to 30 days: choose a number of days in that range (7 is usual).")]
pub struct InviteLifetimeError;

impl InviteLifetime {
    pub const MAX_DAYS: u16 = 30;

    pub fn days(days: i64) -> Result<Self, InviteLifetimeError> {
        u16::try_from(days)
            .ok()
            .filter(|d| (1..=Self::MAX_DAYS).contains(d))
            .map(Self)
            .ok_or(InviteLifetimeError)
    }

    /// When an invitation made at `now` stops working.
    pub fn expiry(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::days(i64::from(self.0))
    }
}

impl Default for InviteLifetime {
    fn default() -> Self {
        Self(7)
    }
}

/// Where an invitation stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvitationState {
    /// Can still be used.
    Pending,
    /// Someone created their account with it.
    Used,
    /// Its time ran out before anyone used it.
    Expired,
    /// An admin revoked it before anyone used it.
    Revoked,
}

impl InvitationState {
    /// Used and revoked are final; a pending invitation expires with time.
    pub fn at(expires_at: DateTime<Utc>, used: bool, revoked: bool, now: DateTime<Utc>) -> Self {
        match (used, revoked) {
            (true, _) => Self::Used,
            (_, true) => Self::Revoked,
            _ if now >= expires_at => Self::Expired,
            _ => Self::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Used => "used",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

/// Why an invitation cannot make this account. Each message says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InviteRefusal {
    #[error("This invitation link is not valid (mistyped or never made): ask your admin for a new invitation.")]
    Unknown,
    #[error("This invitation was already used to create an account: ask your admin for a new invitation.")]
    Used,
    #[error("This invitation has expired: ask your admin for a new invitation.")]
    Expired,
    #[error("This invitation was revoked by an admin: ask your admin for a new invitation.")]
    Revoked,
    #[error(
        "This invitation is for another email address: sign up with the address it was sent to, or ask your \
         admin for a new invitation."
    )]
    WrongEmail,
}

impl InviteRefusal {
    /// The refusal a state that is not pending stands for.
    pub fn of(state: InvitationState) -> Option<Self> {
        match state {
            InvitationState::Pending => None,
            InvitationState::Used => Some(Self::Used),
            InvitationState::Expired => Some(Self::Expired),
            InvitationState::Revoked => Some(Self::Revoked),
        }
    }
}

/// Whether an invitation in `state`, meant for `meant_for` (if anyone in particular), lets
/// `email` create an account.
pub fn check_redeem(state: InvitationState, meant_for: Option<&Email>, email: &Email) -> Result<(), InviteRefusal> {
    if let Some(refusal) = InviteRefusal::of(state) {
        return Err(refusal);
    }
    match meant_for {
        Some(meant) if meant != email => Err(InviteRefusal::WrongEmail),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn lifetimes_are_one_to_thirty_days_and_seven_by_default() {
        assert_eq!(InviteLifetime::default().expiry(t(0)), t(7 * 86_400));
        assert_eq!(InviteLifetime::days(1).unwrap().expiry(t(0)), t(86_400));
        assert!(InviteLifetime::days(30).is_ok());
        for bad in [0, -1, 31, 400, i64::MAX] {
            assert_eq!(InviteLifetime::days(bad), Err(InviteLifetimeError), "{bad}");
        }
    }

    #[test]
    fn a_pending_invitation_expires_at_its_time_and_used_or_revoked_are_final() {
        let expires = t(100);
        assert_eq!(
            InvitationState::at(expires, false, false, t(99)),
            InvitationState::Pending
        );
        assert_eq!(
            InvitationState::at(expires, false, false, t(100)),
            InvitationState::Expired
        );
        assert_eq!(InvitationState::at(expires, true, false, t(500)), InvitationState::Used);
        assert_eq!(
            InvitationState::at(expires, false, true, t(500)),
            InvitationState::Revoked
        );
    }

    #[test]
    fn only_a_pending_invitation_for_this_address_or_anyone_is_redeemed() {
        let grace = Email::parse("grace@lab.example").unwrap();
        let eve = Email::parse("eve@lab.example").unwrap();
        assert_eq!(check_redeem(InvitationState::Pending, None, &eve), Ok(()));
        assert_eq!(check_redeem(InvitationState::Pending, Some(&grace), &grace), Ok(()));
        assert_eq!(
            check_redeem(InvitationState::Pending, Some(&grace), &eve),
            Err(InviteRefusal::WrongEmail)
        );
        assert_eq!(
            check_redeem(InvitationState::Used, None, &eve),
            Err(InviteRefusal::Used)
        );
        assert_eq!(
            check_redeem(InvitationState::Expired, Some(&eve), &eve),
            Err(InviteRefusal::Expired)
        );
        assert_eq!(
            check_redeem(InvitationState::Revoked, None, &eve),
            Err(InviteRefusal::Revoked)
        );
        for refusal in [
            InviteRefusal::Used,
            InviteRefusal::Expired,
            InviteRefusal::Revoked,
            InviteRefusal::Unknown,
        ] {
            assert!(
                refusal.to_string().contains("ask your admin for a new invitation"),
                "{refusal}"
            );
        }
    }
}
