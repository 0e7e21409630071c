//! Accounts owned by the market program, one file per account type.
pub mod dataset;
pub mod purchase;

pub use dataset::*;
pub use purchase::*;
