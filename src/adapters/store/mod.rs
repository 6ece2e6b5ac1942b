//! Store adapters. SQLite (through sea-orm) is the only one: one file holds all of Nimbus's state.

pub mod sqlite;
