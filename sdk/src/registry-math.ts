/**
 * Integer math of the registry, identical to `programs/lumora_registry/src/math.rs` and pinned by
 * `tests/vectors/registry_math.json`, which both test suites read.
 * @module
 */
import { BPS_DENOMINATOR, REPUTATION_MAX } from "./constants.js";

/** Role bit flags of a node (`state/node.rs::roles`). */
export const ROLES = Object.freeze({ PROVIDER: 1, EXECUTOR: 2, VERIFIER: 4 });
/** Every defined role. */
export const ALL_ROLES = ROLES.PROVIDER | ROLES.EXECUTOR | ROLES.VERIFIER;
/** Node lifecycle (`state/node.rs::status`). */
export const NODE_STATUS = Object.freeze({ ACTIVE: 1, DEREGISTERED: 2 });

/**
 * Reputation after one outcome: success `r += (10 000 − r)·k_up / 10 000`, failure
 * `r −= r·k_down / 10 000`, rounding down; inputs clamped to their bounds first.
 */
export function reputationAfter(args: { reputation: number; success: boolean; kUpBps: number; kDownBps: number }): number {
  const r = Math.min(args.reputation, REPUTATION_MAX);
  if (args.success) {
    const k = Math.min(args.kUpBps, BPS_DENOMINATOR);
    return Math.min(r + Math.floor(((REPUTATION_MAX - r) * k) / BPS_DENOMINATOR), REPUTATION_MAX);
  }
  const k = Math.min(args.kDownBps, BPS_DENOMINATOR);
  return r - Math.floor((r * k) / BPS_DENOMINATOR);
}

/** Reward shard of a node: first 8 bytes of its key (little endian) modulo the shard count. */
export function shardOf(args: { nodeKey: Uint8Array; shardCount: number }): number {
  const head = Buffer.from(args.nodeKey.subarray(0, 8)).readBigUInt64LE(0);
  return Number(head % BigInt(Math.max(args.shardCount, 1)));
}

/** Reward epoch of a Unix time: `floor(ts / epochLength)`; times before 1970 are epoch 0. */
export function epochIndex(args: { unixTs: bigint; epochLengthSecs: number }): bigint {
  if (args.unixTs <= 0n) return 0n;
  return args.unixTs / BigInt(Math.max(args.epochLengthSecs, 1));
}

/** Stake a slash moves to the treasury: `floor(stake · slash_bps / 10 000)`. */
export function slashAmount(args: { stake: bigint; slashBps: number }): bigint {
  return (args.stake * BigInt(Math.min(args.slashBps, BPS_DENOMINATOR))) / BigInt(BPS_DENOMINATOR);
}
