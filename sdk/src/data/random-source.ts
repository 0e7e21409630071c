/** The random-source type and the check applied to injected sources: pure, shared by Node and browsers. @internal @module */

/**
 * A source of random bytes: returns `length` fresh bytes. The default is the operating system's CSPRNG;
 * inject another only to reproduce test vectors.
 */
export type RandomSource = (length: number) => Uint8Array;

/** Draws `length` bytes from `random`, checking it returned exactly that many. */
export function draw(random: RandomSource, length: number, what: string): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`random source returned a bad value for the ${what} (${length} bytes expected)`);
  }
  return Uint8Array.from(bytes);
}
