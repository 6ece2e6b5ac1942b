//! Contracts for tunnels: made on a connected machine at once, at `<subdomain>.<domain>` over
//! HTTPS or plain HTTP, unique subdomains (409 naming the field), listed across pages, deleted
//! one at a time.

use std::collections::BTreeSet;

use nimbus::ports::tunnel_gateway::{GatewayError, TunnelId, TunnelStatus};

use super::*;

pub async fn a_tunnel_on_a_connected_machine_is_active_at_its_subdomain(h: &dyn Harness) {
    let g = h.gateway();
    let created = connected(h, "web").await;
    let tunnel = g.create_tunnel(&https(&created, "My-App", 8080)).await.expect("tunnel");
    assert_eq!(tunnel.status, TunnelStatus::Active);
    assert_eq!(tunnel.subdomain, "my-app", "Gopher lowercases the subdomain");
    assert_eq!(tunnel.url.as_deref(), Some(format!("https://my-app.{DOMAIN}").as_str()));
    assert_eq!(tunnel.machine_id, created.machine.id);
    assert_eq!(tunnel.target_port, 8080);
    assert_eq!(tunnel.target_ip, "127.0.0.1");
    assert_eq!(g.tunnel(&tunnel.id).await.expect("get"), tunnel);
    let auto = TunnelRequest {
        subdomain: None,
        ..https(&created, "", 3000)
    };
    let auto = g.create_tunnel(&auto).await.expect("a subdomain made by Gopher");
    assert!(auto.subdomain.starts_with("web-"), "{}", auto.subdomain);
}

pub async fn a_plain_tunnel_is_served_over_http(h: &dyn Harness) {
    let created = connected(h, "plain").await;
    let request = TunnelRequest {
        tls: false,
        private: true,
        ..https(&created, "plain-app", 8000)
    };
    let tunnel = h.gateway().create_tunnel(&request).await.expect("tunnel");
    assert_eq!(
        tunnel.url.as_deref(),
        Some(format!("http://plain-app.{DOMAIN}").as_str())
    );
}

pub async fn a_tunnel_needs_a_connected_machine(h: &dyn Harness) {
    let g = h.gateway();
    let pending = g.create_machine(true).await.expect("create");
    let e = expect_err(g.create_tunnel(&https(&pending, "early", 80)).await, "pending");
    assert!(
        matches!(&e, GatewayError::Invalid(m) if m.contains("not connected")),
        "{e:?}"
    );
    let mut gone = https(&pending, "gone", 80);
    gone.machine_id.0 = "0123456789abcdef".into();
    let e = expect_err(g.create_tunnel(&gone).await, "unknown machine");
    assert!(matches!(e, GatewayError::NotFound(_)), "{e:?}");
    let created = connected(h, "ready").await;
    let e = expect_err(g.create_tunnel(&https(&created, "-bad-", 80)).await, "bad label");
    assert!(
        matches!(&e, GatewayError::Invalid(m) if m.contains("invalid subdomain")),
        "{e:?}"
    );
    assert!(g.tunnels().await.expect("list").is_empty(), "nothing was made");
}

pub async fn a_subdomain_in_use_is_a_conflict_naming_the_field(h: &dyn Harness) {
    let g = h.gateway();
    let first = connected(h, "first").await;
    let second = connected(h, "second").await;
    g.create_tunnel(&https(&first, "shop", 8080)).await.expect("tunnel");
    let e = expect_err(g.create_tunnel(&https(&second, "shop", 9090)).await, "taken");
    match &e {
        GatewayError::Conflict { field, message } => {
            assert_eq!(field, "subdomain");
            assert!(message.contains("shop"), "{message}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(e.to_string().contains("choose another subdomain"), "{e}");
}

pub async fn subdomain_check_says_whether_it_is_free(h: &dyn Harness) {
    let g = h.gateway();
    assert!(g.subdomain_available("blog").await.expect("check"));
    let created = connected(h, "blog").await;
    g.create_tunnel(&https(&created, "blog", 2368)).await.expect("tunnel");
    assert!(!g.subdomain_available("blog").await.expect("check"));
    assert!(
        !g.subdomain_available(" BLOG ").await.expect("check"),
        "trimmed and lowercased"
    );
    let e = expect_err(g.subdomain_available("").await, "empty");
    assert!(matches!(e, GatewayError::Invalid(_)), "{e:?}");
}

pub async fn listing_tunnels_follows_every_page(h: &dyn Harness) {
    let g = h.gateway();
    let created = connected(h, "many").await;
    let mut made = BTreeSet::new();
    for n in 0..16u16 {
        let tunnel = g
            .create_tunnel(&https(&created, &format!("app-{n}"), 8000 + n))
            .await
            .expect("tunnel");
        made.insert(tunnel.id);
    }
    let listed: Vec<TunnelId> = g.tunnels().await.expect("list").into_iter().map(|t| t.id).collect();
    assert_eq!(listed.len(), 16, "every tunnel, once");
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), made);
}

pub async fn deleting_a_tunnel_keeps_its_machine_and_a_second_delete_is_done(h: &dyn Harness) {
    let g = h.gateway();
    let created = connected(h, "keep").await;
    let tunnel = g.create_tunnel(&https(&created, "temp", 8080)).await.expect("tunnel");
    g.delete_tunnel(&tunnel.id).await.expect("delete");
    let e = expect_err(g.tunnel(&tunnel.id).await, "deleted");
    assert!(matches!(e, GatewayError::NotFound(_)), "{e:?}");
    assert!(g.subdomain_available("temp").await.expect("check"));
    let machine = g.machine(&created.machine.id).await.expect("the machine stays");
    assert_eq!(machine.status, MachineStatus::Connected);
    g.delete_tunnel(&tunnel.id).await.expect("a second delete is done");
}
