//! The access control a simulated cluster starts with: `root@pam`'s password and second factor,
//! the cluster's name, and users with API tokens and roles made before the start — so a test can
//! meet Nimbus with a token lacking one privilege.

use super::access::{Access, AclNode, Token, split_token};
use crate::domain::proxmox_privileges::{PveRelease, ROLE_NAME, provisioner_privileges};

/// An API token made before the start, with its user, the roles it needs and its grants.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSpec {
    /// `user@realm!tokenid`; the user is made if it does not exist.
    pub full_id: String,
    pub secret: String,
    pub privsep: bool,
    /// Roles to define: name and privileges.
    pub roles: Vec<(String, Vec<String>)>,
    /// (path, role) given to the user, propagated.
    pub user_grants: Vec<(String, String)>,
    /// (path, role) given to the token itself, propagated.
    pub token_grants: Vec<(String, String)>,
}

crate::domain::redact::debug_redacted!(TokenSpec { full_id, privsep, roles, user_grants, token_grants } secret { secret });

impl TokenSpec {
    /// A privilege-separated token whose user and itself hold Nimbus's `NimbusProvisioner` role
    /// on `/`; with privileges in `lacking`, a role `NimbusProvisionerLimited` without them instead.
    pub fn provisioner(full_id: &str, secret: &str, release: PveRelease, lacking: &[&str]) -> Self {
        let privs = provisioner_privileges(release)
            .into_iter()
            .filter(|p| !lacking.contains(p))
            .map(str::to_owned)
            .collect();
        let role = if lacking.is_empty() {
            ROLE_NAME.to_owned()
        } else {
            format!("{ROLE_NAME}Limited")
        };
        let grant = vec![("/".to_owned(), role.clone())];
        Self {
            full_id: full_id.to_owned(),
            secret: secret.to_owned(),
            privsep: true,
            roles: vec![(role, privs)],
            user_grants: grant.clone(),
            token_grants: grant,
        }
    }
}

/// Access control at the start.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AccessSpec {
    /// `root@pam`'s password; `None` refuses every password sign-in.
    pub root_password: Option<String>,
    /// `root@pam` has two-factor authentication: a right password gets a ticket that waits for
    /// a second factor.
    pub root_second_factor: bool,
    /// The cluster's name in `/cluster/status`; `None` for a single node without a cluster.
    pub cluster_name: Option<String>,
    pub tokens: Vec<TokenSpec>,
}

crate::domain::redact::debug_redacted!(AccessSpec { root_second_factor, cluster_name, tokens } secret { root_password });

/// Sets up `access` as `spec` says.
pub(super) fn install(access: &mut Access, spec: &AccessSpec) {
    access.root_password = spec.root_password.clone();
    access.root_tfa = spec.root_second_factor;
    access.cluster_name = spec.cluster_name.clone();
    for t in &spec.tokens {
        let Some((user, id)) = split_token(&t.full_id) else {
            continue;
        };
        for (role, privs) in &t.roles {
            access.roles.insert(role.clone(), privs.iter().cloned().collect());
        }
        access.users.entry(user.to_owned()).or_default().tokens.insert(
            id.to_owned(),
            Token {
                secret: t.secret.clone(),
                privsep: t.privsep,
            },
        );
        for (path, role) in &t.user_grants {
            let node: &mut AclNode = access.acl.entry(super::access::normalise(path)).or_default();
            node.users
                .entry(user.to_owned())
                .or_default()
                .insert(role.clone(), true);
        }
        for (path, role) in &t.token_grants {
            let node = access.acl.entry(super::access::normalise(path)).or_default();
            node.tokens
                .entry(t.full_id.clone())
                .or_default()
                .insert(role.clone(), true);
        }
    }
}
