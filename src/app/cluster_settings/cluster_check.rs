//! Trying a Proxmox connection before it is saved: the version, the cluster's name and nodes,
//! its storages, and each privilege Nimbus needs checked against the token's effective
//! permissions. And the other way to a token: a dedicated user, a least-privilege role and a
//! token made with a root password that is used once.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::{ClusterError, Connected};
use crate::domain::proxmox_privileges::{
    Grantee, Missing, PveRelease, ROLE_NAME, missing as missing_privileges, provisioner_privileges,
};
use crate::ports::proxmox::connector::{ApiToken, Connection};
use crate::ports::proxmox::{AccessError, ClusterResource, NodeState, ProxmoxError, ResourceKind, SignInPassword};

/// The user Nimbus makes for itself.
pub const NIMBUS_USER: &str = "nimbus@pve";

/// A node as the check saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckedNode {
    pub name: String,
    pub online: bool,
    /// Its address on the cluster network, when Proxmox reports it.
    pub ip: Option<Ipv4Addr>,
}

/// A storage as the check saw it (one row per storage, not per node).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckedStorage {
    pub name: String,
    pub kind: String,
    pub shared: bool,
}

/// A privilege the token lacks, in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MissingPrivilege {
    /// `VM.Clone on /vms`.
    pub privilege: String,
    /// `provisioning`, `templates`, `serial console`, `setup check`.
    pub feature: String,
    /// The whole sentence: what it is for, why it is missing, how to grant it.
    pub reason: String,
    pub pveum: String,
    pub ui: String,
}

impl From<&Missing> for MissingPrivilege {
    fn from(m: &Missing) -> Self {
        Self {
            privilege: m.privilege_text(),
            feature: m.feature().label().to_owned(),
            reason: m.to_string(),
            pveum: m.pveum.clone(),
            ui: m.ui.clone(),
        }
    }
}

/// What a live check of a connection found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClusterCheck {
    pub version: String,
    pub cluster_name: Option<String>,
    pub nodes: Vec<CheckedNode>,
    pub storages: Vec<CheckedStorage>,
    pub token_id: String,
    /// Nimbus made the token (the root-password path).
    pub created_token: bool,
    pub missing: Vec<MissingPrivilege>,
}

impl ClusterCheck {
    /// Nothing is missing: Nimbus can work with this token.
    pub fn ready(&self) -> bool {
        self.missing.is_empty()
    }

    /// Node names and addresses, for the network review.
    pub fn node_addresses(&self) -> Vec<(String, Ipv4Addr)> {
        self.nodes
            .iter()
            .filter_map(|n| n.ip.map(|ip| (n.name.clone(), ip)))
            .collect()
    }

    /// The cluster's identity: its name and its node names.
    pub fn identity(&self) -> (Option<String>, Vec<String>) {
        let mut nodes: Vec<String> = self.nodes.iter().map(|n| n.name.clone()).collect();
        nodes.sort();
        (self.cluster_name.clone(), nodes)
    }
}

/// Why Proxmox refused, on the field the admin should change.
fn refused(e: ProxmoxError, url: &url::Url) -> ClusterError {
    match e {
        ProxmoxError::Unauthorized => ClusterError::field(
            "token_secret",
            "Proxmox refused the API token: check the token id (user@realm!name) and its secret, and that the \
             token has not expired",
        ),
        ProxmoxError::Unavailable(reason) if reason.contains("fingerprint") || reason.contains("certificate") => {
            ClusterError::field(
                "fingerprint",
                format!(
                    "the certificate at {url} is not the one pinned: {reason}; read the fingerprint again and compare it with Proxmox's UI"
                ),
            )
        }
        ProxmoxError::Unavailable(reason) => {
            ClusterError::field("url", format!("cannot reach Proxmox at {url}: {reason}"))
        }
        other => ClusterError::field("url", format!("Proxmox at {url} answered unexpectedly: {other}")),
    }
}

