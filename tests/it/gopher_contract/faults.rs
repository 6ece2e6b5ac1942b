//! Contracts for what goes wrong with a gateway: an outage, a wrong key, a 500, a machine whose
//! bootstrap never connects, a subdomain someone else holds, and slowness.

use nimbus::adapters::gopher::sim::GopherFault;
use nimbus::ports::tunnel_gateway::{GatewayError, MachineStatus};

use super::*;

pub async fn a_gateway_that_is_down_is_unavailable_until_it_is_back(h: &dyn Harness) {
    let g = h.gateway();
    let created = g.create_machine(true).await.expect("create while up");
    let down = h.inject(GopherFault::Down).await;
    let e = expect_err(g.create_machine(true).await, "create while down");
    assert!(matches!(e, GatewayError::Unavailable(_)), "{e:?}");
    assert!(e.is_transient());
    let e = expect_err(g.delete_machine(&created.machine.id).await, "delete while down");
    assert!(matches!(e, GatewayError::Unavailable(_)), "{e:?}");
    let e = expect_err(g.machines().await, "list while down");
    assert!(matches!(e, GatewayError::Unavailable(_)), "{e:?}");
    h.clear(down).await;
    g.delete_machine(&created.machine.id).await.expect("delete once back");
    assert!(g.machines().await.expect("list").is_empty(), "no machine left behind");
}

pub async fn a_wrong_key_is_unauthorized_everywhere(h: &dyn Harness) {
    let created = connected(h, "owned").await;
    let stranger = h.with_key("not-the-key");
    let results = [
        stranger.create_machine(true).await.map(|_| ()),
        stranger.machine(&created.machine.id).await.map(|_| ()),
        stranger.machines().await.map(|_| ()),
        stranger.delete_machine(&created.machine.id).await,
        stranger.create_tunnel(&https(&created, "nope", 80)).await.map(|_| ()),
        stranger.tunnels().await.map(|_| ()),
        stranger.subdomain_available("nope").await.map(|_| ()),
    ];
    for (n, result) in results.into_iter().enumerate() {
        let e = expect_err(result, &format!("call {n}"));
        assert_eq!(e, GatewayError::Unauthorized, "call {n}");
        assert!(e.to_string().contains("GOPHER_API_KEY"), "{e}");
    }
    assert_eq!(h.gateway().machines().await.expect("list").len(), 1, "nothing changed");
}

pub async fn a_server_error_is_a_failure_in_gopher_s_words(h: &dyn Harness) {
    let message = "failed to load settings";
    let id = h
        .inject(GopherFault::ServerError {
            message: message.into(),
        })
        .await;
    let e = expect_err(h.gateway().create_machine(true).await, "500");
    assert!(matches!(&e, GatewayError::Failed(m) if m.contains(message)), "{e:?}");
    h.clear(id).await;
    h.gateway().create_machine(true).await.expect("works again");
}

pub async fn a_machine_that_never_connects_stays_pending(h: &dyn Harness) {
    let g = h.gateway();
    let id = h.inject(GopherFault::NeverConnects).await;
    let created = g.create_machine(true).await.expect("create");
    h.run_bootstrap(&created, "stuck").await;
    assert_eq!(
        g.machine(&created.machine.id).await.expect("get").status,
        MachineStatus::Pending
    );
    let e = expect_err(g.create_tunnel(&https(&created, "stuck", 80)).await, "pending");
    assert!(matches!(e, GatewayError::Invalid(_)), "{e:?}");
    h.clear(id).await;
}

pub async fn a_subdomain_taken_by_someone_else_is_a_conflict(h: &dyn Harness) {
    let g = h.gateway();
    let created = connected(h, "mine").await;
    h.inject(GopherFault::SubdomainTaken {
        subdomain: "www".into(),
    })
    .await;
    assert!(!g.subdomain_available("www").await.expect("check"));
    let e = expect_err(g.create_tunnel(&https(&created, "www", 80)).await, "taken");
    assert!(
        matches!(&e, GatewayError::Conflict { field, .. } if field == "subdomain"),
        "{e:?}"
    );
}

pub async fn a_slow_gateway_still_answers(h: &dyn Harness) {
    h.inject(GopherFault::Slow { delay_ms: 30 }).await;
    let created = h.gateway().create_machine(false).await.expect("slow but answers");
    assert_eq!(h.gateway().machines().await.expect("list")[0].id, created.machine.id);
}
