use anchor_lang::prelude::*;

use crate::constants::MAX_SLOTS;

/// Task lifecycle.
pub mod status {
    /// Accepting bids until `bid_window_end`.
    pub const OPEN: u8 = 1;
    /// The top r bidders are assignees, the rest backups; assignees commit, then reveal.
    pub const ASSIGNED: u8 = 2;
    /// A quorum agreed: agreeing assignees are paid and credited, the others penalised, one
    /// `settle_assignee` each.
    pub const SETTLED: u8 = 5;
    /// Ended without a result; the escrow went back to the consumer.
    pub const FAILED: u8 = 6;
    /// Cancelled by the consumer before assignment; the escrow went back.
    pub const CANCELLED: u8 = 7;
}

/// One kept bid: the bidder's node (registry PDA) and its score.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq, InitSpace)]
#[repr(C)]
pub struct BidSlot {
    /// The bidding node (registry `Node` PDA).
    pub node: Pubkey,
    /// Its score for this task, scale 10⁶ (`math::score`).
    pub score: u64,
}

impl BidSlot {
    /// Ranking order: higher score first; equal scores by node address ascending (deterministic).
    pub fn outranks(&self, other: &BidSlot) -> bool {
        self.score > other.score
            || (self.score == other.score && self.node.to_bytes() < other.node.to_bytes())
    }
}

/// A task, PDA `["task", consumer, task_id]`. Written by every bid, so zero-copy with an explicit
/// `repr(C)` layout (fields ordered by alignment, no padding — asserted below).
#[account(zero_copy)]
#[derive(InitSpace, Debug)]
#[repr(C)]
pub struct Task {
    /// Wallet that created and funded the task.
    pub consumer: Pubkey,
    /// SHA-256 of the canonical task spec JSON (the spec itself travels off chain).
    pub spec_hash: [u8; 32],
    /// The consumer's x25519 public key: data keys are sealed to it.
    pub consumer_x25519: [u8; 32],
    /// After `settle`: the content hash the quorum agreed on (zero when none).
    pub winning_hash: [u8; 32],
    /// Consumer-chosen id (part of the PDA seeds).
    pub task_id: u64,
    /// LMR escrowed in the task vault.
    pub payment: u64,
    /// Unix time of creation.
    pub created_at: i64,
    /// Bids are accepted while `now < bid_window_end`.
    pub bid_window_end: i64,
    /// Assignees commit before this.
    pub commit_deadline: i64,
    /// Assignees reveal before this.
    pub reveal_deadline: i64,
    /// After `settle`: what each agreeing assignee is paid from the escrow.
    pub payout_each: u64,
    /// Commit window length (commit deadline − bid window end at creation): a promoted backup gets it anew.
    pub commit_window_secs: i64,
    /// Reveal window length (reveal deadline − commit deadline at creation); also the key window: the
    /// agreeing assignees release their keys within it after `settle`.
    pub reveal_window_secs: i64,
    /// After `settle`: agreeing assignees release their sealed keys before this; after it an
    /// unreleased key counts as silence (no pay, reputation down, its share back to the consumer).
    pub key_deadline: i64,
    /// The spec's declared maximum result size in bytes (`1 ..= MAX_RESULT_BYTES`): a reveal's
    /// `byte_count` must be within `1 ..= max_bytes`.
    pub max_bytes: u64,
    /// The best `redundancy + max_backups` bids, best first (`slot_count` used).
    pub slots: [BidSlot; MAX_SLOTS],
    /// Target location, micro-degrees.
    pub lat_e6: i32,
    /// Target location, micro-degrees.
    pub lon_e6: i32,
    /// Bids received (kept or not).
    pub bid_count: u32,
    /// Required redundancy r (1 ..= 5).
    pub redundancy: u8,
    /// Backups kept beyond r (0 ..= 5).
    pub max_backups: u8,
    /// Used entries of `slots`.
    pub slot_count: u8,
    /// After `finalize_assignment`: slots `0 .. assigned_count` are assignees, the rest backups.
    pub assigned_count: u8,
    /// Lifecycle ([`status`]).
    pub status: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// Bump of the vault PDA.
    pub vault_bump: u8,
    /// Layout version.
    pub version: u8,
    /// Commitments received from assignees.
    pub commit_count: u8,
    /// Reveals received (matching or not).
    pub reveal_count: u8,
    /// After `settle`: bit i set when assignee i agreed with the quorum.
    pub agree_mask: u8,
    /// After `settle`: bit i set when assignee i's reveal did not match its commitment (fraud).
    pub fraud_mask: u8,
    /// Bit i set once `settle_assignee` processed assignee i.
    pub settled_mask: u8,
    /// After `settle`: bit i set when assignee i revealed a result matching its own commitment.
    pub revealed_mask: u8,
    /// After `settle`: bit i set once assignee i released its sealed key (`release_key`).
    pub key_mask: u8,
    /// Room for later fields.
    pub reserved: [u8; 5],
}

const _: () = assert!(core::mem::size_of::<Task>() == Task::INIT_SPACE, "Task has implicit padding");

