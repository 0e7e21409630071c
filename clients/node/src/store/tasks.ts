/**
 * Tasks this node executes or backs up, with everything the commit–reveal needs to survive a crash.
 * The commitment is `SHA-256(content_hash ‖ node_key)`, so the content hash (with the size, Merkle root
 * and locator of the stored result) is recorded — in one transaction, before any commit is planned —
 * by {@link Tasks.recordResult}; the `committed` phase is refused without it.
 *
 * Phases move forward only: assigned → fetching → fetched → committed → revealed → settled; any open
 * phase may end in `failed` or `released` (reassigned away, backup not needed).
 * @module
 */
import { blob, blobOrNull, bytesIn, big, bigOrNull, num, numOrNull, nowMs, str, strOrNull, u64In, type Row } from "./codec.js";
import type { Db } from "./db.js";
import { IllegalTransitionError, NotFoundError, StoreRangeError, TaskDataMissingError } from "./errors.js";

/** Where a task is in this node's pipeline. */
export type TaskPhase = "assigned" | "fetching" | "fetched" | "committed" | "revealed" | "settled" | "failed" | "released";
/** This node's role on the task. */
export type TaskRole = "assignee" | "backup";

const ORDER: Record<TaskPhase, number> = {
  assigned: 0,
  fetching: 1,
  fetched: 2,
  committed: 3,
  revealed: 4,
  settled: 5,
  failed: 9,
  released: 9,
};
const FINAL: readonly TaskPhase[] = ["settled", "failed", "released"];

/** The stored result of executing a task. */
export interface TaskResult {
  /** SHA-256 of the canonical result content (32 bytes). */
  readonly contentHash: Uint8Array;
  /** Size of the result in bytes. */
  readonly byteCount: bigint;
  /** Merkle root of the chunk manifest (32 bytes). */
  readonly merkleRoot: Uint8Array;
  /** `SHA-256(content_hash ‖ node_key)`: what `commit_result` puts on chain (32 bytes), if kept. */
  readonly commitment?: Uint8Array | null;
  /** Records extracted. */
  readonly recordCount?: number | null;
  /** The dataset key sealed for the market (opaque bytes). */
  readonly sealedKey?: Uint8Array | null;
  /** Optional extra nonce material kept for the reveal. */
  readonly salt?: Uint8Array | null;
  /** Where consumers fetch the result (network locator). */
  readonly locator?: string | null;
  /** Local directory holding the result's chunks. */
  readonly chunkDir?: string | null;
}

/** One task row. */
export interface TaskRecord {
  /** Task account (base-58). */
  readonly task: string;
  readonly specHash: Uint8Array;
  /** Canonical spec bytes, once fetched from the consumer/DHT. */
  readonly spec: Uint8Array | null;
  readonly role: TaskRole;
  /** Backup rank (1 = first backup) when role is backup. */
  readonly backupRank: number | null;
  readonly phase: TaskPhase;
  /** Unix seconds. */
  readonly commitDeadline: bigint | null;
  readonly revealDeadline: bigint | null;
  /** The result, once recorded. */
  readonly result: Required<TaskResult> | null;
  /** Why it failed / was released. */
  readonly reason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Arguments of {@link Tasks.add}. */
export interface AddTaskArgs {
  readonly task: string;
  readonly specHash: Uint8Array;
  readonly spec?: Uint8Array | null;
  readonly role: TaskRole;
  readonly backupRank?: number | null;
  readonly commitDeadline?: bigint | null;
  readonly revealDeadline?: bigint | null;
}

const COLUMNS =
  "task, spec_hash, spec, role, backup_rank, phase, commit_deadline, reveal_deadline, content_hash, byte_count, merkle_root, commitment, salt, record_count, sealed_key, locator, chunk_dir, reason, created_at, updated_at";

function toTask(r: Row): TaskRecord {
  const contentHash = blobOrNull(r, "content_hash");
  return {
    task: str(r, "task"),
    specHash: blob(r, "spec_hash"),
    spec: blobOrNull(r, "spec"),
    role: str(r, "role") as TaskRole,
    backupRank: numOrNull(r, "backup_rank"),
    phase: str(r, "phase") as TaskPhase,
    commitDeadline: bigOrNull(r, "commit_deadline"),
    revealDeadline: bigOrNull(r, "reveal_deadline"),
    result:
      contentHash === null
        ? null
        : {
            contentHash,
            byteCount: big(r, "byte_count"),
            merkleRoot: blob(r, "merkle_root"),
            commitment: blobOrNull(r, "commitment"),
            salt: blobOrNull(r, "salt"),
            recordCount: numOrNull(r, "record_count"),
            sealedKey: blobOrNull(r, "sealed_key"),
            locator: strOrNull(r, "locator"),
            chunkDir: strOrNull(r, "chunk_dir"),
          },
    reason: strOrNull(r, "reason"),
    createdAt: num(r, "created_at"),
    updatedAt: num(r, "updated_at"),
  };
}

/** The tasks table. */
export class Tasks {
  constructor(private readonly db: Db) {}

