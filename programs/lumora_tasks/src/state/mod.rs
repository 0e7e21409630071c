//! Accounts owned by the tasks program, one file per account type.
pub mod bid;
pub mod result;
pub mod task;

pub use bid::*;
pub use result::*;
pub use task::*;