/// Checks `conn`, signed in with `token_id`.
pub async fn check(
    conn: &Connection,
    url: &url::Url,
    token_id: &str,
    created: bool,
) -> Result<ClusterCheck, ClusterError> {
    let version = conn.proxmox.version().await.map_err(|e| refused(e, url))?;
    let release = PveRelease::parse(&version.release)
        .or_else(|| PveRelease::parse(&version.version))
        .unwrap_or(PveRelease::new(8, 0));
    let held = match conn.access.permissions().await {
        Ok(held) => held,
        Err(AccessError::Proxmox(e)) => return Err(refused(e, url)),
        Err(e) => return Err(ClusterError::Internal(e.to_string())),
    };
    let missing: Vec<MissingPrivilege> = missing_privileges(&held, &Grantee::from_auth_id(token_id), release)
        .iter()
        .map(MissingPrivilege::from)
        .collect();
    let (cluster_name, members) = match conn.access.cluster_identity().await {
        Ok(identity) => (identity.name, identity.nodes),
        Err(_) => (None, Vec::new()),
    };
    let mut nodes: Vec<CheckedNode> = members
        .into_iter()
        .map(|m| CheckedNode {
            name: m.name.to_string(),
            online: m.online,
            ip: m.ip,
        })
        .collect();
    if nodes.is_empty()
        && let Ok(listed) = conn.proxmox.nodes().await
    {
        nodes = listed
            .into_iter()
            .map(|n| CheckedNode {
                name: n.name.to_string(),
                online: n.state == NodeState::Online,
                ip: None,
            })
            .collect();
    }
    let mut storages = BTreeMap::new();
    if let Ok(rows) = conn.proxmox.cluster_resources(Some(ResourceKind::Storage)).await {
        for row in rows {
            if let ClusterResource::Storage(s) = row {
                storages.entry(s.storage.clone()).or_insert(CheckedStorage {
                    name: s.storage,
                    kind: s.plugin,
                    shared: s.shared,
                });
            }
        }
    }
    Ok(ClusterCheck {
        version: version.version,
        cluster_name,
        nodes,
        storages: storages.into_values().collect(),
        token_id: token_id.to_owned(),
        created_token: created,
        missing,
    })
}

/// Signs in as `root_user` with `password` (used for this call only), and makes Nimbus's user,
/// its role with exactly the privileges Nimbus needs, and a privilege-separated token granted
/// that role on `/`. `suffix` tells apart a new token when one named `nimbus` exists already.
pub async fn create_token(
    conn: &Connection,
    root_user: &str,
    password: &SignInPassword,
    suffix: &str,
) -> Result<ApiToken, ClusterError> {
    let session = match conn.access.ticket(root_user, password).await {
        Ok(session) => session,
        Err(e @ AccessError::SecondFactorRequired { .. }) => return Err(ClusterError::SecondFactor(e.to_string())),
        Err(AccessError::Proxmox(ProxmoxError::Unauthorized)) => {
            return Err(ClusterError::field(
                "root_password",
                format!(
                    "Proxmox refused {root_user} with this password: check the user name (with its realm, such as root@pam) and the password"
                ),
            ));
        }
        Err(AccessError::Proxmox(e)) => {
            return Err(ClusterError::field("url", format!("cannot sign in to Proxmox: {e}")));
        }
        Err(e) => return Err(ClusterError::Internal(e.to_string())),
    };
    let root = conn
        .access
        .signed_in(&session)
        .map_err(|e| ClusterError::Internal(e.to_string()))?;
    let step = |what: &str, e: AccessError| {
        ClusterError::field(
            "root_password",
            format!("signed in as {root_user}, but Proxmox refused to {what}: {e}"),
        )
    };
    match root.create_user(NIMBUS_USER, "Nimbus portal (API tokens only)").await {
        Ok(()) | Err(AccessError::AlreadyExists { .. }) => {}
        Err(e) => return Err(step("create the user nimbus@pve", e)),
    }
    // The newest privilege names first; an older Proxmox refuses names it does not know.
    let mut role = Err(ClusterError::Internal("no release tried".into()));
    for release in [PveRelease::new(9, 0), PveRelease::new(8, 1), PveRelease::new(8, 0)] {
        let privs: Vec<String> = provisioner_privileges(release).into_iter().map(str::to_owned).collect();
        role = root
            .create_role(ROLE_NAME, &privs)
            .await
            .map(|_| ())
            .map_err(|e| step(&format!("create the role {ROLE_NAME}"), e));
        if role.is_ok() {
            break;
        }
    }
    role?;
    let comment = "Nimbus portal";
    let token = match root.create_token(NIMBUS_USER, "nimbus", true, comment).await {
        Ok(token) => token,
        Err(AccessError::AlreadyExists { .. }) => root
            .create_token(NIMBUS_USER, &format!("nimbus-{suffix}"), true, comment)
            .await
            .map_err(|e| step("create an API token", e))?,
        Err(e) => return Err(step("create an API token", e)),
    };
    for grantee in [Grantee::User(NIMBUS_USER.into()), Grantee::Token(token.full_id.clone())] {
        root.grant("/", ROLE_NAME, &grantee)
            .await
            .map_err(|e| step(&format!("grant {ROLE_NAME} on / to {}", grantee.id()), e))?;
    }
    Ok(ApiToken {
        id: token.full_id,
        secret: token.secret,
    })
}

