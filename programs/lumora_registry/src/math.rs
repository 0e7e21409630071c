//! Integer math of the registry, identical in the SDK (`sdk/src/registry-math.ts`) and pinned by
//! `tests/vectors/registry_math.json`, which both test suites read.

use crate::constants::{BPS_DENOMINATOR, REPUTATION_MAX};

/// Reputation after one outcome, exactly as the contract states (integer, rounding down):
/// success `r += (10 000 − r)·k_up / 10 000`, failure `r −= r·k_down / 10 000`.
/// Inputs above the bounds are clamped first, so the result is always in `[0, 10 000]`.
pub fn reputation_after(r: u16, success: bool, k_up_bps: u16, k_down_bps: u16) -> u16 {
    let r = u64::from(r.min(REPUTATION_MAX));
    let max = u64::from(REPUTATION_MAX);
    // (10 000 − r) ≤ 10 000 and k ≤ 10 000 (clamped): products ≤ 10^8, no overflow in u64
    let next = if success {
        let k = u64::from(k_up_bps).min(BPS_DENOMINATOR);
        let gain = max.saturating_sub(r).saturating_mul(k) / BPS_DENOMINATOR;
        r.saturating_add(gain).min(max)
    } else {
        let k = u64::from(k_down_bps).min(BPS_DENOMINATOR);
        let loss = r.saturating_mul(k) / BPS_DENOMINATOR;
        r.saturating_sub(loss)
    };
    // next ≤ 10 000 by construction
    next as u16
}

/// The reward shard of a node: the first 8 bytes of its node key (little endian) modulo the shard
/// count. Node keys are ed25519 public keys, so shards fill evenly. `shard_count` ≥ 1 (config bound).
pub fn shard_of(node_key: &[u8; 32], shard_count: u16) -> u16 {
    let mut head = [0u8; 8];
    head.copy_from_slice(&node_key[..8]);
    let count = u64::from(shard_count.max(1));
    // count ≥ 1, so the remainder exists and is < shard_count ≤ u16::MAX
    u64::from_le_bytes(head).checked_rem(count).unwrap_or(0) as u16
}

/// Reward epoch of a Unix time: `floor(ts / epoch_length)` (epochs are aligned to the Unix epoch).
/// Times before 1970 belong to epoch 0.
pub fn epoch_index(unix_ts: i64, epoch_length_secs: u32) -> u64 {
    let ts = u64::try_from(unix_ts).unwrap_or(0);
    ts.checked_div(u64::from(epoch_length_secs.max(1))).unwrap_or(0)
}

/// Stake moved to the treasury by a slash: `floor(stake · slash_bps / 10 000)`.
pub fn slash_amount(stake: u64, slash_bps: u16) -> u64 {
    let bps = u128::from(slash_bps.min(BPS_DENOMINATOR as u16));
    // stake · bps < 2^64 · 2^14 fits u128 (saturating never triggers); the quotient ≤ stake fits u64
    (u128::from(stake).saturating_mul(bps) / 10_000u128) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reputation_stays_in_bounds_at_the_edges() {
        assert_eq!(reputation_after(0, false, 500, 2_000), 0);
        assert_eq!(reputation_after(10_000, true, 500, 2_000), 10_000);
        assert_eq!(reputation_after(10_000, true, 10_000, 10_000), 10_000);
        assert_eq!(reputation_after(10_000, false, 10_000, 10_000), 0);
        assert_eq!(reputation_after(0, true, 10_000, 1), 10_000);
        assert_eq!(reputation_after(u16::MAX, true, u16::MAX, u16::MAX), 10_000);
        assert_eq!(reputation_after(u16::MAX, false, u16::MAX, u16::MAX), 0);
    }

    #[test]
    fn long_runs_converge_and_never_leave_the_range() {
        let mut r = 5_000;
        for _ in 0..10_000 {
            r = reputation_after(r, false, 500, 2_000);
        }
        // integer EMA with floor: decay stops where r·k_down < 10 000, i.e. r ≤ 4 for k_down = 2 000
        assert_eq!(r, 4, "a long run of failures settles at the floor's fixed point");
        assert_eq!(reputation_after(r, false, 500, 2_000), r);
        for _ in 0..10_000 {
            r = reputation_after(r, true, 500, 2_000);
        }
        // integer EMA with floor: stops where (10 000 − r)·k_up < 10 000, i.e. r ≥ 9 980 for k_up = 500
        assert_eq!(r, 9_981, "r = {r}");
        assert_eq!(reputation_after(r, true, 500, 2_000), r, "fixed point");
        let mut alt = 7_000;
        for i in 0..100_000u32 {
            alt = reputation_after(alt, i % 3 != 0, 300, 700);
            assert!(alt <= 10_000);
        }
    }

    #[test]
    fn shard_is_in_range_and_uses_the_key_head() {
        let mut k = [0u8; 32];
        k[0] = 17;
        assert_eq!(shard_of(&k, 16), 1);
        assert_eq!(shard_of(&[0xff; 32], 1), 0);
        assert_eq!(shard_of(&[0xff; 32], 1_024), 1_023);
        assert_eq!(shard_of(&k, 0), 0, "a zero count is treated as one shard");
    }

    #[test]
    fn slash_and_epoch_edges() {
        assert_eq!(slash_amount(u64::MAX, 10_000), u64::MAX);
        assert_eq!(slash_amount(u64::MAX, 1), u64::MAX / 10_000);
        assert_eq!(slash_amount(9_999, 1), 0);
        assert_eq!(epoch_index(-5, 60), 0);
        assert_eq!(epoch_index(86_399, 86_400), 0);
        assert_eq!(epoch_index(86_400, 86_400), 1);
        assert_eq!(epoch_index(i64::MAX, 60), (i64::MAX as u64) / 60);
    }
}
