/**
 * What the daemon persists, as the duties see it. `SqliteState` (state-sqlite.ts) implements it over
 * the SQLite store in `store/`; nothing here is kept only in memory.
 */
import type { Outbox } from "./chain.js";

/** The executor's work on one task, persisted at every phase (the content hash before the commit). */
export interface TaskWork {
  task: string;
  specHash: string;
  phase: "assigned" | "scraped" | "committed" | "revealed" | "failed";
  contentHash: Uint8Array | null;
  merkleRoot: Uint8Array | null;
  byteCount: bigint;
  recordCount: number;
  locator: string;
  sealedKey: Uint8Array | null;
  /** Folder holding manifest.bin and chunk files. */
  datasetDir: string | null;
  error: string | null;
}

export type MetricField = "bytesServed" | "bytesFetched" | "tasksDone" | "receiptsSigned" | "receiptsSubmitted" | "earnedLmr";

export interface EpochMetrics {
  epoch: number;
  bytesServed: bigint;
  bytesFetched: bigint;
  tasksDone: number;
  receiptsSigned: number;
  receiptsSubmitted: number;
  earnedLmr: bigint;
}

/** A receipt this provider holds for submission. */
export interface HeldReceipt {
  id: string;
  epoch: bigint;
  verifier: string;
  seq: bigint;
  message: Uint8Array;
  signature: Uint8Array;
  state: "pending" | "submitted";
}

export interface DaemonState {
  outbox: Outbox;
  getWork(task: string): TaskWork | undefined;
  putWork(work: TaskWork): void;
  addMetric(epoch: number, field: MetricField, delta: bigint | number): void;
  metrics(): EpochMetrics[];
  getSetting(name: string): string | undefined;
  setSetting(name: string, value: string): void;
  /** Verifier: the next sequence number for a provider, persisted before it is used. */
  nextSeq(provider: string, floor: bigint): bigint;
  /** Provider: a receipt from a verifier (idempotent by verifier + seq). */
  holdReceipt(r: Omit<HeldReceipt, "id" | "state">): void;
  pendingReceipts(epoch: bigint): HeldReceipt[];
  markReceiptsSubmitted(ids: string[], signature: string): void;
  log(level: "info" | "warn" | "error", event: string, fields?: Record<string, unknown>): void;
  close(): void;
}
