//! The `ProxmoxAccess` port over HTTP: each method is one endpoint (creating a role that exists
//! is two), and signing in sends no credentials.

use std::sync::Arc;

use async_trait::async_trait;

use super::access_shapes::{self, access_error};
use super::transport::Call;
use super::wire::{Params, segment};
use super::{HttpProxmox, HttpProxmoxOptions};
use crate::domain::proxmox_privileges::{EffectivePermissions, Grantee};
use crate::ports::proxmox::{
    AccessObject, AccessResult, ClusterIdentity, NewToken, ProxmoxAccess, ProxmoxError, PveSession, RoleOutcome,
    SignInPassword,
};

#[async_trait]
impl ProxmoxAccess for HttpProxmox {
    async fn cluster_identity(&self) -> AccessResult<ClusterIdentity> {
        let reply = self.send(Call::get("/cluster/status".into())).await?;
        Ok(access_shapes::cluster_identity(&reply.data)?)
    }

    async fn permissions(&self) -> AccessResult<EffectivePermissions> {
        let reply = self.send(Call::get("/access/permissions".into())).await?;
        Ok(access_shapes::permissions(&reply.data)?)
    }

    async fn create_user(&self, userid: &str, comment: &str) -> AccessResult<()> {
        let params = Params::new()
            .add("userid", userid)
            .maybe("comment", (!comment.is_empty()).then_some(comment));
        self.send(Call::post("/access/users".into()).params(params))
            .await
            .map_err(|e| access_error(e, AccessObject::User, userid))?;
        Ok(())
    }

    async fn create_role(&self, roleid: &str, privs: &[String]) -> AccessResult<RoleOutcome> {
        let list = privs.join(",");
        let params = Params::new().add("roleid", roleid).add("privs", &list);
        match self.send(Call::post("/access/roles".into()).params(params)).await {
            Ok(_) => Ok(RoleOutcome::Created),
            Err(ProxmoxError::Refused(text)) if text.ends_with("already exists") => {
                let call =
                    Call::put(format!("/access/roles/{}", segment(roleid))).params(Params::new().add("privs", &list));
                self.send(call).await?;
                Ok(RoleOutcome::Updated)
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn grant(&self, path: &str, role: &str, subject: &Grantee) -> AccessResult<()> {
        let (key, id) = match subject {
            Grantee::User(id) => ("users", id),
            Grantee::Token(id) => ("tokens", id),
        };
        let params = Params::new()
            .add("path", path)
            .add("roles", role)
            .add(key, id)
            .flag("propagate", true);
        self.send(Call::put("/access/acl".into()).params(params))
            .await
            .map_err(|e| access_error(e, AccessObject::Token, id))?;
        Ok(())
    }

    async fn create_token(&self, userid: &str, tokenid: &str, privsep: bool, comment: &str) -> AccessResult<NewToken> {
        let params = Params::new()
            .flag("privsep", privsep)
            .maybe("comment", (!comment.is_empty()).then_some(comment));
        let path = format!("/access/users/{}/token/{}", segment(userid), segment(tokenid));
        let reply = self
            .send(Call::post(path).params(params))
            .await
            .map_err(|e| access_error(e, AccessObject::Token, &format!("{userid}!{tokenid}")))?;
        Ok(access_shapes::new_token(&reply.data)?)
    }

    async fn ticket(&self, username: &str, password: &SignInPassword) -> AccessResult<PveSession> {
        let params = Params::new()
            .add("username", username)
            .add("password", password.expose());
        let reply = self
            .send(Call::post("/access/ticket".into()).params(params).anonymous())
            .await?;
        access_shapes::session(&reply.data)
    }

    fn signed_in(&self, session: &PveSession) -> AccessResult<Arc<dyn ProxmoxAccess>> {
        let options = HttpProxmoxOptions::clone(&self.options).with_session(session.clone());
        Ok(Arc::new(HttpProxmox::new(options)?))
    }
}
