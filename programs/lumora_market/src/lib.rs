//! Lumora market program — datasets with provenance, escrowed purchases, sealed key delivery, refunds.
//! `lib.rs` only dispatches; instructions live in `instructions/`, accounts in `state/`, seeds in
//! `seeds.rs`, the fee split in `math.rs`.
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

declare_id!("EWgUsfTdNu2my94yUTq1bgvbVhopy1Jis6i8bXkTdNts");

// The registry's Config (pause switch, LMR mint, treasury, fee, tasks program id), from its IDL: no
// crate dependency, so the registry's build keeps its entrypoint.
declare_program!(lumora_registry);
// The tasks program's `Task` account (zero-copy), read for provenance checks, from its IDL.
declare_program!(lumora_tasks);

#[program]
pub mod lumora_market {
    use super::*;

    /// Lists a dataset: content hash, Merkle root, size, price, cipher suite, locator, provenance.
    pub fn list_dataset<'info>(ctx: Context<'info, ListDataset<'info>>, args: ListDatasetArgs) -> Result<()> {
        instructions::list_dataset::handler(ctx, args)
    }

    /// The seller changes the price and/or the locator of a listed dataset.
    pub fn update_dataset(ctx: Context<UpdateDataset>, args: UpdateDatasetArgs) -> Result<()> {
        instructions::update_dataset::handler(ctx, args)
    }

    /// The seller withdraws a dataset from sale; open purchases still settle.
    pub fn delist(ctx: Context<Delist>) -> Result<()> {
        instructions::delist::handler(ctx)
    }

    /// A buyer escrows the price and records its x25519 key; one open purchase per (dataset, buyer).
    pub fn purchase(ctx: Context<PurchaseDataset>, args: PurchaseArgs) -> Result<()> {
        instructions::purchase::handler(ctx, args)
    }

    /// The seller posts the data key sealed to the buyer; the escrow pays the seller and the fee.
    pub fn deliver_key(ctx: Context<DeliverKey>, sealed_key: Vec<u8>) -> Result<()> {
        instructions::deliver_key::handler(ctx, sealed_key)
    }

    /// The buyer takes the escrow back when no key was delivered by the deadline.
    pub fn refund(ctx: Context<Refund>) -> Result<()> {
        instructions::refund::handler(ctx)
    }

    /// The buyer closes a delivered or refunded purchase; its rent comes back.
    pub fn close_purchase(ctx: Context<ClosePurchase>) -> Result<()> {
        instructions::close_purchase::handler(ctx)
    }
}
