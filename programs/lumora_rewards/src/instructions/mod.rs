//! One file per instruction: args → accounts → validate() → handler.
//! Anchor's `#[program]` needs the glob re-exports (they carry its generated client modules); every
//! file names its entry point `handler`, which is only ever called by path.
#![allow(ambiguous_glob_reexports)]
pub mod claim;
pub mod close_contribution;
pub mod close_epoch;
pub mod close_verifier_root;
pub mod credit_epoch;
pub mod distribute_shard;
pub mod fund_epoch;
pub mod open_epoch;
pub mod post_verifier_root;
pub mod sweep_dust;
pub mod sweep_shard_dust;

pub use claim::*;
pub use close_contribution::*;
pub use close_epoch::*;
pub use close_verifier_root::*;
pub use credit_epoch::*;
pub use distribute_shard::*;
pub use fund_epoch::*;
pub use open_epoch::*;
pub use post_verifier_root::*;
pub use sweep_dust::*;
pub use sweep_shard_dust::*;

pub use crate::root::Total;
