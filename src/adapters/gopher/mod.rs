//! Gopher, the reverse-tunnel gateway: the HTTP client of its external API v1 (`http/`) and the
//! simulator standing in for it (`sim/`).

pub mod http;
pub mod sim;
