/**
 * Relay sessions (`/lumora/relay/1`, docs/relay.md) as this node saw them — as a provider (what it
 * carried, its own signed statement and the executor's) or as an executor (what it received, both
 * statements) — and the provider's refusals per epoch and reason. Read by the dashboard and, once the
 * rewards design settles it, by the usage-credit duty.
 * @module
 */
import { big, blobOrNull, num, nowMs, str, u64In, type Row } from "./codec.js";
import type { Db } from "./db.js";
import { StoreRangeError } from "./errors.js";

/** Statement message and signature lengths (`RELAY_ATTEST_LEN` in @lumora/network). */
export const RELAY_MESSAGE_LEN = 121;
export const RELAY_SIGNATURE_LEN = 64;

/** A signed statement as stored. */
export interface StoredStatement {
  message: Uint8Array;
  signature: Uint8Array;
}

/** One session as recorded by one end. */
export interface RelaySessionRow {
  sessionId: Uint8Array;
  /** This node's role in the session. */
  role: "provider" | "executor";
  epoch: bigint;
  /** The other end's node key, base58. */
  peer: string;
  bytesUp: bigint;
  bytesDown: bigint;
  outcome: "closed" | "aborted" | "broken";
  provider: StoredStatement | null;
  executor: StoredStatement | null;
}

/** Per-epoch totals of one role. */
export interface RelayEpochSummary {
  epoch: bigint;
  role: "provider" | "executor";
  sessions: number;
  bytesUp: bigint;
  bytesDown: bigint;
  /** Sessions whose both statements are held. */
  attestedBoth: number;
}

function stmt(field: string, s: StoredStatement | null): [Uint8Array | null, Uint8Array | null] {
  if (!s) return [null, null];
  if (s.message.length !== RELAY_MESSAGE_LEN || s.signature.length !== RELAY_SIGNATURE_LEN) throw new StoreRangeError(field, `statement must be ${RELAY_MESSAGE_LEN} + ${RELAY_SIGNATURE_LEN} bytes`);
  return [s.message, s.signature];
}

export class RelayLedger {
  constructor(private readonly db: Db) {}

  /** Records a session once; a second record of the same (session, role) is ignored (`false`). */
  record(r: RelaySessionRow): boolean {
    if (r.sessionId.length !== 16) throw new StoreRangeError("sessionId", "must be 16 bytes");
    const [pm, ps] = stmt("provider", r.provider);
    const [em, es] = stmt("executor", r.executor);
    return this.db.tx(
      () =>
        this.db.run(
          `INSERT OR IGNORE INTO relay_sessions (session_id, role, epoch, peer, bytes_up, bytes_down, outcome, provider_message, provider_signature, executor_message, executor_signature, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          r.sessionId,
          r.role,
          u64In("epoch", r.epoch),
          r.peer,
          u64In("bytesUp", r.bytesUp),
          u64In("bytesDown", r.bytesDown),
          r.outcome,
          pm,
          ps,
          em,
          es,
          nowMs(),
        ).changes === 1,
    );
  }

  /** Counts one refusal of `reason` in `epoch`. */
  refuse(epoch: bigint, reason: string): void {
    this.db.tx(() =>
      this.db.run(`INSERT INTO relay_refusals (epoch, reason, count) VALUES (?, ?, 1) ON CONFLICT (epoch, reason) DO UPDATE SET count = count + 1`, u64In("epoch", epoch), reason),
    );
  }

  /** Sessions of an epoch (oldest first), optionally of one role. */
  sessions(epoch: bigint, role?: "provider" | "executor"): RelaySessionRow[] {
    const rows = role
      ? this.db.all("SELECT * FROM relay_sessions WHERE epoch = ? AND role = ? ORDER BY created_at, session_id", u64In("epoch", epoch), role)
      : this.db.all("SELECT * FROM relay_sessions WHERE epoch = ? ORDER BY created_at, session_id", u64In("epoch", epoch));
    return rows.map(toRow);
  }

  /** Per-epoch totals, newest epoch first, at most `limit` epochs. */
  summary(limit = 16): RelayEpochSummary[] {
    return this.db
      .all(
        `SELECT epoch, role, COUNT(*) AS sessions, SUM(bytes_up) AS up, SUM(bytes_down) AS down,
                SUM(provider_message IS NOT NULL AND executor_message IS NOT NULL) AS both_
           FROM relay_sessions GROUP BY epoch, role ORDER BY epoch DESC, role LIMIT ?`,
        limit * 2,
      )
      .map((r) => ({ epoch: big(r, "epoch"), role: str(r, "role") as "provider" | "executor", sessions: num(r, "sessions"), bytesUp: big(r, "up"), bytesDown: big(r, "down"), attestedBoth: num(r, "both_") }));
  }

  /** Refusals per reason in an epoch. */
  refusals(epoch: bigint): { reason: string; count: number }[] {
    return this.db.all("SELECT reason, count FROM relay_refusals WHERE epoch = ? ORDER BY count DESC, reason", u64In("epoch", epoch)).map((r) => ({ reason: str(r, "reason"), count: num(r, "count") }));
  }
}

function toRow(r: Row): RelaySessionRow {
  const pm = blobOrNull(r, "provider_message");
  const em = blobOrNull(r, "executor_message");
  return {
    sessionId: blobOrNull(r, "session_id")!,
    role: str(r, "role") as "provider" | "executor",
    epoch: big(r, "epoch"),
    peer: str(r, "peer"),
    bytesUp: big(r, "bytes_up"),
    bytesDown: big(r, "bytes_down"),
    outcome: str(r, "outcome") as RelaySessionRow["outcome"],
    provider: pm ? { message: pm, signature: blobOrNull(r, "provider_signature")! } : null,
    executor: em ? { message: em, signature: blobOrNull(r, "executor_signature")! } : null,
  };
}
