/**
 * What every duty works with: the {@link DutyContext} the daemon hands each duty per tick, and
 * {@link step}, the one way a duty sends (journaled: a restarted node never sends a step twice).
 */
import type { Keypair, PublicKey } from "@solana/web3.js";
import type { LumoraClient } from "@lumora/sdk";
import type { JournaledProvider } from "../chain.js";
import type { NodeState } from "../state.js";
import type { IntentKind } from "../store/index.js";

export interface DutyContext {
  client: LumoraClient;
  provider: JournaledProvider;
  state: NodeState;
  nodeKey: Keypair;
  operator: Keypair;
  /** Folder for datasets (chunks + manifest). */
  dataDir: string;
  /** Fetches the spec bytes of a spec hash (DHT), or null. */
  getSpec(hash: Uint8Array): Promise<Uint8Array | null>;
  /** Scrapes a spec; returns the output file bytes (JSONL/CSV) and record count. */
  execute(specBytes: Uint8Array, specHash: Uint8Array): Promise<{ output: Uint8Array; records: number; bytesFetched: number }>;
  /** Starts serving a stored dataset over /lumora/chunks/1. */
  serve(datasetDir: string): Promise<void>;
  /** This node's locator for results (e.g. its libp2p multiaddr with /p2p/). */
  locator(): string;
  /** The rewards epoch of a chain time (for the per-epoch metrics). */
  epochOf(now: bigint): number;
}

/** Runs one journaled step; a step that failed on chain is logged (and not retried under its key). */
export async function step(ctx: DutyContext, kind: IntentKind, key: string, fn: () => Promise<unknown>): Promise<boolean> {
  const prior = ctx.provider.entry(key);
  if (prior && prior.state !== "planned" && prior.state !== "signed" && prior.state !== "sent") return prior.state === "confirmed";
  try {
    await ctx.provider.journaled(kind, key, fn);
    ctx.state.log("info", kind, { key });
    return true;
  } catch (e) {
    ctx.state.log("warn", `${kind} failed`, { key, error: (e as Error).message.slice(0, 300) });
    return false;
  }
}

/** This node's registry account address. */
export function myNodeAddress(ctx: DutyContext): PublicKey {
  return ctx.client.registry.nodeAddress(ctx.nodeKey.publicKey);
}
