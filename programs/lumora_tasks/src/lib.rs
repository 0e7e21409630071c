//! Lumora tasks program — the on-chain task log: escrowed tasks, score-based assignment, commit–reveal results, quorum settlement (issue 5).
//!
//! Foundation stage: the crate, its program id, build, IDL and test harness exist; its instructions
//! land with the issue named above. `lib.rs` only dispatches; instructions go in `instructions/`,
//! accounts in `state/`, seeds in `seeds.rs`.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod errors;
pub mod math;

declare_id!("F8B759NWhrJCnR4dgSgN77k2EK9DTkQDiEF4waQM9p3x");

#[program]
pub mod lumora_tasks {}
