import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import type { PublicKey, TransactionSignature } from "@solana/web3.js";
import type { ConfigAccount } from "../config.js";
import { registryProgram } from "../instructions/program.js";
import { rewardsProgram } from "../instructions/rewards.js";
import { configPda, contributionPda, epochPda, nodePda } from "../pda.js";
import type { SignedReceipt } from "../receipts.js";
import type { ContributionAccount, EpochAccount } from "../rewards.js";
import * as tx from "../transactions/rewards.js";
import { BaseClient, type SignerLike } from "./base.js";
import { LumoraError } from "./errors.js";

/** Sends and reads `lumora_rewards`: epochs, receipts, claims. */
export class RewardsClient extends BaseClient {
  private async config(): Promise<ConfigAccount> {
    const info = await this.provider.connection.getAccountInfo(configPda({ programId: this.programIds.registry }).address);
    if (!info) throw new LumoraError("the protocol config does not exist yet (init_config)", []);
    return registryProgram({ programId: this.programIds.registry }).coder.accounts.decode<ConfigAccount>("config", info.data);
  }

  private async node(nodeKey: PublicKey): Promise<{ operator: PublicKey; shard: number }> {
    const info = await this.provider.connection.getAccountInfo(nodePda({ nodeKey, programId: this.programIds.registry }).address);
    if (!info) throw new LumoraError(`no node registered for ${nodeKey.toBase58()}`, []);
    return registryProgram({ programId: this.programIds.registry }).coder.accounts.decode("node", info.data);
  }

  /** Opens epoch `index` (permissionless once the previous one ended); the wallet pays the rent. */
  async openEpoch(args: { index: bigint | number }): Promise<TransactionSignature> {
    const c = await this.config();
    return this.send(await tx.openEpochTransaction({ payer: this.wallet, index: args.index, lmrMint: c.lmrMint, programIds: this.programIds }));
  }

  /** Adds `amount` LMR to epoch `index`'s reward vault. */
  async fundEpoch(args: { funder?: SignerLike; index: bigint | number; amount: bigint | number; funderTokens?: PublicKey }): Promise<TransactionSignature> {
    const f = this.split(args.funder);
    const c = await this.config();
    const t = await tx.fundEpochTransaction({ ...args, funder: f.key, lmrMint: c.lmrMint, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, f.signers);
  }

  /** Submits one batch of receipts for a provider (the ed25519 precompile and `submit_receipts` in one transaction). */
  async submitReceipts(args: { providerKey: SignerLike; epochIndex: bigint | number; receipts: readonly SignedReceipt[] }): Promise<TransactionSignature> {
    const p = this.split(args.providerKey);
    const { shard } = await this.node(p.key);
    const t = await tx.submitReceiptsTransaction({ providerKey: p.key, payer: this.wallet, shard, epochIndex: args.epochIndex, receipts: args.receipts, programIds: this.programIds });
    return this.send(t, p.signers);
  }

  /** Closes epoch `index`, summing its shard totals `perTransaction` shards at a time (one cursor step each). */
  async closeEpoch(args: { epochIndex: bigint | number; perTransaction?: number }): Promise<TransactionSignature[]> {
    const epoch = await this.fetchEpoch(args.epochIndex);
    if (!epoch) throw new LumoraError(`epoch ${args.epochIndex} is not open`, []);
    const step = args.perTransaction ?? 8;
    const sigs: TransactionSignature[] = [];
    for (let from = epoch.shardsSummed; from < epoch.shardCount; from += step) {
      const count = Math.min(step, epoch.shardCount - from);
      sigs.push(await this.send(await tx.closeEpochTransaction({ epochIndex: args.epochIndex, fromShard: from, count, programIds: this.programIds, feePayer: this.wallet })));
    }
    return sigs;
  }

  /** Claims a node's reward for a closed epoch, paid to its operator's LMR account (permissionless). */
  async claim(args: { nodeKey: PublicKey; epochIndex: bigint | number; operatorTokens?: PublicKey }): Promise<TransactionSignature> {
    const { operator } = await this.node(args.nodeKey);
    const c = await this.config();
    const operatorTokens = args.operatorTokens ?? getAssociatedTokenAddressSync(c.lmrMint, operator, true);
    return this.send(await tx.claimTransaction({ nodeKey: args.nodeKey, epochIndex: args.epochIndex, operatorTokens, programIds: this.programIds, feePayer: this.wallet }));
  }

  /** Moves a finished epoch's remainder to a later, unclosed epoch (once). */
  async sweepDust(args: { epochIndex: bigint | number; targetEpochIndex: bigint | number }): Promise<TransactionSignature> {
    return this.send(await tx.sweepDustTransaction({ ...args, programIds: this.programIds, feePayer: this.wallet }));
  }

  /** Reads epoch `index`; `null` when not opened. */
  async fetchEpoch(index: bigint | number): Promise<EpochAccount | null> {
    const info = await this.provider.connection.getAccountInfo(epochPda({ index, programId: this.programIds.rewards }).address);
    if (!info || !info.owner.equals(this.programIds.rewards)) return null;
    return rewardsProgram({ programId: this.programIds.rewards }).coder.accounts.decode<EpochAccount>("epoch", info.data);
  }

  /** Reads a node's contribution in epoch `index`; `null` when it has none. */
  async fetchContribution(args: { nodeKey: PublicKey; epochIndex: bigint | number }): Promise<ContributionAccount | null> {
    const epoch = epochPda({ index: args.epochIndex, programId: this.programIds.rewards }).address;
    const node = nodePda({ nodeKey: args.nodeKey, programId: this.programIds.registry }).address;
    const info = await this.provider.connection.getAccountInfo(contributionPda({ epoch, node, programId: this.programIds.rewards }).address);
    if (!info || !info.owner.equals(this.programIds.rewards)) return null;
    return rewardsProgram({ programId: this.programIds.rewards }).coder.accounts.decode<ContributionAccount>("contribution", info.data);
  }
}
