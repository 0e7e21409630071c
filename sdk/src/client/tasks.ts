import { PublicKey, type TransactionSignature } from "@solana/web3.js";
import type { ConfigAccount } from "../config.js";
import { registryProgram, tasksProgram } from "../instructions/program.js";
import { closeBidInstruction, closeResultInstruction } from "../instructions/tasks.js";
import { configPda, nodePda, resultPda, taskPda } from "../pda.js";
import type { NodeAccount } from "../registry.js";
import { bidWouldRank, distanceKm, scoreNode } from "../task-math.js";
import { resultCommitment, sealedKeyHash, TASK_BOUNDS, type TaskAccount, type TaskResultAccount } from "../tasks.js";
import { unsignedTransaction } from "../transactions/build.js";
import * as tx from "../transactions/tasks.js";
import { BaseClient, type SignerLike } from "./base.js";
import { LumoraError } from "./errors.js";

/** Sends and reads `lumora_tasks`: tasks, bids, assignment. */
export class TasksClient extends BaseClient {
  private async lmrMint(explicit?: PublicKey): Promise<PublicKey> {
    if (explicit) return explicit;
    const info = await this.provider.connection.getAccountInfo(configPda({ programId: this.programIds.registry }).address);
    if (!info) throw new LumoraError("the protocol config does not exist yet (init_config)", []);
    return registryProgram({ programId: this.programIds.registry }).coder.accounts.decode<ConfigAccount>("config", info.data).lmrMint;
  }

  /** Creates a task and escrows `payment` LMR; returns its address and the signature. */
  async createTask(args: {
    /** The consumer (default: the wallet). */
    consumer?: SignerLike;
    taskId: bigint | number;
    specHash: Uint8Array;
    consumerX25519: Uint8Array;
    latE6: number;
    lonE6: number;
    redundancy: number;
    maxBackups: number;
    bidWindowEnd: bigint | number;
    commitDeadline: bigint | number;
    revealDeadline: bigint | number;
    payment: bigint | number;
    /** The spec's declared maximum result size in bytes (default `TASK_BOUNDS.defaultMaxBytes`). */
    maxBytes?: bigint | number;
    lmrMint?: PublicKey;
    consumerTokens?: PublicKey;
  }): Promise<{ task: PublicKey; signature: TransactionSignature }> {
    if (args.redundancy < 1 || args.redundancy > TASK_BOUNDS.maxRedundancy || args.maxBackups < 0 || args.maxBackups > TASK_BOUNDS.maxBackups)
      throw new LumoraError(`redundancy must be 1 ..= ${TASK_BOUNDS.maxRedundancy} and backups 0 ..= ${TASK_BOUNDS.maxBackups}`, []);
    if (args.specHash.length !== 32 || args.consumerX25519.length !== 32) throw new LumoraError("specHash and consumerX25519 must be 32 bytes", []);
    const c = this.split(args.consumer);
    const t = await tx.createTaskTransaction({ ...args, consumer: c.key, lmrMint: await this.lmrMint(args.lmrMint), programIds: this.programIds, feePayer: this.wallet });
    const signature = await this.send(t, c.signers);
    return { task: this.taskAddress(c.key, args.taskId), signature };
  }

