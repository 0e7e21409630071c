import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import type { AccountInfo, Keypair, PublicKey, Transaction, TransactionSignature } from "@solana/web3.js";
import type { ConfigAccount } from "../config.js";
import { registryProgram } from "../instructions/program.js";
import { type CreditProof, rewardsProgram } from "../instructions/rewards.js";
import { configPda, contributionPda, epochPda, epochShardPda, nodePda, verifierRootPda } from "../pda.js";
import type { NodeAccount } from "../registry.js";
import type { ContributionAccount, EpochAccount, EpochShardAccount, VerifierRootAccount } from "../rewards.js";
import { signRootMessage } from "../totals.js";
import * as tx from "../transactions/rewards.js";
import { BaseClient, type SignerLike } from "./base.js";
import { LumoraError } from "./errors.js";

/** Sends and reads `lumora_rewards`: epochs, verifier roots, credits, claims. */
export class RewardsClient extends BaseClient {
  private async config(): Promise<ConfigAccount> {
    const info = await this.provider.connection.getAccountInfo(configPda({ programId: this.programIds.registry }).address);
    if (!info) throw new LumoraError("the protocol config does not exist yet (init_config)", []);
    return registryProgram({ programId: this.programIds.registry }).coder.accounts.decode<ConfigAccount>("config", info.data);
  }

  private async node(nodeKey: PublicKey): Promise<{ operator: PublicKey; shard: number }> {
    return this.nodeAccount(nodeKey);
  }

