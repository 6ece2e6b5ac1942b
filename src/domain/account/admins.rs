//! The one rule about admins: Nimbus always keeps at least one active admin, so nobody can lock
//! everyone out of the admin pages by demoting or disabling the last one.

use crate::domain::role::Role;

use super::UserStatus;

/// A requested change to a user's role and standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingChange {
    pub current_role: Role,
    pub current_status: UserStatus,
    pub new_role: Role,
    pub new_status: UserStatus,
}

/// The change would leave no active admin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Nimbus needs at least one active admin. Make someone else an admin first.")]
pub struct LastAdminError;

/// Checks a change given how many active admins exist now (the target included).
pub fn check_standing_change(change: StandingChange, active_admins: u64) -> Result<(), LastAdminError> {
    let counts_now = change.current_role == Role::Admin && change.current_status == UserStatus::Active;
    let counts_after = change.new_role == Role::Admin && change.new_status == UserStatus::Active;
    if counts_now && !counts_after && active_admins <= 1 {
        return Err(LastAdminError);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: (Role, UserStatus), to: (Role, UserStatus)) -> StandingChange {
        StandingChange {
            current_role: from.0,
            current_status: from.1,
            new_role: to.0,
            new_status: to.1,
        }
    }

    const ACTIVE_ADMIN: (Role, UserStatus) = (Role::Admin, UserStatus::Active);
    const DISABLED_ADMIN: (Role, UserStatus) = (Role::Admin, UserStatus::Disabled);
    const MEMBER: (Role, UserStatus) = (Role::Member, UserStatus::Active);

    #[test]
    fn the_last_active_admin_can_be_neither_demoted_nor_disabled() {
        assert_eq!(
            check_standing_change(change(ACTIVE_ADMIN, MEMBER), 1),
            Err(LastAdminError)
        );
        assert_eq!(
            check_standing_change(change(ACTIVE_ADMIN, DISABLED_ADMIN), 1),
            Err(LastAdminError)
        );
        assert_eq!(check_standing_change(change(ACTIVE_ADMIN, MEMBER), 2), Ok(()));
    }

    #[test]
    fn changes_that_keep_or_add_admins_always_pass() {
        assert_eq!(check_standing_change(change(MEMBER, ACTIVE_ADMIN), 0), Ok(()));
        assert_eq!(check_standing_change(change(ACTIVE_ADMIN, ACTIVE_ADMIN), 1), Ok(()));
        assert_eq!(check_standing_change(change(DISABLED_ADMIN, MEMBER), 1), Ok(()));
        assert_eq!(
            check_standing_change(change(MEMBER, (Role::Member, UserStatus::Disabled)), 1),
            Ok(())
        );
    }
}
