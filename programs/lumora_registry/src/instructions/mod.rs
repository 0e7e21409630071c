//! One file per instruction: args → accounts → validate() → handler.
//! Anchor's `#[program]` needs the glob re-exports (they carry its generated client modules); every
//! file names its entry point `handler`, which is only ever called by path.
#![allow(ambiguous_glob_reexports)]
pub mod accept_admin;
pub mod adjust_obligations;
pub mod close_node;
pub mod deregister;
pub mod heartbeat;
pub mod init_config;
pub mod record_outcome;
pub mod register_node;
pub mod request_unstake;
pub mod set_paused;
pub mod slash;
pub mod stake_more;
pub mod transfer_admin;
pub mod unjail;
pub mod update_config;
pub mod update_metrics;
pub mod update_node;
pub mod withdraw_stake;

pub use accept_admin::*;
pub use adjust_obligations::*;
pub use close_node::*;
pub use deregister::*;
pub use heartbeat::*;
pub use init_config::*;
pub use record_outcome::*;
pub use register_node::*;
pub use request_unstake::*;
pub use set_paused::*;
pub use slash::*;
pub use stake_more::*;
pub use transfer_admin::*;
pub use unjail::*;
pub use update_config::*;
pub use update_metrics::*;
pub use update_node::*;
pub use withdraw_stake::*;

pub use crate::state::{ConfigParams, NodeProfile, ScoreWeights};
