use anchor_lang::prelude::*;

/// The contribution total of one shard in one epoch, PDA `["epoch_shard", epoch, shard LE]`. During the
/// credit window written by every `credit_epoch` of that shard's providers — and only those — so
/// credits of different shards never share a writable account. Created by the first credit
/// (prefund-safe, `lumora_create`); read by `close_epoch`; after the close written once by
/// `distribute_shard` (which moves the shard's share `floor(S · R_total / Σc)` into the shard's claim
/// vault) and once by `sweep_shard_dust`. Claims only read it, and pay from the shard's vault: claims
/// of different shards never share a writable account either.
#[account]
#[derive(InitSpace, Debug)]
pub struct EpochShard {
    /// Layout version.
    pub version: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// Shard number, `0 .. shard_count`.
    pub shard: u16,
    /// The epoch account this shard belongs to.
    pub epoch: Pubkey,
    /// Sum of the contributions credited to nodes of this shard in the epoch.
    pub total_contribution: u128,
    /// Providers of this shard credited in the epoch.
    pub contributors: u32,
    /// Set by `distribute_shard`: the claim vault `["shard_vault", epoch, shard]` exists and holds the share.
    pub distributed: bool,
    /// The claim vault `["shard_vault", epoch, shard]` (recorded so that claims compare a key instead
    /// of deriving the PDA).
    pub vault: Pubkey,
    /// LMR moved into the claim vault: `floor(total_contribution · R_total / Σc)`.
    pub reward: u64,
    /// Who paid the claim vault's rent (it goes back to them when the sweep closes the vault).
    pub vault_rent_payer: Pubkey,
    /// Set by `sweep_shard_dust` (exactly once); the vault is closed then.
    pub dust_swept: bool,
    /// LMR the shard sweep moved on (rounding dust and unclaimed shares).
    pub dust: u64,
}
