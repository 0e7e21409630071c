/**
 * Unsigned transaction builders of `lumora_tasks`.
 * @module
 */
import type { PublicKey, Transaction } from "@solana/web3.js";
import {
  bidInstruction,
  commitResultInstruction,
  releaseKeyInstruction,
  revealResultInstruction,
  type RevealResultInstructionArgs,
  settleAssigneeInstruction,
  settleInstruction,
  expireAndReassignInstruction,
  closeTaskInstruction,
  cancelTaskInstruction,
  type CreateTaskInstructionArgs,
  createTaskInstruction,
  finalizeAssignmentInstruction,
} from "../instructions/tasks.js";
import type { LumoraProgramIds } from "../programs.js";
import { type TransactionOptions, unsignedTransaction } from "./build.js";

/** `create_task` (fee payer: the consumer). */
export async function createTaskTransaction(args: CreateTaskInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await createTaskInstruction(args)], args.consumer, args);
}

/** `bid` (fee payer: the node key). */
export async function bidTransaction(args: { nodeKey: PublicKey; task: PublicKey; programIds?: Partial<LumoraProgramIds> } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await bidInstruction(args)], args.nodeKey, args);
}

/** `finalize_assignment` (any fee payer). */
export async function finalizeAssignmentTransaction(
  args: Parameters<typeof finalizeAssignmentInstruction>[0] & { feePayer: PublicKey } & TransactionOptions,
): Promise<Transaction> {
  return unsignedTransaction([await finalizeAssignmentInstruction(args)], args.feePayer, args);
}

/** `cancel_task` (fee payer: the consumer). */
export async function cancelTaskTransaction(args: Parameters<typeof cancelTaskInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await cancelTaskInstruction(args)], args.consumer, args);
}

/** `commit_result` (fee payer: the node key). */
export async function commitResultTransaction(args: Parameters<typeof commitResultInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await commitResultInstruction(args)], args.nodeKey, args);
}

/** `reveal_result` (fee payer: the node key). */
export async function revealResultTransaction(args: RevealResultInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await revealResultInstruction(args)], args.nodeKey, args);
}

/** `release_key` (fee payer: the node key). */
export async function releaseKeyTransaction(args: Parameters<typeof releaseKeyInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await releaseKeyInstruction(args)], args.nodeKey, args);
}

/** `settle` (any fee payer: the cranker; every r). */
export async function settleTransaction(args: Parameters<typeof settleInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await settleInstruction(args)], args.feePayer, args);
}

/** `settle_assignee` (any fee payer: the cranker). */
export async function settleAssigneeTransaction(args: Parameters<typeof settleAssigneeInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await settleAssigneeInstruction(args)], args.feePayer, args);
}

/** `expire_and_reassign` (any fee payer). */
export async function expireAndReassignTransaction(args: Parameters<typeof expireAndReassignInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await expireAndReassignInstruction(args)], args.feePayer, args);
}

/** `close_task` (fee payer: the consumer). */
export async function closeTaskTransaction(args: Parameters<typeof closeTaskInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await closeTaskInstruction(args)], args.consumer, args);
}
