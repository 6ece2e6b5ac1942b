//! Contracts of the `ProxmoxAccess` port: the cluster's identity, users, roles, tokens and
//! grants, effective permissions (a privilege-separated token holds only what both it and its
//! user hold), privileges enforced on a restricted token, and password sign-in.

use chrono::Duration;
use nimbus::adapters::proxmox::sim::{Fault, FaultScope, OfflineMode};
use nimbus::domain::proxmox_privileges::{
    Grantee, MissingReason, PveRelease, ROLE_NAME, missing, provisioner_privileges,
};
use nimbus::ports::proxmox::{AccessError, AccessObject, ClusterResource, ProxmoxError, RoleOutcome, SignInPassword};

use super::{Harness, LIMITED_TOKEN, ROOT_PASSWORD, UBUNTU, clone_request, expect_err, node, pve1, wait_ok};

fn release() -> PveRelease {
    PveRelease::parse(nimbus::adapters::proxmox::sim::DEFAULT_PVE_VERSION).expect("release")
}

fn role_privs() -> Vec<String> {
    provisioner_privileges(release())
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn token(id: &str) -> Grantee {
    Grantee::Token(id.to_owned())
}

fn user(id: &str) -> Grantee {
    Grantee::User(id.to_owned())
}

/// Makes `nimbus@pve`, the role and a token `nimbus@pve!{tokenid}`; returns its secret.
async fn user_role_and_token(h: &dyn Harness, tokenid: &str, privsep: bool) -> String {
    let access = h.access();
    access.create_user("nimbus@pve", "Nimbus").await.ok();
    access.create_role(ROLE_NAME, &role_privs()).await.expect("role");
    let made = access
        .create_token("nimbus@pve", tokenid, privsep, "Nimbus")
        .await
        .expect("token");
    assert_eq!(made.full_id, format!("nimbus@pve!{tokenid}"));
    assert!(!made.secret.is_empty());
    made.secret
}

pub async fn cluster_identity_names_the_cluster_and_its_members_online_or_not(h: &dyn Harness) {
    let identity = h.access().cluster_identity().await.expect("cluster status");
    assert_eq!(identity.name.as_deref(), Some("pve-cluster"));
    let names: Vec<&str> = identity.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, vec!["pve1", "pve2", "pve3"]);
    assert!(identity.nodes.iter().all(|n| n.online));
    let offline = Fault::NodeOffline {
        node: node("pve2"),
        mode: OfflineMode::NoRoute,
    };
    h.inject(offline, FaultScope::UntilCleared).await;
    let identity = h.access().cluster_identity().await.expect("cluster status");
    let online: Vec<bool> = identity.nodes.iter().map(|n| n.online).collect();
    assert_eq!(online, vec![true, false, true]);
}

pub async fn a_new_user_role_and_token_are_made_once_each(h: &dyn Harness) {
    let access = h.access();
    access.create_user("nimbus@pve", "Nimbus").await.expect("user");
    let again = expect_err(access.create_user("nimbus@pve", "Nimbus").await, "second user");
    assert_eq!(
        again,
        AccessError::AlreadyExists {
            kind: AccessObject::User,
            id: "nimbus@pve".into()
        }
    );
    assert_eq!(
        access.create_role(ROLE_NAME, &role_privs()).await,
        Ok(RoleOutcome::Created)
    );
    assert_eq!(
        access.create_role(ROLE_NAME, &role_privs()).await,
        Ok(RoleOutcome::Updated)
    );
    let secret = user_role_and_token(h, "nimbus", true).await;
    let again = expect_err(
        access.create_token("nimbus@pve", "nimbus", true, "").await,
        "second token",
    );
    assert_eq!(
        again,
        AccessError::AlreadyExists {
            kind: AccessObject::Token,
            id: "nimbus@pve!nimbus".into()
        }
    );
    let (_, as_token) = h.as_token("nimbus@pve!nimbus", &secret).await;
    as_token
        .permissions()
        .await
        .expect("a token may read its own permissions");
    let (_, wrong) = h.as_token("nimbus@pve!nimbus", "not-the-secret").await;
    assert_eq!(
        wrong.permissions().await,
        Err(AccessError::Proxmox(ProxmoxError::Unauthorized))
    );
    let nobody = expect_err(access.create_token("ghost@pve", "x", true, "").await, "token of nobody");
    assert!(
        matches!(nobody, AccessError::Proxmox(ProxmoxError::NotFound(_))),
        "{nobody:?}"
    );
}

