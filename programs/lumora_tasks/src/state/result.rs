use anchor_lang::prelude::*;

/// Longest storage locator of a result, in bytes.
pub const LOCATOR_MAX_LEN: usize = 128;
/// Longest sealed data key, in bytes (the SDK's sealed key is 81).
pub const SEALED_KEY_MAX_LEN: usize = 96;

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
    /// `SHA-256(content_hash ‖ node_key)` — binds the hash to the node, so no one can copy another's.
    pub commitment: [u8; 32],
    /// The data layer's content hash of the result: SHA-256 of the plaintext records (key-independent, so
    /// assignees that scraped the same data agree; recorded in the manifest as `contentHash`).
    pub content_hash: [u8; 32],
    /// Merkle root of the encrypted chunks.
    pub merkle_root: [u8; 32],
    /// Bytes of result data delivered.
    pub byte_count: u64,
    /// Unix time of the commit.
    pub committed_at: i64,
    /// Unix time of the reveal (0 before).
    pub revealed_at: i64,
    /// Where the chunks are served (e.g. a libp2p multiaddr + dataset id).
    #[max_len(LOCATOR_MAX_LEN)]
    pub locator: String,
    /// The data key sealed to the consumer's x25519 key.
    #[max_len(SEALED_KEY_MAX_LEN)]
    pub sealed_key: Vec<u8>,
    /// [`result_status`].
    pub status: u8,
    /// Bump of this PDA.
    pub bump: u8,
}
