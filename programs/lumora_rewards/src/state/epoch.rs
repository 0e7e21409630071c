use anchor_lang::prelude::*;

use crate::constants::EPOCH_VERSION;
use crate::errors::RewardsError;

/// One reward epoch, PDA `["epoch", index LE]`. Cold: written by open, fund, each close step, each
/// shard's distribution and the sweeps — never by roots, credits or claims, which only read it.
#[account]
#[derive(InitSpace, Debug)]
pub struct Epoch {
    /// Layout version ([`EPOCH_VERSION`]).
    pub version: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// Bump of the vault PDA `["vault", epoch]`.
    pub vault_bump: u8,
    /// Epoch index: `floor(unix_ts / epoch_length_secs)` for every `unix_ts` in `[start_ts, end_ts)`.
    pub index: u64,
    /// First second of the epoch.
    pub start_ts: i64,
    /// First second after the epoch.
    pub end_ts: i64,
    /// Shard count of the config when the epoch opened (fixed at registry init).
    pub shard_count: u16,
    /// `R_total`: LMR funded into the vault plus dust swept in from earlier epochs.
    pub r_total: u64,
    /// Close cursor: shards `0 .. shards_summed` are in `total_contribution`.
    pub shards_summed: u16,
    /// `Σc`: the sum of every shard's total (final once `closed`).
    pub total_contribution: u128,
    /// Set when the cursor has summed every shard; claims open, funding stops.
    pub closed: bool,
    /// Claims are accepted until this time (close time + the config's claim window).
    pub claim_deadline: i64,
    /// Set by `sweep_dust` (exactly once).
    pub dust_swept: bool,
    /// LMR moved on by the sweep of the epoch vault (the rounding left by the shard distribution).
    pub dust: u64,
    /// Epoch index the dust moved to.
    pub dust_to_epoch: u64,
    /// Shards with an `EpochShard` account, counted by the close cursor: the shards to distribute.
    pub contributing_shards: u16,
    /// Shards whose share has moved to their claim vault (`distribute_shard`).
    pub shards_distributed: u16,
    /// LMR moved from the epoch vault to the shard claim vaults: `Σ floor(S_k · R_total / Σc)`.
    pub distributed: u64,
    /// Room for later fields.
    pub reserved: [u8; 20],
    /// Verifier-draw seed: `SHA-256("lumora-seed-v1" ‖ index ‖ slot ‖ hash)` of the newest SlotHashes
    /// entry when the epoch opened (docs/rewards.md §3.1).
    pub seed: [u8; 32],
    /// Verifier slots handed out when the epoch opened: draws range over `0 .. verifier_slots`.
    pub verifier_slots: u32,
    /// k: draws per provider (the config's `verifier_draws` when the epoch opened).
    pub verifier_draws: u8,
    /// When the epoch opened (its seed became known): providers registered at or after it earn nothing
    /// in this epoch (their keys could have been chosen against the seed).
    pub opened_at: i64,
    /// q: proofs a provider's credit takes (the config's `credit_quorum` when the epoch opened).
    pub credit_quorum: u8,
    /// Roots and credits are accepted in `[end_ts, credit_deadline)`; the epoch closes after it
    /// (`end_ts` + the config's `credit_window_secs` when the epoch opened).
    pub credit_deadline: i64,
}

impl Epoch {
    /// Holds after every instruction that writes an epoch.
    pub fn invariant(&self) -> Result<()> {
        require!(self.version == EPOCH_VERSION, RewardsError::EpochInvariant);
        require!(self.start_ts < self.end_ts, RewardsError::EpochInvariant);
        require!(self.end_ts < self.credit_deadline, RewardsError::EpochInvariant);
        require!(self.shards_summed <= self.shard_count, RewardsError::EpochInvariant);
        require!(!self.closed || self.shards_summed == self.shard_count, RewardsError::EpochInvariant);
        require!(!self.dust_swept || self.closed, RewardsError::EpochInvariant);
        require!(self.contributing_shards <= self.shards_summed, RewardsError::EpochInvariant);
        require!(self.shards_distributed <= self.contributing_shards, RewardsError::EpochInvariant);
        require!(self.shards_distributed == 0 || self.closed, RewardsError::EpochInvariant);
        require!(self.distributed <= self.r_total, RewardsError::EpochInvariant);
        Ok(())
    }

    /// `R_total += amount` (funding, or dust swept in from an earlier epoch), then the invariant.
    pub fn add_reward(&mut self, amount: u64) -> Result<()> {
        self.r_total = self.r_total.checked_add(amount).ok_or(RewardsError::MathOverflow)?;
        self.invariant()
    }

    /// Every contributing shard's share has moved to its claim vault (nothing to distribute when
    /// `Σc = 0`).
    pub fn fully_distributed(&self) -> bool {
        self.closed && (self.shards_distributed == self.contributing_shards || self.total_contribution == 0)
    }

    /// See [`in_credit_window`].
    pub fn in_credit_window(&self, now: i64) -> bool {
        in_credit_window(self.end_ts, self.credit_deadline, now)
    }

    /// See [`length_ms`].
    pub fn length_ms(&self) -> u64 {
        length_ms(self.start_ts, self.end_ts)
    }
}

/// Roots and credits are accepted from the epoch's end until its credit deadline (shared by `Epoch` and
/// `credit_epoch`'s offset view of it).
pub fn in_credit_window(end_ts: i64, credit_deadline: i64, now: i64) -> bool {
    end_ts <= now && now < credit_deadline
}

/// An epoch's length in ms (live times are bounded by it).
pub fn length_ms(start_ts: i64, end_ts: i64) -> u64 {
    u64::try_from(end_ts.saturating_sub(start_ts)).unwrap_or(0).saturating_mul(1_000)
}
