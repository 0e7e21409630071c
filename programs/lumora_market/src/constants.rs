//! Bounds of the market program, mirrored by `sdk/src/market.ts` (`MARKET_BOUNDS`).

/// Longest locator of a dataset, in bytes.
pub const LOCATOR_MAX_LEN: usize = 128;
/// Most provenance tasks a listing names (each is checked on chain, one remaining account each).
pub const MAX_PROVENANCE: usize = 8;
/// Longest sealed data key, in bytes (the data layer's sealed key is 81).
pub const SEALED_KEY_MAX_LEN: usize = 96;
/// Shortest delivery window a seller may offer (seconds).
pub const MIN_DELIVERY_WINDOW_SECS: u32 = 60;
/// Longest delivery window a seller may offer (seconds): 7 days.
pub const MAX_DELIVERY_WINDOW_SECS: u32 = 7 * 86_400;
/// Cipher suites a listing may name (the data layer's `CIPHER_SUITE`: 1 = AES-256-GCM + SHA-256).
pub const CIPHER_SUITES: &[u8] = &[1];
/// Basis points in a whole.
pub const BPS_DENOMINATOR: u64 = 10_000;
/// Layout version of `Dataset`.
pub const DATASET_VERSION: u8 = 2;
/// Layout version of `PurchaseRecord`.
pub const PURCHASE_VERSION: u8 = 1;
