//! Opening a gateway while Nimbus runs: Admin → Settings → Gopher tries an address and key, and
//! makes a new gateway the one every part of Nimbus uses, without naming the client behind it.

use std::sync::Arc;

use super::{GatewayResult, TunnelGateway};

/// Opens a client of the Gopher gateway at an address with an API key.
#[cfg_attr(test, mockall::automock)]
pub trait GatewayOpener: Send + Sync {
    /// A client of the gateway at `url` (its API lives under `/api/v1`) calling with `api_key`.
    /// Nothing is sent yet.
    ///
    /// # Errors
    /// `Invalid` when the URL is not `http(s)://host…` or the key is empty.
    fn open(&self, url: &url::Url, api_key: &str) -> GatewayResult<Arc<dyn TunnelGateway>>;
}
