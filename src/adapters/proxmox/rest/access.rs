//! The access-control routes of the REST face — `/access/permissions`, `/access/users`,
//! `/access/roles`, `/access/acl`, tokens, `/access/ticket` — and `/cluster/status`, in
//! pve-access-control's and pve-manager's shapes and wording.

use serde_json::{Value, json};

use super::errors::{Call, error_answer};
use super::params::spec;
use super::routes::{Context, Refusal, Routed, checked, invalid};
use super::wire::{Answer, Params};
use crate::ports::proxmox::{AccessError, AccessObject, ProxmoxAccess, ProxmoxError};

/// Answers an access route; `None` when `seg` is not one.
pub(super) async fn route(ctx: &Context, method: &str, seg: &[&str], params: &Params) -> Option<Routed> {
    let px = &ctx.proxmox;
    let answer = match (method, seg) {
        ("GET", ["cluster", "status"]) => cluster_status(ctx, params).await,
        ("GET", ["access", "permissions"]) => permissions(ctx, params).await,
        ("POST", ["access", "users"]) => {
            let result = async {
                checked(params, spec::USER_CREATE, false)?;
                let userid = params.get("userid").unwrap_or_default();
                let comment = params.get("comment").unwrap_or_default();
                px.create_user(userid, comment).await.map_err(|e| refusal(e, ctx))?;
                Ok(Answer::data(Value::Null))
            };
            result.await
        }
        ("POST", ["access", "roles"]) => {
            let result = async {
                checked(params, spec::ROLE_CREATE, false)?;
                let roleid = params.get("roleid").unwrap_or_default();
                px.add_role(roleid, &list(params.get("privs")))
                    .await
                    .map_err(|e| refusal(e, ctx))?;
                Ok(Answer::data(Value::Null))
            };
            result.await
        }
        ("PUT", ["access", "roles", roleid]) => {
            let result = async {
                checked(params, spec::ROLE_UPDATE, false)?;
                let append = params.get("append") == Some("1");
                px.update_role(roleid, &list(params.get("privs")), append).await?;
                Ok(Answer::data(Value::Null))
            };
            result.await
        }
        ("PUT", ["access", "acl"]) => acl(ctx, params).await,
        ("POST", ["access", "users", userid, "token", tokenid]) => {
            let result = async {
                checked(params, spec::TOKEN_CREATE, false)?;
                let privsep = params.get("privsep") != Some("0");
                let comment = params.get("comment").unwrap_or_default();
                let token = px
                    .create_token(userid, tokenid, privsep, comment)
                    .await
                    .map_err(|e| refusal(e, ctx))?;
                let mut info = json!({ "privsep": u8::from(privsep) });
                if !comment.is_empty() {
                    info["comment"] = json!(comment);
                }
                Ok(Answer::data(
                    json!({ "full-tokenid": token.full_id, "info": info, "value": token.secret }),
                ))
            };
            result.await
        }
        ("POST", ["access", "ticket"]) => ticket(ctx, params),
        _ => return None,
    };
    Some(answer)
}

