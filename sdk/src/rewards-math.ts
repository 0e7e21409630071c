/**
 * Integer math of the rewards program, identical to `programs/lumora_rewards/src/math.rs` and pinned
 * by `tests/vectors/rewards_math.json` and `tests/vectors/draws.json`, which both test suites read.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";

const SEED_DOMAIN = new TextEncoder().encode("lumora-seed-v1");
const DRAW_DOMAIN = new TextEncoder().encode("lumora-draw-v1");

const u64le = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/**
 * An epoch's verifier-draw seed `SHA-256("lumora-seed-v1" ‖ index LE ‖ slot LE ‖ slot_hash)` (`open_epoch`,
 * from the newest SlotHashes entry; docs/rewards.md §3.1). The program stores it in the epoch.
 */
export function drawSeed(args: { index: bigint; slot: bigint; slotHash: Uint8Array }): Uint8Array {
  return sha256(concat(SEED_DOMAIN, u64le(args.index), u64le(args.slot), args.slotHash));
}

/**
 * Draw `j` of a provider: `u64_le(SHA-256("lumora-draw-v1" ‖ seed ‖ provider ‖ j)[0..8]) mod slots`;
 * `null` when there are no verifier slots. `provider` is the provider's registry Node address.
 */
export function drawSlot(args: { seed: Uint8Array; provider: Uint8Array; j: number; slots: number }): number | null {
  if (args.slots === 0) return null;
  const h = sha256(concat(DRAW_DOMAIN, args.seed, args.provider, Uint8Array.of(args.j)));
  return Number(new DataView(h.buffer, h.byteOffset, 8).getBigUint64(0, true) % BigInt(args.slots));
}

/**
 * The verifier slots drawn for a provider in an epoch (k = the epoch's `verifierDraws`, a slot drawn
 * twice listed once): only the roots of the nodes holding them can credit it (`credit_epoch`).
 */
export function verifierDraws(args: { seed: Uint8Array; provider: Uint8Array; slots: number; draws: number }): number[] {
  const out = new Set<number>();
  for (let j = 0; j < args.draws; j++) {
    const s = drawSlot({ seed: args.seed, provider: args.provider, j, slots: args.slots });
    if (s === null) break;
    out.add(s);
  }
  return [...out];
}

/**
 * A provider's draws in order, `j = 0 .. k−1`, each with its slot (a slot may repeat; `credit_epoch`
 * takes proofs on distinct draws whose slots are distinct too). Empty when there are no slots.
 */
export function providerDraws(args: { seed: Uint8Array; provider: Uint8Array; slots: number; draws: number }): { draw: number; slot: number }[] {
  const out: { draw: number; slot: number }[] = [];
  for (let j = 0; j < args.draws; j++) {
    const slot = drawSlot({ seed: args.seed, provider: args.provider, j, slots: args.slots });
    if (slot === null) break;
    out.push({ draw: j, slot });
  }
  return out;
}

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

/** `[start, end)` of epoch `index` in Unix seconds. */
export function epochBounds(args: { index: bigint; epochLengthSecs: number }): { startTs: bigint; endTs: bigint } {
  const len = BigInt(Math.max(args.epochLengthSecs, 1));
  return { startTs: args.index * len, endTs: (args.index + 1n) * len };
}
