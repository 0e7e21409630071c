/** Shared helpers of the data suites. */
import { expect } from "chai";
import { DataIntegrityError, type DataIntegrityKind } from "../../src/data/index.js";

/** Everything an async iterable yields, concatenated. */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts);
}

/** Bytes 0..n-1 of a fixed, non-repeating-looking pattern (deterministic). */
export function pattern(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A seeded PRNG (mulberry32) for property tests: reproducible from the printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn` and asserts it throws (or rejects with) a DataIntegrityError of `kind` at `chunkIndex`. */
export async function expectIntegrity(fn: () => unknown, kind: DataIntegrityKind, chunkIndex: number | null): Promise<DataIntegrityError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a ${kind} error`).to.be.instanceOf(DataIntegrityError);
  const err = caught as DataIntegrityError;
  expect(err.kind, err.message).to.equal(kind);
  expect(err.chunkIndex, err.message).to.equal(chunkIndex);
  return err;
}

/** A random source that hands out the given byte strings in order (test vectors only). */
export function fixedRandom(...values: Uint8Array[]): (n: number) => Uint8Array {
  const queue = [...values];
  return (n) => {
    const v = queue.shift();
    if (v === undefined || v.length !== n) throw new Error(`fixedRandom: no ${n}-byte value left`);
    return v;
  };
}

/** Runs `fn` and asserts it throws (or rejects with) an instance of `type`; returns the error. */
export async function expectError<T extends Error>(fn: () => unknown, type: new (...args: never[]) => T, message?: RegExp): Promise<T> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a ${type.name}`).to.be.instanceOf(type);
  if (message) expect((caught as Error).message).to.match(message);
  return caught as T;
}