/// A comma, semicolon or space separated list (`pve-priv-list`, `pve-userid-list`, …).
fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split([',', ';', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An `AccessError` as Proxmox words it on the wire.
fn refusal(e: AccessError, ctx: &Context) -> Refusal {
    let format = ctx.format;
    match e {
        AccessError::AlreadyExists { kind, id } => {
            let answer = match kind {
                AccessObject::User => {
                    Answer::die(500, &format!("create user failed: user '{id}' already exists"), format)
                }
                AccessObject::Role => {
                    Answer::die(500, &format!("create role failed: role '{id}' already exists"), format)
                }
                AccessObject::Token => Answer::invalid(&[("tokenid".into(), "Token already exists.".into())], format),
            };
            Refusal::Answer(Box::new(answer))
        }
        AccessError::SecondFactorRequired { .. } => {
            Refusal::Answer(Box::new(Answer::empty(401, "authentication failure")))
        }
        AccessError::Proxmox(e) => Refusal::Answer(Box::new(error_answer(&e, Call::Other, ctx))),
    }
}

async fn cluster_status(ctx: &Context, params: &Params) -> Routed {
    checked(params, spec::NONE, false)?;
    let identity = ctx.proxmox.cluster_identity().await.map_err(|e| refusal(e, ctx))?;
    let mut rows = Vec::new();
    if let Some(name) = &identity.name {
        rows.push(json!({
            "type": "cluster", "id": "cluster", "name": name,
            "nodes": identity.nodes.len(), "quorate": 1, "version": identity.nodes.len() + 1,
        }));
    }
    for (i, node) in identity.nodes.iter().enumerate() {
        let nodeid = if identity.name.is_some() { i + 1 } else { 0 };
        rows.push(json!({
            "type": "node", "id": format!("node/{}", node.name), "name": node.name.as_str(),
            "nodeid": nodeid, "local": u8::from(i == 0), "online": u8::from(node.online),
            "ip": node.ip.map(|ip| ip.to_string()), "level": "",
        }));
    }
    Ok(Answer::data(Value::Array(rows)))
}

/// Only the caller's own permissions (`userid` naming someone else is not simulated).
async fn permissions(ctx: &Context, params: &Params) -> Routed {
    checked(params, spec::PERMISSIONS, false)?;
    let held = ctx.proxmox.permissions().await.map_err(|e| refusal(e, ctx))?;
    let mut out = serde_json::Map::new();
    for (path, privs) in held.paths() {
        if params
            .get("path")
            .is_some_and(|p| crate::domain::proxmox_privileges::normalise_path(p) != *path)
        {
            continue;
        }
        let privs: serde_json::Map<String, Value> = privs
            .iter()
            .map(|(p, prop)| (p.clone(), json!(u8::from(*prop))))
            .collect();
        out.insert(path.clone(), Value::Object(privs));
    }
    Ok(Answer::data(Value::Object(out)))
}

async fn acl(ctx: &Context, params: &Params) -> Routed {
    checked(params, spec::ACL_UPDATE, false)?;
    let users = list(params.get("users"));
    let tokens = list(params.get("tokens"));
    let groups = list(params.get("groups"));
    if users.is_empty() && tokens.is_empty() && groups.is_empty() {
        let message = "either 'users', 'groups' or 'tokens' is required.";
        return Err(Refusal::Invalid(
            ["users", "groups", "tokens"]
                .iter()
                .map(|k| ((*k).to_owned(), message.to_owned()))
                .collect(),
        ));
    }
    if params.get("delete") == Some("1") {
        return Err(Refusal::NoRoute);
    }
    let path = params.get("path").unwrap_or_default();
    if !path.starts_with('/') {
        return Err(invalid("path", &format!("invalid ACL path '{path}'")));
    }
    if let Some(group) = groups.first() {
        let text = format!("ACL update failed: group '{group}' does not exist");
        return Err(ProxmoxError::NotFound(text).into());
    }
    let propagate = params.get("propagate") != Some("0");
    ctx.proxmox
        .modify_acl(path, &list(params.get("roles")), &users, &tokens, propagate)
        .await?;
    Ok(Answer::data(Value::Null))
}

/// `POST /access/ticket`: open to anyone; a wrong name or password is a 401 that says only
/// `authentication failure`. A second factor gives a `!tfa!` ticket with `NeedTFA`.
fn ticket(ctx: &Context, params: &Params) -> Routed {
    checked(params, spec::TICKET, false)?;
    let mut username = params.get("username").unwrap_or_default().to_owned();
    if let Some(realm) = params.get("realm") {
        username = format!("{username}@{realm}");
    }
    let password = params.get("password").unwrap_or_default();
    let Ok(signed) = ctx.proxmox.sign_in(&username, password) else {
        return Ok(Answer::empty(401, "authentication failure"));
    };
    let mut out = json!({
        "username": signed.username,
        "ticket": signed.ticket,
        "CSRFPreventionToken": signed.csrf,
    });
    if signed.needs_tfa {
        out["NeedTFA"] = json!(1);
    }
    Ok(Answer::data(out))
}
