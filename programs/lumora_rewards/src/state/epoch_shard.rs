use anchor_lang::prelude::*;

use crate::constants::EPOCH_SHARD_VERSION;

/// The contribution total of one shard in one epoch, PDA `["epoch_shard", epoch, shard LE]`. Written
/// by every receipt batch and task credit of that shard's nodes — and only those — so receipts from
/// different shards never share a writable account. Created on first use (`init_if_needed`); read
/// once by `close_epoch`. Borsh, not zero-copy: it is 8 + 61 bytes and `init_if_needed` needs the
/// borsh path (a zero-copy `load_init` cannot tell a new account from an existing one).
#[account]
#[derive(InitSpace, Debug)]
pub struct EpochShard {
    /// Layout version.
    pub version: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// Shard number, `0 .. shard_count`.
    pub shard: u16,
    /// The epoch account this shard belongs to.
    pub epoch: Pubkey,
    /// Sum of the contributions credited to nodes of this shard in the epoch.
    pub total_contribution: u128,
    /// Nodes of this shard with a contribution in the epoch.
    pub contributors: u32,
}

impl EpochShard {
    /// Fills the identity fields of an account `init_if_needed` has just created (`version == 0`);
    /// an existing shard total is left as it is.
    pub fn init_if_new(&mut self, bump: u8, shard: u16, epoch: Pubkey) {
        if self.version == 0 {
            self.version = EPOCH_SHARD_VERSION;
            self.bump = bump;
            self.shard = shard;
            self.epoch = epoch;
        }
    }
}
