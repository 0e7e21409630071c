/**
 * AES-256-GCM per chunk and for the manifest tag, via `node:crypto` (OpenSSL, AES-NI). Nonce and
 * associated-data construction live in `nonce.ts` (shared with the browser path, `webcrypto.ts`).
 * @internal
 * @module
 */
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from "node:crypto";
import { MANIFEST_TAG_COUNTER, TAG_BYTES } from "./constants.js";
import { chunkAad, nonceFor } from "./nonce.js";

export { chunkAad, nonceFor };

const GCM = "aes-256-gcm";

/** What the encryption of a dataset shares across its chunks. */
export interface ChunkContext {
  key: Uint8Array;
  id: Uint8Array;
  noncePrefix: Uint8Array;
}

/** An encrypted chunk (ciphertext ‖ tag) and its SHA-256. */
export interface SealedChunk {
  data: Uint8Array;
  hash: Uint8Array;
}

/** Encrypts chunk `index` and hashes the result. */
export function sealChunk(ctx: ChunkContext, index: number, final: boolean, plaintext: Uint8Array): SealedChunk {
  const cipher = createCipheriv(GCM, ctx.key, nonceFor(ctx.noncePrefix, BigInt(index)), { authTagLength: TAG_BYTES });
  cipher.setAAD(chunkAad(ctx.id, index, final));
  const ct = cipher.update(plaintext);
  cipher.final();
  const data = Buffer.concat([ct, cipher.getAuthTag()], plaintext.length + TAG_BYTES);
  return { data, hash: sha256Node(data) };
}

/** Decrypts chunk `index`; `null` when authentication fails. `data` must be at least a tag long. */
export function openChunk(ctx: ChunkContext, index: number, final: boolean, data: Uint8Array): Uint8Array | null {
  const split = data.length - TAG_BYTES;
  const decipher = createDecipheriv(GCM, ctx.key, nonceFor(ctx.noncePrefix, BigInt(index)), { authTagLength: TAG_BYTES });
  decipher.setAAD(chunkAad(ctx.id, index, final));
  decipher.setAuthTag(data.subarray(split));
  const pt = decipher.update(data.subarray(0, split));
  try {
    decipher.final();
  } catch {
    return null;
  }
  return pt;
}

/** GMAC of the manifest body: AES-GCM over no plaintext, body as associated data, reserved counter. */
export function manifestTag(key: Uint8Array, noncePrefix: Uint8Array, body: Uint8Array): Uint8Array {
  const cipher = createCipheriv(GCM, key, nonceFor(noncePrefix, MANIFEST_TAG_COUNTER), { authTagLength: TAG_BYTES });
  cipher.setAAD(body);
  cipher.final();
  return cipher.getAuthTag();
}

/** SHA-256 through OpenSSL (SHA-NI where the CPU has it): for bulk data. */
export function sha256Node(data: Uint8Array): Uint8Array {
  return createHash("sha256").update(data).digest();
}

/** Constant-time equality of two equal-length secrets-derived values. */
export function secretEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
