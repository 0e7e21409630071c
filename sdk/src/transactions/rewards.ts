/**
 * Unsigned transaction builders of `lumora_rewards`.
 * @module
 */
import { type AddressLookupTableAccount, type PublicKey, type Transaction, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import {
  claimInstruction,
  closeEpochInstruction,
  distributeShardInstruction,
  fundEpochInstruction,
  openEpochInstruction,
  type SubmitReceiptsInstructionArgs,
  submitReceiptsInstructions,
  sweepDustInstruction,
  sweepShardDustInstruction,
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

/**
 * The same two instructions as an unsigned v0 transaction whose non-signer accounts come from
 * `lookupTable` (built from `receiptsLookupTableAddresses` and active — one slot after its last
 * extension): up to 3 receipts fit one 1 232-byte transaction (`maxReceiptsPerTransaction({ lookupTable: true })`).
 */
export async function submitReceiptsV0Transaction(args: SubmitReceiptsInstructionArgs & { lookupTable: AddressLookupTableAccount; recentBlockhash: string }): Promise<VersionedTransaction> {
  const message = new TransactionMessage({ payerKey: args.payer, recentBlockhash: args.recentBlockhash, instructions: await submitReceiptsInstructions(args) }).compileToV0Message([args.lookupTable]);
  return new VersionedTransaction(message);
}

/** `close_epoch` over shards `fromShard .. fromShard + count` (any fee payer). */
export async function closeEpochTransaction(args: Parameters<typeof closeEpochInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await closeEpochInstruction(args)], args.feePayer, args);
}

/** `distribute_shard` for several shards of one epoch, one instruction each (fee payer: the rent payer). */
export async function distributeShardsTransaction(args: Omit<Parameters<typeof distributeShardInstruction>[0], "shard"> & { shards: readonly number[] } & TransactionOptions): Promise<Transaction> {
  const ixs = await Promise.all(args.shards.map((shard) => distributeShardInstruction({ ...args, shard })));
  return unsignedTransaction(ixs, args.payer, args);
}

/** `claim` (any fee payer: the payout goes to the operator). */
export async function claimTransaction(args: Parameters<typeof claimInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await claimInstruction(args)], args.feePayer, args);
}

/** `sweep_dust` (any fee payer). */
export async function sweepDustTransaction(args: Parameters<typeof sweepDustInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await sweepDustInstruction(args)], args.feePayer, args);
}

/** `sweep_shard_dust` for several shards of one epoch, one instruction each (any fee payer). */
export async function sweepShardDustTransaction(args: Omit<Parameters<typeof sweepShardDustInstruction>[0], "shard" | "rentReceiver"> & { shards: readonly { shard: number; rentReceiver: PublicKey }[]; feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  const ixs = await Promise.all(args.shards.map((s) => sweepShardDustInstruction({ ...args, ...s })));
  return unsignedTransaction(ixs, args.feePayer, args);
}
