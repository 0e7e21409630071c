//! Precision constants, limits and well-known ids. Mirrored by `sdk/src/rewards-math.ts` and
//! `sdk/src/rewards.ts`.
use anchor_lang::prelude::*;

/// Layout version of [`crate::state::Epoch`].
pub const EPOCH_VERSION: u8 = 2;
/// Layout version of [`crate::state::EpochShard`].
pub const EPOCH_SHARD_VERSION: u8 = 2;
/// Layout version of [`crate::state::Contribution`].
pub const CONTRIBUTION_VERSION: u8 = 2;

/// Distinct verifiers whose sequence numbers one provider's contribution tracks per epoch.
pub const MAX_VERIFIERS_PER_EPOCH: usize = 16;
/// Receipts in one `submit_receipts` (a 1 232-byte transaction fits far fewer; this bounds the loop).
pub const MAX_RECEIPTS_PER_BATCH: usize = 16;

/// The ed25519 signature-verification precompile.
pub const ED25519_PROGRAM_ID: Pubkey = pubkey!("Ed25519SigVerify111111111111111111111111111");
/// The SlotHashes sysvar (the draw seed of an epoch mixes in its newest entry).
pub const SLOT_HASHES_SYSVAR_ID: Pubkey = pubkey!("SysvarS1otHashes111111111111111111111111111");
/// Domain tags of the verifier draws (docs/rewards.md §3.1), mirrored by `sdk/src/rewards-math.ts`.
pub const SEED_DOMAIN: &[u8] = b"lumora-seed-v1";
pub const DRAW_DOMAIN: &[u8] = b"lumora-draw-v1";
/// Most draws per provider (`ConfigParams::verifier_draws` ≤ this).
pub const MAX_VERIFIER_DRAWS: usize = 64;
/// The instructions sysvar (read to find the precompile instruction of this transaction).
pub const INSTRUCTIONS_SYSVAR_ID: Pubkey = pubkey!("Sysvar1nstructions1111111111111111111111111");

/// This program's `["authority"]` PDA and bump, derived at compile time (no `find` at run time).
pub const CPI_AUTHORITY_PDA: ([u8; 32], u8) =
    anchor_lang::derive_program_address(&[crate::seeds::CPI_AUTHORITY], &crate::ID.to_bytes());