  /**
   * The score the program would give `nodeKey`'s bid on `task` (`scoreNode` over the node's registry
   * state and the config's weights), and whether it would enter the kept list (`bidWouldRank`).
   */
  async bidOutlook(args: { nodeKey: PublicKey; task: PublicKey }): Promise<{ score: bigint; wouldRank: boolean } | null> {
    const task = await this.fetchTask(args.task);
    const nodeAddress = nodePda({ nodeKey: args.nodeKey, programId: this.programIds.registry }).address;
    const nodeInfo = await this.provider.connection.getAccountInfo(nodeAddress);
    const configInfo = await this.provider.connection.getAccountInfo(configPda({ programId: this.programIds.registry }).address);
    if (!task || !nodeInfo || !configInfo) return null;
    const reg = registryProgram({ programId: this.programIds.registry });
    const n = reg.coder.accounts.decode<NodeAccount>("node", nodeInfo.data);
    const c = reg.coder.accounts.decode<ConfigAccount>("config", configInfo.data);
    const score = scoreNode({
      alphaBps: c.params.weights.alphaBps,
      betaBps: c.params.weights.betaBps,
      gammaBps: c.params.weights.gammaBps,
      bMaxKbps: BigInt(c.params.bMaxKbps.toString()),
      declaredBandwidthKbps: BigInt(n.declaredBandwidthKbps.toString()),
      verifiedBandwidthKbps: BigInt(n.verifiedBandwidthKbps.toString()),
      distanceKm: distanceKm({ lat1E6: n.latE6, lon1E6: n.lonE6, lat2E6: task.latE6, lon2E6: task.lonE6 }),
      verifiedLatencyMs: n.verifiedLatencyMs,
    });
    const kept = (task.slots as { node: PublicKey; score: { toString(): string } }[]).slice(0, task.slotCount).map((s) => ({ node: s.node, score: BigInt(s.score.toString()) }));
    const capacity = Math.min(task.redundancy + task.maxBackups, TASK_BOUNDS.maxSlots);
    return { score, wouldRank: bidWouldRank({ capacity, kept, bid: { node: nodeAddress, score } }) };
  }

