//! One file per instruction: args → accounts → validate() → handler.
//! Anchor's `#[program]` needs the glob re-exports (they carry its generated client modules); every
//! file names its entry point `handler`, which is only ever called by path.
#![allow(ambiguous_glob_reexports)]
pub mod accept_admin;
pub mod init_config;
pub mod set_paused;
pub mod transfer_admin;
pub mod update_config;

pub use accept_admin::*;
pub use init_config::*;
pub use set_paused::*;
pub use transfer_admin::*;
pub use update_config::*;

pub use crate::state::{ConfigParams, ScoreWeights};
