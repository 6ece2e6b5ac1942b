//! The `gx10-worker` binary end to end: the real worker and its stand-in runtime against a fake
//! Nimbus that speaks the worker protocol (`server.rs`), started by `harness.rs`.

mod harness;
mod server;

mod cli;
mod jobs;
mod logs;
mod stops;
