//! The `ProxmoxAccess` port over the simulator: `/cluster/status`, `/access/permissions`, users,
//! roles, ACLs, tokens and password sign-in, each with the permission check Proxmox makes
//! (pve-access-control's `API2::User`, `Role`, `ACL`, `AccessControl`; pve-manager's cluster
//! status).

use std::sync::Arc;

use async_trait::async_trait;

use super::access::{ROOT, SignIn, Ticket, Token};
use super::face::{Caller, SimProxmox};
use super::faults::Op;
use super::model::Model;
use super::permits::{Check, any, perm};
use crate::domain::proxmox_privileges::{EffectivePermissions, Grantee};
use crate::ports::proxmox::{
    AccessError, AccessResult, ClusterIdentity, ClusterMember, NewToken, ProxmoxAccess, ProxmoxError, ProxmoxResult,
    PveSession, RoleOutcome, SignInPassword,
};

impl Model {
    /// Who `caller` is: `None` for the built-in root token. `Unauthorized` for a wrong secret or
    /// a ticket that is unknown or waits for a second factor.
    pub fn resolve(&self, caller: &Caller) -> ProxmoxResult<Option<String>> {
        match caller {
            Caller::Root => Ok(None),
            Caller::Token { id, secret } => self.access.authenticate_token(id, secret).map(Some),
            Caller::Ticket(ticket) => self.access.authenticate_ticket(ticket).map(Some),
        }
    }

    /// The caller's id, `root@pam` for the built-in root token.
    fn who(&self) -> String {
        self.acting.clone().unwrap_or_else(|| ROOT.to_owned())
    }

    /// `POST /access/ticket`: a ticket for `username` if `password` is right; a second factor
    /// makes it a ticket that waits for one. Only `root@pam` has a password in the simulator.
    pub fn sign_in(&mut self, username: &str, password: &str) -> ProxmoxResult<SignIn> {
        let right = username == ROOT && self.access.root_password.as_deref() == Some(password);
        if !right {
            self.event(format!("authentication failure; user={username}"));
            return Err(ProxmoxError::Unauthorized);
        }
        let needs_tfa = self.access.root_tfa;
        let stamp = format!("{:08X}", self.now.timestamp());
        let signature = uuid::Uuid::new_v4().simple().to_string();
        let ticket = if needs_tfa {
            format!("PVE:!tfa!%7B%22totp%22%3Atrue%7D:{stamp}::{signature}")
        } else {
            format!("PVE:{username}:{stamp}::{signature}")
        };
        let csrf = format!("{stamp}:{}", uuid::Uuid::new_v4().simple());
        self.access.tickets.insert(
            ticket.clone(),
            Ticket {
                username: username.to_owned(),
                csrf: csrf.clone(),
                needs_tfa,
            },
        );
        self.event(format!("successful auth for user '{username}'"));
        Ok(SignIn {
            username: username.to_owned(),
            ticket,
            csrf,
            needs_tfa,
        })
    }

    fn cluster_identity(&self) -> ClusterIdentity {
        ClusterIdentity {
            name: self.access.cluster_name.clone(),
            nodes: self
                .nodes
                .iter()
                .map(|n| ClusterMember {
                    name: n.spec.name.clone(),
                    online: self.node_online(&n.spec.name),
                    // Every simulated node answers on loopback.
                    ip: Some(std::net::Ipv4Addr::LOCALHOST),
                })
                .collect(),
        }
    }

    /// `perm-modify` on `path` (pve-access-control's `check_perm_modify`), and without
    /// `Permissions.Modify` only a role whose privileges the caller holds itself, propagated.
    fn grant_check(&self, path: &str, role: &str) -> Check {
        let mut privs = vec!["Permissions.Modify"];
        if path.starts_with("/storage/") {
            privs.push("Datastore.Allocate");
        } else if path.starts_with("/vms/") {
            privs.push("VM.Allocate");
        } else if path.starts_with("/pool/") {
            privs.push("Pool.Allocate");
        }
        let mut checks = vec![any(path, &privs)];
        if let Some(who) = &self.acting {
            let held = self.access.privileges_at(who, path);
            if !held.contains_key("Permissions.Modify") {
                let role_privs = self.access.roles.get(role).cloned().unwrap_or_default();
                if role_privs.iter().any(|p| held.get(p) != Some(&true)) || role == "NoAccess" {
                    checks.push(Check::RootOnly(format!(
                        "Cannot add role '{role}' - requires 'Permissions.Modify' or superset of privileges."
                    )));
                }
            }
        }
        Check::And(checks)
    }
}

impl SimProxmox {
    /// `POST /access/ticket` as the REST face answers it: a ticket that waits for a second
    /// factor is an answer there, not an error.
    pub(crate) fn sign_in(&self, username: &str, password: &str) -> ProxmoxResult<SignIn> {
        self.cluster().at_now().sign_in(username, password)
    }

