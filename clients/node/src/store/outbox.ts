/**
 * The outbox: a write-ahead journal of on-chain intents, the piece that makes `kill -9` safe.
 *
 * Every on-chain step the daemon takes is first planned under a natural idempotency key
 * (`commit:<task>`, `submit_receipts:<epoch>:<n>`, …; unique, so a step can never be planned twice),
 * then signed — the signature, the serialized transaction and its `lastValidBlockHeight` are committed
 * to disk BEFORE the bytes go to the network — then sent, then confirmed. After a crash,
 * {@link Outbox.pending} lists every step not finished and {@link recoveryAction} says, from what the
 * chain reports for the stored signature, whether to mark it confirmed, rebroadcast the identical bytes,
 * or re-plan it (only once the chain proves it did not land and its blockhash expired).
 *
 * ```
 * planned ──sign──▶ signed ──markSent──▶ sent ──confirm──▶ confirmed
 *    ▲                │  └──────confirm────────────┘│
 *    └────replan──────┴──────────(blockhash expired)┘
 * planned | signed | sent ──fail──▶ failed        ──supersede──▶ superseded
 * ```
 * @module
 */
import { blob, big, bigOrNull, bytesIn, json, jsonText, num, nowMs, str, strOrNull, u64In, type JsonValue, type Row } from "./codec.js";
import type { Db } from "./db.js";
import {
  BlockhashStillValidError,
  DuplicateIntentError,
  DuplicateSignatureError,
  IllegalTransitionError,
  IntentConflictError,
  NotFoundError,
  StoreRangeError,
} from "./errors.js";

/** On-chain steps the daemon journals. */
export const INTENT_KINDS = [
  "register",
  "fund_node_key",
  "heartbeat",
  "bid",
  "commit",
  "reveal",
  "release_key",
  "settle",
  "settle_assignee",
  "expire",
  "finalize",
  "post_root",
  "credit_epoch",
  "close_root",
  "close_contribution",
  "open_epoch",
  "fund_epoch",
  "close_epoch",
  "distribute_shard",
  "sweep_dust",
  "claim",
  "publish_dataset",
  "deliver_key",
] as const;
/** One of {@link INTENT_KINDS}. */
export type IntentKind = (typeof INTENT_KINDS)[number];

/** Outbox states; `confirmed`, `failed` and `superseded` are final. */
export type IntentState = "planned" | "signed" | "sent" | "confirmed" | "failed" | "superseded";
/** States {@link Outbox.pending} returns: the step is not finished. */
export const OPEN_STATES: readonly IntentState[] = ["planned", "signed", "sent"];
/** Final states: no transition leaves them. */
export const FINAL_STATES: readonly IntentState[] = ["confirmed", "failed", "superseded"];

/** A signed transaction, stored before it is sent. */
export interface SignedTx {
  /** Base-58 transaction signature (the first signature: the transaction id). */
  readonly signature: string;
  /** The serialized, fully signed transaction: exactly the bytes sent and rebroadcast. */
  readonly tx: Uint8Array;
  /** Last block height at which the transaction's blockhash is valid. */
  readonly lastValidBlockHeight: bigint;
}

