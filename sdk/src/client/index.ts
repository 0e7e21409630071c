/**
 * The high-level client: signs, sends, confirms, decodes accounts and maps program errors to typed
 * errors. One code path for every provider (RPC `Connection`, bankrun, LiteSVM).
 * @module
 */
import { RegistryClient, type ClientArgs } from "./registry.js";
import { TasksClient } from "./tasks.js";
import { MarketClient } from "./market.js";
import { RewardsClient } from "./rewards.js";
import { type LumoraProgramIds, resolveProgramIds } from "../programs.js";

export * from "./errors.js";
export { BaseClient } from "./base.js";
export { RegistryClient, type ClientArgs, type SignerLike } from "./registry.js";
export { TasksClient } from "./tasks.js";
export { MarketClient, type DatasetFilter } from "./market.js";
export { RewardsClient } from "./rewards.js";

/** Entry point: one client per program, sharing a provider and program ids. */
export class LumoraClient {
  readonly programIds: LumoraProgramIds;
  /** Config, governance and nodes (`lumora_registry`). */
  readonly registry: RegistryClient;
  /** Tasks, bids and assignment (`lumora_tasks`). */
  readonly tasks: TasksClient;
  /** Datasets, purchases and key delivery (`lumora_market`). */
  readonly market: MarketClient;
  /** Epochs, Proof-of-Bandwidth receipts and claims (`lumora_rewards`). */
  readonly rewards: RewardsClient;

  constructor(args: ClientArgs) {
    this.programIds = resolveProgramIds(args.programIds);
    this.registry = new RegistryClient({ provider: args.provider, programIds: this.programIds });
    this.tasks = new TasksClient({ provider: args.provider, programIds: this.programIds });
    this.market = new MarketClient({ provider: args.provider, programIds: this.programIds });
    this.rewards = new RewardsClient({ provider: args.provider, programIds: this.programIds });
  }
}
