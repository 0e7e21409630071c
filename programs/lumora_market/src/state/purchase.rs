use anchor_lang::prelude::*;

use crate::constants::SEALED_KEY_MAX_LEN;
use crate::errors::MarketError;

/// Purchase lifecycle.
pub mod purchase_status {
    /// The price is in escrow; the seller may deliver until the deadline.
    pub const OPEN: u8 = 1;
    /// The key was delivered; the escrow paid the seller and the treasury.
    pub const DELIVERED: u8 = 2;
    /// No key by the deadline; the escrow went back to the buyer.
    pub const REFUNDED: u8 = 3;
}

/// A buyer's purchase of a dataset, PDA `["purchase", dataset, buyer]`: at most one per pair at a
/// time (closing it allows a new one). Holds the terms fixed at purchase time.
#[account]
#[derive(InitSpace, Debug)]
pub struct Purchase {
    /// The dataset bought.
    pub dataset: Pubkey,
    /// The buyer (pays, may refund, receives the rents).
    pub buyer: Pubkey,
    /// The seller at purchase time (receives the proceeds).
    pub seller: Pubkey,
    /// The buyer's x25519 public key: the data key is sealed to it.
    pub buyer_x25519: [u8; 32],
    /// LMR escrowed (the dataset's price at purchase time).
    pub price: u64,
    /// Protocol fee in bps, fixed at purchase time from the registry config.
    pub fee_bps: u16,
    /// [`purchase_status`].
    pub status: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// Bump of the escrow PDA.
    pub vault_bump: u8,
    /// Layout version.
    pub version: u8,
    /// Unix time of the purchase.
    pub purchased_at: i64,
    /// The seller delivers before this; from then on the buyer may refund.
    pub deadline: i64,
    /// Unix time of delivery or refund (0 while open).
    pub settled_at: i64,
    /// After delivery: the data key sealed to `buyer_x25519`.
    #[max_len(SEALED_KEY_MAX_LEN)]
    pub sealed_key: Vec<u8>,
}

impl Purchase {
    /// Holds after every instruction that writes the purchase.
    pub fn invariant(&self) -> Result<()> {
        let delivered = self.status == purchase_status::DELIVERED;
        require!(
            matches!(
                self.status,
                purchase_status::OPEN | purchase_status::DELIVERED | purchase_status::REFUNDED
            ) && delivered != self.sealed_key.is_empty()
                && self.sealed_key.len() <= SEALED_KEY_MAX_LEN
                && self.deadline > self.purchased_at,
            MarketError::Invariant
        );
        Ok(())
    }
}
