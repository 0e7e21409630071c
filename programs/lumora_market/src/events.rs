//! Every event of the market program: the purchase ledger consumers read as provenance.
use anchor_lang::prelude::*;

#[event]
pub struct DatasetListed {
    pub dataset: Pubkey,
    pub seller: Pubkey,
    pub dataset_id: u64,
    pub content_hash: [u8; 32],
    pub merkle_root: [u8; 32],
    /// SHA-256 of the plaintext records (bound to the provenance tasks' winning results).
    pub records_hash: [u8; 32],
    pub size_bytes: u64,
    pub record_count: u64,
    pub price: u64,
    pub cipher_suite: u8,
    pub delivery_window_secs: u32,
    /// The settled tasks the data came from.
    pub provenance: Vec<Pubkey>,
    pub seller_commissioned: bool,
    pub locator: String,
}

#[event]
pub struct DatasetUpdated {
    pub dataset: Pubkey,
    pub price: u64,
    pub locator: String,
}

#[event]
pub struct DatasetDelisted {
    pub dataset: Pubkey,
}

#[event]
pub struct DatasetPurchased {
    pub dataset: Pubkey,
    pub purchase: Pubkey,
    pub buyer: Pubkey,
    pub seller: Pubkey,
    pub buyer_x25519: [u8; 32],
    pub price: u64,
    pub fee_bps: u16,
    pub deadline: i64,
}

#[event]
pub struct KeyDelivered {
    pub dataset: Pubkey,
    pub purchase: Pubkey,
    pub buyer: Pubkey,
    pub seller: Pubkey,
    pub sealed_key: Vec<u8>,
    /// To the treasury.
    pub fee: u64,
    /// To the seller.
    pub seller_amount: u64,
}

#[event]
pub struct PurchaseRefunded {
    pub dataset: Pubkey,
    pub purchase: Pubkey,
    pub buyer: Pubkey,
    pub amount: u64,
}

#[event]
pub struct PurchaseClosed {
    pub dataset: Pubkey,
    pub purchase: Pubkey,
    pub buyer: Pubkey,
}
