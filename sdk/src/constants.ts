/**
 * Precision constants and parameter bounds, mirrored from `programs/lumora_registry/src/constants.rs`
 * and pinned by `tests/vectors/config_bounds.json`.
 * @module
 */

/** Basis points in one whole (100 %). */
export const BPS_DENOMINATOR = 10_000;
/** Reputation is an integer in `[0, REPUTATION_MAX]`. */
export const REPUTATION_MAX = 10_000;
/** Fixed-point scale of task scores (10^6). */
export const SCORE_SCALE = 1_000_000n;
/** Smallest gap between two heartbeats of a node, seconds (`HEARTBEAT_MIN_INTERVAL_SECS`; earlier → `HeartbeatTooSoon`). */
export const HEARTBEAT_MIN_INTERVAL_SECS = 60;
/** Current layout version of the config account. */
export const CONFIG_VERSION = 1;

/** Bounds of the config parameters (inclusive). */
export const CONFIG_BOUNDS = Object.freeze({
  bMaxKbps: { min: 1n, max: 100_000_000n },
  epochLengthSecs: { min: 60, max: 30 * 86_400 },
  claimWindowSecs: { min: 3_600, max: 365 * 86_400 },
  unstakeCooldownSecs: { min: 0, max: 90 * 86_400 },
  shardCount: { min: 1, max: 1_024 },
  repKBps: { min: 1, max: 10_000 },
  slashBps: { min: 1, max: 10_000 },
  protocolFeeBps: { min: 0, max: 1_000 },
  verifierDraws: { min: 1, max: 64 },
  creditPerStakeUnit: { min: 1, max: 1_000_000 },
  /** q ≤ min(verifierDraws, 4). */
  creditQuorum: { min: 1, max: 4 },
  creditWindowSecs: { min: 1, max: 7 * 86_400 },
});
