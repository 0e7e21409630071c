/**
 * The high-level client: signs, sends, confirms, decodes accounts and maps program errors to typed
 * errors. One code path for every provider (RPC `Connection`, bankrun, LiteSVM).
 * @module
 */
import { RegistryClient, type ClientArgs } from "./registry.js";
import { TasksClient } from "./tasks.js";
import { RewardsClient } from "./rewards.js";
import { type LumoraProgramIds, resolveProgramIds } from "../programs.js";

export * from "./errors.js";
export { BaseClient } from "./base.js";
export { RegistryClient, type ClientArgs, type SignerLike } from "./registry.js";
export { TasksClient } from "./tasks.js";
export { RewardsClient } from "./rewards.js";

/** Entry point: one client per program, sharing a provider and program ids. */
export class LumoraClient {
  readonly programIds: LumoraProgramIds;
  /** Config, governance and nodes (`lumora_registry`). */
  readonly registry: RegistryClient;
  /** Tasks, bids and assignment (`lumora_tasks`). */
  readonly tasks: TasksClient;
  /** Epochs, Proof-of-Bandwidth receipts and claims (`lumora_rewards`). */
  readonly rewards: RewardsClient;

  constructor(args: ClientArgs) {
    this.programIds = resolveProgramIds(args.programIds);
    this.registry = new RegistryClient({ provider: args.provider, programIds: this.programIds });
    this.tasks = new TasksClient({ provider: args.provider, programIds: this.programIds });
    this.rewards = new RewardsClient({ provider: args.provider, programIds: this.programIds });
  }
}
