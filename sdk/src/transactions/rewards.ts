/**
 * Unsigned transaction builders of `lumora_rewards`.
 * @module
 */
import type { PublicKey, Transaction } from "@solana/web3.js";
import {
  claimInstruction,
  closeContributionInstruction,
  closeEpochInstruction,
  closeVerifierRootInstruction,
  creditEpochInstruction,
  distributeShardInstruction,
  fundEpochInstruction,
  openEpochInstruction,
  postVerifierRootInstructions,
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

/** The ed25519 precompile followed by `post_verifier_root` (fee payer: the payer). */
export async function postVerifierRootTransaction(args: Parameters<typeof postVerifierRootInstructions>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction(await postVerifierRootInstructions(args), args.payer, args);
}

/** `credit_epoch` (fee payer: the payer; the provider key signs too). */
export async function creditEpochTransaction(args: Parameters<typeof creditEpochInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await creditEpochInstruction(args)], args.payer, args);
}

/** `close_verifier_root` (any fee payer). */
export async function closeVerifierRootTransaction(args: Parameters<typeof closeVerifierRootInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await closeVerifierRootInstruction(args)], args.feePayer, args);
}

/** `close_contribution` (any fee payer). */
export async function closeContributionTransaction(args: Parameters<typeof closeContributionInstruction>[0] & { feePayer: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await closeContributionInstruction(args)], args.feePayer, args);
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
