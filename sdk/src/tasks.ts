/**
 * Task types, lifecycle constants and the task spec: canonical JSON and its SHA-256 (the `spec_hash`
 * recorded on chain; the spec itself travels off chain, checked by this hash).
 * @module
 */
import type { IdlTypes } from "@coral-xyz/anchor";
import { sha256 } from "@noble/hashes/sha2.js";
import type { LumoraTasks } from "./idl/index.js";

/** A task account as decoded by the client. */
export type TaskAccount = IdlTypes<LumoraTasks>["task"];
/** A bid record. */
export type BidAccount = IdlTypes<LumoraTasks>["bid"];
/** An assignee's result record (commitment, then reveal). */
export type TaskResultAccount = IdlTypes<LumoraTasks>["taskResult"];

/** Result states (`state/result.rs::result_status`). */
export const RESULT_STATUS = Object.freeze({ COMMITTED: 1, REVEALED: 2, FRAUD: 3 });

/**
 * The commitment an assignee posts (as `math::commitment`):
 * `SHA-256(content_hash ‖ merkle_root ‖ byte_count u64 LE ‖ key_hash ‖ node_key)` — everything it is
 * paid for, bound before any result is public.
 */
export function resultCommitment(args: {
  /** 32-byte content hash (SHA-256 of the plaintext records). */
  contentHash: Uint8Array;
  /** 32-byte Merkle root of the encrypted chunks. */
  merkleRoot: Uint8Array;
  /** Bytes of result data (`1 ..= max_bytes`). */
  byteCount: bigint | number;
  /** SHA-256 of the sealed data key ({@link sealedKeyHash}). */
  keyHash: Uint8Array;
  /** The assignee's node key. */
  nodeKey: Uint8Array;
}): Uint8Array {
  const buf = new Uint8Array(32 * 4 + 8);
  buf.set(args.contentHash, 0);
  buf.set(args.merkleRoot, 32);
  new DataView(buf.buffer).setBigUint64(64, BigInt(args.byteCount), true);
  buf.set(args.keyHash, 72);
  buf.set(args.nodeKey, 104);
  return sha256(buf);
}

/** SHA-256 of a sealed data key: the `key_hash` a reveal carries and `release_key` must match. */
export function sealedKeyHash(sealedKey: Uint8Array): Uint8Array {
  return sha256(sealedKey);
}

/** Task lifecycle (`programs/lumora_tasks/src/state/task.rs::status`). */
export const TASK_STATUS = Object.freeze({ OPEN: 1, ASSIGNED: 2, SETTLED: 5, FAILED: 6, CANCELLED: 7 });

/** Bounds of `create_task` (`programs/lumora_tasks/src/constants.rs`). */
export const TASK_BOUNDS = Object.freeze({
  maxRedundancy: 5,
  maxBackups: 5,
  maxSlots: 10,
  maxBidWindowSecs: 7 * 86_400,
  maxExecutionSecs: 30 * 86_400,
  /** Upper bound of a task's `max_bytes` (`MAX_RESULT_BYTES`, 1 TiB). */
  maxResultBytes: 1n << 40n,
  /** The SDK's default `max_bytes` when a task spec declares none: 64 MiB. */
  defaultMaxBytes: 64n << 20n,
});

/** A JSON value the canonical encoding accepts (no floats: integers are safe integers). */
export type CanonicalJson = null | boolean | number | string | CanonicalJson[] | { [key: string]: CanonicalJson };

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, strings and integers as
 * JSON.stringify writes them (the RFC 8785 form for this subset). Non-integer and unsafe numbers,
 * `undefined`, functions and cycles are refused: two parties must derive the same bytes.
 */
export function canonicalJson(value: CanonicalJson): string {
  const seen = new Set<object>();
  const enc = (v: CanonicalJson): string => {
    if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new TypeError(`canonical JSON takes safe integers only, got ${v}`);
      return JSON.stringify(v);
    }
    if (typeof v !== "object") throw new TypeError(`canonical JSON cannot encode a ${typeof v}`);
    if (seen.has(v)) throw new TypeError("canonical JSON cannot encode a cycle");
    seen.add(v);
    const out = Array.isArray(v)
      ? `[${v.map(enc).join(",")}]`
      : `{${Object.keys(v)
          .sort()
          .map((k) => {
            const x = (v as Record<string, CanonicalJson>)[k];
            if (x === undefined) throw new TypeError(`canonical JSON: key ${k} is undefined`);
            return `${JSON.stringify(k)}:${enc(x)}`;
          })
          .join(",")}}`;
    seen.delete(v);
    return out;
  };
  return enc(value);
}

/** SHA-256 of the canonical JSON of a task spec: the `spec_hash` of `create_task`. */
export function specHash(spec: CanonicalJson): Uint8Array {
  return sha256(new TextEncoder().encode(canonicalJson(spec)));
}
