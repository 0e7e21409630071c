//! Accounts owned by the registry program, one file per account type.
pub mod config;
pub mod node;

pub use config::*;
pub use node::*;
