/**
 * Proof-of-Bandwidth receipts on both sides of the protocol (PROTOCOL.md §5, `sdk/src/receipts.ts`).
 *
 * As a PROVIDER the node keeps every receipt verifiers signed for it (the raw 144-byte message and the
 * 64-byte signature) until the chain credits it: pending → submitted (bound to the `submit_receipts`
 * outbox intent that carries it) → credited, or pending → rejected. A submission whose intent failed
 * returns its receipts to pending with {@link ProviderReceipts.release}.
 *
 * As a VERIFIER the node must never sign two receipts with the same (provider, seq): the chain rejects
 * the second (`ReplayedSequence`) and a verifier that reuses a seq looks like a replay. {@link
 * VerifierSeqs.reserve} increments and commits the per-provider counter (`synchronous=FULL`) before it
 * returns the seq to sign with, so the seq is on disk before any signature using it exists; a crash
 * between reserving and signing only leaves a gap, which the chain accepts (strictly increasing).
 * @module
 */
import { blob, big, bytesIn, num, nowMs, str, strOrNull, u64In, type Row } from "./codec.js";
import type { Db } from "./db.js";
import { DuplicateReceiptError, IllegalTransitionError, NotFoundError, StoreRangeError } from "./errors.js";

/** Encoded receipt length (`RECEIPT_LEN` in the SDK). */
export const RECEIPT_MESSAGE_LEN = 144;
/** ed25519 signature length. */
export const RECEIPT_SIGNATURE_LEN = 64;

/** Provider-side receipt states. */
export type ReceiptState = "pending" | "submitted" | "credited" | "rejected";

/** A receipt as the provider received it. */
export interface ReceivedReceipt {
  readonly id: number;
  /** Verifier node key (base-58). */
  readonly verifier: string;
  readonly epoch: bigint;
  readonly seq: bigint;
  /** Bytes moved, as signed. */
  readonly bytes: bigint;
  /** The 144-byte signed message. */
  readonly message: Uint8Array;
  /** The verifier's ed25519 signature over `message`. */
  readonly signature: Uint8Array;
  readonly state: ReceiptState;
  /** Key of the `submit_receipts` outbox intent carrying it (submitted / credited). */
  readonly submitKey: string | null;
  readonly reason: string | null;
  readonly receivedAt: number;
  readonly updatedAt: number;
}

/** Arguments of {@link ProviderReceipts.record}: fields decoded from `message` by the SDK, plus the raw bytes. */
export interface RecordReceiptArgs {
  readonly verifier: string;
  readonly epoch: bigint;
  readonly seq: bigint;
  readonly bytes: bigint;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

const COLUMNS = "id, verifier, epoch, seq, bytes, message, signature, state, submit_key, reason, received_at, updated_at";

function toReceipt(r: Row): ReceivedReceipt {
  return {
    id: num(r, "id"),
    verifier: str(r, "verifier"),
    epoch: big(r, "epoch"),
    seq: big(r, "seq"),
    bytes: big(r, "bytes"),
    message: blob(r, "message"),
    signature: blob(r, "signature"),
    state: str(r, "state") as ReceiptState,
    submitKey: strOrNull(r, "submit_key"),
    reason: strOrNull(r, "reason"),
    receivedAt: num(r, "received_at"),
    updatedAt: num(r, "updated_at"),
  };
}

/** Provider side: receipts received, until credited. */
export class ProviderReceipts {
  constructor(private readonly db: Db) {}