pub async fn a_privilege_separated_token_holds_what_both_it_and_its_user_are_granted(h: &dyn Harness) {
    let secret = user_role_and_token(h, "nimbus", true).await;
    let (_, as_token) = h.as_token("nimbus@pve!nimbus", &secret).await;
    let id = token("nimbus@pve!nimbus");
    let held = as_token.permissions().await.expect("permissions");
    assert!(
        held.is_empty(),
        "a fresh privilege-separated token holds nothing: {held:?}"
    );
    let gaps = missing(&held, &id, release());
    assert!(!gaps.is_empty());
    assert!(
        gaps.iter()
            .all(|g| g.reason == MissingReason::PrivilegeSeparatedTokenWithoutAcl)
    );

    h.access().grant("/", ROLE_NAME, &id).await.expect("grant to the token");
    let held = as_token.permissions().await.expect("permissions");
    assert!(
        held.is_empty(),
        "the user holds nothing yet, so neither does the token: {held:?}"
    );

    h.access()
        .grant("/", ROLE_NAME, &user("nimbus@pve"))
        .await
        .expect("grant to the user");
    let held = as_token.permissions().await.expect("permissions");
    assert_eq!(held.on("/vms").and_then(|p| p.get("VM.Clone")), Some(&true), "{held:?}");
    assert!(held.on("/vms").is_some_and(|p| !p.contains_key("Sys.PowerMgmt")));
    assert_eq!(missing(&held, &id, release()), vec![]);
}

pub async fn a_token_without_privilege_separation_holds_what_its_user_holds(h: &dyn Harness) {
    let secret = user_role_and_token(h, "shared", false).await;
    let (_, as_token) = h.as_token("nimbus@pve!shared", &secret).await;
    assert!(as_token.permissions().await.expect("permissions").is_empty());
    h.access()
        .grant("/vms", "PVEAuditor", &user("nimbus@pve"))
        .await
        .expect("grant");
    let held = as_token.permissions().await.expect("permissions");
    assert_eq!(held.on("/vms").and_then(|p| p.get("VM.Audit")), Some(&true), "{held:?}");
    assert_eq!(held.on("/storage"), None, "granted on /vms only: {held:?}");
}

pub async fn grants_and_roles_refuse_unknown_names_and_privileges(h: &dyn Harness) {
    let access = h.access();
    let unknown_role = expect_err(access.grant("/", "NoSuchRole", &user("root@pam")).await, "unknown role");
    assert!(
        matches!(&unknown_role, AccessError::Proxmox(ProxmoxError::NotFound(t)) if t.contains("NoSuchRole")),
        "{unknown_role:?}"
    );
    let unknown_token = expect_err(
        access.grant("/", "PVEAuditor", &token("root@pam!ghost")).await,
        "unknown token",
    );
    assert!(
        matches!(unknown_token, AccessError::Proxmox(ProxmoxError::NotFound(_))),
        "{unknown_token:?}"
    );
    let bad = expect_err(
        access.create_role("Broken", &["VM.Fly".to_owned()]).await,
        "unknown privilege",
    );
    assert!(
        matches!(&bad, AccessError::Proxmox(ProxmoxError::InvalidParameters { errors }) if errors["privs"].contains("VM.Fly")),
        "{bad:?}"
    );
    let reserved = expect_err(access.create_role("PVEMine", &[]).await, "PVE role name");
    assert!(
        matches!(&reserved, AccessError::Proxmox(ProxmoxError::InvalidParameters { errors }) if errors.contains_key("roleid")),
        "{reserved:?}"
    );
}

pub async fn a_restricted_token_is_refused_a_clone_naming_the_privilege(h: &dyn Harness) {
    let (px, access) = h.as_token(LIMITED_TOKEN.0, LIMITED_TOKEN.1).await;
    let refused = expect_err(
        px.clone_vm(&clone_request("pve1", UBUNTU, 120, "nope")).await,
        "clone without VM.Clone",
    );
    assert_eq!(
        refused,
        ProxmoxError::Forbidden(format!("Permission check failed (/vms/{UBUNTU}, VM.Clone)"))
    );
    assert_eq!(
        px.vm_status(&pve1(), super::id(120)).await.map(|_| ()),
        Err(ProxmoxError::NotFound(
            "Configuration file 'nodes/pve1/qemu-server/120.conf' does not exist".into()
        )),
        "nothing was made"
    );
    let held = access.permissions().await.expect("permissions");
    let gaps = missing(&held, &token(LIMITED_TOKEN.0), release());
    let named: Vec<String> = gaps.iter().map(|g| g.privilege_text()).collect();
    assert_eq!(named, vec!["VM.Clone on /vms".to_owned()]);
    // The same clone by the root token works.
    let upid = h
        .proxmox()
        .clone_vm(&clone_request("pve1", UBUNTU, 120, "yes"))
        .await
        .expect("root clones");
    wait_ok(h, &upid, "root clone").await;
}

