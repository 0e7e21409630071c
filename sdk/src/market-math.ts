/**
 * The fee split of a dataset sale, as `programs/lumora_market/src/math.rs` computes it; pinned by
 * `tests/vectors/market_fee.json`.
 * @module
 */

/** Basis points in a whole (`constants.rs::BPS_DENOMINATOR`). */
export const BPS_DENOMINATOR = 10_000n;
const U64_MAX = (1n << 64n) - 1n;

/**
 * Splits a sale price: `fee = ⌊price · feeBps / 10 000⌋` (rounding favours the seller) to the treasury,
 * `sellerAmount = price − fee`. `null` when `feeBps` exceeds 10 000 (the program's `FeeMath`).
 */
export function splitPrice(args: { /** Price in LMR base units (u64). */ price: bigint; /** Protocol fee in bps (u16). */ feeBps: number }): { fee: bigint; sellerAmount: bigint } | null {
  if (args.price < 0n || args.price > U64_MAX) throw new RangeError("price must be a u64");
  if (!Number.isInteger(args.feeBps) || args.feeBps < 0 || args.feeBps > 0xffff) throw new RangeError("feeBps must be a u16");
  if (BigInt(args.feeBps) > BPS_DENOMINATOR) return null;
  const fee = (args.price * BigInt(args.feeBps)) / BPS_DENOMINATOR;
  return { fee, sellerAmount: args.price - fee };
}