/** One journaled step. */
export interface Intent {
  readonly id: number;
  /** Natural idempotency key, unique for the life of the store. */
  readonly key: string;
  readonly kind: IntentKind;
  /** What the step does (task, epoch, amounts as decimal strings, …). */
  readonly payload: JsonValue;
  readonly state: IntentState;
  /** How many times it was signed (1 + number of re-plans after expiry). */
  readonly attempt: number;
  /** The current signed attempt (null while planned, or failed/superseded before signing). */
  readonly signed: SignedTx | null;
  /** Broadcasts of the current attempt (rebroadcasts of the same bytes included). */
  readonly sendCount: number;
  /** Slot of the landed transaction, when confirmed and known. */
  readonly confirmedSlot: bigint | null;
  /** Why it failed or was superseded. */
  readonly reason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A signed attempt proven dead and replaced by a re-plan. */
export interface ExpiredAttempt {
  readonly attempt: number;
  readonly signature: string;
  readonly tx: Uint8Array;
  readonly lastValidBlockHeight: bigint;
  readonly observedBlockHeight: bigint;
  readonly sendCount: number;
  readonly replannedAt: number;
}

/** What the chain says about an intent's stored signature (`getSignatureStatuses` with history search). */
export interface ChainObservation {
  /** Current block height (`getBlockHeight`, same commitment as the status query). */
  readonly blockHeight: bigint;
  /** The signature's status, or null when the cluster does not know it. */
  readonly status: { readonly slot: bigint; readonly err: string | null } | null;
}

/** What to do with an open intent after a restart. */
export type RecoveryAction =
  /** Nothing was signed: re-check the step against chain state, then sign and send. */
  | { readonly action: "sign" }
  /** The transaction landed: mark it confirmed. */
  | { readonly action: "confirm"; readonly slot: bigint }
  /** The transaction landed with an error: mark it failed (the daemon may plan a new step). */
  | { readonly action: "fail"; readonly reason: string }
  /** Not on chain but still valid: send the identical stored bytes again (same signature, no double spend). */
  | { readonly action: "rebroadcast"; readonly tx: Uint8Array }
  /** Not on chain and its blockhash expired, so it can never land: re-plan and sign afresh. */
  | { readonly action: "replan"; readonly observedBlockHeight: bigint };

/**
 * Decides how to resume an open intent from what the chain reports for its stored signature. Pure: the
 * daemon fetches the observation, calls this, and applies the action through {@link Outbox}.
 */
export function recoveryAction(intent: Intent, chain: ChainObservation | null): RecoveryAction {
  if (intent.state === "planned" || intent.signed === null) return { action: "sign" };
  if (!OPEN_STATES.includes(intent.state)) throw new IllegalTransitionError("outbox", intent.key, intent.state, "recover");
  if (chain === null) throw new StoreRangeError("chain", `intent ${intent.key} is ${intent.state}: a chain observation is required`);
  if (chain.status !== null) {
    return chain.status.err === null
      ? { action: "confirm", slot: chain.status.slot }
      : { action: "fail", reason: `landed with error: ${chain.status.err}` };
  }
  if (chain.blockHeight <= intent.signed.lastValidBlockHeight) return { action: "rebroadcast", tx: intent.signed.tx };
  return { action: "replan", observedBlockHeight: chain.blockHeight };
}

/** Arguments of {@link Outbox.plan}. */
export interface PlanArgs {
  readonly kind: IntentKind;
  /** Natural idempotency key (e.g. `commit:<task>`); unique forever. */
  readonly key: string;
  readonly payload: JsonValue;
}

const COLUMNS =
  "id, key, kind, payload, state, attempt, signature, tx, last_valid_block_height, send_count, confirmed_slot, reason, created_at, updated_at";

function toIntent(r: Row): Intent {
  const signature = strOrNull(r, "signature");
  return {
    id: num(r, "id"),
    key: str(r, "key"),
    kind: str(r, "kind") as IntentKind,
    payload: json(r, "payload"),
    state: str(r, "state") as IntentState,
    attempt: num(r, "attempt"),
    signed:
      signature === null ? null : { signature, tx: blob(r, "tx"), lastValidBlockHeight: big(r, "last_valid_block_height") },
    sendCount: num(r, "send_count"),
    confirmedSlot: bigOrNull(r, "confirmed_slot"),
    reason: strOrNull(r, "reason"),
    createdAt: num(r, "created_at"),
    updatedAt: num(r, "updated_at"),
  };
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Error && /UNIQUE constraint failed/.test(e.message);
}

/** The outbox table. Every method is one transaction (or joins the caller's {@link Db.tx}). */
export class Outbox {
  constructor(private readonly db: Db) {}

  /** Plans a step. Throws {@link DuplicateIntentError} if the key was ever planned. */
  plan(args: PlanArgs): Intent {
    if (!(INTENT_KINDS as readonly string[]).includes(args.kind)) throw new StoreRangeError("kind", `unknown intent kind ${args.kind}`);
    if (args.key.length === 0 || args.key.length > 256) throw new StoreRangeError("key", "must be 1..256 characters");
    const payload = jsonText(args.payload);
    return this.db.tx(() => {
      const t = nowMs();
      try {
        this.db.run(
          "INSERT INTO outbox (key, kind, payload, state, created_at, updated_at) VALUES (?, ?, ?, 'planned', ?, ?)",
          args.key,
          args.kind,
          payload,
          t,
          t,
        );
      } catch (e) {
        if (isUniqueViolation(e)) throw new DuplicateIntentError(args.key);
        throw e;
      }
      return this.require(args.key);
    });
  }

