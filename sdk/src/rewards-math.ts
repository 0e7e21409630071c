/**
 * Integer math of the rewards program, identical to `programs/lumora_rewards/src/math.rs` and pinned
 * by `tests/vectors/rewards_math.json`, which both test suites read.
 * @module
 */

const U64_MAX = (1n << 64n) - 1n;

/**
 * `R_i = floor(c_i · R_total / Σc)`; `null` when `Σc = 0` or `c_i > Σc` (the program refuses both).
 * Σ R_i ≤ R_total for any split of Σc, and each R_i is within 1 base unit of the exact share.
 */
export function rewardShare(args: { /** c_i. */ contribution: bigint; /** R_total. */ rTotal: bigint; /** Σc. */ totalContribution: bigint }): bigint | null {
  const { contribution, rTotal, totalContribution } = args;
  if (totalContribution === 0n || contribution > totalContribution) return null;
  return (contribution * rTotal) / totalContribution;
}

/**
 * A shard's claim-vault share `floor(S_k · R_total / Σc)` (`distribute_shard`); `0n` when `Σc = 0` and
 * `S_k = 0`, `null` when `S_k > Σc` (or `Σc = 0 < S_k`). Covers every claim of the shard's nodes.
 */
export function shardShare(args: { /** S_k. */ shardTotal: bigint; /** R_total. */ rTotal: bigint; /** Σc. */ totalContribution: bigint }): bigint | null {
  if (args.totalContribution === 0n) return args.shardTotal === 0n ? 0n : null;
  return rewardShare({ contribution: args.shardTotal, rTotal: args.rTotal, totalContribution: args.totalContribution });
}

/** A receipt's rate `bytes · 8 / duration_ms` (kbps) is within the cap iff `bytes · 8 ≤ cap · duration_ms`. */
export function rateWithinCap(args: { bytes: bigint; durationMs: number; capKbps: bigint }): boolean {
  return args.bytes * 8n <= args.capKbps * BigInt(args.durationMs);
}

/** Verified metrics of a batch: `floor(Σbytes·8 / Σduration)` kbps (0 if Σduration = 0) and `max(1, floor(Σrtt / n))` ms. */
export function batchMetrics(receipts: readonly { bytes: bigint; durationMs: number; rttMs: number }[]): { bandwidthKbps: bigint; latencyMs: number } {
  let bytes = 0n;
  let duration = 0n;
  let rtt = 0n;
  for (const r of receipts) {
    bytes += r.bytes;
    duration += BigInt(r.durationMs);
    rtt += BigInt(r.rttMs);
  }
  const bw = duration === 0n ? 0n : (bytes * 8n) / duration;
  const lat = receipts.length === 0 ? 0n : rtt / BigInt(receipts.length);
  return { bandwidthKbps: bw > U64_MAX ? U64_MAX : bw, latencyMs: Number(lat > 1n ? (lat > 0xffffffffn ? 0xffffffffn : lat) : 1n) };
}

/** `[start, end)` of epoch `index` in Unix seconds. */
export function epochBounds(args: { index: bigint; epochLengthSecs: number }): { startTs: bigint; endTs: bigint } {
  const len = BigInt(Math.max(args.epochLengthSecs, 1));
  return { startTs: args.index * len, endTs: (args.index + 1n) * len };
}
