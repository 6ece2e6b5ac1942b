//! Tests of the HTTP adapter: pure encoders, decoders and error classification, and whole calls
//! against a real HTTPS server on 127.0.0.1 (`server`).

mod access;
mod calls;
mod classify;
mod decode;
mod server;
mod tls;
mod upload;
mod wire;
