//! Which of Nimbus's privileges a caller lacks, each with the words that grant it: the `pveum`
//! command and the place in Proxmox's web UI.

use std::fmt;

use super::{EffectivePermissions, Feature, Held, PveRelease, ROLE_NAME, Requirement, requirements};

/// Who the permissions belong to, as Proxmox names it: `nimbus@pve` or `nimbus@pve!nimbus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    User(String),
    Token(String),
}

impl Grantee {
    /// A token id has a `!`; anything else is a user.
    pub fn from_auth_id(id: &str) -> Self {
        if id.contains('!') {
            Self::Token(id.to_owned())
        } else {
            Self::User(id.to_owned())
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::User(id) | Self::Token(id) => id,
        }
    }
}

/// Why a requirement is not met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingReason {
    /// Nothing grants it on the path or above.
    NotGranted,
    /// Granted on `on`, above the path, without "propagate".
    NotPropagated { on: String },
    /// A privilege-separated API token with no ACL of its own: it has no privileges at all,
    /// whatever its user has. The most common set-up mistake.
    PrivilegeSeparatedTokenWithoutAcl,
}

/// A privilege Nimbus needs and the caller lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub requirement: Requirement,
    pub reason: MissingReason,
    /// The command that grants it, for a root shell on a node.
    pub pveum: String,
    /// The same in the web UI.
    pub ui: String,
}

impl Missing {
    pub fn feature(&self) -> Feature {
        self.requirement.feature
    }

    /// `VM.Clone on /vms` or `VM.GuestAgent.Audit (or VM.GuestAgent.Unrestricted) on /vms`.
    pub fn privilege_text(&self) -> String {
        let r = &self.requirement;
        let alternatives = &r.privileges[1..];
        if alternatives.is_empty() {
            format!("{} on {}", r.privilege(), r.path)
        } else {
            format!("{} (or {}) on {}", r.privilege(), alternatives.join(", "), r.path)
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.requirement;
        write!(
            f,
            "missing {} — needed to {} ({}). ",
            self.privilege_text(),
            r.why,
            r.feature.label()
        )?;
        match &self.reason {
            MissingReason::NotGranted => {}
            MissingReason::NotPropagated { on } => write!(
                f,
                "It is granted on {on} without \"propagate\", so it does not reach {}. ",
                r.path
            )?,
            MissingReason::PrivilegeSeparatedTokenWithoutAcl => f.write_str(
                "The API token has no permissions of its own: a privilege-separated token gets only what \
                 is granted to the token itself, whatever its user may do. ",
            )?,
        }
        write!(f, "Grant it with `{}`, or in {}.", self.pveum, self.ui)
    }
}

/// Every requirement of `release` that `held` does not meet, in the order of
/// [`requirements`], each with how to grant it to `grantee`.
pub fn missing(held: &EffectivePermissions, grantee: &Grantee, release: PveRelease) -> Vec<Missing> {
    let token_without_acl = matches!(grantee, Grantee::Token(_)) && held.is_empty();
    requirements(release)
        .into_iter()
        .filter_map(|requirement| {
            let verdicts: Vec<Held> = requirement
                .privileges
                .iter()
                .map(|p| held.holds(p, requirement.path))
                .collect();
            if verdicts.iter().any(|v| matches!(v, Held::Yes { .. })) {
                return None;
            }
            let reason = if token_without_acl {
                MissingReason::PrivilegeSeparatedTokenWithoutAcl
            } else {
                verdicts
                    .into_iter()
                    .find_map(|v| match v {
                        Held::NotPropagated { on } => Some(MissingReason::NotPropagated { on }),
                        _ => None,
                    })
                    .unwrap_or(MissingReason::NotGranted)
            };
            Some(Missing {
                pveum: pveum_grant(grantee, requirement.path),
                ui: ui_grant(grantee, requirement.path),
                requirement,
                reason,
            })
        })
        .collect()
}

/// `pveum acl modify /vms --tokens 'nimbus@pve!nimbus' --roles NimbusProvisioner`.
pub fn pveum_grant(grantee: &Grantee, path: &str) -> String {
    let flag = match grantee {
        Grantee::User(_) => "--users",
        Grantee::Token(_) => "--tokens",
    };
    format!("pveum acl modify {path} {flag} '{}' --roles {ROLE_NAME}", grantee.id())
}

/// Datacenter → Permissions → Add → API Token Permission, with the fields to fill in.
pub fn ui_grant(grantee: &Grantee, path: &str) -> String {
    let (kind, field) = match grantee {
        Grantee::User(_) => ("User Permission", "User"),
        Grantee::Token(_) => ("API Token Permission", "API Token"),
    };
    format!(
        "Datacenter → Permissions → Add → {kind} (Path {path}, {field} {}, Role {ROLE_NAME}, Propagate on)",
        grantee.id()
    )
}
