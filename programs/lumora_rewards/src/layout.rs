//! Fixed byte offsets of the accounts `claim` and `credit_epoch` read without a borsh load (see
//! `instructions/claim.rs`, `instructions/credit_epoch.rs`):
//! every field before the last one read has a fixed size, so each offset is the sum of the sizes before
//! it. `tests/layout.rs` pins every offset against the borsh encoding of a sample account, so a layout
//! change that moves one fails there, not on chain.
use anchor_lang::prelude::*;

/// `Epoch` (8-byte discriminator, then borsh).
pub mod epoch {
    pub const BUMP: usize = 9;
    pub const INDEX: usize = 11;
    pub const R_TOTAL: usize = 37;
    pub const TOTAL_CONTRIBUTION: usize = 47;
    pub const CLOSED: usize = 63;
    pub const CLAIM_DEADLINE: usize = 64;
    pub const START_TS: usize = 19;
    pub const END_TS: usize = 27;
    pub const SEED: usize = 121;
    pub const VERIFIER_SLOTS: usize = 153;
    pub const VERIFIER_DRAWS: usize = 157;
    pub const OPENED_AT: usize = 158;
    pub const CREDIT_QUORUM: usize = 166;
    pub const CREDIT_DEADLINE: usize = 167;
    /// Account length: `8 + Epoch::INIT_SPACE`.
    pub const LEN: usize = 175;
}

/// `Contribution`.
pub mod contribution {
    pub const SHARD: usize = 10;
    pub const EPOCH: usize = 20;
    pub const NODE: usize = 52;
    pub const CONTRIBUTION: usize = 92;
    pub const OPERATOR: usize = 100;
    pub const CLAIMED: usize = 132;
    pub const CLAIMED_AMOUNT: usize = 133;
    /// `8 + Contribution::INIT_SPACE`.
    pub const LEN: usize = 314;
}

/// `EpochShard`.
pub mod epoch_shard {
    pub const SHARD: usize = 10;
    pub const EPOCH: usize = 12;
    pub const TOTAL_CONTRIBUTION: usize = 44;
    pub const CONTRIBUTORS: usize = 60;
    pub const DISTRIBUTED: usize = 64;
    pub const VAULT: usize = 65;
    /// `8 + EpochShard::INIT_SPACE`.
    pub const LEN: usize = 146;
}

/// `VerifierRoot`.
pub mod verifier_root {
    pub const EPOCH_INDEX: usize = 10;
    pub const VERIFIER: usize = 18;
    pub const OPERATOR: usize = 50;
    pub const SLOT: usize = 82;
    pub const ROOT: usize = 86;
    /// `8 + VerifierRoot::INIT_SPACE`.
    pub const LEN: usize = 170;
}

/// The registry's `Config` (read up to `params.credit_per_stake_unit`; the account is longer).
pub mod registry_config {
    pub const PAUSED: usize = 11;
    pub const LMR_MINT: usize = 78;
    pub const CREDIT_PER_STAKE_UNIT: usize = 349;
    /// Bytes needed to read the fields above.
    pub const LEN: usize = 353;
}

/// An SPL token account (`spl_token::state::Account`, 165 bytes).
pub mod spl_account {
    pub const MINT: usize = 0;
    pub const OWNER: usize = 32;
    pub const STATE: usize = 108;
    /// `AccountState::Initialized`.
    pub const INITIALIZED: u8 = 1;
    pub const LEN: usize = 165;
}

/// Owner, 8-byte discriminator and minimum length of an account read by offset. An exact length is
/// not required: this program's accounts have one size per version, and the version is part of the
/// discriminator's type (a layout change bumps it and the offsets move with `tests/layout.rs`).
pub fn check(info: &AccountInfo, owner: &Pubkey, discriminator: &[u8], len: usize) -> Result<()> {
    if info.owner != owner {
        return Err(error!(ErrorCode::AccountOwnedByWrongProgram).with_account_name(info.key.to_string()));
    }
    let data = info.try_borrow_data()?;
    if data.len() < len.max(8) || data.get(..8) != Some(discriminator) {
        return Err(error!(ErrorCode::AccountDiscriminatorMismatch).with_account_name(info.key.to_string()));
    }
    Ok(())
}

fn bytes<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = data.get(at..at.saturating_add(N)) {
        out.copy_from_slice(src);
    }
    out
}

/// The 32 bytes at `at` (callers have checked the length).
pub fn bytes32(data: &[u8], at: usize) -> [u8; 32] {
    bytes::<32>(data, at)
}

/// The public key at `at` (callers have checked the length).
pub fn key(data: &[u8], at: usize) -> Pubkey {
    Pubkey::new_from_array(bytes::<32>(data, at))
}
pub fn u16_at(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(bytes::<2>(data, at))
}
pub fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes::<4>(data, at))
}
pub fn u64_at(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes::<8>(data, at))
}
pub fn i64_at(data: &[u8], at: usize) -> i64 {
    i64::from_le_bytes(bytes::<8>(data, at))
}
pub fn u128_at(data: &[u8], at: usize) -> u128 {
    u128::from_le_bytes(bytes::<16>(data, at))
}
