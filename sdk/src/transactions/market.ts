/**
 * Unsigned transaction builders of `lumora_market`.
 * @module
 */
import type { Transaction } from "@solana/web3.js";
import {
  closePurchaseInstruction,
  delistInstruction,
  deliverKeyInstruction,
  type ListDatasetInstructionArgs,
  listDatasetInstruction,
  type PurchaseInstructionArgs,
  purchaseInstruction,
  refundInstruction,
  updateDatasetInstruction,
} from "../instructions/market.js";
import { type TransactionOptions, unsignedTransaction } from "./build.js";

/** `list_dataset` (fee payer: the seller). */
export async function listDatasetTransaction(args: ListDatasetInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await listDatasetInstruction(args)], args.seller, args);
}

/** `update_dataset` (fee payer: the seller). */
export async function updateDatasetTransaction(args: Parameters<typeof updateDatasetInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await updateDatasetInstruction(args)], args.seller, args);
}

/** `delist` (fee payer: the seller). */
export async function delistTransaction(args: Parameters<typeof delistInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await delistInstruction(args)], args.seller, args);
}

/** `purchase` (fee payer: the buyer). */
export async function purchaseTransaction(args: PurchaseInstructionArgs & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await purchaseInstruction(args)], args.buyer, args);
}

/** `deliver_key` (fee payer: the seller). */
export async function deliverKeyTransaction(args: Parameters<typeof deliverKeyInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await deliverKeyInstruction(args)], args.seller, args);
}

/** `refund` (fee payer: the buyer). */
export async function refundTransaction(args: Parameters<typeof refundInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await refundInstruction(args)], args.buyer, args);
}

/** `close_purchase` (fee payer: the buyer). */
export async function closePurchaseTransaction(args: Parameters<typeof closePurchaseInstruction>[0] & TransactionOptions): Promise<Transaction> {
  return unsignedTransaction([await closePurchaseInstruction(args)], args.buyer, args);
}