  /**
   * Plans a step unless it already is: returns the existing intent (in whatever state) when the key
   * exists with the same kind and payload, throws {@link IntentConflictError} when they differ.
   */
  ensurePlanned(args: PlanArgs): { intent: Intent; created: boolean } {
    return this.db.tx(() => {
      const existing = this.get(args.key);
      if (!existing) return { intent: this.plan(args), created: true };
      if (existing.kind !== args.kind || jsonText(existing.payload) !== jsonText(args.payload)) throw new IntentConflictError(args.key);
      return { intent: existing, created: false };
    });
  }

  /** The intent with this key, if any. */
  get(key: string): Intent | undefined {
    const r = this.db.get(`SELECT ${COLUMNS} FROM outbox WHERE key = ?`, key);
    return r ? toIntent(r) : undefined;
  }

  /** The intent with this key; {@link NotFoundError} otherwise. */
  require(key: string): Intent {
    const i = this.get(key);
    if (!i) throw new NotFoundError("outbox intent", key);
    return i;
  }

  /** The intent that owns a signature (current attempt only). */
  bySignature(signature: string): Intent | undefined {
    const r = this.db.get(`SELECT ${COLUMNS} FROM outbox WHERE signature = ?`, signature);
    return r ? toIntent(r) : undefined;
  }

  /** Every unfinished intent (planned, signed, sent), oldest first: what a restart must resume. */
  pending(): Intent[] {
    return this.db
      .all(`SELECT ${COLUMNS} FROM outbox WHERE state IN ('planned','signed','sent') ORDER BY id`)
      .map(toIntent);
  }

  /** Intents filtered by state and/or kind, newest first. */
  list(filter: { state?: IntentState; kind?: IntentKind; limit?: number } = {}): Intent[] {
    return this.db
      .all(
        `SELECT ${COLUMNS} FROM outbox WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2) ORDER BY id DESC LIMIT ?3`,
        filter.state ?? null,
        filter.kind ?? null,
        filter.limit ?? -1,
      )
      .map(toIntent);
  }

  /** Number of intents in each state. */
  counts(): Record<IntentState, number> {
    const out: Record<IntentState, number> = { planned: 0, signed: 0, sent: 0, confirmed: 0, failed: 0, superseded: 0 };
    for (const r of this.db.all("SELECT state, count(*) AS n FROM outbox GROUP BY state")) out[str(r, "state") as IntentState] = num(r, "n");
    return out;
  }

  /** Signed attempts of this intent that expired and were re-planned, oldest first. */
  expiredAttempts(key: string): ExpiredAttempt[] {
    return this.db
      .all(
        `SELECT e.attempt, e.signature, e.tx, e.last_valid_block_height, e.observed_block_height, e.send_count, e.replanned_at
           FROM outbox_expired e JOIN outbox o ON o.id = e.outbox_id WHERE o.key = ? ORDER BY e.attempt`,
        key,
      )
      .map((r) => ({
        attempt: num(r, "attempt"),
        signature: str(r, "signature"),
        tx: blob(r, "tx"),
        lastValidBlockHeight: big(r, "last_valid_block_height"),
        observedBlockHeight: big(r, "observed_block_height"),
        sendCount: num(r, "send_count"),
        replannedAt: num(r, "replanned_at"),
      }));
  }

  /**
   * planned → signed: records the signed transaction. Call BEFORE sending it; once this returns the
   * bytes are on disk and a crash can only lead to a lookup or an identical rebroadcast.
   */
  sign(key: string, signed: SignedTx): Intent {
    if (signed.signature.length === 0) throw new StoreRangeError("signature", "empty");
    bytesIn("tx", signed.tx);
    if (signed.tx.length === 0) throw new StoreRangeError("tx", "empty");
    u64In("lastValidBlockHeight", signed.lastValidBlockHeight);
    return this.db.tx(() => {
      const owner = this.bySignature(signed.signature);
      const expired = this.db.get("SELECT 1 AS x FROM outbox_expired WHERE signature = ?", signed.signature);
      if ((owner && owner.key !== key) || expired) throw new DuplicateSignatureError(signed.signature);
      return this.transition(
        key,
        ["planned"],
        "signed",
        "signature = ?, tx = ?, last_valid_block_height = ?, attempt = attempt + 1",
        signed.signature,
        signed.tx,
        signed.lastValidBlockHeight,
      );
    });
  }

