/** The random source of the browser data module: WebCrypto's CSPRNG. @internal @module */
import type { RandomSource } from "./random-source.js";

export { type RandomSource, draw } from "./random-source.js";

/** WebCrypto's CSPRNG (`crypto.getRandomValues`, at most 65,536 bytes a call). */
export const secureRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  for (let off = 0; off < length; off += 65536) globalThis.crypto.getRandomValues(out.subarray(off, Math.min(length, off + 65536)));
  return out;
};
