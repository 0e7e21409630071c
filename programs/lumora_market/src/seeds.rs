//! Every PDA seed of the market program. Mirrored one-for-one by `sdk/src/pda.ts` (`MARKET_SEEDS`) and
//! pinned by `tests/vectors/seeds.json` (entries `defined_in: "market"`).

/// `["dataset", seller, dataset_id (u64 LE)]` — a listing (the seller picks the id).
pub const DATASET: &[u8] = b"dataset";
/// `["purchase", dataset, buyer]` — a buyer's purchase of a dataset (at most one open at a time).
pub const PURCHASE: &[u8] = b"purchase";
/// `["purchase_vault", purchase]` — the purchase's LMR escrow, owned by the purchase PDA.
pub const PURCHASE_VAULT: &[u8] = b"purchase_vault";
