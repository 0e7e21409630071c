//! Precision constants, limits and well-known ids. Mirrored by `sdk/src/rewards-math.ts` and
//! `sdk/src/rewards.ts`.
use anchor_lang::prelude::*;

/// Layout version of [`crate::state::Epoch`].
pub const EPOCH_VERSION: u8 = 3;
/// Layout version of [`crate::state::EpochShard`].
pub const EPOCH_SHARD_VERSION: u8 = 2;
/// Layout version of [`crate::state::Contribution`].
pub const CONTRIBUTION_VERSION: u8 = 3;
/// Layout version of [`crate::state::VerifierRoot`].
pub const VERIFIER_ROOT_VERSION: u8 = 1;

/// Most proofs one `credit_epoch` takes (the registry's `credit_quorum` ≤ this): four proofs of depth 7
/// are what a 1 232-byte transaction carries (docs/rewards.md §4.2).
pub const MAX_CREDIT_PROOFS: usize = 4;
/// Longest Merkle path a proof may carry: a root covers at most 2^16 leaves.
pub const MAX_PROOF_DEPTH: usize = 16;
/// Most leaves a verifier root may declare (`2^MAX_PROOF_DEPTH`).
pub const MAX_ROOT_LEAVES: u32 = 1 << MAX_PROOF_DEPTH;

/// The ed25519 signature-verification precompile.
pub const ED25519_PROGRAM_ID: Pubkey = pubkey!("Ed25519SigVerify111111111111111111111111111");
/// The SlotHashes sysvar (the draw seed of an epoch mixes in its newest entry).
pub const SLOT_HASHES_SYSVAR_ID: Pubkey = pubkey!("SysvarS1otHashes111111111111111111111111111");
/// Domain tags of the verifier draws (docs/rewards.md §3.1), mirrored by `sdk/src/rewards-math.ts`.
pub const SEED_DOMAIN: &[u8] = b"lumora-seed-v1";
pub const DRAW_DOMAIN: &[u8] = b"lumora-draw-v1";
/// Domain tag of the message a verifier signs over its epoch root (docs/rewards.md §3.2), zero-padded to
/// 16 bytes; mirrored by `sdk/src/totals.ts`.
pub const ROOT_DOMAIN_TAG: [u8; 16] = *b"LUMORA_ROOT_V1\0\0";
/// First byte hashed into a leaf (a provider's total) and into an inner node of a verifier's tree: a
/// leaf can never be read as an inner node, nor the reverse.
pub const LEAF_TAG: u8 = 0x00;
pub const NODE_TAG: u8 = 0x01;
/// Most draws per provider (`ConfigParams::verifier_draws` ≤ this).
pub const MAX_VERIFIER_DRAWS: usize = 64;
/// The instructions sysvar (read to find the precompile instruction of this transaction).
pub const INSTRUCTIONS_SYSVAR_ID: Pubkey = pubkey!("Sysvar1nstructions1111111111111111111111111");

/// This program's `["authority"]` PDA and bump, derived at compile time (no `find` at run time).
pub const CPI_AUTHORITY_PDA: ([u8; 32], u8) =
    anchor_lang::derive_program_address(&[crate::seeds::CPI_AUTHORITY], &crate::ID.to_bytes());
