//! The integer distance against an exact (f64) haversine over random point pairs: the published error
//! bound of `math::distance_km` (docs/tasks.md). Also checks `cos_e9` and `isqrt` against f64/u128.
#![allow(clippy::arithmetic_side_effects)] // host test: case generation, not program logic
use lumora_tasks::math::{cos_e9, distance_km, isqrt, isqrt64, sin_e9, EARTH_RADIUS_KM};

/// Deterministic generator (SplitMix64): reproducible cases without a rand dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
}

fn haversine_f64(lat1: i32, lon1: i32, lat2: i32, lon2: i32) -> f64 {
    let r = |u: i32| (u as f64 / 1e6).to_radians();
    let (p1, p2, dp, dl) = (r(lat1), r(lat2), r(lat2) - r(lat1), r(lon2) - r(lon1));
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM as f64 * h.sqrt().min(1.0).asin()
}

/// Published bound (docs/tasks.md): the integer distance is the floor of a value within 50 m of the
/// exact haversine, i.e. `exact − 1.05 km ≤ integer ≤ exact + 0.05 km` (measured maximum printed).
const BELOW_KM: f64 = 1.05;
const ABOVE_KM: f64 = 0.05;

#[test]
fn distance_error_is_bounded_over_random_pairs() {
    let mut rng = Rng(0x1u64 << 40 | 0x5eed);
    let (mut max_below, mut max_above) = (0f64, 0f64);
    for _ in 0..100_000 {
        let (lat1, lon1) =
            (rng.range(-90_000_000, 90_000_000) as i32, rng.range(-180_000_000, 180_000_000) as i32);
        let (lat2, lon2) = if rng.next().is_multiple_of(4) {
            // a quarter of the pairs are nearby (≤ ~1°): the regime that decides most assignments
            (
                (lat1 as i64 + rng.range(-1_000_000, 1_000_000)).clamp(-90_000_000, 90_000_000) as i32,
                (lon1 as i64 + rng.range(-1_000_000, 1_000_000)).clamp(-180_000_000, 180_000_000) as i32,
            )
        } else {
            (rng.range(-90_000_000, 90_000_000) as i32, rng.range(-180_000_000, 180_000_000) as i32)
        };
        let exact = haversine_f64(lat1, lon1, lat2, lon2);
        let got = distance_km(lat1, lon1, lat2, lon2) as f64;
        max_below = max_below.max(exact - got);
        max_above = max_above.max(got - exact);
        assert!(
            got >= exact - BELOW_KM && got <= exact + ABOVE_KM,
            "({lat1},{lon1})-({lat2},{lon2}): {got} vs {exact:.3}"
        );
    }
    println!("distance over 100000 pairs: at most {max_below:.3} km below, {max_above:.3} km above the exact haversine");
}

#[test]
fn edge_points() {
    assert_eq!(distance_km(0, 0, 0, 0), 0);
    assert_eq!(distance_km(52_520_008, 13_404_954, 52_520_008, 13_404_954), 0);
    let antipodal = distance_km(0, 0, 0, 180_000_000);
    assert_eq!(antipodal, 20_015, "half the circumference of a 6 371 km sphere");
    assert_eq!(distance_km(90_000_000, 0, -90_000_000, 0), 20_015);
    // wrapping across the antimeridian: 0.2° of equator
    assert_eq!(distance_km(0, 179_900_000, 0, -179_900_000), 22);
    assert_eq!(distance_km(0, 0, 0, 1_000_000), 111, "1° of equator = 111.19 km");
}

#[test]
fn cos_and_isqrt() {
    let mut max = 0i64;
    for udeg in (-400_000_000i64..=400_000_000).step_by(77_777) {
        let rad = (udeg as f64 / 1e6).to_radians();
        max = max.max((cos_e9(udeg) - (rad.cos() * 1e9).round() as i64).abs());
        max = max.max((sin_e9(udeg) - (rad.sin() * 1e9).round() as i64).abs());
    }
    assert!(max <= 40_000, "sin/cos error {max}·10⁻⁹");
    for n in [0u128, 1, 2, 3, 4, 15, 16, 17, u64::MAX as u128, (1u128 << 100) + 12345, u128::MAX] {
        let r = isqrt(n);
        assert!(r * r <= n && (r + 1).checked_mul(r + 1).is_none_or(|x| x > n), "isqrt({n}) = {r}");
        if let Ok(n64) = u64::try_from(n) {
            assert_eq!(u128::from(isqrt64(n64)), r, "isqrt64({n64})");
        }
    }
    for n in
        (0..2_000_000u64).chain((1u64 << 62) - 1_000..(1u64 << 62) + 1_000).chain(u64::MAX - 1_000..=u64::MAX)
    {
        let r = isqrt64(n);
        assert!(
            u128::from(r) * u128::from(r) <= u128::from(n)
                && u128::from(r + 1) * u128::from(r + 1) > u128::from(n),
            "isqrt64({n}) = {r}"
        );
    }
}
