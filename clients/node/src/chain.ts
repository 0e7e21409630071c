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
import type { Provider } from "@coral-xyz/anchor";
import {
  type Commitment,
  type Connection,
  type PublicKey,
  type SendOptions,
  type Signer,
  Transaction,
  type TransactionSignature,
  VersionedTransaction,
} from "@solana/web3.js";
import { utils } from "@coral-xyz/anchor";
import type { KeypairWallet } from "@lumora/sdk";
import { type Intent, type IntentKind, type Outbox, recoveryAction } from "./store/outbox.js";

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

interface Step {
  kind: IntentKind;
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
  journaled<T>(kind: IntentKind, key: string, fn: () => Promise<T>): Promise<T> {
    return this.als.run({ kind, key }, fn);
  }

  /**
   * At start and on every tick: settles open steps whose signed transaction the chain already decided
   * (landed → confirmed, landed with an error → failed). Steps not on chain stay open for their duty,
   * which checks chain state and then resumes them through {@link sendAndConfirm} (rebroadcast or re-sign).
   */
  async reconcile(): Promise<{ open: number; confirmed: number; failed: number }> {
    const open = this.outbox.pending().filter((i) => i.signed !== null);
    const out = { open: open.length, confirmed: 0, failed: 0 };
    if (open.length === 0) return out;
    const statuses = (await this.connection.getSignatureStatuses(open.map((i) => i.signed!.signature), { searchTransactionHistory: true })).value;
    open.forEach((i, n) => {
      const st = statuses[n];
      if (!st) return;
      if (st.err) {
        this.outbox.fail(i.key, `landed with error ${JSON.stringify(st.err)}`);
        out.failed++;
      } else {
        this.outbox.confirm(i.key, { slot: BigInt(st.slot) });
        out.confirmed++;
      }
    });
    return out;
  }

  /** Plans a step ahead of its transaction (to bind local records to its key in one SQLite transaction). */
  plan(kind: IntentKind, key: string): Intent {
    return this.outbox.ensurePlanned({ kind, key, payload: null }).intent;
  }

  /** The outbox entry of a step, if any. */
  entry(key: string): Intent | undefined {
    return this.outbox.get(key);
  }

  async send(tx: Transaction | VersionedTransaction, signers?: Signer[], _opts?: SendOptions): Promise<TransactionSignature> {
    return this.sendAndConfirm(tx, signers);
  }

  async sendAndConfirm(tx: Transaction | VersionedTransaction, signers: Signer[] = []): Promise<TransactionSignature> {
    if (tx instanceof VersionedTransaction) throw new Error("the journaled provider sends legacy transactions only");
    const step = this.als.getStore();
    if (!step) throw new Error("a transaction outside a journaled step: wrap the call in provider.journaled(kind, key, fn)");
    let intent = this.outbox.ensurePlanned({ kind: step.kind, key: step.key, payload: null }).intent;
    if (intent.state === "confirmed") return intent.signed!.signature;
    if (intent.state === "failed" || intent.state === "superseded") throw new StepFailedError(step.key, intent.reason ?? intent.state);
    if (intent.signed) {
      // signed before (a restart, or an unconfirmed send): settle it from the chain, never sign twice
      const sig = intent.signed.signature;
      const status = (await this.connection.getSignatureStatuses([sig], { searchTransactionHistory: true })).value[0];
      const blockHeight = BigInt(await this.connection.getBlockHeight(this.opts.commitment));
      const action = recoveryAction(intent, { blockHeight, status: status ? { slot: BigInt(status.slot), err: status.err ? JSON.stringify(status.err) : null } : null });
      switch (action.action) {
        case "confirm":
          this.outbox.confirm(step.key, { slot: action.slot });
          return sig;
        case "fail":
          this.outbox.fail(step.key, action.reason);
          throw new StepFailedError(step.key, action.reason);
        case "rebroadcast":
          return this.broadcast(step, sig, action.tx, intent.signed.lastValidBlockHeight);
        case "replan":
          intent = this.outbox.replan(step.key, { observedBlockHeight: action.observedBlockHeight });
          break;
        case "sign":
          break;
      }
    }
    const { blockhash, lastValidBlockHeight } = await this.connection.getLatestBlockhash(this.opts.commitment);
    tx.recentBlockhash = blockhash;
    tx.feePayer ??= this.publicKey;
    if (signers.length) tx.partialSign(...signers);
    await this.wallet.signTransaction(tx);
    const signature = utils.bytes.bs58.encode(tx.signature!);
    const bytes = tx.serialize();
    // on disk before it leaves the process: after a crash the step is found on chain or resent as is
    this.outbox.sign(step.key, { signature, tx: bytes, lastValidBlockHeight: BigInt(lastValidBlockHeight) });
    await this.opts.hooks?.afterPersist?.(step.key);
    return this.broadcast(step, signature, bytes, BigInt(lastValidBlockHeight));
  }

  private async broadcast(step: Step, signature: string, bytes: Uint8Array, lastValidBlockHeight: bigint): Promise<TransactionSignature> {
    this.sentByKind[step.kind] = (this.sentByKind[step.kind] ?? 0) + 1;
    try {
      await this.connection.sendRawTransaction(bytes, { skipPreflight: false, preflightCommitment: this.opts.commitment });
    } catch (err) {
      // preflight refused it, so it cannot land as is — unless it already did (a rebroadcast)
      const status = (await this.connection.getSignatureStatuses([signature], { searchTransactionHistory: true })).value[0];
      if (status && !status.err) {
        this.outbox.confirm(step.key, { slot: BigInt(status.slot) });
        return signature;
      }
      const logs = (err as { logs?: string[] }).logs ?? [];
      this.outbox.fail(step.key, (err as Error).message.slice(0, 500) || "refused");
      throw Object.assign(new StepFailedError(step.key, (err as Error).message, logs), { cause: err, logs });
    }
    this.outbox.markSent(step.key);
    await this.opts.hooks?.afterSend?.(step.key);
    const blockhash = Transaction.from(bytes).recentBlockhash!;
    let res: { context: { slot: number }; value: { err: unknown } };
    try {
      res = await this.connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight: Number(lastValidBlockHeight) }, this.opts.commitment);
    } catch (e) {
      // not confirmed in time: the intent stays "sent" and the next attempt settles it from the chain
      throw new StepFailedError(step.key, `unconfirmed: ${(e as Error).message}`);
    }
    if (res.value.err) {
      const reason = JSON.stringify(res.value.err);
      this.outbox.fail(step.key, reason);
      throw new StepFailedError(step.key, reason);
    }
    this.outbox.confirm(step.key, { slot: BigInt(res.context.slot) });
    return signature;
  }
}
