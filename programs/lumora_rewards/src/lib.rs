//! Lumora rewards program: Proof-of-Bandwidth v2 — protocol-drawn verifiers post one signed Merkle root
//! of their cumulative totals per epoch, each provider is credited once with the q-th largest of its
//! drawn verifiers' totals —, sharded epoch totals, and the reward vault paying
//! `R_i = floor(c_i · R_total / Σc)` with O(1) claims (docs/rewards.md). `lib.rs` only dispatches; each instruction lives in `instructions/<name>.rs`,
//! each account in `state/<name>.rs`, every seed in `seeds.rs`.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod constants;
pub mod ed25519;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod layout;
pub mod math;
pub mod registry_cpi;
pub mod root;
pub mod seeds;
pub mod state;
pub mod vault;

use instructions::*;

// The registry's accounts and CPI client, generated from its IDL (`idls/lumora_registry.json`) — no
// crate dependency, so no `cpi`/`no-entrypoint` feature leaks into the registry's own build.
declare_program!(lumora_registry);

declare_id!("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");

#[program]
pub mod lumora_rewards {
    use super::*;

    /// Opens the current epoch and its vault (permissionless; the previous epoch has ended).
    pub fn open_epoch(ctx: Context<OpenEpoch>, index: u64) -> Result<()> {
        instructions::open_epoch::handler(ctx, index)
    }

    /// Adds LMR to an epoch's vault; R_total grows by it (anyone, until the epoch closes).
    pub fn fund_epoch(ctx: Context<FundEpoch>, amount: u64) -> Result<()> {
        instructions::fund_epoch::handler(ctx, amount)
    }

    /// After an epoch's end: records a drawn verifier's Merkle root over its totals, signed by its node
    /// key (checked through the ed25519 precompile), once per (epoch, verifier).
    pub fn post_verifier_root(ctx: Context<PostVerifierRoot>, root: [u8; 32], leaf_count: u32) -> Result<()> {
        instructions::post_verifier_root::handler(ctx, root, leaf_count)
    }

    /// After an epoch's end: credits a provider once with the q-th largest of its drawn verifiers'
    /// totals, proved against their roots.
    pub fn credit_epoch<'info>(
        ctx: Context<'info, CreditEpoch<'info>>,
        proofs: Vec<CreditProof>,
    ) -> Result<()> {
        instructions::credit_epoch::handler(ctx, proofs)
    }

    /// After an epoch's credit window: closes a verifier root, its rent back to its payer (permissionless).
    pub fn close_verifier_root(ctx: Context<CloseVerifierRoot>) -> Result<()> {
        instructions::close_verifier_root::handler(ctx)
    }

    /// After an epoch's claim window: closes a contribution, its rent back to its payer (permissionless).
    pub fn close_contribution(ctx: Context<CloseContribution>) -> Result<()> {
        instructions::close_contribution::handler(ctx)
    }

    /// After the credit window: sums the next shard totals into Σc (cursor); the last step closes it.
    pub fn close_epoch<'info>(ctx: Context<'info, CloseEpoch<'info>>) -> Result<()> {
        instructions::close_epoch::handler(ctx)
    }

    /// After the close: moves one shard's share `floor(S_k · R_total / Σc)` into its claim vault, once.
    pub fn distribute_shard(ctx: Context<DistributeShard>) -> Result<()> {
        instructions::distribute_shard::handler(ctx)
    }

    /// Pays a node its share of a closed epoch from its shard's claim vault, once, to its operator's
    /// token account.
    pub fn claim(ctx: Context<Claim>) -> Result<()> {
        instructions::claim::handler(ctx)
    }

    /// After the claim window, once every shard is distributed: the epoch vault's rounding remainder
    /// moves to a later epoch, exactly once.
    pub fn sweep_dust(ctx: Context<SweepDust>) -> Result<()> {
        instructions::sweep_dust::handler(ctx)
    }

    /// After the claim window: a shard claim vault's remainder moves to a later epoch, exactly once;
    /// the vault closes and its rent returns to its payer.
    pub fn sweep_shard_dust(ctx: Context<SweepShardDust>) -> Result<()> {
        instructions::sweep_shard_dust::handler(ctx)
    }
}
