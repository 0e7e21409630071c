use anchor_lang::prelude::*;

use crate::constants::{LOCATOR_MAX_LEN, MAX_PROVENANCE};
use crate::errors::MarketError;

/// A listed dataset, PDA `["dataset", seller, dataset_id]`. Read on purchase, written by the seller
/// rarely: a cold account (borsh).
#[account]
#[derive(InitSpace, Debug)]
pub struct Dataset {
    /// Who sells it and receives the proceeds (the consumer that commissioned the tasks, or an aggregator).
    pub seller: Pubkey,
    /// Seller-chosen id (part of the PDA seeds).
    pub dataset_id: u64,
    /// SHA-256 of the ciphertext manifest (the data layer's `manifestHash`): the dataset's identity.
    pub content_hash: [u8; 32],
    /// Merkle root over the SHA-256 of every encrypted chunk.
    pub merkle_root: [u8; 32],
    /// SHA-256 of the plaintext records (the manifest's `contentHash`). With one provenance task it is
    /// that task's winning content hash, checked at listing; with several the plaintext is the winning
    /// results' plaintexts concatenated in provenance order (each part checked by the buyer against its
    /// task's winning hash, the part lengths being the results' byte counts).
    pub records_hash: [u8; 32],
    /// Bytes of the plaintext; with provenance, the sum of the cited winning results' byte counts
    /// (checked at listing).
    pub size_bytes: u64,
    /// Records in the dataset, as declared by the seller.
    pub record_count: u64,
    /// Price in LMR base units.
    pub price: u64,
    /// Seconds the seller has to deliver the key after a purchase; then the buyer may refund.
    pub delivery_window_secs: u32,
    /// Sales completed (keys delivered).
    pub sales: u32,
    /// Cipher suite of the data (the data layer's `CIPHER_SUITE` id).
    pub cipher_suite: u8,
    /// True when every provenance task was commissioned by the seller (its `consumer`); an
    /// aggregator's listing of others' tasks says false.
    pub seller_commissioned: bool,
    /// False once delisted: no new purchases.
    pub listed: bool,
    /// Bump of this PDA.
    pub bump: u8,
    /// Layout version.
    pub version: u8,
    /// Unix time of listing.
    pub listed_at: i64,
    /// The settled tasks of the tasks program the data came from (task PDAs), each checked at listing.
    #[max_len(MAX_PROVENANCE)]
    pub provenance: Vec<Pubkey>,
    /// Where the manifest and chunks are served (e.g. a libp2p multiaddr + dataset id).
    #[max_len(LOCATOR_MAX_LEN)]
    pub locator: String,
}

impl Dataset {
    /// Holds after every instruction that writes the dataset.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.price > 0
                && self.size_bytes > 0
                && self.provenance.len() <= MAX_PROVENANCE
                && self.locator.len() <= LOCATOR_MAX_LEN,
            MarketError::Invariant
        );
        Ok(())
    }
}
