import { PublicKey, type TransactionSignature } from "@solana/web3.js";
import type { ConfigAccount } from "../config.js";
import { registryProgram, tasksProgram } from "../instructions/program.js";
import { closeBidInstruction, closeResultInstruction } from "../instructions/tasks.js";
import { configPda, nodePda, resultPda, taskPda } from "../pda.js";
import { resultCommitment, TASK_BOUNDS, type TaskAccount, type TaskResultAccount } from "../tasks.js";
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

  /** Commits a result: `SHA-256(contentHash ‖ node key)`, computed here from the content hash. */
  async commit(args: { /** The assignee's node key (signer). */ nodeKey: SignerLike; task: PublicKey; /** 32-byte content hash of the result. */ contentHash: Uint8Array }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const commitment = resultCommitment({ contentHash: args.contentHash, nodeKey: nk.key.toBytes() });
    const t = await tx.commitResultTransaction({ nodeKey: nk.key, task: args.task, commitment, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, nk.signers);
  }

  /** Reveals a committed result. */
  async reveal(args: { nodeKey: SignerLike; task: PublicKey; contentHash: Uint8Array; merkleRoot: Uint8Array; byteCount: bigint | number; locator: string; sealedKey: Uint8Array }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const t = await tx.revealResultTransaction({ ...args, nodeKey: nk.key, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, nk.signers);
  }

  /** Reads an assignee's result record; `null` before its commit. */
  async fetchResult(args: { task: PublicKey; nodeKey: PublicKey }): Promise<TaskResultAccount | null> {
    const node = nodePda({ nodeKey: args.nodeKey, programId: this.programIds.registry }).address;
    const info = await this.provider.connection.getAccountInfo(resultPda({ task: args.task, node, programId: this.programIds.tasks }).address);
    if (!info || !info.owner.equals(this.programIds.tasks)) return null;
    return tasksProgram({ programId: this.programIds.tasks }).coder.accounts.decode<TaskResultAccount>("taskResult", info.data);
  }

  /**
   * Settles a task whose reveals are in (or whose reveal deadline passed). For r = 1 the consumer
   * signs and `accept` is its verdict; for r ≥ 2 a majority of matching reveals decides.
   */
  async settle(args: { task: PublicKey; consumer?: SignerLike; accept?: boolean; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const task = await this.fetchTask(args.task);
    if (!task) throw new LumoraError(`no task at ${args.task.toBase58()}`, []);
    const slots = task.slots as { node: PublicKey }[];
    const assignees = slots.slice(0, task.assignedCount).map((s) => s.node);
    const c = task.redundancy === 1 ? this.split(args.consumer) : undefined;
    const t = await tx.settleTransaction({
      task: args.task,
      consumer: task.consumer,
      consumerSigns: task.redundancy === 1,
      accept: args.accept ?? true,
      assignees,
      lmrMint: await this.lmrMint(args.lmrMint),
      programIds: this.programIds,
      feePayer: this.wallet,
    });
    return this.send(t, c?.signers ?? []);
  }

  /** Pays (from the escrow) or penalises the assignee of `rank` after `settle`. */
  async settleAssignee(args: { task: PublicKey; rank: number; lmrMint?: PublicKey }): Promise<TransactionSignature> {
    const task = await this.fetchTask(args.task);
    if (!task) throw new LumoraError(`no task at ${args.task.toBase58()}`, []);
    const node = (task.slots as { node: PublicKey }[])[args.rank]!.node;
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

  /** Expires the silent assignee of `rank` after the commit deadline; the first backup takes its place. */
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
