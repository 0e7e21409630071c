/**
 * Program ids of the four Lumora programs (the `declare_id!` of each, read from its IDL) and the
 * well-known programs they call. Every SDK function that touches a program takes an optional
 * override, so a deployment under other ids needs no fork.
 * @module
 */
import { PublicKey } from "@solana/web3.js";
import { lumoraMarketIdl, lumoraRegistryIdl, lumoraRewardsIdl, lumoraTasksIdl } from "./idl/index.js";

/** Program ids of the Lumora programs. */
export interface LumoraProgramIds {
  /** `lumora_registry`: config, nodes, stake, reputation. */
  registry: PublicKey;
  /** `lumora_tasks`: task log, assignment, results. */
  tasks: PublicKey;
  /** `lumora_rewards`: Proof-of-Bandwidth receipts, epochs, reward vault. */
  rewards: PublicKey;
  /** `lumora_market`: datasets and purchases. */
  market: PublicKey;
}

/** The ids the programs declare (`declare_id!`). */
export const PROGRAM_IDS: Readonly<LumoraProgramIds> = Object.freeze({
  registry: new PublicKey(lumoraRegistryIdl.address),
  tasks: new PublicKey(lumoraTasksIdl.address),
  rewards: new PublicKey(lumoraRewardsIdl.address),
  market: new PublicKey(lumoraMarketIdl.address),
});

/** BPF upgradeable loader (owner of deployed programs and their program-data accounts). */
export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

/** Merges caller overrides over {@link PROGRAM_IDS}. */
export function resolveProgramIds(overrides?: Partial<LumoraProgramIds>): LumoraProgramIds {
  return { ...PROGRAM_IDS, ...overrides };
}
