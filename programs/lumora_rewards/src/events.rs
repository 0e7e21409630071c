//! Every event of the rewards program, emitted at the end of the handler that changed the state.
use anchor_lang::prelude::*;

#[event]
pub struct EpochOpened {
    pub epoch: Pubkey,
    pub index: u64,
    pub start_ts: i64,
    pub end_ts: i64,
    pub shard_count: u16,
    /// The verifier-draw seed (docs/rewards.md §3.1) and what the draws range over.
    pub seed: [u8; 32],
    pub verifier_slots: u32,
    pub verifier_draws: u8,
}

#[event]
pub struct EpochFunded {
    pub epoch: Pubkey,
    pub funder: Pubkey,
    pub amount: u64,
    pub r_total: u64,
}

#[event]
pub struct VerifierRootPosted {
    pub epoch: u64,
    /// The verifier's registry Node.
    pub verifier: Pubkey,
    pub slot: u32,
    pub root: [u8; 32],
    pub leaf_count: u32,
}

#[event]
pub struct EpochCredited {
    pub epoch: u64,
    /// The provider's registry Node.
    pub provider: Pubkey,
    pub shard: u16,
    /// The q-th largest capacity-time proven (bytes), before the stake bound.
    pub measured: u64,
    /// What was credited: `min(measured, stake × credit_per_stake_unit)`.
    pub contribution: u64,
    /// Capacity, live time and RTT of the total that gave `measured`.
    pub capacity_kbps: u32,
    pub live_ms: u32,
    pub rtt_ms: u32,
    /// The verifier Nodes whose roots the proofs were checked against.
    pub verifiers: Vec<Pubkey>,
}

#[event]
pub struct ShardsSummed {
    pub epoch: u64,
    pub from_shard: u16,
    pub to_shard: u16,
    pub total_contribution: u128,
}

#[event]
pub struct EpochClosed {
    pub epoch: u64,
    pub r_total: u64,
    pub total_contribution: u128,
    pub claim_deadline: i64,
}

#[event]
pub struct RewardClaimed {
    pub epoch: u64,
    pub node: Pubkey,
    pub operator: Pubkey,
    pub contribution: u64,
    pub amount: u64,
}

#[event]
pub struct DustSwept {
    pub epoch: u64,
    pub to_epoch: u64,
    pub amount: u64,
}

#[event]
pub struct ShardDistributed {
    pub epoch: u64,
    pub shard: u16,
    pub shard_total: u128,
    pub reward: u64,
    pub shards_distributed: u16,
    pub contributing_shards: u16,
}

#[event]
pub struct ShardDustSwept {
    pub epoch: u64,
    pub shard: u16,
    pub to_epoch: u64,
    pub amount: u64,
}
