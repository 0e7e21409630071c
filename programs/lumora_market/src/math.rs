//! The fee split of a sale, mirrored by `sdk/src/market-math.ts` and pinned by
//! `tests/vectors/market_fee.json`.
use crate::constants::BPS_DENOMINATOR;

/// Splits a sale price into `(fee, seller_amount)`: `fee = ⌊price · fee_bps / 10 000⌋` (the rounding
/// favours the seller), `seller_amount = price − fee`, so the two always sum to the price. `None` when
/// `fee_bps` exceeds 10 000. The product is taken in `u128`, so no price overflows.
pub fn split_price(price: u64, fee_bps: u16) -> Option<(u64, u64)> {
    let bps = u64::from(fee_bps);
    if bps > BPS_DENOMINATOR {
        return None;
    }
    let fee = u128::from(price).checked_mul(u128::from(bps))?.checked_div(u128::from(BPS_DENOMINATOR))?;
    let fee = u64::try_from(fee).ok()?; // ≤ price since bps ≤ 10 000
    Some((fee, price.checked_sub(fee)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(split_price(1, 0), Some((0, 1)));
        assert_eq!(split_price(1, 1_000), Some((0, 1)));
        assert_eq!(split_price(u64::MAX, 0), Some((0, u64::MAX)));
        assert_eq!(split_price(u64::MAX, 1_000), Some((u64::MAX / 10, u64::MAX - u64::MAX / 10)));
        assert_eq!(split_price(u64::MAX, 10_000), Some((u64::MAX, 0)));
        assert_eq!(split_price(10_000, 10_001), None);
    }
}
