/**
 * Unsigned transaction builders of `lumora_registry`: one per instruction, for wallets, multisigs
 * and offline signers. The client layer signs and sends them.
 * @module
 */
import type { Transaction } from "@solana/web3.js";
import {
  type AcceptAdminInstructionArgs,
  acceptAdminInstruction,
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
