//! Accounts owned by the registry program, one file per account type.
pub mod config;

pub use config::*;
