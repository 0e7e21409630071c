/**
 * Protocol config parameters: their TypeScript shape (from the registry IDL) and the same bounds the
 * program enforces in `ConfigParams::validate`, so a dApp can reject bad input before paying for a
 * transaction. Pinned with the program by `tests/vectors/config_bounds.json`.
 * @module
 */
import type { IdlTypes } from "@coral-xyz/anchor";
import type { LumoraRegistry } from "./idl/index.js";
import { BPS_DENOMINATOR, CONFIG_BOUNDS, REPUTATION_MAX } from "./constants.js";

/** Score weights α/β/γ in basis points (sum 10 000). */
export type ScoreWeights = IdlTypes<LumoraRegistry>["scoreWeights"];
/** The governance-tunable parameters of the config (`u64` fields are `BN`). */
export type ConfigParams = IdlTypes<LumoraRegistry>["configParams"];
/** The config account as decoded by the client. */
export type ConfigAccount = IdlTypes<LumoraRegistry>["config"];

/** Names of the registry errors a parameter check can produce (same names as the program's). */
export type ConfigParamErrorName =
  | "WeightOutOfBounds"
  | "WeightsSumNot10000"
  | "BMaxOutOfBounds"
  | "EpochLengthOutOfBounds"
  | "ClaimWindowOutOfBounds"
  | "MinStakeZero"
  | "CooldownOutOfBounds"
  | "ReputationParamOutOfBounds"
  | "JailThresholdNotBelowInitial"
  | "SlashOutOfBounds"
  | "ProtocolFeeOutOfBounds"
  | "VerifierDrawsOutOfBounds"
  | "CreditQuorumOutOfBounds"
  | "CreditWindowOutOfBounds"
  | "CreditPerStakeOutOfBounds"
  | "ShardCountOutOfBounds";

/** A parameter outside the bounds the registry program enforces. */
export class ConfigParamError extends Error {
  /** The registry error the program would return for the same input. */
  readonly errorName: ConfigParamErrorName;
  constructor(errorName: ConfigParamErrorName, message: string) {
    super(`${errorName}: ${message}`);
    this.name = "ConfigParamError";
    this.errorName = errorName;
  }
}

const within = (v: number, b: { min: number; max: number }) => v >= b.min && v <= b.max;

/**
 * Checks every bound of {@link ConfigParams} in the program's order; throws the first violation as a
 * {@link ConfigParamError} named after the program's error.
 */
export function validateConfigParams(params: ConfigParams): void {
  const fail = (name: ConfigParamErrorName, msg: string): never => {
    throw new ConfigParamError(name, msg);
  };
  const w = params.weights;
  if (w.alphaBps > BPS_DENOMINATOR || w.betaBps > BPS_DENOMINATOR || w.gammaBps > BPS_DENOMINATOR)
    fail("WeightOutOfBounds", "a score weight exceeds 10 000 bps");
  if (w.alphaBps + w.betaBps + w.gammaBps !== BPS_DENOMINATOR)
    fail("WeightsSumNot10000", "score weights must sum to 10 000 bps");
  const bMax = BigInt(params.bMaxKbps.toString());
  if (bMax < CONFIG_BOUNDS.bMaxKbps.min || bMax > CONFIG_BOUNDS.bMaxKbps.max)
    fail("BMaxOutOfBounds", "B_max must be within 1 ..= 100 000 000 kbps");
  if (!within(params.epochLengthSecs, CONFIG_BOUNDS.epochLengthSecs))
    fail("EpochLengthOutOfBounds", "epoch length must be within 60 s ..= 30 days");
  if (!within(params.claimWindowSecs, CONFIG_BOUNDS.claimWindowSecs))
    fail("ClaimWindowOutOfBounds", "claim window must be within 1 hour ..= 365 days");
  if (params.minStake.isZero()) fail("MinStakeZero", "minimum stake must be greater than zero");
  if (!within(params.unstakeCooldownSecs, CONFIG_BOUNDS.unstakeCooldownSecs))
    fail("CooldownOutOfBounds", "unstake cooldown must be at most 90 days");
  if (
    params.repInitial > REPUTATION_MAX ||
    !within(params.repKUpBps, CONFIG_BOUNDS.repKBps) ||
    !within(params.repKDownBps, CONFIG_BOUNDS.repKBps)
  )
    fail("ReputationParamOutOfBounds", "initial ≤ 10 000, k_up and k_down in 1 ..= 10 000");
  if (params.jailThreshold >= params.repInitial)
    fail("JailThresholdNotBelowInitial", "jail threshold must be below the initial reputation");
  if (!within(params.slashBps, CONFIG_BOUNDS.slashBps)) fail("SlashOutOfBounds", "slash must be within 1 ..= 10 000 bps");
  if (!within(params.protocolFeeBps, CONFIG_BOUNDS.protocolFeeBps))
    fail("ProtocolFeeOutOfBounds", "protocol fee must be at most 1 000 bps");
  if (!within(params.verifierDraws, CONFIG_BOUNDS.verifierDraws))
    fail("VerifierDrawsOutOfBounds", "verifier draws per provider must be within 1 ..= 64");
  if (!within(params.creditPerStakeUnit, CONFIG_BOUNDS.creditPerStakeUnit))
    fail("CreditPerStakeOutOfBounds", "credit per stake unit must be within 1 ..= 1 000 000 bytes");
  if (!within(params.creditQuorum, CONFIG_BOUNDS.creditQuorum) || params.creditQuorum > params.verifierDraws)
    fail("CreditQuorumOutOfBounds", "the credit quorum must be within 1 ..= min(verifier draws, 4)");
  if (!within(params.creditWindowSecs, CONFIG_BOUNDS.creditWindowSecs))
    fail("CreditWindowOutOfBounds", "the credit window must be within 1 s ..= 7 days");
}

/** Checks the shard count given at `init_config` (fixed for the life of the config). */
export function validateShardCount(shardCount: number): void {
  if (!Number.isInteger(shardCount) || !within(shardCount, CONFIG_BOUNDS.shardCount))
    throw new ConfigParamError("ShardCountOutOfBounds", "shard count must be within 1 ..= 1024");
}
