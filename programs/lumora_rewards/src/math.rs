//! Integer math of the rewards program, identical in the SDK (`sdk/src/rewards-math.ts`) and pinned by
//! `tests/vectors/rewards_math.json`, which both test suites read. Pure functions: host-tested by
//! property tests (`tests/reward_properties.rs`).

use crate::constants::{DRAW_DOMAIN, SEED_DOMAIN};

/// An epoch's verifier-draw seed: `SHA-256("lumora-seed-v1" ‖ index LE ‖ slot LE ‖ slot_hash)`, from
/// the newest SlotHashes entry when the epoch opens (docs/rewards.md §3.1).
pub fn draw_seed(index: u64, slot: u64, slot_hash: &[u8; 32]) -> [u8; 32] {
    solana_sha256_hasher::hashv(&[SEED_DOMAIN, &index.to_le_bytes(), &slot.to_le_bytes(), slot_hash])
        .to_bytes()
}

/// Draw `j` of `provider` (its registry Node address) in an epoch with `seed` over `slots` verifier
/// slots: `u64_le(SHA-256("lumora-draw-v1" ‖ seed ‖ provider ‖ j)[0..8]) mod slots`; `None` when there
/// are no slots. Anyone recomputes it; `sdk/src/rewards-math.ts` mirrors it and
/// `tests/vectors/draws.json` pins both.
pub fn draw_slot(seed: &[u8; 32], provider: &[u8; 32], j: u8, slots: u32) -> Option<u32> {
    if slots == 0 {
        return None;
    }
    let h = solana_sha256_hasher::hashv(&[DRAW_DOMAIN, seed, provider, &[j]]).to_bytes();
    let mut x = [0u8; 8];
    x.copy_from_slice(&h[..8]);
    // slots > 0 (checked above), and the remainder is < slots ≤ u32::MAX
    u64::from_le_bytes(x).checked_rem(u64::from(slots)).and_then(|r| u32::try_from(r).ok())
}

/// `R_i = floor(c_i · R_total / Σc)` with a u128 intermediate. `None` when `Σc = 0` or `c_i > Σc`
/// (a contribution can never exceed the total it is part of).
pub fn reward_share(contribution: u64, r_total: u64, total_contribution: u128) -> Option<u64> {
    share_of(u128::from(contribution), r_total, total_contribution)
}

/// A shard's claim-vault share `floor(S_k · R_total / Σc)`, `S_k` the shard's total. Since
/// `Σ_i floor(c_i·R/Σc) ≤ floor(Σ_i c_i·R/Σc)`, it covers every claim of the shard's nodes, and the
/// shares of all shards sum to at most `R_total`. `Some(0)` when `Σc = 0` (nobody can claim);
/// `None` when `S_k > Σc` or the product overflows.
pub fn shard_share(shard_total: u128, r_total: u64, total_contribution: u128) -> Option<u64> {
    if total_contribution == 0 {
        return if shard_total == 0 { Some(0) } else { None };
    }
    share_of(shard_total, r_total, total_contribution)
}

/// `floor(part · R_total / total)` for `part ≤ total`, `total > 0` (the quotient ≤ R_total, so it fits
/// u64). `part · R_total` fits u128 unless `part ≥ 2^64` — a shard total, never a single contribution —
/// and then the 192-bit product is divided exactly by [`mul_div_wide`].
fn share_of(part: u128, r_total: u64, total: u128) -> Option<u64> {
    if total == 0 || part > total {
        return None;
    }
    match part.checked_mul(u128::from(r_total)) {
        Some(product) => u64::try_from(product.checked_div(total)?).ok(),
        None => mul_div_wide(part, r_total, total),
    }
}

