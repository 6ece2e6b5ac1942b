//! Contracts for machines: made pending with a one-time bootstrap URL, connected only when the
//! bootstrap runs, listed across pages, and deleted with their tunnels (a second delete is done).

use std::collections::BTreeSet;

use nimbus::ports::tunnel_gateway::{GatewayError, MachineId, MachineStatus};

use super::*;

pub async fn a_new_machine_is_pending_with_a_bootstrap_url_shown_once(h: &dyn Harness) {
    let g = h.gateway();
    let created = g.create_machine(true).await.expect("create");
    assert_eq!(created.machine.status, MachineStatus::Pending);
    assert!(created.machine.public_ssh);
    assert!(
        created.bootstrap_url.expose().contains("/bootstrap/"),
        "a bootstrap URL"
    );
    assert!(
        !format!("{created:?}").contains(created.bootstrap_url.expose()),
        "Debug never shows the bootstrap URL"
    );
    let again = g.machine(&created.machine.id).await.expect("get");
    assert_eq!(again, created.machine, "the same machine, without its bootstrap URL");
    let private = g.create_machine(false).await.expect("create without public SSH");
    assert!(!private.machine.public_ssh);
    assert_ne!(private.machine.id, created.machine.id);
    assert_ne!(
        private.bootstrap_url, created.bootstrap_url,
        "each machine its own token"
    );
}

pub async fn running_the_bootstrap_connects_the_machine(h: &dyn Harness) {
    let g = h.gateway();
    let first = g.create_machine(true).await.expect("create");
    let second = g.create_machine(true).await.expect("create");
    h.run_bootstrap(&first, "web-1").await;
    assert_eq!(
        g.machine(&first.machine.id).await.expect("get").status,
        MachineStatus::Connected
    );
    assert_eq!(
        g.machine(&second.machine.id).await.expect("get").status,
        MachineStatus::Pending,
        "only the machine whose bootstrap ran"
    );
}

pub async fn listing_machines_follows_every_page(h: &dyn Harness) {
    let g = h.gateway();
    let mut made = BTreeSet::new();
    for _ in 0..23 {
        made.insert(g.create_machine(false).await.expect("create").machine.id);
    }
    let listed: Vec<MachineId> = g.machines().await.expect("list").into_iter().map(|m| m.id).collect();
    assert_eq!(listed.len(), 23, "every machine, once");
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), made);
}

pub async fn an_unknown_machine_is_not_found(h: &dyn Harness) {
    let e = expect_err(
        h.gateway().machine(&MachineId("0000000000000000".into())).await,
        "unknown",
    );
    assert!(matches!(e, GatewayError::NotFound(_)), "{e:?}");
}

pub async fn deleting_a_machine_removes_its_tunnels_and_a_second_delete_is_done(h: &dyn Harness) {
    let g = h.gateway();
    let doomed = connected(h, "doomed").await;
    let kept = connected(h, "kept").await;
    g.create_tunnel(&https(&doomed, "doomed-app", 8080))
        .await
        .expect("tunnel");
    let kept_tunnel = g.create_tunnel(&https(&kept, "kept-app", 8080)).await.expect("tunnel");
    g.delete_machine(&doomed.machine.id).await.expect("delete");
    let e = expect_err(g.machine(&doomed.machine.id).await, "deleted machine");
    assert!(matches!(e, GatewayError::NotFound(_)), "{e:?}");
    let tunnels = g.tunnels().await.expect("list");
    assert_eq!(tunnels.len(), 1, "{tunnels:?}");
    assert_eq!(tunnels[0].id, kept_tunnel.id);
    assert!(
        g.subdomain_available("doomed-app").await.expect("check"),
        "its subdomain is free again"
    );
    g.delete_machine(&doomed.machine.id)
        .await
        .expect("a second delete is done");
    g.delete_machine(&MachineId("ffffffffffffffff".into()))
        .await
        .expect("a machine that never was is done too");
}
