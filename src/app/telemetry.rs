//! Structured logging with tracing: human-readable or JSON lines, always on stderr so commands
//! that print data on stdout (`nimbus openapi`) stay clean.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::app::config::LogFormat;

/// Default filter: Nimbus at info, chatty libraries at warn. `RUST_LOG` overrides it.
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,poem=warn";

/// Installs the global subscriber. Safe to call more than once (later calls do nothing).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match format {
        LogFormat::Text => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
    };
}
