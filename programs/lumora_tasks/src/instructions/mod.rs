//! One file per instruction: args → accounts → validate() → handler.
//! Anchor's `#[program]` needs the glob re-exports (they carry its generated client modules); every
//! file names its entry point `handler`, which is only ever called by path.
#![allow(ambiguous_glob_reexports)]
pub mod bid;
pub mod cancel_task;
pub mod close_records;
pub mod close_task;
pub mod commit_result;
pub mod create_task;
pub mod expire_and_reassign;
pub mod finalize_assignment;
pub mod release_key;
pub mod reveal_result;
pub mod settle;
pub mod settle_assignee;

pub use bid::*;
pub use cancel_task::*;
pub use close_records::*;
pub use close_task::*;
pub use commit_result::*;
pub use create_task::*;
pub use expire_and_reassign::*;
pub use finalize_assignment::*;
pub use release_key::*;
pub use reveal_result::*;
pub use settle::*;
pub use settle_assignee::*;
