//! The Proof-of-Bandwidth receipt: 144 bytes, little endian, signed (ed25519) by the verifier's node
//! key — byte for byte the layout of `sdk/src/receipts.ts`, pinned by `tests/vectors/receipts.json`
//! (read by `tests/receipt_vectors.rs`).
use anchor_lang::prelude::*;

/// Length of an encoded receipt.
pub const RECEIPT_LEN: usize = 144;
/// The domain tag: ASCII `LUMORA_POB_V1`, zero-padded to 16 bytes.
pub const RECEIPT_DOMAIN_TAG: [u8; 16] = *b"LUMORA_POB_V1\0\0\0";
/// Field offsets.
pub const OFF_PROGRAM_ID: usize = 16;
pub const OFF_EPOCH: usize = 48;
pub const OFF_PROVIDER: usize = 56;
pub const OFF_VERIFIER: usize = 88;
pub const OFF_BYTES: usize = 120;
pub const OFF_DURATION_MS: usize = 128;
pub const OFF_RTT_MS: usize = 132;
pub const OFF_SEQ: usize = 136;

/// The measured fields of a receipt, as `submit_receipts` takes them (keys and epoch come from the
/// accounts, so the instruction carries 24 bytes per receipt instead of 144).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiptArgs {
    /// Bytes moved.
    pub bytes: u64,
    /// Duration of the measured transfer, ms.
    pub duration_ms: u32,
    /// Round-trip time to the provider, ms.
    pub rtt_ms: u32,
    /// Sequence number, strictly increasing per (provider, verifier).
    pub seq: u64,
}

/// A whole receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub program_id: [u8; 32],
    pub epoch: u64,
    pub provider: [u8; 32],
    pub verifier: [u8; 32],
    pub fields: ReceiptArgs,
}

fn put(out: &mut [u8; RECEIPT_LEN], at: usize, src: &[u8]) {
    out[at..at.saturating_add(src.len())].copy_from_slice(src);
}

fn le8(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at.saturating_add(8)]);
    u64::from_le_bytes(a)
}

fn le4(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at.saturating_add(4)]);
    u32::from_le_bytes(a)
}

impl Receipt {
    /// The 144 signed bytes.
    pub fn encode(&self) -> [u8; RECEIPT_LEN] {
        let mut out = [0u8; RECEIPT_LEN];
        put(&mut out, 0, &RECEIPT_DOMAIN_TAG);
        put(&mut out, OFF_PROGRAM_ID, &self.program_id);
        put(&mut out, OFF_EPOCH, &self.epoch.to_le_bytes());
        put(&mut out, OFF_PROVIDER, &self.provider);
        put(&mut out, OFF_VERIFIER, &self.verifier);
        put(&mut out, OFF_BYTES, &self.fields.bytes.to_le_bytes());
        put(&mut out, OFF_DURATION_MS, &self.fields.duration_ms.to_le_bytes());
        put(&mut out, OFF_RTT_MS, &self.fields.rtt_ms.to_le_bytes());
        put(&mut out, OFF_SEQ, &self.fields.seq.to_le_bytes());
        out
    }

    /// Decodes 144 bytes; `None` for another length or domain tag.
    pub fn decode(b: &[u8]) -> Option<Self> {
        if b.len() != RECEIPT_LEN || b[..16] != RECEIPT_DOMAIN_TAG {
            return None;
        }
        let key = |at: usize| {
            let mut k = [0u8; 32];
            k.copy_from_slice(&b[at..at.saturating_add(32)]);
            k
        };
        Some(Self {
            program_id: key(OFF_PROGRAM_ID),
            epoch: le8(b, OFF_EPOCH),
            provider: key(OFF_PROVIDER),
            verifier: key(OFF_VERIFIER),
            fields: ReceiptArgs {
                bytes: le8(b, OFF_BYTES),
                duration_ms: le4(b, OFF_DURATION_MS),
                rtt_ms: le4(b, OFF_RTT_MS),
                seq: le8(b, OFF_SEQ),
            },
        })
    }

    /// The epoch field of an encoded receipt (for the named `StaleEpoch` check before the byte compare).
    pub fn epoch_of(message: &[u8]) -> Option<u64> {
        (message.len() == RECEIPT_LEN).then(|| le8(message, OFF_EPOCH))
    }
}