    /// `PUT /access/roles/{roleid}`.
    pub(crate) async fn update_role(&self, roleid: &str, privs: &[String], append: bool) -> ProxmoxResult<()> {
        self.call(Op::Access, |m| {
            m.permit(&perm("/access", &["Sys.Modify"]))?;
            m.access.update_role(roleid, privs, append)
        })
        .await
    }

    /// `POST /access/roles`: a new role; `AlreadyExists` when it exists.
    pub(crate) async fn add_role(&self, roleid: &str, privs: &[String]) -> AccessResult<()> {
        self.access_call(Op::Access, |m| {
            m.permit(&perm("/access", &["Sys.Modify"]))?;
            m.access.create_role(roleid, privs)
        })
        .await
    }

    /// `PUT /access/acl`: each role on `path` to each user and token.
    pub(crate) async fn modify_acl(
        &self,
        path: &str,
        roles: &[String],
        users: &[String],
        tokens: &[String],
        propagate: bool,
    ) -> ProxmoxResult<()> {
        let path = super::access::normalise(path);
        self.call(Op::Access, |m| {
            for role in roles {
                m.permit(&m.grant_check(&path, role))?;
                m.access.grant(&path, role, users, tokens, propagate)?;
            }
            m.event(format!("ACL {path}: {roles:?} to {users:?} {tokens:?}"));
            Ok(())
        })
        .await
    }

    /// Runs an access call whose errors may be `AlreadyExists`.
    async fn access_call<T>(&self, op: Op, f: impl FnOnce(&mut Model) -> AccessResult<T>) -> AccessResult<T> {
        let mut outcome = None;
        let result = self
            .call(op, |m| {
                outcome = Some(f(m));
                Ok(())
            })
            .await;
        result?;
        outcome.expect("the call ran")
    }
}

#[async_trait]
impl ProxmoxAccess for SimProxmox {
    async fn cluster_identity(&self) -> AccessResult<ClusterIdentity> {
        let identity = self
            .call(Op::Read, |m| {
                m.permit(&perm("/", &["Sys.Audit"]))?;
                Ok(m.cluster_identity())
            })
            .await?;
        Ok(identity)
    }

    async fn permissions(&self) -> AccessResult<EffectivePermissions> {
        Ok(self.call(Op::Read, |m| Ok(m.access.effective(&m.who()))).await?)
    }

    async fn create_user(&self, userid: &str, comment: &str) -> AccessResult<()> {
        self.access_call(Op::Access, |m| {
            super::access::check_userid("userid", userid)?;
            let realm = userid.rsplit_once('@').map_or("", |(_, r)| r);
            m.permit(&Check::And(vec![
                perm(format!("/access/realm/{realm}"), &["Realm.AllocateUser"]),
                any("/access/groups", &["User.Modify"]),
            ]))?;
            m.access.create_user(userid)?;
            m.event(format!("user {userid} created ({comment})"));
            Ok(())
        })
        .await
    }

    async fn create_role(&self, roleid: &str, privs: &[String]) -> AccessResult<RoleOutcome> {
        match self.add_role(roleid, privs).await {
            Ok(()) => Ok(RoleOutcome::Created),
            Err(AccessError::AlreadyExists { .. }) => {
                self.update_role(roleid, privs, false).await?;
                Ok(RoleOutcome::Updated)
            }
            Err(e) => Err(e),
        }
    }

    async fn grant(&self, path: &str, role: &str, subject: &Grantee) -> AccessResult<()> {
        let (users, tokens) = match subject {
            Grantee::User(id) => (vec![id.clone()], vec![]),
            Grantee::Token(id) => (vec![], vec![id.clone()]),
        };
        Ok(self.modify_acl(path, &[role.to_owned()], &users, &tokens, true).await?)
    }

    async fn create_token(&self, userid: &str, tokenid: &str, privsep: bool, comment: &str) -> AccessResult<NewToken> {
        self.access_call(Op::Access, |m| {
            super::access::check_userid("userid", userid)?;
            let own = m.acting.as_deref().is_none_or(|who| who == userid);
            if !own {
                m.permit(&Check::Or(vec![any("/access/groups", &["User.Modify"])]))?;
            }
            let secret = uuid::Uuid::new_v4().to_string();
            let token = Token {
                secret: secret.clone(),
                privsep,
            };
            let full_id = m.access.create_token(userid, tokenid, token)?;
            m.event(format!("API token {full_id} created (privsep {privsep}, {comment})"));
            Ok(NewToken { full_id, secret })
        })
        .await
    }

    async fn ticket(&self, username: &str, password: &SignInPassword) -> AccessResult<PveSession> {
        let answer = self.sign_in(username, password.expose())?;
        if answer.needs_tfa {
            return Err(AccessError::SecondFactorRequired {
                username: answer.username,
            });
        }
        Ok(PveSession {
            username: answer.username,
            ticket: answer.ticket,
            csrf_token: answer.csrf,
        })
    }

    fn signed_in(&self, session: &PveSession) -> AccessResult<Arc<dyn ProxmoxAccess>> {
        let caller = Caller::Ticket(session.ticket.clone());
        Ok(Arc::new(self.cluster().proxmox_as(caller)))
    }
}