  /**
   * Records a task this node was assigned (or backs up). Idempotent: adding a task already known returns
   * the stored row unchanged (a restart re-reading the chain does not reset progress).
   */
  add(args: AddTaskArgs): { task: TaskRecord; created: boolean } {
    bytesIn("specHash", args.specHash, 32);
    if (args.spec != null) bytesIn("spec", args.spec);
    const rank = args.role === "backup" ? (args.backupRank ?? null) : null;
    if (args.role === "backup" && (rank === null || !Number.isInteger(rank) || rank < 1 || rank > 255)) {
      throw new StoreRangeError("backupRank", "a backup needs a rank 1..255");
    }
    if (args.commitDeadline != null) u64In("commitDeadline", args.commitDeadline);
    if (args.revealDeadline != null) u64In("revealDeadline", args.revealDeadline);
    return this.db.tx(() => {
      const existing = this.get(args.task);
      if (existing) return { task: existing, created: false };
      const t = nowMs();
      this.db.run(
        `INSERT INTO tasks (task, spec_hash, spec, role, backup_rank, phase, commit_deadline, reveal_deadline, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'assigned', ?, ?, ?, ?)`,
        args.task,
        args.specHash,
        args.spec ?? null,
        args.role,
        rank,
        args.commitDeadline ?? null,
        args.revealDeadline ?? null,
        t,
        t,
      );
      return { task: this.require(args.task), created: true };
    });
  }

  get(task: string): TaskRecord | undefined {
    const r = this.db.get(`SELECT ${COLUMNS} FROM tasks WHERE task = ?`, task);
    return r ? toTask(r) : undefined;
  }

  require(task: string): TaskRecord {
    const t = this.get(task);
    if (!t) throw new NotFoundError("task", task);
    return t;
  }

  /** Tasks not yet settled, failed or released, oldest first. */
  open(): TaskRecord[] {
    return this.db.all(`SELECT ${COLUMNS} FROM tasks WHERE phase NOT IN ('settled','failed','released') ORDER BY created_at, task`).map(toTask);
  }

  /** The `limit` most recently changed tasks, open or not, newest first. */
  recent(limit = 20): TaskRecord[] {
    return this.db.all(`SELECT ${COLUMNS} FROM tasks ORDER BY updated_at DESC, task LIMIT ?`, limit).map(toTask);
  }

  /** Tasks in one phase, oldest first. */
  inPhase(phase: TaskPhase): TaskRecord[] {
    return this.db.all(`SELECT ${COLUMNS} FROM tasks WHERE phase = ? ORDER BY created_at, task`, phase).map(toTask);
  }

  /** Stores the spec bytes once fetched. */
  setSpec(task: string, spec: Uint8Array): TaskRecord {
    bytesIn("spec", spec);
    return this.db.tx(() => {
      if (this.db.run("UPDATE tasks SET spec = ?, updated_at = ? WHERE task = ?", spec, nowMs(), task).changes === 0) {
        throw new NotFoundError("task", task);
      }
      return this.require(task);
    });
  }

