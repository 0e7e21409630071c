//! Introspection of the ed25519 precompile instruction that accompanies a signed message
//! (`post_verifier_root`: the verifier's root message), read from the instructions sysvar without
//! allocating. Pure functions over byte slices, so the host tests (`tests/ed25519_layout.rs`) and the VM
//! tests exercise the same code.
//!
//! The canonical precompile layout (built by the SDK's `ed25519Instruction`) for `n` messages of `m`
//! bytes each:
//!
//! ```text
//! [n: u8][0: u8]                                   header
//! n × 14-byte offsets (7 × u16 LE)                 entry i points at block i below, every
//!                                                  instruction index = u16::MAX ("this instruction")
//! n × [public key 32][signature 64][message m]     block i
//! ```
//!
//! Every offset must be exactly the canonical one: then each offset points inside the precompile
//! instruction itself, no two signatures share bytes, and the data length is exactly
//! `2 + (14 + 96 + m)·n`.
use crate::errors::RewardsError;

/// Bytes of one offsets entry.
pub const OFFSETS_LEN: usize = 14;

/// Bytes of one (key, signature, message) block for messages of `msg_len` bytes.
pub const fn block_len(msg_len: usize) -> usize {
    msg_len.saturating_add(32 + 64)
}
/// "The instruction that holds these offsets" in the precompile's instruction-index fields.
pub const THIS_INSTRUCTION: u16 = u16::MAX;

type R<T> = core::result::Result<T, RewardsError>;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

/// Index of the currently executing top-level instruction (the sysvar's last two bytes).
pub fn current_index(sysvar: &[u8]) -> Option<u16> {
    u16_at(sysvar, sysvar.len().checked_sub(2)?)
}

/// Program id and data of top-level instruction `index`, straight from the sysvar bytes.
pub fn instruction_at(sysvar: &[u8], index: u16) -> Option<(&[u8], &[u8])> {
    let count = u16_at(sysvar, 0)?;
    if index >= count {
        return None;
    }
    let start = usize::from(u16_at(sysvar, 2usize.checked_add(usize::from(index).checked_mul(2)?)?)?);
    let accounts = usize::from(u16_at(sysvar, start)?);
    // each account meta: 1 flag byte + 32-byte key
    let program_at = start.checked_add(2)?.checked_add(accounts.checked_mul(33)?)?;
    let program_id = sysvar.get(program_at..program_at.checked_add(32)?)?;
    let len_at = program_at.checked_add(32)?;
    let len = usize::from(u16_at(sysvar, len_at)?);
    let data_at = len_at.checked_add(2)?;
    let data = sysvar.get(data_at..data_at.checked_add(len)?)?;
    Some((program_id, data))
}

/// Expected data length for `n` signatures over `msg_len`-byte messages.
pub fn expected_len(n: usize, msg_len: usize) -> usize {
    n.saturating_mul(OFFSETS_LEN.saturating_add(block_len(msg_len))).saturating_add(2)
}

/// Checks the precompile's data is the canonical layout for exactly `n` messages of `msg_len` bytes.
/// The order of the checks gives each malformation its own error: count, then instruction indices, then length, then
/// the offsets themselves.
pub fn check_layout(data: &[u8], n: usize, msg_len: usize) -> R<()> {
    let count = usize::from(*data.first().ok_or(RewardsError::Ed25519SignatureCount)?);
    if count != n || n == 0 {
        return Err(RewardsError::Ed25519SignatureCount);
    }
    let table_end = OFFSETS_LEN.saturating_mul(n).saturating_add(2);
    if data.len() < table_end {
        return Err(RewardsError::Ed25519DataLength);
    }
    for i in 0..n {
        let at = OFFSETS_LEN.saturating_mul(i).saturating_add(2);
        for field in [2usize, 6, 12] {
            if u16_at(data, at.saturating_add(field)) != Some(THIS_INSTRUCTION) {
                return Err(RewardsError::Ed25519OffsetsOutside);
            }
        }
    }
    if data.len() != expected_len(n, msg_len) || data[1] != 0 {
        return Err(RewardsError::Ed25519DataLength);
    }
    for i in 0..n {
        let at = OFFSETS_LEN.saturating_mul(i).saturating_add(2);
        let block = block_len(msg_len).saturating_mul(i).saturating_add(table_end);
        let expect = [
            (0usize, block.saturating_add(32)), // signature
            (4, block),                         // public key
            (8, block.saturating_add(96)),      // message
            (10, msg_len),                      // message size
        ];
        for (field, value) in expect {
            if u16_at(data, at.saturating_add(field)).map(usize::from) != Some(value) {
                return Err(RewardsError::Ed25519OffsetsInvalid);
            }
        }
    }
    Ok(())
}

/// Public key and message of signature `i` of a layout already accepted by [`check_layout`].
pub fn key_and_message(data: &[u8], n: usize, i: usize, msg_len: usize) -> Option<(&[u8], &[u8])> {
    let block =
        block_len(msg_len).checked_mul(i)?.checked_add(OFFSETS_LEN.checked_mul(n)?.checked_add(2)?)?;
    let key = data.get(block..block.checked_add(32)?)?;
    let msg_at = block.checked_add(96)?;
    let msg = data.get(msg_at..msg_at.checked_add(msg_len)?)?;
    Some((key, msg))
}