/// `floor(a · b / c)` over the full 192-bit product (`c > 0`), by restoring binary long division;
/// `None` when the quotient does not fit u64. At most 256 steps of shifts and compares: only the
/// cold `distribute_shard` path of a shard total ≥ 2^64 ever gets here.
pub fn mul_div_wide(a: u128, b: u64, c: u128) -> Option<u64> {
    if c == 0 {
        return None;
    }
    const LOW: u128 = u64::MAX as u128;
    let b = u128::from(b);
    // a·b = (a_hi·b)·2^64 + a_lo·b; each partial product is of two values < 2^64, so < 2^128 and
    // the wrapping multiplications never wrap; hi_part >> 64 < 2^64, so adding the carry cannot either
    let lo_part = (a & LOW).wrapping_mul(b);
    let hi_part = (a >> 64).wrapping_mul(b);
    let (lo, carry) = lo_part.overflowing_add(hi_part << 64);
    let hi = (hi_part >> 64).wrapping_add(u128::from(carry));
    let mut rem: u128 = 0;
    let mut quotient: u128 = 0;
    for bit in (0..256u32).rev() {
        let next = if bit >= 128 { (hi >> bit.wrapping_sub(128)) & 1 } else { (lo >> bit) & 1 };
        let overflow = rem >> 127 == 1;
        rem = (rem << 1) | next;
        let q_bit = overflow || rem >= c;
        if q_bit {
            rem = rem.wrapping_sub(c);
        }
        if bit >= 128 {
            if q_bit {
                return None;
            }
        } else {
            if q_bit && quotient >> 127 == 1 {
                return None;
            }
            quotient = (quotient << 1) | u128::from(q_bit);
        }
    }
    u64::try_from(quotient).ok()
}

/// Epoch index of a Unix time: `floor(ts / epoch_length)` — the registry's `math::epoch_index`.
pub fn epoch_index(unix_ts: i64, epoch_length_secs: u32) -> u64 {
    let ts = u64::try_from(unix_ts).unwrap_or(0);
    ts.checked_div(u64::from(epoch_length_secs.max(1))).unwrap_or(0)
}

/// `[start, end)` of epoch `index`: `index · epoch_length` and the next epoch's start.
pub fn epoch_bounds(index: u64, epoch_length_secs: u32) -> Option<(i64, i64)> {
    let len = u64::from(epoch_length_secs.max(1));
    let start = index.checked_mul(len)?;
    let end = start.checked_add(len)?;
    Some((i64::try_from(start).ok()?, i64::try_from(end).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        assert_eq!(reward_share(1, u64::MAX, 1), Some(u64::MAX));
        assert_eq!(reward_share(u64::MAX, u64::MAX, u128::from(u64::MAX) * 3), Some(u64::MAX / 3));
        assert_eq!(reward_share(0, 100, 5), Some(0));
        assert_eq!(reward_share(1, 100, 0), None);
        assert_eq!(reward_share(6, 100, 5), None);
        assert_eq!(shard_share(0, 100, 0), Some(0));
        assert_eq!(shard_share(1, 100, 0), None);
        assert_eq!(shard_share(7, 100, 10), Some(70));
        assert_eq!(shard_share(u128::from(u64::MAX) + 1, 1, u128::from(u64::MAX) * 2), Some(0));
        // S_k ≥ 2^64: the product leaves u128, the quotient is still exact
        let big = u128::from(u64::MAX) * 3;
        assert_eq!(shard_share(big, u64::MAX, big), Some(u64::MAX));
        assert_eq!(shard_share(big, u64::MAX, big * 2), Some(u64::MAX / 2));
        assert_eq!(shard_share(big, u64::MAX, big + 1), Some(u64::MAX - 1));
        assert_eq!(mul_div_wide(u128::MAX, u64::MAX, u128::MAX), Some(u64::MAX));
        assert_eq!(mul_div_wide(u128::MAX, u64::MAX, 1), None);
        assert_eq!(mul_div_wide(6, 7, 4), Some(10));
        assert_eq!(mul_div_wide(1, 1, 0), None);
        assert_eq!(epoch_bounds(3, 86_400), Some((259_200, 345_600)));
        assert_eq!(epoch_index(345_599, 86_400), 3);
        assert_eq!(epoch_bounds(u64::MAX, 60), None);
    }
}
