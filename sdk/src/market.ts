/**
 * Market types, bounds and the provenance reader: a dataset walked back to the tasks it came from,
 * their consumers, assignees and revealed results, and its purchase ledger — all from program events.
 * @module
 */
import type { IdlTypes } from "@coral-xyz/anchor";
import type { Connection, PublicKey } from "@solana/web3.js";
import { type LumoraEvent, decodeEvents, taskLog, type TaskLogEntry } from "./events.js";
import type { LumoraMarket } from "./idl/index.js";
import { type LumoraProgramIds } from "./programs.js";

/** A dataset listing as decoded by the client. */
export type DatasetAccount = IdlTypes<LumoraMarket>["dataset"];
/** A purchase as decoded by the client. */
export type PurchaseAccount = IdlTypes<LumoraMarket>["purchase"];

/** Bounds of `programs/lumora_market/src/constants.rs`. */
export const MARKET_BOUNDS = Object.freeze({
  locatorMaxLen: 128,
  maxProvenance: 8,
  sealedKeyMaxLen: 96,
  minDeliveryWindowSecs: 60,
  maxDeliveryWindowSecs: 7 * 86_400,
  cipherSuites: [1] as readonly number[],
});

/** Purchase lifecycle (`state/purchase.rs::purchase_status`). */
export const PURCHASE_STATUS = Object.freeze({ OPEN: 1, DELIVERED: 2, REFUNDED: 3 });

/**
 * Byte offsets in a `Dataset` account (after the 8-byte discriminator; borsh, fixed-size prefix) used
 * by `fetchDatasets`' server-side filters.
 */
export const DATASET_LAYOUT = Object.freeze({ seller: 8, datasetId: 40, contentHash: 48, merkleRoot: 80, recordsHash: 112, price: 160, listed: 178 });

/** One transaction's logs, as the readers take them. */
export interface LoggedTransaction {
  signature: string;
  slot?: number;
  logs: readonly string[];
}

/** One provenance task, rebuilt from its events. */
export interface ProvenanceTask {
  /** The task PDA. */
  task: PublicKey;
  /** Who commissioned it (`TaskCreated.consumer`), when seen. */
  consumer: PublicKey | null;
  /** SHA-256 of its spec, when seen. */
  specHash: Uint8Array | null;
  /** The assignees (registry Node PDAs) from `TaskAssigned`, after any `AssigneeExpired` promotions. */
  assignees: PublicKey[];
  /** Each revealed result: node, content hash, Merkle root, bytes, locator, whether it matched its commitment. */
  results: { node: PublicKey; contentHash: Uint8Array; merkleRoot: Uint8Array; byteCount: bigint; locator: string; matchesCommitment: boolean }[];
  /** From `TaskSettled`: whether a quorum agreed, and on which content hash. */
  settlement: { success: boolean; winningHash: Uint8Array } | null;
  /** Every event of the task, oldest first. */
  log: TaskLogEntry[];
}

/** A dataset's provenance and purchase ledger. */
export interface DatasetProvenance {
  dataset: PublicKey;
  /** The `DatasetListed` event (seller, hashes, price, provenance list), `null` when not among the transactions. */
  listing: Record<string, unknown> | null;
  /** The tasks the data came from, in listing order. */
  tasks: ProvenanceTask[];
  /** Every market event about this dataset after the listing (updates, purchases, deliveries, refunds, closes), oldest first. */
  ledger: { signature: string; slot?: number; event: LumoraEvent }[];
}

const bytes = (v: unknown) => Uint8Array.from(v as number[]);
const big = (v: unknown) => BigInt((v as { toString(): string }).toString());