pub async fn a_restricted_token_sees_only_what_it_may_and_follows_its_own_tasks(h: &dyn Harness) {
    let (px, _) = h.as_token(LIMITED_TOKEN.0, LIMITED_TOKEN.1).await;
    let all = h.proxmox().cluster_resources(None).await.expect("resources").len();
    let seen = px.cluster_resources(None).await.expect("resources").len();
    assert_eq!(seen, all, "the role audits VMs, storages and nodes");
    let upid = px
        .power(&pve1(), super::id(UBUNTU), nimbus::ports::proxmox::PowerOp::Start)
        .await
        .expect("a start task is accepted");
    assert_eq!(upid.user(), LIMITED_TOKEN.0, "the task belongs to the token");
    px.task_status(&upid).await.expect("own task");
    h.advance(Duration::seconds(5)).await;
    let status = px.task_status(&upid).await.expect("own task");
    assert!(
        matches!(status.state, nimbus::ports::proxmox::TaskState::Stopped(_)),
        "{status:?}"
    );
    let no_cluster_view = {
        let (nobody, _) = h.as_token(LIMITED_TOKEN.0, "wrong").await;
        nobody.cluster_resources(None).await
    };
    assert_eq!(no_cluster_view.map(|_| ()), Err(ProxmoxError::Unauthorized));
    assert!(
        px.cluster_resources(None)
            .await
            .expect("resources")
            .iter()
            .any(|r| matches!(r, ClusterResource::Guest(_)))
    );
}

pub async fn root_signs_in_with_its_password_and_the_session_makes_users(h: &dyn Harness) {
    let session = h
        .access()
        .ticket("root@pam", &SignInPassword::new(ROOT_PASSWORD))
        .await
        .expect("sign in");
    assert_eq!(session.username, "root@pam");
    assert!(
        !format!("{session:?}").contains(&session.ticket),
        "the ticket stays out of Debug"
    );
    let root = h.access().signed_in(&session).expect("signed-in client");
    root.create_user("wizard@pve", "made by the wizard")
        .await
        .expect("user as root");
    root.create_role(ROLE_NAME, &role_privs()).await.expect("role as root");
    let made = root
        .create_token("wizard@pve", "nimbus", true, "")
        .await
        .expect("token as root");
    root.grant("/", ROLE_NAME, &user("wizard@pve"))
        .await
        .expect("user grant");
    root.grant("/", ROLE_NAME, &token(&made.full_id))
        .await
        .expect("token grant");
    let held = root.permissions().await.expect("root's permissions");
    assert_eq!(held.on("/").and_then(|p| p.get("Sys.PowerMgmt")), Some(&true));
    let (_, nimbus) = h.as_token(&made.full_id, &made.secret).await;
    let held = nimbus.permissions().await.expect("permissions");
    assert_eq!(missing(&held, &token(&made.full_id), release()), vec![]);
}

pub async fn a_wrong_password_is_unauthorized(h: &dyn Harness) {
    for (name, password) in [("root@pam", "wrong"), ("nobody@pam", ROOT_PASSWORD)] {
        let e = expect_err(
            h.access().ticket(name, &SignInPassword::new(password)).await,
            "wrong sign-in",
        );
        assert_eq!(e, AccessError::Proxmox(ProxmoxError::Unauthorized), "{name}");
    }
}

pub async fn a_root_account_with_two_factor_needs_a_second_factor(h: &dyn Harness) {
    let e = expect_err(
        h.access().ticket("root@pam", &SignInPassword::new(ROOT_PASSWORD)).await,
        "sign in with two factors",
    );
    assert_eq!(
        e,
        AccessError::SecondFactorRequired {
            username: "root@pam".into()
        }
    );
    assert!(e.to_string().contains("paste"), "{e}");
    let wrong = h.access().ticket("root@pam", &SignInPassword::new("wrong")).await;
    assert_eq!(wrong, Err(AccessError::Proxmox(ProxmoxError::Unauthorized)));
}
