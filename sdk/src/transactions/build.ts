import { ComputeBudgetProgram, type PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";

/** Options every unsigned-transaction builder takes. */
export interface TransactionOptions {
  /** Fee payer (default: the instruction's first signer, e.g. the admin or authority). */
  feePayer?: PublicKey;
  /** Adds a `SetComputeUnitLimit` instruction first. */
  computeUnitLimit?: number;
  /** Adds a `SetComputeUnitPrice` instruction (priority fee, micro-lamports per CU). */
  computeUnitPriceMicroLamports?: number;
}

/**
 * Wraps instructions into an unsigned legacy transaction: fee payer set, no blockhash (the sender
 * fills it), optional compute-budget instructions first.
 */
export function unsignedTransaction(ixs: TransactionInstruction[], defaultPayer: PublicKey, opts: TransactionOptions): Transaction {
  const tx = new Transaction();
  if (opts.computeUnitLimit !== undefined)
    tx.add(ComputeBudgetProgram.setComputeUnitLimit({ units: opts.computeUnitLimit }));
  if (opts.computeUnitPriceMicroLamports !== undefined)
    tx.add(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: opts.computeUnitPriceMicroLamports }));
  tx.add(...ixs);
  tx.feePayer = opts.feePayer ?? defaultPayer;
  return tx;
}
