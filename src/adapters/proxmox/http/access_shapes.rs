//! Proxmox's access-control answers turned into the port's types: `/cluster/status`,
//! `/access/permissions`, a new token, a ticket; and its access-control errors by kind.

use serde_json::Value;

use super::decode::{Obj, as_bool, as_u64, malformed, rows};
use crate::domain::proxmox_privileges::EffectivePermissions;
use crate::ports::proxmox::{
    AccessError, AccessObject, AccessResult, ClusterIdentity, ClusterMember, NewToken, ProxmoxError, ProxmoxResult,
    PveSession,
};

/// `GET /cluster/status`: one `cluster` row (absent on a single node) and a `node` row each.
pub(super) fn cluster_identity(data: &Value) -> ProxmoxResult<ClusterIdentity> {
    let mut identity = ClusterIdentity {
        name: None,
        nodes: Vec::new(),
    };
    for row in rows(data, "cluster status")? {
        match row.str("type").as_str() {
            "cluster" => identity.name = row.opt_str("name").filter(|n| !n.is_empty()),
            "node" => identity.nodes.push(ClusterMember {
                name: row.req_node("name")?,
                online: row.flag("online"),
                ip: row.opt_str("ip").and_then(|ip| ip.parse().ok()),
            }),
            _ => {}
        }
    }
    Ok(identity)
}

/// `GET /access/permissions`: `{path: {privilege: propagate}}`.
pub(super) fn permissions(data: &Value) -> ProxmoxResult<EffectivePermissions> {
    let Value::Object(paths) = data else {
        return Err(malformed("permissions", format!("expected an object, got {data}")));
    };
    let mut out = EffectivePermissions::new();
    for (path, privs) in paths {
        let Value::Object(privs) = privs else {
            return Err(malformed("permissions", format!("{path} is not an object")));
        };
        for (privilege, propagate) in privs {
            let propagate = as_bool(propagate).or_else(|| as_u64(propagate).map(|n| n != 0));
            out.insert(path, privilege, propagate.unwrap_or(false));
        }
    }
    Ok(out)
}

/// `POST /access/users/{userid}/token/{tokenid}`.
pub(super) fn new_token(data: &Value) -> ProxmoxResult<NewToken> {
    let o = Obj::new(data, "new token")?;
    Ok(NewToken {
        full_id: o.req_str("full-tokenid")?,
        secret: o.req_str("value")?,
    })
}

/// `POST /access/ticket`; a ticket that waits for a second factor (`NeedTFA`) is an error.
pub(super) fn session(data: &Value) -> AccessResult<PveSession> {
    let o = Obj::new(data, "ticket")?;
    let username = o.req_str("username")?;
    let ticket = o.req_str("ticket")?;
    if o.flag("NeedTFA") || ticket.contains(":!tfa!") {
        return Err(AccessError::SecondFactorRequired { username });
    }
    Ok(PveSession {
        username,
        ticket,
        csrf_token: o.req_str("CSRFPreventionToken")?,
    })
}

/// Proxmox's access-control failures by kind: `create user failed: user '…' already exists`
/// and `tokenid: Token already exists.` are `AlreadyExists`; `no such user ('…')` and
/// `no such token '…' for user '…'` are `NotFound`.
pub(super) fn access_error(e: ProxmoxError, kind: AccessObject, id: &str) -> AccessError {
    let exists = || AccessError::AlreadyExists {
        kind,
        id: id.to_owned(),
    };
    match e {
        ProxmoxError::Refused(text) if text.ends_with("already exists") => exists(),
        ProxmoxError::InvalidParameters { errors }
            if errors.get("tokenid").is_some_and(|m| m.contains("already exists")) =>
        {
            exists()
        }
        ProxmoxError::Refused(text) if text.contains("no such user") || text.contains("no such token") => {
            ProxmoxError::NotFound(text).into()
        }
        other => other.into(),
    }
}
