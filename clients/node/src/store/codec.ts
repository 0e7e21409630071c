/**
 * Conversions between SQLite values and the store's typed rows. Integers are read as `bigint`
 * (`readBigInts`); u64 amounts stay `bigint`, small counters become `number`, bytes are `Uint8Array`.
 * SQLite integers are signed 64-bit, so a u64 is stored as-is up to 2^63 − 1 and refused above
 * ({@link StoreRangeError}); no on-chain quantity the daemon records (lamports, token base units, byte
 * counts, sequence numbers, slots) comes near that.
 * @module
 */
import { StoreRangeError } from "./errors.js";
import type { SQLOutputValue } from "./sqlite.js";

/** A value that survives a JSON round trip unchanged (payloads, event data). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A row as `node:sqlite` returns it. */
export type Row = Record<string, SQLOutputValue>;

/** Largest integer SQLite stores. */
export const I64_MAX = (1n << 63n) - 1n;

/** Checks a u64 for storage (0 ≤ v ≤ 2^63 − 1). */
export function u64In(field: string, v: bigint): bigint {
  if (typeof v !== "bigint") throw new StoreRangeError(field, `expected a bigint, got ${typeof v}`);
  if (v < 0n) throw new StoreRangeError(field, `negative value ${v}`);
  if (v > I64_MAX) throw new StoreRangeError(field, `${v} exceeds 2^63 - 1, the largest integer SQLite stores`);
  return v;
}

/** Checks a byte string (optionally of an exact length) for storage. */
export function bytesIn(field: string, v: Uint8Array, len?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new StoreRangeError(field, "expected a Uint8Array");
  if (len !== undefined && v.length !== len) throw new StoreRangeError(field, `expected ${len} bytes, got ${v.length}`);
  return v;
}

/** Reads a non-null integer column as bigint. */
export function big(row: Row, col: string): bigint {
  const v = row[col];
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw new TypeError(`store: column ${col} is not an integer (${typeof v})`);
}

/** Reads a nullable integer column as bigint. */
export function bigOrNull(row: Row, col: string): bigint | null {
  return row[col] === null ? null : big(row, col);
}

/** Reads a non-null integer column as a JS number (counters, timestamps, ids). */
export function num(row: Row, col: string): number {
  const v = big(row, col);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new TypeError(`store: column ${col} = ${v} exceeds a safe JS number`);
  }
  return Number(v);
}

/** Reads a nullable integer column as a JS number. */
export function numOrNull(row: Row, col: string): number | null {
  return row[col] === null ? null : num(row, col);
}

/** Reads a non-null text column. */
export function str(row: Row, col: string): string {
  const v = row[col];
  if (typeof v !== "string") throw new TypeError(`store: column ${col} is not text (${typeof v})`);
  return v;
}

/** Reads a nullable text column. */
export function strOrNull(row: Row, col: string): string | null {
  return row[col] === null ? null : str(row, col);
}

/** Reads a non-null blob column (a copy, safe to keep). */
export function blob(row: Row, col: string): Uint8Array {
  const v = row[col];
  if (!(v instanceof Uint8Array)) throw new TypeError(`store: column ${col} is not a blob (${typeof v})`);
  return new Uint8Array(v);
}

/** Reads a nullable blob column. */
export function blobOrNull(row: Row, col: string): Uint8Array | null {
  return row[col] === null ? null : blob(row, col);
}

/** Reads a JSON text column. */
export function json(row: Row, col: string): JsonValue {
  return JSON.parse(str(row, col)) as JsonValue;
}

/** Canonical JSON text of a payload (stable key order, so equal payloads compare equal as text). */
export function jsonText(v: JsonValue): string {
  return JSON.stringify(canonical(v));
}

function canonical(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const out: { [key: string]: JsonValue } = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k] as JsonValue);
    return out;
  }
  if (typeof v === "number" && !Number.isFinite(v)) throw new StoreRangeError("json", `non-finite number ${v}`);
  return v;
}

/** Milliseconds since the epoch, the store's clock for `created_at`/`updated_at`. */
export function nowMs(): number {
  return Date.now();
}