  private async nodeAccount(nodeKey: PublicKey): Promise<NodeAccount> {
    const info = await this.provider.connection.getAccountInfo(nodePda({ nodeKey, programId: this.programIds.registry }).address);
    if (!info) throw new LumoraError(`no node registered for ${nodeKey.toBase58()}`, []);
    return registryProgram({ programId: this.programIds.registry }).coder.accounts.decode<NodeAccount>("node", info.data);
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

  /**
   * Signs the verifier's root over its epoch tree with its node key and posts it (`post_verifier_root`,
   * after the epoch's end and before its credit deadline). The wallet pays the root account's rent.
   */
  async postVerifierRoot(args: { verifierKey: Keypair; epochIndex: bigint | number; root: Uint8Array; leafCount: number }): Promise<TransactionSignature> {
    const node = await this.nodeAccount(args.verifierKey.publicKey);
    const signed = signRootMessage({
      message: { programId: this.programIds.rewards, epoch: BigInt(args.epochIndex), verifier: nodePda({ nodeKey: args.verifierKey.publicKey, programId: this.programIds.registry }).address, slot: node.verifierSlot, root: args.root, leafCount: args.leafCount },
      nodeSecretKey: args.verifierKey.secretKey,
    });
    return this.send(await tx.postVerifierRootTransaction({ payer: this.wallet, verifierKey: args.verifierKey.publicKey, epochIndex: args.epochIndex, root: args.root, leafCount: args.leafCount, signed, programIds: this.programIds }));
  }

  /** Credits a provider for an ended epoch with the epoch's quorum of proofs (`credit_epoch`; the provider key signs). */
  async creditEpoch(args: { providerKey: SignerLike; epochIndex: bigint | number; proofs: readonly CreditProof[] }): Promise<TransactionSignature> {
    const p = this.split(args.providerKey);
    const { shard } = await this.node(p.key);
    return this.send(await tx.creditEpochTransaction({ providerKey: p.key, payer: this.wallet, shard, epochIndex: args.epochIndex, proofs: args.proofs, programIds: this.programIds }), p.signers);
  }

  /** After the epoch's credit window: closes a verifier's root, its rent back to whoever paid it. */
  async closeVerifierRoot(args: { verifierKey: PublicKey; epochIndex: bigint | number }): Promise<TransactionSignature> {
    const root = await this.fetchVerifierRoot(args);
    if (!root) throw new LumoraError(`verifier ${args.verifierKey.toBase58()} has no root in epoch ${args.epochIndex}`, []);
    return this.send(await tx.closeVerifierRootTransaction({ ...args, rentReceiver: root.payer, programIds: this.programIds, feePayer: this.wallet }));
  }

  /** After the epoch's claim window: closes a provider's credit, its rent back to whoever paid it. */
  async closeContribution(args: { nodeKey: PublicKey; epochIndex: bigint | number }): Promise<TransactionSignature> {
    const c = await this.fetchContribution(args);
    if (!c) throw new LumoraError(`node ${args.nodeKey.toBase58()} has no contribution in epoch ${args.epochIndex}`, []);
    return this.send(await tx.closeContributionTransaction({ ...args, rentReceiver: c.payer, programIds: this.programIds, feePayer: this.wallet }));
  }

  /** Reads a verifier's root of epoch `epochIndex` (by its node key); `null` when it has posted none. */
  async fetchVerifierRoot(args: { verifierKey: PublicKey; epochIndex: bigint | number }): Promise<VerifierRootAccount | null> {
    const epoch = epochPda({ index: args.epochIndex, programId: this.programIds.rewards }).address;
    const verifier = nodePda({ nodeKey: args.verifierKey, programId: this.programIds.registry }).address;
    return this.decodeOwned("verifierRoot", await this.provider.connection.getAccountInfo(verifierRootPda({ epoch, verifier, programId: this.programIds.rewards }).address));
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

  /**
   * After the close: moves each contributing shard's share into its claim vault (`distribute_shard`),
   * `perTransaction` shards per transaction; shards already distributed are skipped, so a repeated or
   * resumed call sends only what is left. The wallet pays the vaults' rent (returned at the shard sweeps).
   */
  async distributeEpoch(args: { epochIndex: bigint | number; perTransaction?: number }): Promise<TransactionSignature[]> {
    const epoch = await this.fetchEpoch(args.epochIndex);
    if (!epoch?.closed) throw new LumoraError(`epoch ${args.epochIndex} is not closed`, []);
    const c = await this.config();
    const todo = (await this.shardsOf(args.epochIndex, epoch.shardCount)).filter((s) => !s.distributed).map((s) => s.shard);
    return this.sendInGroups(todo, args.perTransaction ?? 4, (shards) =>
      tx.distributeShardsTransaction({ payer: this.wallet, epochIndex: args.epochIndex, shards, lmrMint: c.lmrMint, programIds: this.programIds }),
    );
  }

  /**
   * Claims a node's reward for a closed, distributed epoch from its shard's claim vault, paid to the LMR
   * account of the operator its contribution records (permissionless; the node may have closed since).
   */
  async claim(args: { nodeKey: PublicKey; epochIndex: bigint | number; operatorTokens?: PublicKey }): Promise<TransactionSignature> {
    const contribution = await this.fetchContribution(args);
    if (!contribution) throw new LumoraError(`node ${args.nodeKey.toBase58()} has no contribution in epoch ${args.epochIndex}`, []);
    const c = await this.config();
    const operatorTokens = args.operatorTokens ?? getAssociatedTokenAddressSync(c.lmrMint, contribution.operator, true);
    return this.send(await tx.claimTransaction({ nodeKey: args.nodeKey, epochIndex: args.epochIndex, shard: contribution.shard, operatorTokens, programIds: this.programIds, feePayer: this.wallet }));
  }

  /** After the claim window, moves a distributed epoch's rounding remainder (epoch vault) to a later, unclosed epoch (once). */
  async sweepDust(args: { epochIndex: bigint | number; targetEpochIndex: bigint | number }): Promise<TransactionSignature> {
    return this.send(await tx.sweepDustTransaction({ ...args, programIds: this.programIds, feePayer: this.wallet }));
  }

  /**
   * After the claim window: moves every distributed shard vault's remainder to a later, unclosed epoch
   * (`sweep_shard_dust`, `perTransaction` shards per transaction), closing the vaults; swept shards are skipped.
   */
  async sweepShardDust(args: { epochIndex: bigint | number; targetEpochIndex: bigint | number; perTransaction?: number }): Promise<TransactionSignature[]> {
    const todo = (await this.fetchEpochShards(args.epochIndex)).filter((s) => s.distributed && !s.dustSwept).map((s) => ({ shard: s.shard, rentReceiver: s.vaultRentPayer }));
    return this.sendInGroups(todo, args.perTransaction ?? 4, (shards) =>
      tx.sweepShardDustTransaction({ epochIndex: args.epochIndex, targetEpochIndex: args.targetEpochIndex, shards, programIds: this.programIds, feePayer: this.wallet }),
    );
  }

  /** Reads one shard's account of epoch `epochIndex`; `null` when nobody contributed in that shard. */
  async fetchEpochShard(args: { epochIndex: bigint | number; shard: number }): Promise<EpochShardAccount | null> {
    const epoch = epochPda({ index: args.epochIndex, programId: this.programIds.rewards }).address;
    return this.decodeOwned("epochShard", await this.provider.connection.getAccountInfo(epochShardPda({ epoch, shard: args.shard, programId: this.programIds.rewards }).address));
  }

  /** The epoch's shard accounts that exist (shards nobody contributed to have none), in shard order. */
  async fetchEpochShards(index: bigint | number): Promise<EpochShardAccount[]> {
    const e = await this.fetchEpoch(index);
    return e ? this.shardsOf(index, e.shardCount) : [];
  }

  /** Reads epoch `index`; `null` when not opened. */
  async fetchEpoch(index: bigint | number): Promise<EpochAccount | null> {
    return this.decodeOwned("epoch", await this.provider.connection.getAccountInfo(epochPda({ index, programId: this.programIds.rewards }).address));
  }

  /** Reads a node's contribution in epoch `index`; `null` when it has none. */
  async fetchContribution(args: { nodeKey: PublicKey; epochIndex: bigint | number }): Promise<ContributionAccount | null> {
    const epoch = epochPda({ index: args.epochIndex, programId: this.programIds.rewards }).address;
    const node = nodePda({ nodeKey: args.nodeKey, programId: this.programIds.registry }).address;
    return this.decodeOwned("contribution", await this.provider.connection.getAccountInfo(contributionPda({ epoch, node, programId: this.programIds.rewards }).address));
  }

  /** The existing shard accounts among shards `0 .. shardCount` of epoch `index` (100 per RPC read). */
  private async shardsOf(index: bigint | number, shardCount: number): Promise<EpochShardAccount[]> {
    const epoch = epochPda({ index, programId: this.programIds.rewards }).address;
    const out: EpochShardAccount[] = [];
    for (let from = 0; from < shardCount; from += 100) {
      const keys = Array.from({ length: Math.min(100, shardCount - from) }, (_, k) => epochShardPda({ epoch, shard: from + k, programId: this.programIds.rewards }).address);
      for (const info of await this.provider.connection.getMultipleAccountsInfo(keys)) {
        const shard = this.decodeOwned<EpochShardAccount>("epochShard", info);
        if (shard) out.push(shard);
      }
    }
    return out;
  }

  /** An account of this program decoded as `name`; `null` when absent or owned by another program. */
  private decodeOwned<T>(name: "epoch" | "epochShard" | "contribution" | "verifierRoot", info: AccountInfo<Buffer> | null): T | null {
    if (!info || !info.owner.equals(this.programIds.rewards)) return null;
    return rewardsProgram({ programId: this.programIds.rewards }).coder.accounts.decode<T>(name, info.data);
  }

  /** Sends one transaction per group of `size` items, in order; the signatures. */
  private async sendInGroups<T>(items: readonly T[], size: number, build: (group: T[]) => Promise<Transaction>): Promise<TransactionSignature[]> {
    const sigs: TransactionSignature[] = [];
    for (let k = 0; k < items.length; k += size) sigs.push(await this.send(await build(items.slice(k, k + size))));
    return sigs;
  }
}
