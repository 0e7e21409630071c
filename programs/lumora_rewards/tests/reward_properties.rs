//! Property tests of the reward math over the program's own functions, ≥ 10⁶ random cases
//! (deterministic xorshift, so a failure reproduces): for any split of Σc among nodes and any R_total,
//!   - Σ R_i ≤ R_total, and the dust R_total − Σ R_i < number of nodes;
//!   - each R_i is within 1 base unit of the exact rational share (R_i ≤ c_i·R/Σc < R_i + 1);
//!   - a node claims once (the ledger refuses a second claim), and the dust is swept exactly once,
//!     the vault ending at zero with every base unit accounted for;
//!   - sharded payout (the program's path): each shard's claim vault receives `shard_share(S_k)` from
//!     the epoch vault, its nodes' claims never overdraw it, the epoch vault keeps less than one unit
//!     per contributing shard, and the two sweeps (epoch vault once, each shard vault once) leave
//!     every vault at zero with `R_total = Σ paid + Σ dust`.
#![allow(clippy::arithmetic_side_effects)] // host-only test arithmetic on bounded values

use lumora_rewards::math::{mul_div_wide, reward_share, shard_share};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Values across every magnitude: small, mid, near u64::MAX.
    fn wide(&mut self) -> u64 {
        match self.below(4) {
            0 => self.below(1_000),
            1 => self.below(1 << 32),
            2 => self.next() >> self.below(64),
            _ => u64::MAX - self.below(1_000),
        }
    }
}

/// A minimal model of the on-chain state the claims touch: the vault balance, the claimed flags and
/// the sweep flag — driven only through `reward_share`, as `claim` and `sweep_dust` do.
struct Epoch {
    vault: u64,
    claimed: Vec<bool>,
    swept: bool,
}
impl Epoch {
    fn claim(&mut self, i: usize, c: &[u64], r_total: u64, total: u128) -> Option<u64> {
        if self.claimed[i] || c[i] == 0 {
            return None;
        }
        let r = reward_share(c[i], r_total, total)?;
        self.vault = self.vault.checked_sub(r).expect("a claim never overdraws the vault");
        self.claimed[i] = true;
        Some(r)
    }
    fn sweep(&mut self) -> Option<u64> {
        if self.swept {
            return None;
        }
        self.swept = true;
        Some(std::mem::take(&mut self.vault))
    }
}

#[test]
fn reward_properties_hold_over_a_million_cases() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = 0u64;
    let mut epochs = 0u64;
    while cases < 1_000_000 {
        let n = 1 + rng.below(24) as usize;
        let c: Vec<u64> = (0..n).map(|_| if rng.below(8) == 0 { 0 } else { rng.wide() }).collect();
        let total: u128 = c.iter().map(|&x| u128::from(x)).sum();
        let r_total = rng.wide();
        if total == 0 {
            assert_eq!(reward_share(0, r_total, 0), None, "nothing to divide");
            continue;
        }
        let mut e = Epoch { vault: r_total, claimed: vec![false; n], swept: false };
        let mut paid: u128 = 0;
        // claims in a random order, each attempted twice
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        for &i in &order {
            let got = e.claim(i, &c, r_total, total);
            cases += 1;
            if c[i] == 0 {
                assert_eq!(got, None);
                continue;
            }
            let r = got.expect("a contributor can claim");
            // within 1 base unit of the exact share: r·Σc ≤ c_i·R < (r + 1)·Σc
            let exact_num = u128::from(c[i]) * u128::from(r_total);
            assert!(u128::from(r) * total <= exact_num, "rounds down");
            assert!(exact_num < (u128::from(r) + 1) * total, "by less than one unit");
            assert_eq!(e.claim(i, &c, r_total, total), None, "no double claim");
            paid += u128::from(r);
        }
        assert!(paid <= u128::from(r_total), "Σ paid ≤ R_total");
        let dust = u128::from(r_total) - paid;
        assert!(dust < n as u128, "dust < number of contributors");
        assert_eq!(e.sweep().map(u128::from), Some(dust), "the remainder is swept");
        assert_eq!(e.sweep(), None, "exactly once");
        assert_eq!(e.vault, 0, "every base unit accounted for");
        epochs += 1;
    }
    assert!(epochs > 50_000, "{epochs} epochs");
}

#[test]
fn a_share_never_exceeds_the_total_it_is_part_of() {
    assert_eq!(reward_share(u64::MAX, u64::MAX, u128::from(u64::MAX)), Some(u64::MAX));
    assert_eq!(reward_share(2, 10, 1), None, "c_i > Σc is refused");
}

