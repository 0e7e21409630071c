/**
 * Chain access of the daemon: a web3.js `Connection` (any cluster, or the embedded chain's JSON-RPC
 * server) behind an Anchor `Provider` whose `sendAndConfirm` is journaled. The SDK's clients build every
 * transaction; this provider makes each one restart-safe:
 *
 *   journaled(kind, key, fn) → inside fn, the SDK calls provider.sendAndConfirm(tx):
 *     1. outbox has `key` confirmed          → return its signature, send nothing
 *     2. outbox has `key` signed/sent        → look the signature up on chain: landed → confirmed;
 *                                              blockhash still valid → rebroadcast the identical bytes;
 *                                              expired and not landed → superseded, then step 3
 *     3. otherwise                            → fresh blockhash, sign, persist {signature, bytes,
 *                                              lastValidBlockHeight} BEFORE sending, send, confirm
 *
 * A crash between any two steps leaves either no signed transaction (nothing was sent) or its exact
 * bytes and signature (found on chain, or resent as the same transaction — never a second one).
 * Which steps to take at all is decided by the duties from chain state (a Result account exists → the
 * commit is done), so a step whose journal entry was lost is still not repeated.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Provider, Wallet } from "@coral-xyz/anchor";
import {
  type Commitment,
  type Connection,
  type Keypair,
  type PublicKey,
  type SendOptions,
  type Signer,
  Transaction,
  type TransactionSignature,
  VersionedTransaction,
} from "@solana/web3.js";
import { utils } from "@coral-xyz/anchor";

/** One journaled on-chain step, as the outbox stores it. */
export interface OutboxEntry {
  key: string;
  kind: string;
  state: "planned" | "signed" | "sent" | "confirmed" | "failed" | "superseded";
  signature: string | null;
  tx: Uint8Array | null;
  lastValidBlockHeight: number | null;
  error: string | null;
}

/** The write-ahead journal the provider needs (implemented over SQLite by the store). */
export interface Outbox {
  get(key: string): OutboxEntry | undefined;
  /** Records the intent (no-op when `key` is already planned and not terminal). */
  plan(kind: string, key: string): void;
  /** Persists the signed bytes before they are sent. */
  signed(key: string, signature: string, tx: Uint8Array, lastValidBlockHeight: number): void;
  sent(key: string): void;
  confirmed(key: string): void;
  failed(key: string, reason: string): void;
  /** The signed transaction provably did not land and can no longer: the step may be planned again. */
  superseded(key: string): void;
}

/** The transaction of a journaled step failed on chain (program error): not retried under the same key. */
export class StepFailedError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
    readonly logs: string[] = [],
  ) {
    super(`${key}: ${reason}`);
    this.name = "StepFailedError";
  }
}

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

interface Step {
  kind: string;
  key: string;
}

/** Hooks for tests: called after the signed bytes are persisted, before they are sent. */
export interface JournalHooks {
  afterPersist?: (key: string) => void | Promise<void>;
  afterSend?: (key: string) => void | Promise<void>;
}

export class JournaledProvider implements Provider {
  readonly publicKey: PublicKey;
  private readonly als = new AsyncLocalStorage<Step>();
  /** Transactions sent (first sends and rebroadcasts), by step kind — the daemon's metrics. */
  readonly sentByKind: Record<string, number> = {};

  constructor(
    readonly connection: Connection,
    readonly wallet: KeypairWallet,
    private readonly outbox: Outbox,
    private readonly opts: { commitment: Commitment; confirmTimeoutMs: number; hooks?: JournalHooks } = { commitment: "confirmed", confirmTimeoutMs: 60_000 },
  ) {
    this.publicKey = wallet.publicKey;
  }

  /** Runs `fn` (one SDK client call sending one transaction) as the journaled step `key`. */
  journaled<T>(kind: string, key: string, fn: () => Promise<T>): Promise<T> {
    return this.als.run({ kind, key }, fn);
  }

  /** The outbox entry of a step, if any. */
  entry(key: string): OutboxEntry | undefined {
    return this.outbox.get(key);
  }

