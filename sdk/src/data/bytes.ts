/** Small byte helpers shared by the data module (no Node imports: browser-safe). @internal @module */

/** Bytes equal (length and content). Not constant-time: use only on public values. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws a `TypeError` unless `value` is a `Uint8Array` of exactly `length` bytes. */
export function requireBytes(name: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new TypeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
  return value;
}