/// `a · b` as (high, low) 128-bit halves, written independently of the program's `mul_div_wide`.
fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    let m = u128::from(u64::MAX);
    let (a1, a0, b1, b0) = (a >> 64, a & m, b >> 64, b & m);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & m) + (p10 & m);
    let low = (p00 & m) | ((mid & m) << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

#[test]
fn mul_div_wide_is_exact_over_a_million_cases() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..1_000_000 {
        let a = (u128::from(rng.wide()) << rng.below(65)) | u128::from(rng.wide());
        let b = rng.wide();
        let c = ((u128::from(rng.wide()) << rng.below(65)) | u128::from(rng.wide())).max(1);
        let got = mul_div_wide(a, b, c);
        let product = wide_mul(a, u128::from(b));
        match got {
            Some(q) => {
                // q·c ≤ a·b < (q + 1)·c
                assert!(wide_mul(u128::from(q), c) <= product, "{a}·{b}/{c}: {q} too big");
                let next = wide_mul(u128::from(q) + 1, c);
                assert!(product < next, "{a}·{b}/{c}: {q} too small");
            }
            // None only when the quotient needs more than 64 bits: (2^64)·c ≤ a·b
            None => assert!(wide_mul(1u128 << 64, c) <= product, "{a}·{b}/{c} refused"),
        }
    }
}

/// The program's sharded path: epoch vault → shard claim vaults (`distribute_shard`) → claims
/// (`claim`, from the shard vault) → `sweep_dust` (epoch vault) and `sweep_shard_dust` (each shard).
#[test]
fn sharded_payout_properties_hold_over_a_million_claims() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut claims = 0u64;
    let mut wide_shards = 0u64;
    while claims < 1_000_000 {
        let shards = 1 + rng.below(8) as usize;
        let n = 1 + rng.below(32) as usize;
        let c: Vec<u64> = (0..n).map(|_| if rng.below(8) == 0 { 0 } else { rng.wide() }).collect();
        let shard_of: Vec<usize> = (0..n).map(|_| rng.below(shards as u64) as usize).collect();
        let mut s_total = vec![0u128; shards];
        let mut has_account = vec![false; shards];
        for i in 0..n {
            s_total[shard_of[i]] += u128::from(c[i]);
            has_account[shard_of[i]] = true;
        }
        let total: u128 = s_total.iter().sum();
        let r_total = rng.wide();
        if total == 0 {
            continue;
        }
        // distribute_shard, every shard with an account
        let mut epoch_vault = r_total;
        let mut shard_vault = vec![0u64; shards];
        let mut contributing = 0u128;
        for k in 0..shards {
            if !has_account[k] {
                continue;
            }
            contributing += 1;
            wide_shards += u64::from(s_total[k] > u128::from(u64::MAX));
            let share = shard_share(s_total[k], r_total, total).expect("a shard share always exists");
            // within 1 unit of the exact share of the shard
            let (num_hi, num_lo) = wide_mul(s_total[k], u128::from(r_total));
            assert!(wide_mul(u128::from(share), total) <= (num_hi, num_lo));
            assert!((num_hi, num_lo) < wide_mul(u128::from(share) + 1, total));
            epoch_vault = epoch_vault.checked_sub(share).expect("Σ shard shares ≤ R_total");
            shard_vault[k] = share;
        }
        assert!(u128::from(epoch_vault) < contributing.max(1), "epoch-vault dust < contributing shards");
        // claims in a random order, each from its shard's vault
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut paid: u128 = 0;
        for &i in &order {
            if c[i] == 0 {
                continue;
            }
            let r = reward_share(c[i], r_total, total).expect("a contributor can claim");
            let v = &mut shard_vault[shard_of[i]];
            *v = v.checked_sub(r).expect("a claim never overdraws its shard vault");
            paid += u128::from(r);
            claims += 1;
        }
        // the sweeps: each vault once, every base unit accounted for
        let dust: u128 = u128::from(epoch_vault) + shard_vault.iter().map(|&v| u128::from(v)).sum::<u128>();
        assert_eq!(paid + dust, u128::from(r_total), "R_total = Σ paid + Σ dust");
        assert!(dust < n as u128 + contributing, "dust < contributors + shards");
    }
    assert!(wide_shards > 1_000, "shard totals ≥ 2^64 exercised: {wide_shards}");
}
