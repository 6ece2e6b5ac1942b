//! `TunnelGateway` over Gopher's v1 API: each method one call, lists read page by page until
//! Gopher's `total` is reached, deletes of something already gone counted as done.

use async_trait::async_trait;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::HttpGopher;
use super::wire::{Page, WireMachine, WireTunnel, decode};
use crate::ports::tunnel_gateway::{
    BootstrapUrl, CreatedMachine, GatewayError, GatewayResult, Machine, MachineId, Tunnel, TunnelGateway, TunnelId,
    TunnelRequest,
};

/// A bound on pages read for one list, so a server that never reports its end cannot loop us.
const MAX_PAGES: u64 = 10_000;

impl HttpGopher {
    /// Every item of the list at `/api/v1/{what}`.
    async fn every_page<T: DeserializeOwned>(&self, what: &str) -> GatewayResult<Vec<T>> {
        let limit = u64::from(self.options.page_size);
        let mut items: Vec<T> = Vec::new();
        for _ in 0..MAX_PAGES {
            let offset = items.len() as u64;
            let query = [("limit", limit.to_string()), ("offset", offset.to_string())];
            let data = self.call(Method::GET, &[what], &query, None).await?;
            let page: Page<T> = decode(&format!("{what} page"), data)?;
            let got = page.items.len() as u64;
            items.extend(page.items);
            let done = match page.total {
                Some(total) => items.len() as u64 >= total,
                // Without a total, a short page is the last.
                None => got < limit,
            };
            if got == 0 || done {
                return Ok(items);
            }
        }
        Err(GatewayError::Failed(format!(
            "Gopher's {what} list did not end after {MAX_PAGES} pages"
        )))
    }

    async fn delete(&self, segments: &[&str]) -> GatewayResult<()> {
        match self.call(Method::DELETE, segments, &[], None).await {
            Ok(_) | Err(GatewayError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[async_trait]
impl TunnelGateway for HttpGopher {
    async fn create_machine(&self, public_ssh: bool) -> GatewayResult<CreatedMachine> {
        let data = self
            .call(
                Method::POST,
                &["machines"],
                &[],
                Some(json!({"public_ssh": public_ssh})),
            )
            .await?;
        let mut wire: WireMachine = decode("new machine", data)?;
        let Some(url) = wire.bootstrap_url.take().filter(|u| !u.is_empty()) else {
            return Err(GatewayError::Failed(
                "Gopher made a machine but sent no bootstrap_url; delete it on Gopher and try again".into(),
            ));
        };
        Ok(CreatedMachine {
            machine: wire.into_machine(),
            bootstrap_url: BootstrapUrl::new(url),
        })
    }

    async fn machine(&self, id: &MachineId) -> GatewayResult<Machine> {
        let data = self.call(Method::GET, &["machines", &id.0], &[], None).await?;
        Ok(decode::<WireMachine>("machine", data)?.into_machine())
    }

    async fn machines(&self) -> GatewayResult<Vec<Machine>> {
        let wire: Vec<WireMachine> = self.every_page("machines").await?;
        Ok(wire.into_iter().map(WireMachine::into_machine).collect())
    }

    async fn delete_machine(&self, id: &MachineId) -> GatewayResult<()> {
        self.delete(&["machines", &id.0]).await
    }

    async fn create_tunnel(&self, request: &TunnelRequest) -> GatewayResult<Tunnel> {
        let mut body = json!({
            "machine_id": request.machine_id.0,
            "target_port": request.target_port,
            "private": request.private,
            "no_tls": !request.tls,
        });
        if let Some(subdomain) = &request.subdomain {
            body["subdomain"] = Value::String(subdomain.clone());
        }
        let data = self.call(Method::POST, &["tunnels"], &[], Some(body)).await?;
        Ok(decode::<WireTunnel>("new tunnel", data)?.into_tunnel())
    }

    async fn tunnel(&self, id: &TunnelId) -> GatewayResult<Tunnel> {
        let data = self.call(Method::GET, &["tunnels", &id.0], &[], None).await?;
        Ok(decode::<WireTunnel>("tunnel", data)?.into_tunnel())
    }

    async fn tunnels(&self) -> GatewayResult<Vec<Tunnel>> {
        let wire: Vec<WireTunnel> = self.every_page("tunnels").await?;
        Ok(wire.into_iter().map(WireTunnel::into_tunnel).collect())
    }

    async fn delete_tunnel(&self, id: &TunnelId) -> GatewayResult<()> {
        self.delete(&["tunnels", &id.0]).await
    }

    async fn subdomain_available(&self, subdomain: &str) -> GatewayResult<bool> {
        let query = [("subdomain", subdomain.to_owned())];
        let data = self.call(Method::GET, &["tunnels", "check"], &query, None).await?;
        data.get("available")
            .and_then(Value::as_bool)
            .ok_or_else(|| GatewayError::Failed("Gopher's subdomain check did not say whether it is available".into()))
    }
}