  /** Stores a received receipt as pending; {@link DuplicateReceiptError} if (verifier, epoch, seq) is known. */
  record(args: RecordReceiptArgs): ReceivedReceipt {
    u64In("epoch", args.epoch);
    u64In("seq", args.seq);
    u64In("bytes", args.bytes);
    bytesIn("message", args.message, RECEIPT_MESSAGE_LEN);
    bytesIn("signature", args.signature, RECEIPT_SIGNATURE_LEN);
    return this.db.tx(() => {
      const t = nowMs();
      try {
        const { lastInsertRowid } = this.db.run(
          `INSERT INTO receipts_received (verifier, epoch, seq, bytes, message, signature, state, received_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
          args.verifier,
          args.epoch,
          args.seq,
          args.bytes,
          args.message,
          args.signature,
          t,
          t,
        );
        return this.require(Number(lastInsertRowid));
      } catch (e) {
        if (e instanceof Error && /UNIQUE constraint failed/.test(e.message)) throw new DuplicateReceiptError(args.verifier, args.epoch, args.seq);
        throw e;
      }
    });
  }

  get(id: number): ReceivedReceipt | undefined {
    const r = this.db.get(`SELECT ${COLUMNS} FROM receipts_received WHERE id = ?`, id);
    return r ? toReceipt(r) : undefined;
  }

  require(id: number): ReceivedReceipt {
    const r = this.get(id);
    if (!r) throw new NotFoundError("receipt", String(id));
    return r;
  }

  /** Pending receipts of an epoch in submission order (verifier, then seq ascending — the chain wants seq increasing). */
  pending(filter: { epoch?: bigint; limit?: number } = {}): ReceivedReceipt[] {
    return this.db
      .all(
        `SELECT ${COLUMNS} FROM receipts_received WHERE state = 'pending' AND (?1 IS NULL OR epoch = ?1)
          ORDER BY epoch, verifier, seq LIMIT ?2`,
        filter.epoch ?? null,
        filter.limit ?? -1,
      )
      .map(toReceipt);
  }

  /** Receipts bound to a submit intent, in seq order. */
  bySubmitKey(submitKey: string): ReceivedReceipt[] {
    return this.db.all(`SELECT ${COLUMNS} FROM receipts_received WHERE submit_key = ? ORDER BY verifier, seq`, submitKey).map(toReceipt);
  }

  /** Receipts of an epoch in any state. */
  byEpoch(epoch: bigint): ReceivedReceipt[] {
    return this.db.all(`SELECT ${COLUMNS} FROM receipts_received WHERE epoch = ? ORDER BY verifier, seq`, epoch).map(toReceipt);
  }

  /**
   * pending → submitted for every id, bound to the outbox intent `submitKey` (which must exist: plan the
   * intent and bind its receipts in one {@link Db.tx}). All or nothing.
   */
  markSubmitted(ids: readonly number[], submitKey: string): ReceivedReceipt[] {
    if (ids.length === 0) throw new StoreRangeError("ids", "no receipts");
    return this.db.tx(() => {
      if (!this.db.get("SELECT 1 AS x FROM outbox WHERE key = ?", submitKey)) throw new NotFoundError("outbox intent", submitKey);
      const t = nowMs();
      for (const id of ids) {
        const { changes } = this.db.run(
          "UPDATE receipts_received SET state = 'submitted', submit_key = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
          submitKey,
          t,
          id,
        );
        if (changes === 0) throw new IllegalTransitionError("receipt", String(id), this.require(id).state, "submitted");
      }
      return this.bySubmitKey(submitKey);
    });
  }

  /** submitted → credited for every receipt of a confirmed submit intent; returns how many. */
  markCredited(submitKey: string): number {
    return this.db.tx(
      () =>
        this.db.run("UPDATE receipts_received SET state = 'credited', updated_at = ? WHERE submit_key = ? AND state = 'submitted'", nowMs(), submitKey)
          .changes,
    );
  }

  /** submitted → pending for every receipt of a submit intent that failed or was superseded; returns how many. */
  release(submitKey: string): number {
    return this.db.tx(
      () =>
        this.db.run(
          "UPDATE receipts_received SET state = 'pending', submit_key = NULL, updated_at = ? WHERE submit_key = ? AND state = 'submitted'",
          nowMs(),
          submitKey,
        ).changes,
    );
  }

  /** pending → rejected (stale epoch, verifier not eligible, …). */
  reject(id: number, reason: string): ReceivedReceipt {
    if (reason.length === 0) throw new StoreRangeError("reason", "empty");
    return this.db.tx(() => {
      const { changes } = this.db.run(
        "UPDATE receipts_received SET state = 'rejected', reason = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
        reason,
        nowMs(),
        id,
      );
      if (changes === 0) throw new IllegalTransitionError("receipt", String(id), this.require(id).state, "rejected");
      return this.require(id);
    });
  }

  /** Count per state (optionally for one epoch). */
  counts(epoch?: bigint): Record<ReceiptState, number> {
    const out: Record<ReceiptState, number> = { pending: 0, submitted: 0, credited: 0, rejected: 0 };
    for (const r of this.db.all("SELECT state, count(*) AS n FROM receipts_received WHERE (?1 IS NULL OR epoch = ?1) GROUP BY state", epoch ?? null)) {
      out[str(r, "state") as ReceiptState] = num(r, "n");
    }
    return out;
  }
}

/** A receipt this node signed as verifier. */
export interface IssuedReceipt {
  readonly provider: string;
  readonly seq: bigint;
  readonly epoch: bigint;
  readonly bytes: bigint;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly issuedAt: number;
}

/** Verifier side: per-provider sequence numbers and the receipts issued with them. */
export class VerifierSeqs {
  constructor(private readonly db: Db) {}

  /** Last seq reserved for `provider` (0 if none). */
  last(provider: string): bigint {
    const r = this.db.get("SELECT last_seq FROM verifier_seq WHERE provider = ?", provider);
    return r ? big(r, "last_seq") : 0n;
  }

  /**
   * Reserves and durably commits the next seq for `provider` (last + 1, or `atLeast` if higher — e.g. the
   * seq the chain's Contribution guard last accepted + 1 after restoring a lost store). Sign only with a
   * seq this returned; it is on disk before the call returns, so no restart can hand it out again.
   */
  reserve(provider: string, opts: { atLeast?: bigint } = {}): bigint {
    if (opts.atLeast !== undefined) u64In("atLeast", opts.atLeast);
    return this.db.tx(() => {
      const last = this.last(provider);
      let next = last + 1n;
      if (opts.atLeast !== undefined && opts.atLeast > next) next = opts.atLeast;
      u64In("seq", next);
      this.db.run(
        `INSERT INTO verifier_seq (provider, last_seq, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (provider) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at`,
        provider,
        next,
        nowMs(),
      );
      return next;
    });
  }

  /** Records a receipt signed with a reserved seq (for re-delivery and the dashboard). */
  recordIssued(r: Omit<IssuedReceipt, "issuedAt">): IssuedReceipt {
    u64In("seq", r.seq);
    u64In("epoch", r.epoch);
    u64In("bytes", r.bytes);
    bytesIn("message", r.message, RECEIPT_MESSAGE_LEN);
    bytesIn("signature", r.signature, RECEIPT_SIGNATURE_LEN);
    return this.db.tx(() => {
      if (r.seq < 1n || r.seq > this.last(r.provider)) {
        throw new StoreRangeError("seq", `seq ${r.seq} for ${r.provider} was not reserved (last reserved ${this.last(r.provider)})`);
      }
      const issuedAt = nowMs();
      try {
        this.db.run(
          "INSERT INTO receipts_issued (provider, seq, epoch, bytes, message, signature, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          r.provider,
          r.seq,
          r.epoch,
          r.bytes,
          r.message,
          r.signature,
          issuedAt,
        );
      } catch (e) {
        if (e instanceof Error && /UNIQUE constraint failed/.test(e.message)) throw new StoreRangeError("seq", `seq ${r.seq} for ${r.provider} already issued`);
        throw e;
      }
      return { ...r, issuedAt };
    });
  }

  /** Receipts issued to `provider`, newest first. */
  issued(provider: string, limit = 100): IssuedReceipt[] {
    return this.db
      .all("SELECT provider, seq, epoch, bytes, message, signature, issued_at FROM receipts_issued WHERE provider = ? ORDER BY seq DESC LIMIT ?", provider, limit)
      .map((r) => ({
        provider: str(r, "provider"),
        seq: big(r, "seq"),
        epoch: big(r, "epoch"),
        bytes: big(r, "bytes"),
        message: blob(r, "message"),
        signature: blob(r, "signature"),
        issuedAt: num(r, "issued_at"),
      }));
  }
}
