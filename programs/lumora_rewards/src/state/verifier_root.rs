use anchor_lang::prelude::*;

/// One verifier's Merkle root over its cumulative totals of one epoch, PDA
/// `["verifier_root", epoch, verifier]` (`verifier` = its registry Node), created once by
/// `post_verifier_root` from a signature by the verifier's node key (docs/rewards.md §3.2). Read by
/// every `credit_epoch` of a provider that drew its slot; never written again; closed by anyone once the
/// credit window is over (`close_verifier_root`, rent back to `payer`).
#[account]
#[derive(InitSpace, Debug)]
pub struct VerifierRoot {
    /// Layout version.
    pub version: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// Epoch index.
    pub epoch_index: u64,
    /// The verifier's registry Node.
    pub verifier: Pubkey,
    /// The verifier's operator when it posted (a provider of the same operator cannot use this root).
    pub operator: Pubkey,
    /// The verifier slot it held when the epoch's draws were fixed.
    pub slot: u32,
    /// Merkle root of the leaves `SHA-256(0x00 ‖ provider ‖ live_ms ‖ capacity_kbps ‖ rtt_ms ‖ bytes)`.
    pub root: [u8; 32],
    /// Leaves under the root (as signed).
    pub leaf_count: u32,
    /// When it was posted.
    pub posted_at: i64,
    /// Who paid the rent (it goes back to them when the root closes).
    pub payer: Pubkey,
    /// The epoch's credit deadline: the root may close from then on.
    pub credit_deadline: i64,
}