/** Rebuilds one task's provenance from its event log ({@link taskLog}). */
export function provenanceTask(args: { task: PublicKey; log: TaskLogEntry[] }): ProvenanceTask {
  const out: ProvenanceTask = { task: args.task, consumer: null, specHash: null, assignees: [], results: [], settlement: null, log: args.log };
  const key = args.task.toBase58();
  for (const { event: e } of args.log) {
    if (e.program !== "tasks" || (e.data.task as PublicKey).toBase58() !== key) continue;
    const d = e.data;
    if (e.name === "TaskCreated") {
      out.consumer = d.consumer as PublicKey;
      out.specHash = bytes(d.spec_hash);
    } else if (e.name === "TaskAssigned") out.assignees = [...(d.assignees as PublicKey[])];
    else if (e.name === "AssigneeExpired") {
      const i = out.assignees.findIndex((a) => a.equals(d.expired as PublicKey));
      if (i >= 0) {
        if (d.promoted) out.assignees[i] = d.promoted as PublicKey;
        else out.assignees.splice(i, 1);
      }
    } else if (e.name === "ResultRevealed")
      out.results.push({
        node: d.node as PublicKey,
        contentHash: bytes(d.content_hash),
        merkleRoot: bytes(d.merkle_root),
        byteCount: big(d.byte_count),
        locator: d.locator as string,
        matchesCommitment: d.matches_commitment as boolean,
      });
    else if (e.name === "TaskSettled") out.settlement = { success: d.success as boolean, winningHash: bytes(d.winning_hash) };
  }
  return out;
}

/**
 * A dataset's provenance from transactions (any order of discovery, processed as given — pass them
 * oldest first): its `DatasetListed` event names the tasks; each task's history is rebuilt with
 * {@link taskLog}; the market events about the dataset form the purchase ledger.
 */
export function datasetProvenance(args: { dataset: PublicKey; transactions: readonly LoggedTransaction[]; programIds?: Partial<LumoraProgramIds> }): DatasetProvenance {
  const key = args.dataset.toBase58();
  let listing: Record<string, unknown> | null = null;
  const ledger: DatasetProvenance["ledger"] = [];
  for (const tx of args.transactions) {
    for (const event of decodeEvents({ logs: tx.logs, programIds: args.programIds })) {
      if (event.program !== "market" || (event.data.dataset as PublicKey | undefined)?.toBase58() !== key) continue;
      if (event.name === "DatasetListed") listing = event.data;
      else ledger.push({ signature: tx.signature, slot: tx.slot, event });
    }
  }
  const tasks = ((listing?.provenance as PublicKey[] | undefined) ?? []).map((task) =>
    provenanceTask({ task, log: taskLog({ task, transactions: args.transactions, programIds: args.programIds }) }),
  );
  return { dataset: args.dataset, listing, tasks, ledger };
}

/**
 * Fetches a dataset's provenance from an RPC node that keeps transaction history: the transactions that
 * touched the dataset and each of its tasks (`getSignaturesForAddress`), then {@link datasetProvenance}.
 */
export async function fetchDatasetProvenance(args: { connection: Connection; dataset: PublicKey; provenance: readonly PublicKey[]; programIds?: Partial<LumoraProgramIds>; limit?: number }): Promise<DatasetProvenance> {
  const seen = new Map<string, LoggedTransaction & { slot: number }>();
  for (const address of [args.dataset, ...args.provenance]) {
    // the RPC lists newest first; oldest first here, so that the stable sort below keeps the order of
    // transactions that share a slot (a purchase and its key delivery often do)
    const sigs = await args.connection.getSignaturesForAddress(address, { limit: args.limit ?? 1_000 });
    for (const s of [...sigs].reverse()) {
      if (s.err || seen.has(s.signature)) continue;
      const tx = await args.connection.getTransaction(s.signature, { maxSupportedTransactionVersion: 0 });
      if (tx?.meta?.logMessages) seen.set(s.signature, { signature: s.signature, slot: s.slot, logs: tx.meta.logMessages });
    }
  }
  const transactions = [...seen.values()].sort((a, b) => a.slot - b.slot);
  return datasetProvenance({ dataset: args.dataset, transactions, programIds: args.programIds });
}

