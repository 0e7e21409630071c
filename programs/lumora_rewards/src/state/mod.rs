//! Accounts owned by the rewards program, one file per account type.
pub mod contribution;
pub mod epoch;
pub mod epoch_shard;
pub mod verifier_root;

pub use contribution::*;
pub use epoch::*;
pub use epoch_shard::*;
pub use verifier_root::*;
