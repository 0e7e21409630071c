/**
 * Instruction builders of `lumora_tasks`, every account explicit (from `pda`), no RPC.
 * @module
 */
import { getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { type AccountMeta, type PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { BN } from "../bn.js";
import {
  bidPda,
  configPda,
  cpiAuthorityPda,
  nodePda,
  resultPda,
  stakeVaultPda,
  taskPda,
  taskVaultPda,
  treasuryPda,
} from "../pda.js";
import { type LumoraProgramIds, resolveProgramIds } from "../programs.js";
import { TASK_BOUNDS } from "../tasks.js";
import { tasksProgram } from "./program.js";

/** Arguments of {@link createTaskInstruction}. */
export interface CreateTaskInstructionArgs {
  /** The consumer (signer, payer, funds the escrow). */
  consumer: PublicKey;
  /** Consumer-chosen id, unique per consumer. */
  taskId: bigint | number;
  /** SHA-256 of the canonical spec JSON (`specHash`). */
  specHash: Uint8Array;
  /** The consumer's x25519 public key (32 bytes) for sealed data keys. */
  consumerX25519: Uint8Array;
  /** Target location, micro-degrees. */
  latE6: number;
  /** Target location, micro-degrees. */
  lonE6: number;
  /** Redundancy r (1 ..= 5). */
  redundancy: number;
  /** Backups kept beyond r (0 ..= 5). */
  maxBackups: number;
  /** End of the bid window, Unix seconds. */
  bidWindowEnd: bigint | number;
  /** Commit deadline, Unix seconds. */
  commitDeadline: bigint | number;
  /** Reveal deadline, Unix seconds. */
  revealDeadline: bigint | number;
  /** LMR base units escrowed. */
  payment: bigint | number;
  /** The spec's declared maximum result size in bytes (`1 ..= 2^40`; default 64 MiB). */
  maxBytes?: bigint | number;
  /** The LMR mint (from the registry config). */
  lmrMint: PublicKey;
  /** The consumer's LMR account (default: its associated token account). */
  consumerTokens?: PublicKey;
  /** Program id overrides. */
  programIds?: Partial<LumoraProgramIds>;
}

/** `create_task`: creates the task and its escrow and moves the payment in. */
export async function createTaskInstruction(a: CreateTaskInstructionArgs): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const task = taskPda({ consumer: a.consumer, taskId: a.taskId, programId: ids.tasks }).address;
  return tasksProgram({ programId: ids.tasks })
    .methods.createTask({
      taskId: new BN(a.taskId.toString()),
      specHash: Array.from(a.specHash),
      consumerX25519: Array.from(a.consumerX25519),
      latE6: a.latE6,
      lonE6: a.lonE6,
      redundancy: a.redundancy,
      maxBackups: a.maxBackups,
      bidWindowEnd: new BN(a.bidWindowEnd.toString()),
      commitDeadline: new BN(a.commitDeadline.toString()),
      revealDeadline: new BN(a.revealDeadline.toString()),
      payment: new BN(a.payment.toString()),
      maxBytes: new BN((a.maxBytes ?? TASK_BOUNDS.defaultMaxBytes).toString()),
    })
    .accountsStrict({
      consumer: a.consumer,
      config: configPda({ programId: ids.registry }).address,
      task,
      vault: taskVaultPda({ task, programId: ids.tasks }).address,
      lmrMint: a.lmrMint,
      consumerTokens: a.consumerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.consumer, true),
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** `bid`: the node key bids on a task; the program scores it. */
export async function bidInstruction(a: {
  /** The bidding node's hot key (signer, pays the bid record). */
  nodeKey: PublicKey;
  /** The task PDA. */
  task: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const node = nodePda({ nodeKey: a.nodeKey, programId: ids.registry }).address;
  return tasksProgram({ programId: ids.tasks })
    .methods.bid()
    .accountsStrict({
      nodeKey: a.nodeKey,
      config: configPda({ programId: ids.registry }).address,
      node,
      task: a.task,
      bid: bidPda({ task: a.task, node, programId: ids.tasks }).address,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/**
 * `finalize_assignment` (permissionless after the bid window). `assignees` are the registry Node
 * PDAs of the top r kept bids, in rank order (read them from the task account).
 */
export async function finalizeAssignmentInstruction(a: {
  task: PublicKey;
  /** The task's consumer (its LMR account receives the escrow if nobody bid). */
  consumer: PublicKey;
  lmrMint: PublicKey;
  assignees: PublicKey[];
  consumerTokens?: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const remaining: AccountMeta[] = a.assignees.map((pubkey) => ({ pubkey, isSigner: false, isWritable: true }));
  return tasksProgram({ programId: ids.tasks })
    .methods.finalizeAssignment()
    .accountsStrict({
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      vault: taskVaultPda({ task: a.task, programId: ids.tasks }).address,
      consumerTokens: a.consumerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.consumer, true),
      authority: cpiAuthorityPda({ programId: ids.tasks }).address,
      registryProgram: ids.registry,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .remainingAccounts(remaining)
    .instruction();
}

/** `cancel_task`: the consumer cancels before assignment; the escrow comes back. */
export async function cancelTaskInstruction(a: { consumer: PublicKey; task: PublicKey; lmrMint: PublicKey; consumerTokens?: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  return tasksProgram({ programId: ids.tasks })
    .methods.cancelTask()
    .accountsStrict({
      consumer: a.consumer,
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      vault: taskVaultPda({ task: a.task, programId: ids.tasks }).address,
      consumerTokens: a.consumerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.consumer, true),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `commit_result`: an assignee (or a backup, before any reveal) commits `resultCommitment(…)`. */
export async function commitResultInstruction(a: { nodeKey: PublicKey; task: PublicKey; commitment: Uint8Array; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const node = nodePda({ nodeKey: a.nodeKey, programId: ids.registry }).address;
  return tasksProgram({ programId: ids.tasks })
    .methods.commitResult(Array.from(a.commitment))
    .accountsStrict({
      nodeKey: a.nodeKey,
      config: configPda({ programId: ids.registry }).address,
      node,
      task: a.task,
      result: resultPda({ task: a.task, node, programId: ids.tasks }).address,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** Arguments of {@link revealResultInstruction}. */
export interface RevealResultInstructionArgs {
  nodeKey: PublicKey;
  task: PublicKey;
  /** SHA-256 of the plaintext records (32 bytes). */
  contentHash: Uint8Array;
  /** Merkle root of the encrypted chunks (32 bytes). */
  merkleRoot: Uint8Array;
  /** Bytes of result data (`1 ..= max_bytes`). */
  byteCount: bigint | number;
  /** SHA-256 of the sealed data key (`sealedKeyHash`); the key itself goes out with `release_key`. */
  keyHash: Uint8Array;
  /** Where the chunks are served (≤ 128 bytes). */
  locator: string;
  programIds?: Partial<LumoraProgramIds>;
}

/** `reveal_result`: reveals the committed result. */
export async function revealResultInstruction(a: RevealResultInstructionArgs): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const node = nodePda({ nodeKey: a.nodeKey, programId: ids.registry }).address;
  return tasksProgram({ programId: ids.tasks })
    .methods.revealResult({
      contentHash: Array.from(a.contentHash),
      merkleRoot: Array.from(a.merkleRoot),
      byteCount: new BN(a.byteCount.toString()),
      keyHash: Array.from(a.keyHash),
      locator: a.locator,
    })
    .accountsStrict({
      nodeKey: a.nodeKey,
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      node,
      result: resultPda({ task: a.task, node, programId: ids.tasks }).address,
    })
    .instruction();
}

/**
 * `settle` (permissionless after the reveals, every r). `assignees` are the assignees' registry Node
 * PDAs in rank order.
 */
export async function settleInstruction(a: {
  task: PublicKey;
  /** The task's consumer (receives the escrow if the task fails). */
  consumer: PublicKey;
  assignees: PublicKey[];
  lmrMint: PublicKey;
  consumerTokens?: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const remaining: AccountMeta[] = a.assignees.map((node) => ({ pubkey: resultPda({ task: a.task, node, programId: ids.tasks }).address, isSigner: false, isWritable: false }));
  return tasksProgram({ programId: ids.tasks })
    .methods.settle()
    .accountsStrict({
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      vault: taskVaultPda({ task: a.task, programId: ids.tasks }).address,
      consumerTokens: a.consumerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.consumer, true),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .remainingAccounts(remaining)
    .instruction();
}

/**
 * `release_key`: an agreeing assignee of a settled task posts its data key sealed to the consumer
 * (its SHA-256 must be the key hash it revealed), before the key deadline.
 */
export async function releaseKeyInstruction(a: { /** The assignee's node key (signer). */ nodeKey: PublicKey; task: PublicKey; /** The sealed data key (≤ 96 bytes). */ sealedKey: Uint8Array; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const node = nodePda({ nodeKey: a.nodeKey, programId: ids.registry }).address;
  return tasksProgram({ programId: ids.tasks })
    .methods.releaseKey(Buffer.from(a.sealedKey))
    .accountsStrict({
      nodeKey: a.nodeKey,
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      node,
      result: resultPda({ task: a.task, node, programId: ids.tasks }).address,
    })
    .instruction();
}

/**
 * `settle_assignee` (permissionless after `settle`) for the assignee of `rank`: the escrow pays it (no
 * emission credit: task work is paid by the consumer only), reputation moves, fraud is slashed.
 */
export async function settleAssigneeInstruction(a: {
  task: PublicKey;
  rank: number;
  /** The assignee's registry Node PDA (the task's slot `rank`). */
  node: PublicKey;
  /** The node's operator (the payee). */
  operator: PublicKey;
  lmrMint: PublicKey;
  operatorTokens?: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  return tasksProgram({ programId: ids.tasks })
    .methods.settleAssignee(a.rank)
    .accountsStrict({
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      vault: taskVaultPda({ task: a.task, programId: ids.tasks }).address,
      node: a.node,
      operatorTokens: a.operatorTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.operator, true),
      authority: cpiAuthorityPda({ programId: ids.tasks }).address,
      stakeVault: stakeVaultPda({ node: a.node, programId: ids.registry }).address,
      treasury: treasuryPda({ programId: ids.registry }).address,
      registryProgram: ids.registry,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/**
 * `expire_and_reassign` (permissionless): the assignee of `rank`, silent at commit (after the commit
 * deadline) or at reveal (after the reveal deadline), is replaced by the first backup (`backup`; any
 * account when none is left), or that backup is dropped when results are public and it made no standby
 * commitment.
 */
export async function expireAndReassignInstruction(a: {
  task: PublicKey;
  rank: number;
  /** The silent assignee's registry Node PDA. */
  expired: PublicKey;
  /** The first backup's registry Node PDA, or any account when there is none. */
  backup: PublicKey;
  consumer: PublicKey;
  lmrMint: PublicKey;
  consumerTokens?: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  return tasksProgram({ programId: ids.tasks })
    .methods.expireAndReassign(a.rank)
    .accountsStrict({
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      expired: a.expired,
      expiredResult: resultPda({ task: a.task, node: a.expired, programId: ids.tasks }).address,
      backup: a.backup,
      backupResult: resultPda({ task: a.task, node: a.backup, programId: ids.tasks }).address,
      vault: taskVaultPda({ task: a.task, programId: ids.tasks }).address,
      consumerTokens: a.consumerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.consumer, true),
      authority: cpiAuthorityPda({ programId: ids.tasks }).address,
      registryProgram: ids.registry,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `close_task`: the consumer closes a finished task (escrow remainder and rents back). */
export async function closeTaskInstruction(a: { consumer: PublicKey; task: PublicKey; lmrMint: PublicKey; consumerTokens?: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  return tasksProgram({ programId: ids.tasks })
    .methods.closeTask()
    .accountsStrict({
      consumer: a.consumer,
      config: configPda({ programId: ids.registry }).address,
      task: a.task,
      vault: taskVaultPda({ task: a.task, programId: ids.tasks }).address,
      consumerTokens: a.consumerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.consumer, true),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `close_bid`: the bidder takes its bid record's rent back once bidding is over. */
export async function closeBidInstruction(a: { /** The node key that bid (signer). */ bidder: PublicKey; task: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const node = nodePda({ nodeKey: a.bidder, programId: ids.registry }).address;
  return tasksProgram({ programId: ids.tasks })
    .methods.closeBid()
    .accountsStrict({ bidder: a.bidder, task: a.task, bid: bidPda({ task: a.task, node, programId: ids.tasks }).address })
    .instruction();
}

/** `close_result`: the assignee takes its result record's rent back once it is settled. */
export async function closeResultInstruction(a: { /** The node key that committed (signer). */ committer: PublicKey; task: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const node = nodePda({ nodeKey: a.committer, programId: ids.registry }).address;
  return tasksProgram({ programId: ids.tasks })
    .methods.closeResult()
    .accountsStrict({ committer: a.committer, task: a.task, result: resultPda({ task: a.task, node, programId: ids.tasks }).address })
    .instruction();
}
