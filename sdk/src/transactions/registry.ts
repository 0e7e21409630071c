/**
 * Unsigned transaction builders of `lumora_registry`: one per instruction, for wallets, multisigs
 * and offline signers. The client layer signs and sends them.
 * @module
 */
import type { PublicKey, Transaction } from "@solana/web3.js";
import {
  type AcceptAdminInstructionArgs,
  acceptAdminInstruction,
  closeNodeInstruction,
  deregisterInstruction,
  heartbeatInstruction,
  type OperatorTokenInstructionArgs,
  type RegisterNodeInstructionArgs,
  registerNodeInstruction,
  requestUnstakeInstruction,
  slashInstruction,
  stakeMoreInstruction,
  unjailInstruction,
  type UpdateNodeInstructionArgs,
  updateNodeInstruction,
  withdrawStakeInstruction,
  type InitConfigInstructionArgs,
  initConfigInstruction,
  type SetPausedInstructionArgs,
  setPausedInstruction,
  type TransferAdminInstructionArgs,
  transferAdminInstruction,
  type UpdateConfigInstructionArgs,
  updateConfigInstruction,
} from "../instructions/registry.js";
import { type TransactionOptions, unsignedTransaction } from "./build.js";

/** `init_config` as an unsigned transaction (fee payer: the authority). */
export async function initConfigTransaction(args: InitConfigInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await initConfigInstruction(args)], args.authority, args);
}

/** `update_config` as an unsigned transaction (fee payer: the admin). */
export async function updateConfigTransaction(args: UpdateConfigInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await updateConfigInstruction(args)], args.admin, args);
}

/** `transfer_admin` as an unsigned transaction (fee payer: the admin). */
export async function transferAdminTransaction(args: TransferAdminInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await transferAdminInstruction(args)], args.admin, args);
}

/** `accept_admin` as an unsigned transaction (fee payer: the new admin). */
export async function acceptAdminTransaction(args: AcceptAdminInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await acceptAdminInstruction(args)], args.newAdmin, args);
}

/** `set_paused` as an unsigned transaction (fee payer: the admin). */
export async function setPausedTransaction(args: SetPausedInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await setPausedInstruction(args)], args.admin, args);
}

/** `register_node` (fee payer: the operator; the node key must also sign). */
export async function registerNodeTransaction(args: RegisterNodeInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await registerNodeInstruction(args)], args.operator, args);
}

/** `update_node` (fee payer: the operator). */
export async function updateNodeTransaction(args: UpdateNodeInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await updateNodeInstruction(args)], args.operator, args);
}

/** `heartbeat` (fee payer: the node key unless given). */
export async function heartbeatTransaction(args: { nodeKey: PublicKey; programId?: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await heartbeatInstruction(args)], args.nodeKey, args);
}

/** `stake_more` (fee payer: the operator). */
export async function stakeMoreTransaction(args: OperatorTokenInstructionArgs & { amount: bigint | number } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await stakeMoreInstruction(args)], args.operator, args);
}

/** `request_unstake` (fee payer: the operator). */
export async function requestUnstakeTransaction(args: { operator: PublicKey; nodeKey: PublicKey; amount: bigint | number; programId?: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await requestUnstakeInstruction(args)], args.operator, args);
}

/** `withdraw_stake` (fee payer: the operator). */
export async function withdrawStakeTransaction(args: OperatorTokenInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await withdrawStakeInstruction(args)], args.operator, args);
}

/** `deregister` (fee payer: the operator). */
export async function deregisterTransaction(args: { operator: PublicKey; nodeKey: PublicKey; programId?: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await deregisterInstruction(args)], args.operator, args);
}

/** `close_node` (fee payer: the operator). */
export async function closeNodeTransaction(args: OperatorTokenInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await closeNodeInstruction(args)], args.operator, args);
}

/** `unjail` (fee payer: the operator). */
export async function unjailTransaction(args: { operator: PublicKey; nodeKey: PublicKey; programId?: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await unjailInstruction(args)], args.operator, args);
}

/** `slash` by the admin (fee payer: the admin). */
export async function slashTransaction(args: { authority: PublicKey; nodeKey: PublicKey; reason: number; programId?: PublicKey } & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await slashInstruction(args)], args.authority, args);
}
