//! Running set-up inside a VM through its QEMU guest agent: no SSH from Nimbus and no private key
//! needed. [`GuestCommand`] runs one command (or writes one file) with a bound on the clock;
//! `bootstrap_command` builds the command lines Nimbus runs there.

pub mod bootstrap_command;
mod guest_command;

pub use guest_command::{GuestCommand, GuestRun, excerpt};