  /** Bids on a task with a node key; the program computes the score. */
  async bid(args: { /** The node key (signer). */ nodeKey: SignerLike; task: PublicKey }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const t = await tx.bidTransaction({ nodeKey: nk.key, task: args.task, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, nk.signers);
  }

  /** Finalizes the assignment of a task after its bid window (reads the kept bids from the task). */
  async finalize(args: { task: PublicKey; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const task = await this.fetchTask(args.task);
    if (!task) throw new LumoraError(`no task at ${args.task.toBase58()}`, []);
    const slots = task.slots as { node: PublicKey; score: unknown }[];
    const assignees = slots.slice(0, Math.min(task.redundancy, task.slotCount)).map((s) => s.node);
    const t = await tx.finalizeAssignmentTransaction({
      task: args.task,
      consumer: task.consumer,
      lmrMint: await this.lmrMint(args.lmrMint),
      assignees,
      programIds: this.programIds,
      feePayer: this.wallet,
    });
    return this.send(t);
  }

  /** Cancels an open task (consumer); the escrow comes back. */
  async cancel(args: { consumer?: SignerLike; task: PublicKey; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const c = this.split(args.consumer);
    const t = await tx.cancelTaskTransaction({ consumer: c.key, task: args.task, lmrMint: await this.lmrMint(args.lmrMint), programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, c.signers);
  }

  /**
   * Commits a result: `resultCommitment` over everything the reveal will carry (content hash, Merkle
   * root, byte count, the sealed key's hash) and the node key, computed here.
   */
  async commit(args: {
    /** The assignee's (or backup's) node key (signer). */
    nodeKey: SignerLike;
    task: PublicKey;
    /** 32-byte content hash of the result (SHA-256 of the plaintext records). */
    contentHash: Uint8Array;
    /** 32-byte Merkle root of the encrypted chunks. */
    merkleRoot: Uint8Array;
    /** Bytes of result data (`1 ..= max_bytes`). */
    byteCount: bigint | number;
    /** The data key sealed to the consumer (only its hash goes into the commitment). */
    sealedKey: Uint8Array;
  }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const commitment = resultCommitment({ ...args, keyHash: sealedKeyHash(args.sealedKey), nodeKey: nk.key.toBytes() });
    const t = await tx.commitResultTransaction({ nodeKey: nk.key, task: args.task, commitment, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, nk.signers);
  }

  /** Reveals a committed result: the committed fields and the sealed key's hash, not the key. */
  async reveal(args: { nodeKey: SignerLike; task: PublicKey; contentHash: Uint8Array; merkleRoot: Uint8Array; byteCount: bigint | number; locator: string; sealedKey: Uint8Array }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const t = await tx.revealResultTransaction({ ...args, keyHash: sealedKeyHash(args.sealedKey), nodeKey: nk.key, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, nk.signers);
  }

  /** Posts the sealed data key of an agreeing assignee after `settle` (paid by `settleAssignee` after this). */
  async releaseKey(args: { nodeKey: SignerLike; task: PublicKey; sealedKey: Uint8Array }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const t = await tx.releaseKeyTransaction({ nodeKey: nk.key, task: args.task, sealedKey: args.sealedKey, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, nk.signers);
  }

  /** Reads the result record of a registry Node PDA on a task; `null` before its commit. */
  async fetchResultOf(args: { task: PublicKey; node: PublicKey }): Promise<TaskResultAccount | null> {
    const info = await this.provider.connection.getAccountInfo(resultPda({ task: args.task, node: args.node, programId: this.programIds.tasks }).address);
    if (!info || !info.owner.equals(this.programIds.tasks)) return null;
    return tasksProgram({ programId: this.programIds.tasks }).coder.accounts.decode<TaskResultAccount>("taskResult", info.data);
  }

  /** Reads an assignee's result record; `null` before its commit. */
  async fetchResult(args: { task: PublicKey; nodeKey: PublicKey }): Promise<TaskResultAccount | null> {
    const node = nodePda({ nodeKey: args.nodeKey, programId: this.programIds.registry }).address;
    const info = await this.provider.connection.getAccountInfo(resultPda({ task: args.task, node, programId: this.programIds.tasks }).address);
    if (!info || !info.owner.equals(this.programIds.tasks)) return null;
    return tasksProgram({ programId: this.programIds.tasks }).coder.accounts.decode<TaskResultAccount>("taskResult", info.data);
  }

  /**
   * Settles a task whose reveals are in (or whose reveal deadline passed), permissionless for every r:
   * a majority of the assignees' matching reveals decides (r = 1: the one reveal). The consumer has no
   * verdict: it sees the data key only after this (`releaseKey`).
   */
  async settle(args: { task: PublicKey; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const task = await this.fetchTask(args.task);
    if (!task) throw new LumoraError(`no task at ${args.task.toBase58()}`, []);
    const slots = task.slots as { node: PublicKey }[];
    const assignees = slots.slice(0, task.assignedCount).map((s) => s.node);
    const t = await tx.settleTransaction({
      task: args.task,
      consumer: task.consumer,
      assignees,
      lmrMint: await this.lmrMint(args.lmrMint),
      programIds: this.programIds,
      feePayer: this.wallet,
    });
    return this.send(t);
  }

  /** Pays (from the escrow) or penalises the assignee of `rank` after `settle`. */
  async settleAssignee(args: { task: PublicKey; rank: number; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const task = await this.fetchTask(args.task);
    if (!task) throw new LumoraError(`no task at ${args.task.toBase58()}`, []);
    const node = (task.slots as { node: PublicKey }[])[args.rank]?.node ?? PublicKey.default;
    const info = await this.provider.connection.getAccountInfo(node);
    if (!info) throw new LumoraError(`assignee node ${node.toBase58()} not found`, []);
    const n = registryProgram({ programId: this.programIds.registry }).coder.accounts.decode<{ operator: PublicKey }>("node", info.data);
    const t = await tx.settleAssigneeTransaction({
      task: args.task,
      rank: args.rank,
      node,
      operator: n.operator,
      lmrMint: await this.lmrMint(args.lmrMint),
      programIds: this.programIds,
      feePayer: this.wallet,
    });
    return this.send(t);
  }

  /** Expires the assignee of `rank` silent at commit or at reveal; the first backup takes its place (or is dropped). */
  async expire(args: { task: PublicKey; rank: number; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const task = await this.fetchTask(args.task);
    if (!task) throw new LumoraError(`no task at ${args.task.toBase58()}`, []);
    const slots = task.slots as { node: PublicKey }[];
    const backup = task.slotCount > task.assignedCount ? slots[task.assignedCount]!.node : slots[args.rank]!.node;
    const t = await tx.expireAndReassignTransaction({
      task: args.task,
      rank: args.rank,
      expired: slots[args.rank]!.node,
      backup,
      consumer: task.consumer,
      lmrMint: await this.lmrMint(args.lmrMint),
      programIds: this.programIds,
      feePayer: this.wallet,
    });
    return this.send(t);
  }

  /** Closes a finished task (consumer): escrow remainder and rents back. */
  async close(args: { consumer?: SignerLike; task: PublicKey; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const c = this.split(args.consumer);
    const t = await tx.closeTaskTransaction({ consumer: c.key, task: args.task, lmrMint: await this.lmrMint(args.lmrMint), programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, c.signers);
  }

  /** The bidder (node key) takes its bid record's rent back once bidding is over. */
  async closeBid(args: { nodeKey: SignerLike; task: PublicKey }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const t = unsignedTransaction([await closeBidInstruction({ bidder: nk.key, task: args.task, programIds: this.programIds })], this.wallet, {});
    return this.send(t, nk.signers);
  }

  /** The assignee (node key) takes its result record's rent back once settled. */
  async closeResult(args: { nodeKey: SignerLike; task: PublicKey }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const t = unsignedTransaction([await closeResultInstruction({ committer: nk.key, task: args.task, programIds: this.programIds })], this.wallet, {});
    return this.send(t, nk.signers);
  }

  /** The task PDA of (consumer, task id). */
  taskAddress(consumer: PublicKey, taskId: bigint | number): PublicKey {
    return taskPda({ consumer, taskId, programId: this.programIds.tasks }).address;
  }

  /**
   * Every task of the program, optionally only those in one status (`TASK_STATUS`) or of one consumer,
   * sorted by address. Needs a connection that serves `getProgramAccounts` (an RPC node, the embedded
   * chain's RPC server or the LiteSVM provider), not bankrun's.
   */
  async fetchTasks(filter: { status?: number; consumer?: PublicKey } = {}): Promise<{ address: PublicKey; task: TaskAccount }[]> {
    const conn = this.provider.connection as { getProgramAccounts?: (id: PublicKey, cfg: unknown) => Promise<readonly { pubkey: PublicKey; account: { data: Buffer } }[]> };
    if (typeof conn.getProgramAccounts !== "function")
      throw new LumoraError("this provider's connection cannot enumerate accounts (getProgramAccounts): use an RPC connection or LiteSVM", []);
    const program = tasksProgram({ programId: this.programIds.tasks });
    const filters: unknown[] = [{ memcmp: { offset: 0, bytes: program.coder.accounts.memcmp("task").bytes } }];
    // Task is zero-copy: the consumer is its first field
    if (filter.consumer) filters.push({ memcmp: { offset: 8, bytes: filter.consumer.toBase58() } });
    const raw = await conn.getProgramAccounts(this.programIds.tasks, { filters });
    return raw
      .map((r) => ({ address: new PublicKey(r.pubkey), task: program.coder.accounts.decode<TaskAccount>("task", Buffer.from(r.account.data)) }))
      .filter((r) => filter.status === undefined || r.task.status === filter.status)
      .sort((a, b) => a.address.toBase58().localeCompare(b.address.toBase58()));
  }

  /** Reads and decodes a task; `null` when absent. */
  async fetchTask(task: PublicKey): Promise<TaskAccount | null> {
    const info = await this.provider.connection.getAccountInfo(task);
    if (!info || !info.owner.equals(this.programIds.tasks)) return null;
    return tasksProgram({ programId: this.programIds.tasks }).coder.accounts.decode<TaskAccount>("task", info.data);
  }
}
