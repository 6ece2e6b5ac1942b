//! The simulated cluster's access control, after pve-access-control: users (with API tokens),
//! roles, the ACL tree (users and tokens; no groups), tickets from a password sign-in, and the
//! effective privileges of a user or token on a path — roles resolved from the root down, a
//! deeper ACL replacing what propagates from above, a privilege-separated token holding only
//! what both it and its user hold, `root@pam` holding everything.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::proxmox_privileges::{EffectivePermissions, PveRelease};
use crate::ports::proxmox::{AccessError, AccessObject, ProxmoxError, ProxmoxResult};

pub(super) const ROOT: &str = "root@pam";

#[derive(Debug, Clone, Default)]
pub(super) struct Token {
    pub secret: String,
    pub privsep: bool,
}

/// A user; its comment goes only to the event log.
#[derive(Debug, Clone, Default)]
pub(super) struct User {
    pub tokens: BTreeMap<String, Token>,
}

/// The roles given on one ACL path: subject → role → propagate.
#[derive(Debug, Clone, Default)]
pub(super) struct AclNode {
    pub users: BTreeMap<String, BTreeMap<String, bool>>,
    pub tokens: BTreeMap<String, BTreeMap<String, bool>>,
}

/// A ticket handed out by `POST /access/ticket`.
#[derive(Debug, Clone)]
pub(super) struct Ticket {
    pub username: String,
    pub csrf: String,
    /// Waits for a second factor: good for nothing else.
    pub needs_tfa: bool,
}

/// The answer of a password sign-in.
#[derive(Clone)]
pub(crate) struct SignIn {
    pub username: String,
    pub ticket: String,
    pub csrf: String,
    pub needs_tfa: bool,
}

crate::domain::redact::debug_redacted!(SignIn { username, needs_tfa } secret { ticket, csrf });

#[derive(Debug, Clone)]
pub(super) struct Access {
    pub release: PveRelease,
    pub valid: BTreeSet<&'static str>,
    pub builtin: BTreeSet<String>,
    pub roles: BTreeMap<String, BTreeSet<String>>,
    pub users: BTreeMap<String, User>,
    pub acl: BTreeMap<String, AclNode>,
    /// `root@pam`'s password; `None` refuses every sign-in.
    pub root_password: Option<String>,
    pub root_tfa: bool,
    pub tickets: BTreeMap<String, Ticket>,
    pub cluster_name: Option<String>,
}

/// `/a/b` from `a/b/`; the root as `/`.
pub(super) fn normalise(path: &str) -> String {
    crate::domain::proxmox_privileges::normalise_path(path)
}

/// (`user@realm`, `tokenid`) of `user@realm!tokenid`.
pub(super) fn split_token(id: &str) -> Option<(&str, &str)> {
    id.split_once('!')
}

impl Access {
    pub fn new(release: PveRelease) -> Self {
        let roles = super::roles::builtin_roles(release);
        Self {
            release,
            valid: super::roles::valid_privileges(release),
            builtin: roles.keys().cloned().collect(),
            roles,
            users: BTreeMap::from([(ROOT.to_owned(), User::default())]),
            acl: BTreeMap::new(),
            root_password: None,
            root_tfa: false,
            tickets: BTreeMap::new(),
            cluster_name: None,
        }
    }

    pub fn token(&self, id: &str) -> Option<&Token> {
        let (user, token) = split_token(id)?;
        self.users.get(user)?.tokens.get(token)
    }

    /// Who a token is, if `secret` is its secret.
    pub fn authenticate_token(&self, id: &str, secret: &str) -> ProxmoxResult<String> {
        match self.token(id) {
            Some(t) if t.secret == secret => Ok(id.to_owned()),
            _ => Err(ProxmoxError::Unauthorized),
        }
    }

    /// Who a ticket is; a ticket waiting for a second factor is refused like an unknown one.
    pub fn authenticate_ticket(&self, ticket: &str) -> ProxmoxResult<String> {
        match self.tickets.get(ticket) {
            Some(t) if !t.needs_tfa => Ok(t.username.clone()),
            _ => Err(ProxmoxError::Unauthorized),
        }
    }