  /** A backup taking the assignee's place (`expire_and_reassign`). */
  promote(task: string, deadlines: { commitDeadline?: bigint | null; revealDeadline?: bigint | null } = {}): TaskRecord {
    return this.db.tx(() => {
      const cur = this.require(task);
      if (FINAL.includes(cur.phase)) throw new IllegalTransitionError("task", task, cur.phase, "promote");
      this.db.run(
        `UPDATE tasks SET role = 'assignee', backup_rank = NULL, commit_deadline = coalesce(?, commit_deadline),
                reveal_deadline = coalesce(?, reveal_deadline), updated_at = ? WHERE task = ?`,
        deadlines.commitDeadline ?? null,
        deadlines.revealDeadline ?? null,
        nowMs(),
        task,
      );
      return this.require(task);
    });
  }

  /**
   * Records the result (content hash, size, Merkle root, commitment, locator, chunk dir) and moves the
   * task to `fetched`, atomically. Refused once a result is recorded (a commitment must never change).
   */
  recordResult(task: string, result: TaskResult): TaskRecord {
    bytesIn("contentHash", result.contentHash, 32);
    bytesIn("merkleRoot", result.merkleRoot, 32);
    if (result.commitment != null) bytesIn("commitment", result.commitment, 32);
    u64In("byteCount", result.byteCount);
    if (result.salt != null) bytesIn("salt", result.salt);
    if (result.sealedKey != null) bytesIn("sealedKey", result.sealedKey);
    if (result.recordCount != null && (!Number.isSafeInteger(result.recordCount) || result.recordCount < 0)) {
      throw new StoreRangeError("recordCount", `invalid ${result.recordCount}`);
    }
    return this.db.tx(() => {
      const cur = this.require(task);
      if (cur.result !== null || ORDER[cur.phase] > ORDER.fetching) throw new IllegalTransitionError("task", task, cur.phase, "fetched");
      this.db.run(
        `UPDATE tasks SET phase = 'fetched', content_hash = ?, byte_count = ?, merkle_root = ?, commitment = ?, salt = ?,
                record_count = ?, sealed_key = ?, locator = ?, chunk_dir = ?, updated_at = ? WHERE task = ?`,
        result.contentHash,
        result.byteCount,
        result.merkleRoot,
        result.commitment ?? null,
        result.salt ?? null,
        result.recordCount ?? null,
        result.sealedKey ?? null,
        result.locator ?? null,
        result.chunkDir ?? null,
        nowMs(),
        task,
      );
      return this.require(task);
    });
  }

  /**
   * Moves a task forward: to a later phase of the pipeline, or to `failed`/`released` (with a reason)
   * from any open phase. Backwards moves and moves out of a final phase throw
   * {@link IllegalTransitionError}; `fetched` goes through {@link recordResult}; `committed` and later
   * need the recorded result ({@link TaskDataMissingError}).
   */
  setPhase(task: string, phase: TaskPhase, reason?: string): TaskRecord {
    return this.db.tx(() => {
      const cur = this.require(task);
      const ending = phase === "failed" || phase === "released";
      if (FINAL.includes(cur.phase) || phase === "fetched" || (!ending && ORDER[phase] <= ORDER[cur.phase])) {
        throw new IllegalTransitionError("task", task, cur.phase, phase);
      }
      if (ending && !reason) throw new StoreRangeError("reason", `${phase} needs a reason`);
      if (ORDER[phase] >= ORDER.committed && !ending && cur.result === null) {
        throw new TaskDataMissingError(task, phase, "a recorded result (content hash)");
      }
      this.db.run("UPDATE tasks SET phase = ?, reason = ?, updated_at = ? WHERE task = ?", phase, ending ? reason! : null, nowMs(), task);
      return this.require(task);
    });
  }
}
