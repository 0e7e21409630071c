use anchor_lang::prelude::*;

use crate::constants::{CONTRIBUTION_VERSION, MAX_VERIFIERS_PER_EPOCH};

/// One node's contribution in one epoch, PDA `["contribution", epoch, node]`. Written only by that
/// node's receipts and claim. Records the node's operator when created, so the claim
/// pays it without loading the registry node — a node that has since closed is still paid, and no
/// registry obligation has to hold the node open until it claims. Also holds the replay guard: the last sequence number
/// accepted from each verifier that measured this provider in the epoch (receipts name their epoch and
/// are accepted only during it, so a per-epoch guard rejects every replay).
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
    /// Bytes proven by verifier receipts.
    pub receipt_bytes: u64,
    /// `c_i` = the receipt bytes. Task work earns no emission credit: the consumer's escrow pays it
    /// (docs/rewards.md, "Task work"), so an actor on both sides of a task cannot farm the epoch.
    pub contribution: u64,
    /// The node's operator when the contribution was created: the claim pays its token account.
    pub operator: Pubkey,
    /// Set by `claim`.
    pub claimed: bool,
    /// LMR paid by `claim`.
    pub claimed_amount: u64,
    /// Verifiers with a sequence number below, in order of first receipt.
    pub verifier_count: u8,
    /// Node keys of the verifiers.
    pub verifiers: [Pubkey; MAX_VERIFIERS_PER_EPOCH],
    /// Last sequence number accepted from `verifiers[i]`.
    pub last_seq: [u64; MAX_VERIFIERS_PER_EPOCH],
    /// Sum of the `duration_ms` of the receipts accepted from `verifiers[i]`: at most the epoch's
    /// length, whatever each receipt claims (docs/rewards.md §3.4).
    pub duration_ms: [u32; MAX_VERIFIERS_PER_EPOCH],
}

impl Contribution {
    /// Fills the identity fields of an account `init_if_needed` has just created (`version == 0`);
    /// an existing contribution is left as it is.
    pub fn init_if_new(
        &mut self,
        bump: u8,
        shard: u16,
        epoch_index: u64,
        epoch: Pubkey,
        node: Pubkey,
        operator: Pubkey,
    ) {
        if self.version == 0 {
            self.operator = operator;
            self.version = CONTRIBUTION_VERSION;
            self.bump = bump;
            self.shard = shard;
            self.epoch_index = epoch_index;
            self.epoch = epoch;
            self.node = node;
        }
    }

    /// Accepts a receipt of `duration_ms` with `seq` from `verifier` iff `seq` exceeds the last one
    /// accepted from it this epoch and its durations stay within `max_duration_ms` (the epoch's length).
    pub fn advance(
        &mut self,
        verifier: &Pubkey,
        seq: u64,
        duration_ms: u32,
        max_duration_ms: u64,
    ) -> core::result::Result<(), Refusal> {
        let n = usize::from(self.verifier_count).min(MAX_VERIFIERS_PER_EPOCH);
        let i = match self.verifiers[..n].iter().position(|v| v == verifier) {
            Some(i) => {
                if seq <= self.last_seq[i] {
                    return Err(Refusal::Replay);
                }
                i
            }
            None if n == MAX_VERIFIERS_PER_EPOCH => return Err(Refusal::TableFull),
            None => n,
        };
        let total = u64::from(self.duration_ms[i]).saturating_add(u64::from(duration_ms));
        if total > max_duration_ms {
            return Err(Refusal::DurationBeyondEpoch);
        }
        if i == n {
            self.verifiers[n] = *verifier;
            // n < 16
            self.verifier_count = self.verifier_count.saturating_add(1);
        }
        self.last_seq[i] = seq;
        // total ≤ max_duration_ms ≤ the epoch length in ms; an epoch is at most 30 days (2.6e9 ms < 2^32)
        self.duration_ms[i] = u32::try_from(total).unwrap_or(u32::MAX);
        Ok(())
    }
}

/// Why [`Contribution::advance`] refused a receipt.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `seq` not above the last one accepted from the verifier.
    Replay,
    /// 16 verifiers already measured this provider in the epoch.
    TableFull,
    /// The verifier's durations would exceed the epoch's length.
    DurationBeyondEpoch,
}