  async send(tx: Transaction | VersionedTransaction, signers?: Signer[], _opts?: SendOptions): Promise<TransactionSignature> {
    return this.sendAndConfirm(tx, signers);
  }

  async sendAndConfirm(tx: Transaction | VersionedTransaction, signers: Signer[] = []): Promise<TransactionSignature> {
    if (tx instanceof VersionedTransaction) throw new Error("the journaled provider sends legacy transactions only");
    const step = this.als.getStore();
    if (!step) throw new Error("a transaction outside a journaled step: wrap the call in provider.journaled(kind, key, fn)");
    const prior = this.outbox.get(step.key);
    if (prior?.state === "confirmed") return prior.signature!;
    if (prior?.state === "failed") throw new StepFailedError(step.key, prior.error ?? "failed");
    if ((prior?.state === "signed" || prior?.state === "sent") && prior.signature && prior.tx) {
      const settled = await this.recover(step, prior);
      if (settled) return settled;
    }
    this.outbox.plan(step.kind, step.key);
    const { blockhash, lastValidBlockHeight } = await this.connection.getLatestBlockhash(this.opts.commitment);
    tx.recentBlockhash = blockhash;
    tx.feePayer ??= this.publicKey;
    if (signers.length) tx.partialSign(...signers);
    await this.wallet.signTransaction(tx);
    const signature = utils.bytes.bs58.encode(tx.signature!);
    const bytes = tx.serialize();
    this.outbox.signed(step.key, signature, bytes, lastValidBlockHeight);
    await this.opts.hooks?.afterPersist?.(step.key);
    return this.broadcast(step, signature, bytes, lastValidBlockHeight);
  }

  /** A step signed before a restart: settle it from chain state, or resend the same bytes. */
  private async recover(step: Step, prior: OutboxEntry): Promise<TransactionSignature | null> {
    const sig = prior.signature!;
    const status = (await this.connection.getSignatureStatuses([sig], { searchTransactionHistory: true })).value[0];
    if (status) {
      if (status.err) {
        const reason = `landed with error ${JSON.stringify(status.err)}`;
        this.outbox.failed(step.key, reason);
        throw new StepFailedError(step.key, reason);
      }
      this.outbox.confirmed(step.key);
      return sig;
    }
    const height = await this.connection.getBlockHeight(this.opts.commitment);
    if (height <= prior.lastValidBlockHeight!) return this.broadcast(step, sig, prior.tx!, prior.lastValidBlockHeight!);
    // not on chain and can never land: the step may be taken again with a new transaction
    this.outbox.superseded(step.key);
    return null;
  }

  private async broadcast(step: Step, signature: string, bytes: Uint8Array, lastValidBlockHeight: number): Promise<TransactionSignature> {
    this.sentByKind[step.kind] = (this.sentByKind[step.kind] ?? 0) + 1;
    try {
      await this.connection.sendRawTransaction(bytes, { skipPreflight: false, preflightCommitment: this.opts.commitment });
    } catch (err) {
      // preflight refused it: it cannot land (an already-processed duplicate is reported by status below)
      const status = (await this.connection.getSignatureStatuses([signature], { searchTransactionHistory: true })).value[0];
      if (status && !status.err) {
        this.outbox.confirmed(step.key);
        return signature;
      }
      const logs = (err as { logs?: string[] }).logs ?? [];
      this.outbox.failed(step.key, (err as Error).message);
      throw Object.assign(new StepFailedError(step.key, (err as Error).message, logs), { cause: err, logs });
    }
    this.outbox.sent(step.key);
    await this.opts.hooks?.afterSend?.(step.key);
    const blockhash = Transaction.from(bytes).recentBlockhash!;
    const res = await this.connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, this.opts.commitment).catch((e: Error) => ({ value: { err: `unconfirmed: ${e.message}` } }));
    if (res.value.err) {
      const reason = typeof res.value.err === "string" ? res.value.err : JSON.stringify(res.value.err);
      if (reason.startsWith("unconfirmed")) throw new StepFailedError(step.key, reason); // stays "sent": recovered next time
      this.outbox.failed(step.key, reason);
      throw new StepFailedError(step.key, reason);
    }
    this.outbox.confirmed(step.key);
    return signature;
  }
}
