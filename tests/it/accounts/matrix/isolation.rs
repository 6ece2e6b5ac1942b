//! What the matrix's statuses cannot show: list contents. Each member's lists (keys, tokens,
//! sessions, machines) hold only their own items whatever credential they use; `?all=true` and
//! `owner_id` are for admins; another member's `ssh_key_id` is no key at all, even to an admin
//! acting for someone.

use std::collections::BTreeSet;

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::super::{Cred, NO_LIMITS, call, login, register, token};
use crate::helpers::TestApp;

/// One member's items.
struct Holdings {
    session: Cred,
    key: String,
    token: String,
    vm: String,
}

async fn holdings(app: &TestApp, email: &str, name: &str) -> Holdings {
    register(app, email, name).await;
    let session = login(app, email).await;
    let cookie = Cred::Cookie(session.clone());
    let key = call(
        app,
        Method::POST,
        "/api/keys",
        &cookie,
        Some(json!({"name": format!("{}-key", name.to_lowercase()), "generate": true})),
    )
    .await;
    assert_eq!(key.status, 201, "{}", key.body);
    let vm = call(
        app,
        Method::POST,
        "/api/vms",
        &cookie,
        Some(
            json!({"hostname": format!("{}-vm", name.to_lowercase()), "tier": "small",
            "os_template": "debian-12", "generate_key": true}),
        ),
    )
    .await;
    assert!(vm.status.is_success(), "{}", vm.body);
    Holdings {
        key: key.body["data"]["key"]["id"].as_str().unwrap().to_string(),
        token: token(app, &session, &format!("{name}-token"), "read_write").await.0,
        vm: vm.body["data"]["id"].as_str().unwrap().to_string(),
        session: cookie,
    }
}

/// The ids a list answers.
async fn ids(app: &TestApp, path: &str, cred: &Cred) -> BTreeSet<String> {
    let answer = call(app, Method::GET, path, cred, None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} answers a list: {}", answer.body))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

fn machine(hostname: &str, extra: Value) -> Value {
    let mut body = json!({"hostname": hostname, "tier": "small", "os_template": "debian-12"});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

#[tokio::test]
async fn each_member_lists_only_their_own_and_admin_scopes_stay_with_admins() {
    let mut env = NO_LIMITS.to_vec();
    env.push(("NIMBUS_SIM_PROFILE", "instant"));
    let app = TestApp::spawn_with(Mode::Demo, &env).await;
    let (_, admin) = register(&app, "admin@lab.example", "Admin").await;
    let admin = Cred::Cookie(admin);
    let ada = holdings(&app, "ada@lab.example", "Ada").await;
    let bob = holdings(&app, "bob@lab.example", "Bob").await;
    let (ada_id, bob_id) = {
        let me = |c: Cred| {
            let app = &app;
            async move { call(app, Method::GET, "/api/me", &c, None).await.body["data"]["id"].clone() }
        };
        (me(ada.session.clone()).await, me(bob.session.clone()).await)
    };

    for (me, them) in [(&ada, &bob), (&bob, &ada)] {
        let Cred::Cookie(session) = &me.session else {
            unreachable!()
        };
        let read_write = Cred::Bearer(token(&app, session, "rw", "read_write").await.1);
        let read_only = Cred::Bearer(token(&app, session, "ro", "read_only").await.1);
        for cred in [&me.session, &read_write, &read_only] {
            let keys = ids(&app, "/api/keys", cred).await;
            assert!(keys.contains(&me.key) && !keys.contains(&them.key), "keys: {keys:?}");
            let tokens = ids(&app, "/api/tokens", cred).await;
            assert!(
                tokens.contains(&me.token) && !tokens.contains(&them.token),
                "tokens: {tokens:?}"
            );
            let vms = ids(&app, "/api/vms", cred).await;
            assert_eq!(vms, BTreeSet::from([me.vm.clone()]), "machines");
            let sessions = ids(&app, "/api/me/sessions", cred).await;
            let theirs = ids(&app, "/api/me/sessions", &them.session).await;
            assert!(sessions.is_disjoint(&theirs), "sessions: {sessions:?} and {theirs:?}");
            let all = call(&app, Method::GET, "/api/vms?all=true", cred, None).await;
            assert_eq!(all.status, 403, "`all=true` is for admins: {}", all.body);
        }
        for (path, id) in [("keys", &them.key), ("vms", &them.vm), ("tokens", &them.token)] {
            let method = if path == "tokens" { Method::DELETE } else { Method::GET };
            let other = call(&app, method, &format!("/api/{path}/{id}"), &me.session, None).await;
            assert_eq!(other.status, 404, "another member's {path}: {}", other.body);
        }
    }

    let everyone = ids(&app, "/api/vms?all=true", &admin).await;
    assert_eq!(everyone, BTreeSet::from([ada.vm.clone(), bob.vm.clone()]));
    assert!(
        ids(&app, "/api/vms", &admin).await.is_empty(),
        "without `all`, an admin's own"
    );

    let for_bob = machine("for-bob", json!({"owner_id": bob_id, "generate_key": true}));
    let refused = call(&app, Method::POST, "/api/vms", &ada.session, Some(for_bob.clone())).await;
    assert_eq!(
        (refused.status.as_u16(), &refused.body["field"]),
        (403, &json!("owner_id"))
    );

    let with_bobs_key = machine("borrowed", json!({"ssh_key_id": bob.key}));
    let refused = call(
        &app,
        Method::POST,
        "/api/vms",
        &ada.session,
        Some(with_bobs_key.clone()),
    )
    .await;
    assert_eq!(
        (refused.status.as_u16(), refused.code()),
        (404, "key_not_found"),
        "{}",
        refused.body
    );
    let mut for_ada = with_bobs_key;
    for_ada["owner_id"] = ada_id.clone();
    let refused = call(&app, Method::POST, "/api/vms", &admin, Some(for_ada)).await;
    assert_eq!(
        (refused.status.as_u16(), refused.code()),
        (404, "key_not_found"),
        "an admin acting for Ada may use only Ada's keys: {}",
        refused.body
    );
    assert_eq!(
        ids(&app, "/api/vms?all=true", &admin).await,
        everyone,
        "nothing was made"
    );
    let bobs = call(&app, Method::GET, "/api/tokens", &bob.session, None).await;
    assert_eq!(bobs.status, 200, "Bob's own session still works");
    app.stop().await;
}
