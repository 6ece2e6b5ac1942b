//! Crate-wide tests that look across layers (a type in each of them), compiled only for tests.

mod redaction;
