use anchor_lang::prelude::*;

/// Proof that a node bid on a task, PDA `["bid", task, node]`: its existence makes a second bid by the
/// same node fail. Cold (written once).
#[account]
#[derive(InitSpace, Debug)]
pub struct Bid {
    /// The task.
    pub task: Pubkey,
    /// The bidding node (registry `Node` PDA).
    pub node: Pubkey,
    /// The node key that bid and paid the rent (gets it back with `close_bid`).
    pub bidder: Pubkey,
    /// Its score, scale 10⁶.
    pub score: u64,
    /// Unix time of the bid.
    pub placed_at: i64,
    /// Bump of this PDA.
    pub bump: u8,
}
