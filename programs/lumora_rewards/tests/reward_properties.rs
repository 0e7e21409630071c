//! Property tests of the reward math over the program's own functions, ≥ 10⁶ random cases
//! (deterministic xorshift, so a failure reproduces): for any split of Σc among nodes and any R_total,
//!   - Σ R_i ≤ R_total, and the dust R_total − Σ R_i < number of nodes;
//!   - each R_i is within 1 base unit of the exact rational share (R_i ≤ c_i·R/Σc < R_i + 1);
//!   - a node claims once (the ledger refuses a second claim), and the dust is swept exactly once,
//!     the vault ending at zero with every base unit accounted for.
#![allow(clippy::arithmetic_side_effects)] // host-only test arithmetic on bounded values

use lumora_rewards::math::reward_share;

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
