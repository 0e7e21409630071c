//! Lumora market program — datasets with provenance, escrowed purchases, sealed key delivery, refunds (issue 8).
//!
//! Foundation stage: the crate, its program id, build, IDL and test harness exist; its instructions
//! land with the issue named above. `lib.rs` only dispatches; instructions go in `instructions/`,
//! accounts in `state/`, seeds in `seeds.rs`.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod errors;

declare_id!("EWgUsfTdNu2my94yUTq1bgvbVhopy1Jis6i8bXkTdNts");

#[program]
pub mod lumora_market {}
