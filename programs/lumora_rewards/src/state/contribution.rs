use anchor_lang::prelude::*;

use crate::constants::MAX_CREDIT_PROOFS;

/// One provider's credit in one epoch, PDA `["contribution", epoch, node]`, created once by
/// `credit_epoch` (its existence is the replay guard), written again only by `claim`, closed by anyone
/// after the epoch's claim window (`close_contribution`, rent back to `payer`). Records the node's
/// operator when credited, so the claim pays it without loading the registry node — a node that has
/// since closed is still paid. (Step 4 of docs/rewards.md §6 folds it into a persistent `RewardState`;
/// the fields `claim` reads keep their offsets, `src/layout.rs`.)
#[account]
#[derive(InitSpace, Debug)]
pub struct Contribution {
    /// Layout version.
    pub version: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// The node's shard (copied from the registry node).
    pub shard: u16,
    /// Epoch index.
    pub epoch_index: u64,
    /// The epoch account.
    pub epoch: Pubkey,
    /// The registry Node account.
    pub node: Pubkey,
    /// The q-th largest capacity-time (bytes) its drawn verifiers' roots prove, before the stake bound.
    pub measured: u64,
    /// `c_i = min(measured, stake × credit_per_stake_unit)`. Task work earns no emission credit (the
    /// consumer's escrow pays it, docs/rewards.md §3.6).
    pub contribution: u64,
    /// The node's operator when credited: the claim pays its token account.
    pub operator: Pubkey,
    /// Set by `claim`.
    pub claimed: bool,
    /// LMR paid by `claim`.
    pub claimed_amount: u64,
    /// Capacity (kbps), live time (ms) and RTT (ms) of the total that gave `measured`.
    pub capacity_kbps: u32,
    pub live_ms: u32,
    pub rtt_ms: u32,
    /// The verifier Nodes whose roots proved the credit (`verifier_count` of them, in proof order).
    pub verifier_count: u8,
    pub verifiers: [Pubkey; MAX_CREDIT_PROOFS],
    /// Who paid the rent (it goes back to them when the contribution closes).
    pub payer: Pubkey,
}
