/**
 * The browser path's AEAD and bulk hash: AES-256-GCM per chunk and for the manifest tag, SHA-256 of each
 * encrypted chunk, through WebCrypto (`crypto.subtle`, the browser's native implementation). The same
 * bytes as `aead.ts` (node:crypto): the nonce and associated data come from `nonce.ts`, shared by both.
 * WebCrypto is asynchronous, so every function here returns a promise. `crypto.subtle` exists only in a
 * secure context (https, or http on localhost).
 * @internal
 * @module
 */
import { KEY_BYTES, MANIFEST_TAG_COUNTER, TAG_BYTES } from "./constants.js";
import { chunkAad, nonceFor } from "./nonce.js";

/** `crypto.subtle`, or a clear error where the page is not a secure context. */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) {
    throw new Error("WebCrypto (crypto.subtle) is unavailable: serve the page over https or from localhost (a secure context)");
  }
  return s;
}

/** What the encryption of a dataset shares across its chunks: the key imported once. */
export interface WebChunkContext {
  key: CryptoKey;
  id: Uint8Array;
  noncePrefix: Uint8Array;
}

/** Imports a 32-byte data key for AES-256-GCM (not extractable). */
export async function importDataKey(key: Uint8Array): Promise<CryptoKey> {
  if (key.length !== KEY_BYTES) throw new TypeError(`key must be ${KEY_BYTES} bytes, got ${key.length}`);
  return subtle().importKey("raw", copy(key), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

/** A fresh ArrayBuffer-backed copy (WebCrypto refuses views over SharedArrayBuffer). */
function copy(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

const gcm = (iv: Uint8Array, additionalData: Uint8Array): AesGcmParams => ({
  name: "AES-GCM",
  iv: copy(iv),
  additionalData: copy(additionalData),
  tagLength: TAG_BYTES * 8,
});

/** Encrypts chunk `index` (ciphertext ‖ tag) and hashes the result. */
export async function sealChunk(ctx: WebChunkContext, index: number, final: boolean, plaintext: Uint8Array): Promise<{ data: Uint8Array; hash: Uint8Array }> {
  const data = new Uint8Array(await subtle().encrypt(gcm(nonceFor(ctx.noncePrefix, BigInt(index)), chunkAad(ctx.id, index, final)), ctx.key, copy(plaintext)));
  return { data, hash: await sha256(data) };
}

/** Decrypts chunk `index`; `null` when authentication fails. */
export async function openChunk(ctx: WebChunkContext, index: number, final: boolean, data: Uint8Array): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await subtle().decrypt(gcm(nonceFor(ctx.noncePrefix, BigInt(index)), chunkAad(ctx.id, index, final)), ctx.key, copy(data)));
  } catch (e) {
    if ((e as DOMException)?.name === "OperationError") return null; // authentication failed
    throw e;
  }
}

/** GMAC of the manifest body: AES-GCM over no plaintext, body as associated data, reserved counter. */
export async function manifestTag(key: CryptoKey, noncePrefix: Uint8Array, body: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(await subtle().encrypt(gcm(nonceFor(noncePrefix, MANIFEST_TAG_COUNTER), body), key, new Uint8Array(0)));
  return out; // no plaintext: the output is the 16-byte tag alone
}

/** SHA-256 through WebCrypto: for bulk data (encrypted chunks). */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest("SHA-256", copy(data)));
}

/** Constant-time equality of two equal-length secret-derived values. */
export function secretEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
