/**
 * The one keypair wallet: an Anchor `Wallet` over a `Keypair` (the fee payer and signer), for daemons,
 * command lines, scripts and tests. Browser apps use a Wallet Standard wallet instead.
 * @module
 */
import type { Wallet } from "@coral-xyz/anchor";
import { type Keypair, type PublicKey, type Transaction, VersionedTransaction } from "@solana/web3.js";

/** A Wallet over a Keypair (the fee payer). */
export class KeypairWallet implements Wallet {
  constructor(readonly payer: Keypair) {}
  get publicKey(): PublicKey {
    return this.payer.publicKey;
  }
  async signTransaction<T extends Transaction | VersionedTransaction>(tx: T): Promise<T> {
    if (tx instanceof VersionedTransaction) tx.sign([this.payer]);
    else tx.partialSign(this.payer);
    return tx;
  }
  async signAllTransactions<T extends Transaction | VersionedTransaction>(txs: T[]): Promise<T[]> {
    for (const t of txs) await this.signTransaction(t);
    return txs;
  }
}
