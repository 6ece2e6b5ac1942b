//! Starting a provider sign-in is rate-limited per address, so a flood of starts is refused
//! before it can push other people's pending sign-ins out of the bounded store.

use super::provider::{Person, Provider};
use super::{app_with_providers, location};

#[tokio::test]
async fn a_flood_of_sign_in_starts_is_refused_before_it_evicts_a_pending_sign_in() {
    let provider = Provider::start().await;
    let (app, _) = app_with_providers(&provider, &[("RATE_LIMIT_OAUTH_START_PER_IP", "5/10m")]).await;
    provider.as_person(Person::new("583231", "octocat", "octo@lab.example"));
    let start = app.get("/api/auth/github").await;
    let to_provider = location(&start);
    let flow_cookie = start.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let mut started = 1;
    let mut refused = None;
    for _ in 0..200 {
        let flood = app.get("/api/auth/github").await;
        if flood.status() == 429 {
            refused = Some(flood);
            break;
        }
        assert_eq!(flood.status(), 302);
        started += 1;
    }
    let refused = refused.expect("the flood is refused");
    assert_eq!(started, 5, "the address's whole burst, then refused");
    let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");

    let back = location(&app.http.get(&to_provider).send().await.unwrap());
    let callback = app.http.get(&back).header("cookie", flow_cookie).send().await.unwrap();
    assert_eq!(
        location(&callback),
        "/auth/callback?provider=github&result=signed_in&next=%2F",
        "the pending sign-in survived the flood"
    );
    app.stop().await;
}
