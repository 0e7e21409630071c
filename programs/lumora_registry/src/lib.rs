//! Lumora registry program: the protocol config (governance, pause switch, parameters) and the node
//! registry (roles, stake, heartbeats, reputation, jail, slash). `lib.rs` only dispatches; each instruction
//! lives in `instructions/<name>.rs`, each account in `state/<name>.rs`, every seed in `seeds.rs`.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
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

    /// Registers a node (operator pays and stakes, node key proves possession).
    pub fn register_node(ctx: Context<RegisterNode>, args: RegisterNodeArgs) -> Result<()> {
        instructions::register_node::handler(ctx, args)
    }

    /// Replaces a node's roles, location, bandwidth and multiaddr (operator).
    pub fn update_node(ctx: Context<UpdateNode>, profile: NodeProfile) -> Result<()> {
        instructions::update_node::handler(ctx, profile)
    }

    /// Liveness: last-seen slot/time and this epoch's uptime counter (node key).
    pub fn heartbeat(ctx: Context<HeartbeatAccounts>) -> Result<()> {
        instructions::heartbeat::handler(ctx)
    }

    /// Adds LMR to a node's stake (operator).
    pub fn stake_more(ctx: Context<StakeMore>, amount: u64) -> Result<()> {
        instructions::stake_more::handler(ctx, amount)
    }

    /// Starts the cooldown on part of the stake (operator).
    pub fn request_unstake(ctx: Context<RequestUnstake>, amount: u64) -> Result<()> {
        instructions::request_unstake::handler(ctx, amount)
    }

    /// Withdraws the pending unstake after its cooldown (operator).
    pub fn withdraw_stake(ctx: Context<WithdrawStake>) -> Result<()> {
        instructions::withdraw_stake::handler(ctx)
    }

    /// Stops the node; its whole stake enters the cooldown (operator).
    pub fn deregister(ctx: Context<Deregister>) -> Result<()> {
        instructions::deregister::handler(ctx)
    }

    /// Closes a deregistered node that owes nothing, returning stake and rent (operator).
    pub fn close_node(ctx: Context<CloseNode>) -> Result<()> {
        instructions::close_node::handler(ctx)
    }

    /// CPI-only (tasks authority): a task outcome updates reputation; may jail.
    pub fn record_outcome(ctx: Context<RecordOutcome>, success: bool) -> Result<()> {
        instructions::record_outcome::handler(ctx, success)
    }

    /// CPI-only (rewards authority): verified bandwidth and latency.
    pub fn update_metrics(
        ctx: Context<UpdateMetrics>,
        verified_bandwidth_kbps: u64,
        verified_latency_ms: u32,
    ) -> Result<()> {
        instructions::update_metrics::handler(ctx, verified_bandwidth_kbps, verified_latency_ms)
    }

    /// CPI-only (tasks or rewards authority): open assignments / unclaimed epochs the node owes.
    pub fn adjust_obligations(
        ctx: Context<AdjustObligations>,
        assignments_delta: i32,
        epochs_delta: i32,
    ) -> Result<()> {
        instructions::adjust_obligations::handler(ctx, assignments_delta, epochs_delta)
    }

    /// Ends a jail after its cooldown, reputation raised to the threshold (operator).
    pub fn unjail(ctx: Context<Unjail>) -> Result<()> {
        instructions::unjail::handler(ctx)
    }

    /// Moves `slash_bps` of the stake at risk to the treasury (admin, or tasks authority by CPI).
    pub fn slash(ctx: Context<Slash>, reason: u8) -> Result<()> {
        instructions::slash::handler(ctx, reason)
    }
}
