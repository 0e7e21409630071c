//! Lumora rewards program — Proof-of-Bandwidth receipts, sharded epochs and the R_i = C_i·R_total reward vault (issue 6).
//!
//! Foundation stage: the crate, its program id, build, IDL and test harness exist; its instructions
//! land with the issue named above. `lib.rs` only dispatches; instructions go in `instructions/`,
//! accounts in `state/`, seeds in `seeds.rs`.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod errors;

declare_id!("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");

#[program]
pub mod lumora_rewards {}
