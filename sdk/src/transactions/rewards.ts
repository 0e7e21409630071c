/**
 * Unsigned transaction builders of `lumora_rewards`.
 * @module
 */
import type { PublicKey, Transaction } from "@solana/web3.js";
import {
  claimInstruction,
  closeEpochInstruction,
  fundEpochInstruction,
  openEpochInstruction,
  type SubmitReceiptsInstructionArgs,
  submitReceiptsInstructions,
  sweepDustInstruction,
} from "../instructions/rewards.js";
import { type TransactionOptions, unsignedTransaction } from "./build.js";

/** `open_epoch` (fee payer: the payer of the epoch's rent). */
export async function openEpochTransaction(args: Parameters<typeof openEpochInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await openEpochInstruction(args)], args.payer, args);
}

/** `fund_epoch` (fee payer: the funder). */
export async function fundEpochTransaction(args: Parameters<typeof fundEpochInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await fundEpochInstruction(args)], args.funder, args);
}

/**
 * The ed25519 precompile instruction followed by `submit_receipts` (fee payer: the payer). Batch the
 * receipts first with `batchReceipts`: one batch per transaction.
 */
export async function submitReceiptsTransaction(args: SubmitReceiptsInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction(await submitReceiptsInstructions(args), args.payer, args);
}

/** `close_epoch` over shards `fromShard .. fromShard + count` (any fee payer). */
export async function closeEpochTransaction(args: Parameters<typeof closeEpochInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await closeEpochInstruction(args)], args.feePayer, args);
}

/** `claim` (any fee payer: the payout goes to the operator). */
export async function claimTransaction(args: Parameters<typeof claimInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await claimInstruction(args)], args.feePayer, args);
}

/** `sweep_dust` (any fee payer). */
export async function sweepDustTransaction(args: Parameters<typeof sweepDustInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await sweepDustInstruction(args)], args.feePayer, args);
}
