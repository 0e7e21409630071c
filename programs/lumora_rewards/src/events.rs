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
pub struct ReceiptsCredited {
    pub epoch: u64,
    pub provider: Pubkey,
    pub receipts: u16,
    pub bytes: u64,
    pub contribution: u64,
    pub shard: u16,
    pub verified_bandwidth_kbps: u64,
    pub verified_latency_ms: u32,
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
