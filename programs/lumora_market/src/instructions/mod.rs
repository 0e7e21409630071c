//! One file per instruction: args → accounts → validate() → handler.
//! Anchor's `#[program]` needs the glob re-exports (they carry its generated client modules); every
//! file names its entry point `handler`, which is only ever called by path.
#![allow(ambiguous_glob_reexports)]
pub mod close_purchase;
pub mod delist;
pub mod deliver_key;
pub mod list_dataset;
pub mod purchase;
pub mod refund;
pub mod update_dataset;

pub use close_purchase::*;
pub use delist::*;
pub use deliver_key::*;
pub use list_dataset::*;
pub use purchase::*;
pub use refund::*;
pub use update_dataset::*;
