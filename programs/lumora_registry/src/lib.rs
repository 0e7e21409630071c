//! Lumora registry program: the protocol config (governance, pause switch, parameters) and, next, the
//! node registry (roles, stake, heartbeats, reputation). `lib.rs` only dispatches; each instruction
//! lives in `instructions/<name>.rs`, each account in `state/<name>.rs`, every seed in `seeds.rs`.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod seeds;
pub mod state;

use instructions::*;

declare_id!("BQojAHzcMzsvm9j3cbcxYWHCATphZfxeaLF84kFVnRZP");

#[program]
pub mod lumora_registry {
    use super::*;

    /// Creates the protocol config and the treasury; signed by the program's upgrade authority.
    pub fn init_config(ctx: Context<InitConfig>, args: InitConfigArgs) -> Result<()> {
        instructions::init_config::handler(ctx, args)
    }

    /// Replaces the tunable parameters (admin; bounded; rejected while paused).
    pub fn update_config(ctx: Context<UpdateConfig>, params: ConfigParams) -> Result<()> {
        instructions::update_config::handler(ctx, params)
    }

    /// Proposes a new admin (step 1 of 2); a second call replaces the proposal.
    pub fn transfer_admin(ctx: Context<TransferAdmin>, new_admin: Pubkey) -> Result<()> {
        instructions::transfer_admin::handler(ctx, new_admin)
    }

    /// The proposed admin accepts (step 2 of 2).
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        instructions::accept_admin::handler(ctx)
    }

    /// Turns the protocol-wide pause switch on or off (admin).
    pub fn set_paused(ctx: Context<SetPaused>, paused: bool) -> Result<()> {
        instructions::set_paused::handler(ctx, paused)
    }
}
