//! What the audit log records: who did what to what, and when. Every privileged or destructive
//! action has an [`AuditAction`]; the log is append-only.

use std::fmt;
use std::str::FromStr;

macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)+) => {
        /// A recorded kind of action. The names are stable: filters and exports use them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)+
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $name,)+
                }
            }
        }

        impl FromStr for AuditAction {
            type Err = UnknownAction;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($name => Ok(AuditAction::$variant),)+
                    _ => Err(UnknownAction),
                }
            }
        }
    };
}

actions! {
    /// Someone created an account (the first one becomes admin).
    AccountCreated => "account.created",
    /// A sign-in succeeded.
    SignIn => "auth.sign_in",
    /// A sign-in was refused (wrong password, unknown email, disabled account).
    SignInFailed => "auth.sign_in_failed",
    /// Every session of an account was ended by its owner.
    SignedOutEverywhere => "auth.signed_out_everywhere",
    /// A password was changed.
    PasswordChanged => "account.password_changed",
    /// An admin changed someone's role.
    RoleChanged => "account.role_changed",
    /// An admin disabled or enabled an account.
    StatusChanged => "account.status_changed",
    /// A provider sign-in met an account holding its verified address unproven (typed at
    /// sign-up): refused, and the account flagged for admins.
    EmailConflict => "account.email_conflict",
    /// An admin took an unproven address off an account (replaced by a placeholder).
    EmailReleased => "account.email_released",
    /// No active admin existed at start, so the oldest active account was made admin.
    PromotedAtBoot => "account.promoted_at_boot",
    /// An API token was created.
    TokenCreated => "token.created",
    /// An API token was revoked.
    TokenRevoked => "token.revoked",
    /// An admin made an invitation (the link is shown once and never recorded).
    InvitationCreated => "invitation.created",
    /// An admin revoked a pending invitation.
    InvitationRevoked => "invitation.revoked",
    /// Someone created their account with an invitation.
    InvitationRedeemed => "invitation.redeemed",
    /// An admin changed a setting.
    SettingsChanged => "settings.changed",
    /// An admin rotated the access code or made everyone enter it again.
    AccessCodeRotated => "access_code.rotated",
    /// A member entered a wrong access code.
    AccessCodeFailed => "access_code.failed",
    /// A GitHub or Google identity was linked to an account.
    IdentityLinked => "identity.linked",
    /// A GitHub or Google identity was unlinked from an account.
    IdentityUnlinked => "identity.unlinked",
    /// An SSH key was added to or generated in the vault.
    KeyCreated => "key.created",
    /// An SSH key was deleted from the vault.
    KeyDeleted => "key.deleted",
    /// A private half was read out of the vault (downloaded).
    PrivateKeyRead => "key.private_key_read",
    /// An admin changed the quota defaults or a member's quota.
    QuotaChanged => "quota.changed",
    /// An admin approved a machine request.
    VmApproved => "vm.approved",
    /// An admin denied a machine request.
    VmDenied => "vm.denied",
    /// An admin provisioned a machine for a member.
    VmCreatedOnBehalf => "vm.created_on_behalf",
    /// An admin (or the command line) started a template bootstrap.
    TemplatesBootstrapped => "templates.bootstrap",
    /// An admin (or the command line) rebuilt templates that were already there (`force`).
    TemplatesRebuilt => "templates.rebuild",
    /// A template bootstrap ended; the detail counts what it made, skipped and failed.
    TemplatesBootstrapFinished => "templates.bootstrap_finished",
    /// A port of a machine was published through Gopher.
    TunnelCreated => "tunnel.created",
    /// A published port was removed.
    TunnelDeleted => "tunnel.deleted",
    /// Public SSH of a machine was tried again.
    PublicSshRetried => "tunnel.public_ssh_retried",
    /// An admin added a GPU worker (its token was shown once).
    GpuWorkerAdded => "gpu.worker_added",
    /// An admin revoked a GPU worker's token.
    GpuWorkerRevoked => "gpu.worker_revoked",
    /// Someone cancelled a GPU job (an admin, someone else's).
    GpuJobCancelled => "gpu.job_cancelled",
}

/// The text names no known action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a known audit action")]
pub struct UnknownAction;

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_its_unique_name() {
        let mut names: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse::<AuditAction>(), Ok(*action));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
        assert_eq!("vm.exploded".parse::<AuditAction>(), Err(UnknownAction));
    }
}
