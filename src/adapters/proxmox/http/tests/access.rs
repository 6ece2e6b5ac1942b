//! Reading Proxmox's access-control answers: `/cluster/status` with and without a cluster,
//! `/access/permissions`, a ticket (and one waiting for a second factor), and the errors that
//! mean "already exists" or "no such user".

use std::collections::BTreeMap;

use serde_json::json;

use crate::adapters::proxmox::http::access_shapes::{access_error, cluster_identity, permissions, session};
use crate::ports::proxmox::{AccessError, AccessObject, ProxmoxError};

#[test]
fn cluster_status_gives_the_cluster_name_and_each_node_with_its_state() {
    let clustered = json!([
        {"type": "cluster", "id": "cluster", "name": "lab", "nodes": 2, "quorate": 1, "version": 3},
        {"type": "node", "id": "node/pve1", "name": "pve1", "nodeid": 1, "online": 1, "local": 1, "ip": "10.0.0.1"},
        {"type": "node", "id": "node/pve2", "name": "pve2", "nodeid": 2, "online": 0, "local": 0}
    ]);
    let identity = cluster_identity(&clustered).unwrap();
    assert_eq!(identity.name.as_deref(), Some("lab"));
    let nodes: Vec<(&str, bool)> = identity.nodes.iter().map(|n| (n.name.as_str(), n.online)).collect();
    assert_eq!(nodes, vec![("pve1", true), ("pve2", false)]);
    let single = json!([{"type": "node", "id": "node/pve", "name": "pve", "nodeid": 0, "online": 1, "local": 1}]);
    assert_eq!(cluster_identity(&single).unwrap().name, None);
}

#[test]
fn permissions_read_each_path_s_privileges_and_propagation() {
    let held = permissions(&json!({
        "/": {"Sys.Audit": 1},
        "/vms": {"VM.Clone": 1, "VM.Audit": 0}
    }))
    .unwrap();
    assert_eq!(held.on("/vms").unwrap().get("VM.Clone"), Some(&true));
    assert_eq!(held.on("/vms").unwrap().get("VM.Audit"), Some(&false));
    assert!(permissions(&json!({})).unwrap().is_empty());
    assert!(permissions(&json!([])).is_err());
}

#[test]
fn a_ticket_waiting_for_a_second_factor_is_its_own_error() {
    let done = session(&json!({
        "username": "root@pam", "ticket": "PVE:root@pam:6571A2B3::sig", "CSRFPreventionToken": "6571A2B3:tok",
        "cap": {"vms": {"VM.Audit": 1}}, "clustername": "lab"
    }))
    .unwrap();
    assert_eq!(done.username, "root@pam");
    assert_eq!(done.csrf_token, "6571A2B3:tok");
    let waiting = session(&json!({
        "username": "root@pam", "ticket": "PVE:!tfa!%7B%22totp%22%3Atrue%7D:6571A2B3::sig",
        "CSRFPreventionToken": "6571A2B3:tok", "NeedTFA": 1
    }));
    assert_eq!(
        waiting,
        Err(AccessError::SecondFactorRequired {
            username: "root@pam".into()
        })
    );
}

#[test]
fn already_exists_and_no_such_user_are_read_from_proxmox_s_words() {
    let exists = access_error(
        ProxmoxError::Refused("create user failed: user 'nimbus@pve' already exists".into()),
        AccessObject::User,
        "nimbus@pve",
    );
    assert_eq!(
        exists,
        AccessError::AlreadyExists {
            kind: AccessObject::User,
            id: "nimbus@pve".into()
        }
    );
    let token = access_error(
        ProxmoxError::InvalidParameters {
            errors: BTreeMap::from([("tokenid".to_owned(), "Token already exists.".to_owned())]),
        },
        AccessObject::Token,
        "nimbus@pve!nimbus",
    );
    assert!(matches!(
        token,
        AccessError::AlreadyExists {
            kind: AccessObject::Token,
            ..
        }
    ));
    let nobody = access_error(
        ProxmoxError::Refused("no such user ('ghost@pve')".into()),
        AccessObject::Token,
        "ghost@pve!x",
    );
    assert!(
        matches!(nobody, AccessError::Proxmox(ProxmoxError::NotFound(_))),
        "{nobody:?}"
    );
    let other = access_error(
        ProxmoxError::Forbidden("Permission check failed".into()),
        AccessObject::User,
        "x@pve",
    );
    assert_eq!(
        other,
        AccessError::Proxmox(ProxmoxError::Forbidden("Permission check failed".into()))
    );
}

mod on_the_wire {
    use serde_json::json;

    use super::super::server::{Answer, TestServer};
    use crate::adapters::proxmox::http::{HttpProxmox, TlsTrust};
    use crate::ports::proxmox::{Grantee, ProxmoxAccess, PveSession, SignInPassword};

    #[tokio::test]
    async fn signing_in_sends_no_token_and_a_session_sends_its_cookie_and_csrf_token_on_writes_only() {
        let server = TestServer::start(|r| {
            if r.target.ends_with("/access/ticket") {
                Answer::data(json!({
                    "username": "root@pam", "ticket": "PVE:root@pam:6571A2B3::sig",
                    "CSRFPreventionToken": "6571A2B3:csrf"
                }))
            } else if r.method == "GET" {
                Answer::data(json!({"/": {"Sys.Audit": 1}}))
            } else {
                Answer::data(json!(null))
            }
        })
        .await;
        let client = server.client();
        let session: PveSession = client
            .ticket("root@pam", &SignInPassword::new("pw"))
            .await
            .expect("ticket");
        let root = client.signed_in(&session).expect("signed in");
        root.permissions().await.expect("permissions");
        root.grant("/", "NimbusProvisioner", &Grantee::Token("nimbus@pve!nimbus".into()))
            .await
            .expect("grant");
        let seen = server.requests();
        assert_eq!(seen.len(), 3);
        let ticket = &seen[0];
        assert_eq!(ticket.header("authorization"), None, "no API token on a sign-in");
        assert_eq!(ticket.body, "username=root%40pam&password=pw");
        let read = &seen[1];
        assert_eq!(read.header("authorization"), None);
        assert_eq!(
            read.header("cookie").as_deref(),
            Some("PVEAuthCookie=PVE:root@pam:6571A2B3::sig")
        );
        assert_eq!(read.header("csrfpreventiontoken"), None, "reads need no CSRF token");
        let write = &seen[2];
        assert_eq!(write.method, "PUT");
        assert_eq!(write.header("csrfpreventiontoken").as_deref(), Some("6571A2B3:csrf"));
        assert_eq!(
            write.body,
            "path=%2F&roles=NimbusProvisioner&tokens=nimbus%40pve%21nimbus&propagate=1"
        );
        // The signed-in client pins the same certificate.
        let pinned: HttpProxmox = {
            let mut options = server.options(TlsTrust::Fingerprint([0u8; 32]));
            options.call_timeout = std::time::Duration::from_secs(5);
            HttpProxmox::new(options).expect("client")
        };
        let refused = pinned.signed_in(&session).expect("signed in").permissions().await;
        assert!(
            refused.is_err(),
            "a wrong pin still refuses the signed-in client: {refused:?}"
        );
    }
}