  /** signed | sent → sent: the stored bytes were handed to the cluster (again, for a rebroadcast). */
  markSent(key: string): Intent {
    return this.transition(key, ["signed", "sent"], "sent", "send_count = send_count + 1");
  }

  /**
   * signed | sent → confirmed at `slot` (pass it when known: `status.slot`, `context.slot`). From `signed` too: a crash between sending and
   * {@link markSent} leaves a landed transaction in `signed`.
   */
  confirm(key: string, at: { slot: bigint | null } = { slot: null }): Intent {
    if (at.slot !== null) u64In("slot", at.slot);
    return this.transition(key, ["signed", "sent"], "confirmed", "confirmed_slot = ?", at.slot);
  }

  /**
   * planned | signed | sent → failed. From signed/sent only when the chain shows the transaction landed
   * with an error (or it expired and the step is abandoned): a failed intent is never resumed.
   */
  fail(key: string, reason: string): Intent {
    if (reason.length === 0) throw new StoreRangeError("reason", "empty");
    return this.transition(key, ["planned", "signed", "sent"], "failed", "reason = ?", reason);
  }

  /**
   * planned | signed | sent → superseded: the step is no longer needed (chain state shows it done another
   * way, a newer intent replaces it, the window closed). The key stays taken.
   */
  supersede(key: string, reason: string): Intent {
    if (reason.length === 0) throw new StoreRangeError("reason", "empty");
    return this.transition(key, ["planned", "signed", "sent"], "superseded", "reason = ?", reason);
  }

  /**
   * signed | sent → planned, keeping the key: the stored transaction is not on chain and can never land
   * because `observedBlockHeight` is past its `lastValidBlockHeight` ({@link BlockhashStillValidError}
   * otherwise). The dead attempt moves to the expired history; the next {@link sign} starts a new attempt.
   */
  replan(key: string, proof: { observedBlockHeight: bigint }): Intent {
    u64In("observedBlockHeight", proof.observedBlockHeight);
    return this.db.tx(() => {
      const cur = this.require(key);
      if (cur.state !== "signed" && cur.state !== "sent") throw new IllegalTransitionError("outbox", key, cur.state, "planned");
      const s = cur.signed;
      if (s === null) throw new IllegalTransitionError("outbox", key, cur.state, "planned");
      if (proof.observedBlockHeight <= s.lastValidBlockHeight) {
        throw new BlockhashStillValidError(key, proof.observedBlockHeight, s.lastValidBlockHeight);
      }
      this.db.run(
        `INSERT INTO outbox_expired (outbox_id, attempt, signature, tx, last_valid_block_height, observed_block_height, send_count, replanned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        cur.id,
        cur.attempt,
        s.signature,
        s.tx,
        s.lastValidBlockHeight,
        proof.observedBlockHeight,
        cur.sendCount,
        nowMs(),
      );
      return this.transition(
        key,
        ["signed", "sent"],
        "planned",
        "signature = NULL, tx = NULL, last_valid_block_height = NULL, send_count = 0",
      );
    });
  }

  private transition(key: string, from: readonly IntentState[], to: IntentState, set: string, ...params: (string | bigint | Uint8Array | null)[]): Intent {
    return this.db.tx(() => {
      const states = from.map((s) => `'${s}'`).join(",");
      let changes: number;
      try {
        ({ changes } = this.db.run(
          `UPDATE outbox SET state = '${to}', ${set}, updated_at = ? WHERE key = ? AND state IN (${states})`,
          ...params,
          nowMs(),
          key,
        ));
      } catch (e) {
        if (isUniqueViolation(e) && /outbox\.signature/.test((e as Error).message)) {
          throw new DuplicateSignatureError(String(params[0]));
        }
        throw e;
      }
      if (changes === 0) {
        const cur = this.get(key);
        if (!cur) throw new NotFoundError("outbox intent", key);
        throw new IllegalTransitionError("outbox", key, cur.state, to);
      }
      return this.require(key);
    });
  }
}
