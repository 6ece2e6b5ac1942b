//! Accounts use cases: registration (with the first-admin rule and the setup token), sign-in,
//! sessions, API tokens, authentication of every request, and the admin's user management.
//! `service.rs` holds sign-up/sign-in/authentication, `account_management.rs` (`AccountManagement`) the
//! account and admin pages' operations, `secrets.rs` the random secrets and their digests, `session_purge.rs` the job that removes
//! expired sessions and tokens, `hash_gate.rs` the bound on password hashing.

mod account_management;
mod caller;
mod errors;
mod hash_gate;
pub mod secrets;
mod service;
mod session_purge;

#[cfg(test)]
mod tests;

pub use account_management::{AccountManagement, CreatedToken, PasswordChanged, TokenView};
pub use caller::{AuthOutcome, Caller, Credential, Via};
pub use errors::{AccountError, AuthRejection};
pub use hash_gate::{HashGate, HashLimits, HashRefusal};
pub use service::{AccountService, AuthSettings, BootReport, ClientInfo, Registration};
pub use session_purge::SessionPurge;