/// A cluster's identity: its name and its node names, sorted.
pub type Identity = (Option<String>, Vec<String>);

/// Refuses another cluster while `machines` exist: `next` must report the identity of the one
/// Nimbus last connected to (`known`; nothing to compare before the first connection).
pub fn refuse_other_cluster(machines: usize, known: Option<&Identity>, next: &Connected) -> Result<(), ClusterError> {
    let Some(known) = known.filter(|_| machines > 0) else {
        return Ok(());
    };
    let seen = next.check.identity();
    if &seen == known {
        return Ok(());
    }
    let words = |(name, nodes): &Identity| {
        format!(
            "{} (nodes {})",
            name.as_deref().unwrap_or("a single node"),
            nodes.join(", ")
        )
    };
    Err(ClusterError::OtherCluster(format!(
        "{} is another cluster: it reports {}, but Nimbus manages {machines} machine{} on {}; delete them first, \
         or point Nimbus at an address of the same cluster",
        next.endpoint.url,
        words(&seen),
        if machines == 1 { "" } else { "s" },
        words(known)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::proxmox::connector::{Endpoint, EndpointTrust};

    fn connected(name: Option<&str>, nodes: &[&str]) -> Connected {
        Connected {
            endpoint: Endpoint {
                url: url::Url::parse("https://pve9.lan:8006/").unwrap(),
                trust: EndpointTrust::AcceptAny,
            },
            token: ApiToken {
                id: "a@pve!b".into(),
                secret: "c".into(),
            },
            check: ClusterCheck {
                version: "8.4.1".into(),
                cluster_name: name.map(str::to_owned),
                nodes: nodes
                    .iter()
                    .map(|n| CheckedNode {
                        name: (*n).into(),
                        online: true,
                        ip: None,
                    })
                    .collect(),
                storages: Vec::new(),
                token_id: "a@pve!b".into(),
                created_token: false,
                missing: Vec::new(),
            },
        }
    }

    #[test]
    fn another_cluster_is_refused_only_while_machines_exist() {
        let known: Identity = (Some("lab".into()), vec!["pve1".into(), "pve2".into()]);
        let other = connected(Some("home"), &["pve1"]);
        let Err(ClusterError::OtherCluster(words)) = refuse_other_cluster(2, Some(&known), &other) else {
            panic!("refused while two machines exist");
        };
        assert!(
            words.contains("home (nodes pve1)") && words.contains("lab (nodes pve1, pve2)"),
            "{words}"
        );
        assert!(words.contains("2 machines"), "{words}");
        assert!(
            refuse_other_cluster(0, Some(&known), &other).is_ok(),
            "no machines: any cluster"
        );
        let same = connected(Some("lab"), &["pve2", "pve1"]);
        assert!(
            refuse_other_cluster(2, Some(&known), &same).is_ok(),
            "another address of the same cluster"
        );
    }
}