    /// The roles `who` holds on `path` (pve-access-control's `roles`): walking from the root,
    /// an entry that applies (on the path itself, or propagating) replaces what came before;
    /// a token entry wins over a user entry on the same level.
    fn roles_at(&self, who: &str, path: &str) -> BTreeMap<String, bool> {
        let path = normalise(path);
        let mut levels = vec!["/".to_owned()];
        let mut at = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            at.push('/');
            at.push_str(part);
            levels.push(at.clone());
        }
        let mut roles = BTreeMap::new();
        for level in &levels {
            let last = *level == path;
            let Some(node) = self.acl.get(level) else { continue };
            let entries = if who.contains('!') { &node.tokens } else { &node.users };
            if let Some(given) = entries.get(who) {
                let applying: BTreeMap<String, bool> = given
                    .iter()
                    .filter(|(_, propagate)| last || **propagate)
                    .map(|(r, p)| (r.clone(), *p))
                    .collect();
                if !applying.is_empty() {
                    roles = applying;
                }
            }
        }
        if let Some(p) = roles.get("NoAccess") {
            return BTreeMap::from([("NoAccess".to_owned(), *p)]);
        }
        roles
    }

    /// The privileges `who` holds on `path`, each with whether it propagates.
    pub fn privileges_at(&self, who: &str, path: &str) -> BTreeMap<String, bool> {
        if who == ROOT {
            return self.valid.iter().map(|p| ((*p).to_owned(), true)).collect();
        }
        let owner = split_token(who).map(|(user, _)| user);
        if let Some(user) = owner {
            let Some(token) = self.token(who) else {
                return BTreeMap::new();
            };
            if !token.privsep {
                return self.privileges_at(user, path);
            }
        }
        let mut privs: BTreeMap<String, bool> = BTreeMap::new();
        for (role, propagate) in self.roles_at(who, path) {
            for p in self.roles.get(&role).into_iter().flatten() {
                let e = privs.entry(p.clone()).or_insert(false);
                *e = *e || propagate;
            }
        }
        match owner {
            Some(user) if user != ROOT => {
                let of_user = self.privileges_at(user, path);
                privs
                    .into_iter()
                    .filter_map(|(p, prop)| of_user.get(&p).map(|u| (p, prop && *u)))
                    .collect()
            }
            _ => privs,
        }
    }

    /// `GET /access/permissions` without `path`: the top-level paths and every path in an ACL,
    /// each with what `who` holds there; paths where it holds nothing are left out.
    pub fn effective(&self, who: &str) -> EffectivePermissions {
        let mut paths: BTreeSet<String> = [
            "/",
            "/access",
            "/access/groups",
            "/nodes",
            "/pool",
            "/sdn",
            "/storage",
            "/vms",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        paths.extend(self.acl.keys().cloned());
        let mut out = EffectivePermissions::new();
        for path in paths {
            for (p, propagate) in self.privileges_at(who, &path) {
                out.insert(&path, &p, propagate);
            }
        }
        out
    }

    pub fn create_user(&mut self, userid: &str) -> Result<(), AccessError> {
        check_userid("userid", userid)?;
        if self.users.contains_key(userid) {
            return Err(AccessError::AlreadyExists {
                kind: AccessObject::User,
                id: userid.to_owned(),
            });
        }
        self.users.insert(userid.to_owned(), User::default());
        Ok(())
    }

    fn checked_privs(&self, privs: &[String]) -> ProxmoxResult<BTreeSet<String>> {
        for p in privs {
            if !self.valid.contains(p.as_str()) {
                return Err(ProxmoxError::invalid("privs", format!("invalid privilege '{p}'")));
            }
        }
        Ok(privs.iter().cloned().collect())
    }

    /// `POST /access/roles`: a new role. `AlreadyExists` when it exists.
    pub fn create_role(&mut self, roleid: &str, privs: &[String]) -> Result<(), AccessError> {
        if roleid.to_ascii_lowercase().starts_with("pve") {
            return Err(ProxmoxError::invalid(
                "roleid",
                "cannot use role ID starting with the (case-insensitive) 'PVE' namespace",
            )
            .into());
        }
        if self.roles.contains_key(roleid) {
            return Err(AccessError::AlreadyExists {
                kind: AccessObject::Role,
                id: roleid.to_owned(),
            });
        }
        let privs = self.checked_privs(privs)?;
        self.roles.insert(roleid.to_owned(), privs);
        Ok(())
    }

    /// `PUT /access/roles/{roleid}`: replaces (or, with `append`, adds to) its privileges.
    pub fn update_role(&mut self, roleid: &str, privs: &[String], append: bool) -> ProxmoxResult<()> {
        if self.builtin.contains(roleid) {
            return Err(ProxmoxError::Refused(format!(
                "auto-generated role '{roleid}' cannot be modified"
            )));
        }
        let privs = self.checked_privs(privs)?;
        let Some(role) = self.roles.get_mut(roleid) else {
            return Err(ProxmoxError::NotFound(format!(
                "update role failed: role '{roleid}' does not exist"
            )));
        };
        if !append {
            role.clear();
        }
        role.extend(privs);
        Ok(())
    }

    /// `PUT /access/acl`: gives `role` on `path` to each user and token.
    pub fn grant(
        &mut self,
        path: &str,
        role: &str,
        users: &[String],
        tokens: &[String],
        propagate: bool,
    ) -> ProxmoxResult<()> {
        let failed = |text: String| ProxmoxError::NotFound(format!("ACL update failed: {text}"));
        if !self.roles.contains_key(role) {
            return Err(failed(format!("role '{role}' does not exist")));
        }
        for user in users {
            if !self.users.contains_key(user) {
                return Err(failed(format!("user '{user}' does not exist")));
            }
        }
        for token in tokens {
            let Some((user, id)) = split_token(token) else {
                return Err(ProxmoxError::invalid(
                    "tokens",
                    format!("value '{token}' does not look like a valid token ID"),
                ));
            };
            if !self.users.contains_key(user) {
                return Err(failed(format!("no such user ('{user}')")));
            }
            if self.token(token).is_none() {
                return Err(failed(format!("no such token '{id}' for user '{user}'")));
            }
        }
        let node = self.acl.entry(normalise(path)).or_default();
        for user in users {
            node.users
                .entry(user.clone())
                .or_default()
                .insert(role.to_owned(), propagate);
        }
        for token in tokens {
            node.tokens
                .entry(token.clone())
                .or_default()
                .insert(role.to_owned(), propagate);
        }
        Ok(())
    }

    /// `POST /access/users/{userid}/token/{tokenid}`: the full id; the secret is made by the
    /// caller (a fresh UUID, as Proxmox's are).
    pub fn create_token(&mut self, userid: &str, tokenid: &str, token: Token) -> Result<String, AccessError> {
        let Some(user) = self.users.get_mut(userid) else {
            return Err(ProxmoxError::NotFound(format!("no such user ('{userid}')")).into());
        };
        if user.tokens.contains_key(tokenid) {
            return Err(AccessError::AlreadyExists {
                kind: AccessObject::Token,
                id: format!("{userid}!{tokenid}"),
            });
        }
        user.tokens.insert(tokenid.to_owned(), token);
        Ok(format!("{userid}!{tokenid}"))
    }
}

/// `name@realm`, as pve-access-control's `verify_username` wants it.
pub(super) fn check_userid(param: &str, userid: &str) -> ProxmoxResult<()> {
    let ok = userid.len() >= 3
        && userid.len() <= 64
        && userid.rsplit_once('@').is_some_and(|(name, realm)| {
            !name.is_empty()
                && !name.contains(|c: char| c.is_whitespace() || c == ':' || c == '/')
                && realm.len() >= 2
                && realm.starts_with(|c: char| c.is_ascii_alphabetic())
                && realm.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        });
    if ok {
        Ok(())
    } else {
        Err(ProxmoxError::invalid(
            param,
            format!("value '{userid}' does not look like a valid user name"),
        ))
    }
}
