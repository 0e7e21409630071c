//! Lumora tasks program — the on-chain task log: escrowed tasks, score-based assignment computed on
//! chain, (next) commit–reveal results, quorum settlement and reassignment. `lib.rs` only dispatches;
//! instructions live in `instructions/`, accounts in `state/`, seeds in `seeds.rs`, math in `math.rs`.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod constants;
pub mod cpi;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
pub mod seeds;
pub mod state;

use instructions::*;

declare_id!("F8B759NWhrJCnR4dgSgN77k2EK9DTkQDiEF4waQM9p3x");

// The registry's accounts and CPI client, generated from its IDL (`idls/lumora_registry.json`): no
// crate dependency on the registry program, so its build keeps its entrypoint.
declare_program!(lumora_registry);

#[program]
pub mod lumora_tasks {
    use super::*;

    /// Creates a task and escrows its payment (consumer).
    pub fn create_task(ctx: Context<CreateTask>, args: CreateTaskArgs) -> Result<()> {
        instructions::create_task::handler(ctx, args)
    }

    /// A bid by an eligible executor; the program computes its score and keeps the best r + backups.
    pub fn bid(ctx: Context<PlaceBid>) -> Result<()> {
        instructions::bid::handler(ctx)
    }

    /// Permissionless after the bid window: top r become assignees, the rest backups.
    pub fn finalize_assignment<'info>(ctx: Context<'info, FinalizeAssignment<'info>>) -> Result<()> {
        instructions::finalize_assignment::handler(ctx)
    }

    /// The consumer cancels before assignment; the escrow comes back.
    pub fn cancel_task(ctx: Context<CancelTask>) -> Result<()> {
        instructions::cancel_task::handler(ctx)
    }

    /// An assignee (or a backup, before any reveal) commits to its whole result before the commit deadline.
    pub fn commit_result(ctx: Context<CommitResult>, commitment: [u8; 32]) -> Result<()> {
        instructions::commit_result::handler(ctx, commitment)
    }

    /// An assignee reveals its result once all committed or the commit deadline passed.
    pub fn reveal_result(ctx: Context<RevealResult>, args: RevealArgs) -> Result<()> {
        instructions::reveal_result::handler(ctx, args)
    }

    /// Permissionless after the reveals, every r: the majority of the assignees' reveals wins.
    pub fn settle<'info>(ctx: Context<'info, Settle<'info>>) -> Result<()> {
        instructions::settle::handler(ctx)
    }

    /// An agreeing assignee posts its sealed data key (hashing to its committed key hash) after `settle`.
    pub fn release_key(ctx: Context<ReleaseKey>, sealed_key: Vec<u8>) -> Result<()> {
        instructions::release_key::handler(ctx, sealed_key)
    }

    /// Permissionless after `settle`: pays (once its key is out) or penalises one assignee.
    pub fn settle_assignee(ctx: Context<SettleAssignee>, rank: u8) -> Result<()> {
        instructions::settle_assignee::handler(ctx, rank)
    }

    /// Permissionless: an assignee silent at commit or at reveal is replaced from the backups.
    pub fn expire_and_reassign(ctx: Context<ExpireAndReassign>, rank: u8) -> Result<()> {
        instructions::expire_and_reassign::handler(ctx, rank)
    }

    /// The consumer closes a finished task: escrow remainder and rents back.
    pub fn close_task(ctx: Context<CloseTask>) -> Result<()> {
        instructions::close_task::handler(ctx)
    }

    /// The bidder takes its bid record's rent back once bidding is over.
    pub fn close_bid(ctx: Context<CloseBid>) -> Result<()> {
        instructions::close_records::close_bid(ctx)
    }

    /// The assignee takes its result record's rent back once it is settled.
    pub fn close_result(ctx: Context<CloseResult>) -> Result<()> {
        instructions::close_records::close_result(ctx)
    }
}