impl Task {
    /// How many bids the task keeps: r + backups.
    pub fn capacity(&self) -> usize {
        usize::from(self.redundancy).saturating_add(usize::from(self.max_backups)).min(MAX_SLOTS)
    }

    /// Whether a bid of `node` with `score` would enter the kept list now: the list has room, or the bid
    /// outranks its last entry. A bid that would not is refused before it creates anything.
    pub fn would_rank(&self, node: Pubkey, score: u64) -> bool {
        let cap = self.capacity();
        let n = usize::from(self.slot_count).min(cap);
        n < cap || n == 0 || BidSlot { node, score }.outranks(&self.slots[n.saturating_sub(1)])
    }

    /// Offers a bid to the kept list; returns its rank when kept (see [`insert_ranked`]).
    pub fn offer(&mut self, node: Pubkey, score: u64) -> Option<u8> {
        let cap = self.capacity();
        let mut count = usize::from(self.slot_count);
        let rank = insert_ranked(&mut self.slots, &mut count, cap, BidSlot { node, score });
        // count ≤ cap ≤ MAX_SLOTS = 10
        self.slot_count = count as u8;
        rank.map(|r| r as u8)
    }

    /// The rank of `node` in the kept list (assignees first, then backups), if it is there.
    pub fn slot_rank(&self, node: &Pubkey) -> Option<usize> {
        self.slots[..usize::from(self.slot_count).min(MAX_SLOTS)].iter().position(|s| s.node == *node)
    }

    /// The assignee of `rank`, or `InvalidRank` (never an index panic, whatever the rank).
    pub fn assignee(&self, rank: u8) -> Result<Pubkey> {
        require!(rank < self.assigned_count, crate::errors::TasksError::InvalidRank);
        self.slots.get(usize::from(rank)).map(|s| s.node).ok_or(crate::errors::TasksError::InvalidRank.into())
    }

    /// The rank of `node` among the assignees, if it is one.
    pub fn assignee_rank(&self, node: &Pubkey) -> Option<usize> {
        self.slots[..usize::from(self.assigned_count).min(MAX_SLOTS)].iter().position(|s| s.node == *node)
    }

    /// Holds after every instruction that writes the task.
    pub fn invariant(&self) -> Result<()> {
        let n = usize::from(self.slot_count);
        require!(
            n <= self.capacity() && self.assigned_count <= self.slot_count,
            crate::errors::TasksError::TaskInvariant
        );
        // the kept list is ranked while bidding; promotions after assignment may reorder it
        require!(
            self.status != status::OPEN || self.slots[..n].windows(2).all(|w| w[0].outranks(&w[1])),
            crate::errors::TasksError::TaskInvariant
        );
        Ok(())
    }
}

/// Inserts `bid` into `slots[..count]`, which is sorted best first ([`BidSlot::outranks`]), keeping at
/// most `cap` entries. Returns the bid's rank if it is kept; the entry pushed past `cap` is dropped.
/// O(cap): no list ever grows past r + backups (≤ 10).
pub fn insert_ranked(slots: &mut [BidSlot], count: &mut usize, cap: usize, bid: BidSlot) -> Option<usize> {
    let cap = cap.min(slots.len());
    let n = (*count).min(cap);
    let pos = slots[..n].iter().position(|s| bid.outranks(s)).unwrap_or(n);
    if pos >= cap {
        return None;
    }
    let last = if n < cap { n } else { cap.saturating_sub(1) };
    let mut i = last;
    while i > pos {
        slots[i] = slots[i.saturating_sub(1)];
        i = i.saturating_sub(1);
    }
    slots[pos] = bid;
    *count = n.saturating_add(1).min(cap);
    Some(pos)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;

    fn key(i: u64) -> Pubkey {
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&i.to_be_bytes());
        Pubkey::new_from_array(b)
    }

    /// Property: after any bid sequence the kept list is exactly the true top `cap` (by score desc,
    /// then node ascending) of all bids so far, and every kept bid reported its correct rank.
    #[test]
    fn kept_list_is_always_the_true_top() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let cap = 1 + (next() % MAX_SLOTS as u64) as usize;
            let bids = (next() % 25) as usize;
            let mut slots = [BidSlot::default(); MAX_SLOTS];
            let mut count = 0usize;
            let mut all: Vec<BidSlot> = Vec::new();
            for b in 0..bids {
                // few distinct scores so ties are common; unique nodes (one bid per node)
                let bid = BidSlot { node: key(next() % 1_000_000 * 100 + b as u64), score: next() % 6 };
                let rank = insert_ranked(&mut slots, &mut count, cap, bid);
                all.push(bid);
                let mut truth = all.clone();
                truth.sort_by(|a, b| {
                    if a.outranks(b) {
                        core::cmp::Ordering::Less
                    } else {
                        core::cmp::Ordering::Greater
                    }
                });
                truth.truncate(cap);
                assert_eq!(&slots[..count], &truth[..], "cap {cap}");
                assert_eq!(rank, truth.iter().position(|s| *s == bid));
            }
        }
    }
}
