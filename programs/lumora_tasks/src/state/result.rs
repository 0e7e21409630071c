use anchor_lang::prelude::*;

pub use crate::constants::{LOCATOR_MAX_LEN, SEALED_KEY_MAX_LEN};

/// Result state of an assignee.
pub mod result_status {
    /// Committed, not revealed.
    pub const COMMITTED: u8 = 1;
    /// Revealed, matching its commitment.
    pub const REVEALED: u8 = 2;
    /// Revealed, NOT matching its commitment: provable fraud (settlement slashes it).
    pub const FRAUD: u8 = 3;
}

/// One assignee's result, PDA `["result", task, node]`: the commitment, then the reveal.
#[account]
#[derive(InitSpace, Debug)]
pub struct TaskResult {
    /// The task.
    pub task: Pubkey,
    /// The assignee (registry `Node` PDA).
    pub node: Pubkey,
    /// The node key that committed and paid the rent (gets it back with `close_result`).
    pub committer: Pubkey,
    /// `SHA-256(content_hash ‖ merkle_root ‖ byte_count LE ‖ key_hash ‖ node_key)` (`math::commitment`):
    /// binds everything the assignee is paid for, and the node, so no one can copy another's.
    pub commitment: [u8; 32],
    /// The data layer's content hash of the result: SHA-256 of the plaintext records (key-independent, so
    /// assignees that scraped the same data agree; recorded in the manifest as `contentHash`).
    pub content_hash: [u8; 32],
    /// Merkle root of the encrypted chunks.
    pub merkle_root: [u8; 32],
    /// Bytes of result data delivered (`1 ..= task.max_bytes`).
    pub byte_count: u64,
    /// SHA-256 of the sealed data key, revealed with the result; `release_key` must post a key with
    /// this hash (the key itself is released only once the payment is final).
    pub key_hash: [u8; 32],
    /// Unix time of the commit.
    pub committed_at: i64,
    /// Unix time of the reveal (0 before).
    pub revealed_at: i64,
    /// Where the chunks are served (e.g. a libp2p multiaddr + dataset id).
    #[max_len(LOCATOR_MAX_LEN)]
    pub locator: String,
    /// The data key sealed to the consumer's x25519 key: empty until `release_key` (after `settle`).
    #[max_len(SEALED_KEY_MAX_LEN)]
    pub sealed_key: Vec<u8>,
    /// [`result_status`].
    pub status: u8,
    /// Bump of this PDA.
    pub bump: u8,
}