/** One provenance task as the buyer's checks see it: its winning content hash and result size. */
export interface ProvenancePart {
  task: PublicKey;
  /** Whether the task is settled (status SETTLED). */
  settled: boolean;
  /** The quorum's content hash (SHA-256 of the result's plaintext). */
  winningHash: Uint8Array;
  /** Bytes of the winning result's plaintext (its revealed `byte_count`), `null` when no winning result is readable. */
  byteCount: bigint | null;
}

const eqBytes = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, i) => x === b[i]);

/**
 * The buyer's provenance checks before it pays (the same rules `list_dataset` enforced, re-read from
 * chain, plus the manifest when given): every cited task settled with a winning result; the listing's
 * size is the sum of the results' byte counts; one task → the listing's records hash is its winning
 * hash; the manifest hashes to the listing's content hash and carries its Merkle root, records hash
 * and size. Returns the problems found (empty: the listing is bound to its tasks).
 */
export function checkListing(args: {
  dataset: Pick<DatasetAccount, "contentHash" | "merkleRoot" | "recordsHash" | "sizeBytes" | "provenance">;
  parts: readonly ProvenancePart[];
  /** The decoded manifest and its hash (`data.manifestHash`), when fetched. */
  manifest?: { hash: Uint8Array; merkleRoot: Uint8Array; contentHash: Uint8Array; plaintextSize: number };
}): string[] {
  const d = args.dataset;
  const issues: string[] = [];
  const cited = d.provenance as PublicKey[];
  if (args.parts.length !== cited.length || args.parts.some((p, i) => !p.task.equals(cited[i]!))) issues.push("the provenance parts do not match the listing's tasks");
  for (const p of args.parts) {
    if (!p.settled) issues.push(`task ${p.task.toBase58()} is not settled`);
    if (p.byteCount === null) issues.push(`task ${p.task.toBase58()} has no readable winning result`);
  }
  if (args.parts.length > 0 && args.parts.every((p) => p.byteCount !== null)) {
    const sum = args.parts.reduce((s, p) => s + p.byteCount!, 0n);
    if (sum !== BigInt(d.sizeBytes.toString())) issues.push(`the listing's size ${d.sizeBytes.toString()} is not its results' ${sum}`);
  }
  if (args.parts.length === 1 && !eqBytes(d.recordsHash as number[], args.parts[0]!.winningHash)) issues.push("the listing's records hash is not its task's winning content hash");
  if (args.manifest) {
    const m = args.manifest;
    if (!eqBytes(m.hash, d.contentHash as number[])) issues.push("the manifest does not hash to the listing's content hash");
    if (!eqBytes(m.merkleRoot, d.merkleRoot as number[])) issues.push("the manifest's Merkle root is not the listing's");
    if (!eqBytes(m.contentHash, d.recordsHash as number[])) issues.push("the manifest's content hash is not the listing's records hash");
    if (BigInt(m.plaintextSize) !== BigInt(d.sizeBytes.toString())) issues.push("the manifest's plaintext size is not the listing's size");
  }
  return issues;
}

/**
 * The buyer's check after decrypting: the plaintext hashes to the listing's records hash and, split
 * by the cited results' byte counts in provenance order, each part hashes to its task's winning hash
 * (per-task inclusion for a dataset aggregated from several tasks). Returns the problems found.
 */
export function checkPlaintext(args: { recordsHash: ArrayLike<number>; parts: readonly ProvenancePart[]; plaintext: Uint8Array; sha256: (b: Uint8Array) => Uint8Array }): string[] {
  const issues: string[] = [];
  if (!eqBytes(args.sha256(args.plaintext), args.recordsHash)) issues.push("the plaintext does not hash to the listing's records hash");
  let at = 0;
  for (const p of args.parts) {
    if (p.byteCount === null) continue;
    const end = at + Number(p.byteCount);
    if (end > args.plaintext.length || !eqBytes(args.sha256(args.plaintext.subarray(at, end)), p.winningHash)) issues.push(`the part of task ${p.task.toBase58()} does not hash to its winning content hash`);
    at = end;
  }
  if (args.parts.length > 0 && at !== args.plaintext.length) issues.push("the plaintext is longer than its provenance results");
  return issues;
}
