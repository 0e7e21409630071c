//! Every event of the tasks program — the immutable task log consumers read as provenance.
use anchor_lang::prelude::*;

#[event]
pub struct TaskCreated {
    pub task: Pubkey,
    pub consumer: Pubkey,
    pub task_id: u64,
    pub spec_hash: [u8; 32],
    pub lat_e6: i32,
    pub lon_e6: i32,
    pub redundancy: u8,
    pub max_backups: u8,
    pub payment: u64,
    pub bid_window_end: i64,
    pub commit_deadline: i64,
    pub reveal_deadline: i64,
    /// The spec's declared maximum result size (bytes).
    pub max_bytes: u64,
}

#[event]
pub struct BidPlaced {
    pub task: Pubkey,
    pub node: Pubkey,
    pub score: u64,
    /// Rank in the kept list (0 = best), or `None` when the bid ranked below every kept one.
    pub rank: Option<u8>,
    pub distance_km: u64,
}

#[event]
pub struct TaskAssigned {
    pub task: Pubkey,
    pub assignees: Vec<Pubkey>,
    pub backups: Vec<Pubkey>,
    pub scores: Vec<u64>,
}

#[event]
pub struct TaskCancelled {
    pub task: Pubkey,
    pub refunded: u64,
}

#[event]
pub struct TaskFailed {
    pub task: Pubkey,
    pub refunded: u64,
    /// 0 = no bids.
    pub reason: u8,
}

#[event]
pub struct ResultCommitted {
    pub task: Pubkey,
    pub node: Pubkey,
    pub commitment: [u8; 32],
}

#[event]
pub struct ResultRevealed {
    pub task: Pubkey,
    pub node: Pubkey,
    pub content_hash: [u8; 32],
    pub merkle_root: [u8; 32],
    pub byte_count: u64,
    /// SHA-256 of the sealed data key `release_key` will post.
    pub key_hash: [u8; 32],
    pub locator: String,
    /// false when the reveal does not match the commitment: provable fraud, slashed at settlement.
    pub matches_commitment: bool,
}

#[event]
pub struct TaskSettled {
    pub task: Pubkey,
    /// true when a quorum agreed (or the consumer accepted), false when the task failed.
    pub success: bool,
    pub winning_hash: [u8; 32],
    pub agree_mask: u8,
    pub fraud_mask: u8,
    pub payout_each: u64,
    /// Escrow returned to the consumer now (the whole of it when the task failed).
    pub refunded: u64,
    /// The agreeing assignees release their sealed keys before this (0 when the task failed).
    pub key_deadline: i64,
}

#[event]
pub struct KeyReleased {
    pub task: Pubkey,
    pub node: Pubkey,
    /// The data key sealed to the consumer's x25519 key (its SHA-256 is the committed key hash).
    pub sealed_key: Vec<u8>,
}

#[event]
pub struct AssigneeSettled {
    pub task: Pubkey,
    pub node: Pubkey,
    /// 0 agreed (paid from the escrow, reputation up), 1 dissent or silent (reputation down),
    /// 2 fraud (slashed), 3 honest reveal on a task without quorum (neither), 4 agreed but never
    /// released its key before the key deadline (unpaid, reputation down; its share stays for the
    /// consumer).
    pub outcome: u8,
    pub paid: u64,
}

#[event]
pub struct AssigneeExpired {
    pub task: Pubkey,
    /// The silent assignee (reputation down, assignment released).
    pub expired: Pubkey,
    /// The backup promoted in its place, or `None` when none was left and the task failed.
    pub promoted: Option<Pubkey>,
    /// A backup dropped from the list instead (results already public and it held no commitment made
    /// before them, so promoting it would let it copy): the silent assignee stays until the next crank.
    pub dropped: Option<Pubkey>,
    /// 1 never committed (after the commit deadline), 2 committed but never revealed (after the reveal
    /// deadline).
    pub stage: u8,
    pub commit_deadline: i64,
    pub reveal_deadline: i64,
    /// Escrow returned when the task failed.
    pub refunded: u64,
}

#[event]
pub struct TaskClosed {
    pub task: Pubkey,
    pub refunded: u64,
}
