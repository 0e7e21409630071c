/** Nonce and associated-data construction of the chunk AEAD: pure, shared by the Node and browser paths. @internal @module */
import { CHUNK_AAD_BYTES, MANIFEST_ID_BYTES, NONCE_BYTES, NONCE_PREFIX_BYTES } from "./constants.js";

/** Nonce of counter `counter`: prefix (4) ‖ u64le(counter) (8). */
export function nonceFor(noncePrefix: Uint8Array, counter: bigint): Uint8Array {
  const nonce = new Uint8Array(NONCE_BYTES);
  nonce.set(noncePrefix, 0);
  new DataView(nonce.buffer).setBigUint64(NONCE_PREFIX_BYTES, counter, true);
  return nonce;
}

/** Associated data of chunk `index`: manifest id (16) ‖ u64le(index) (8) ‖ final flag (1). */
export function chunkAad(id: Uint8Array, index: number, final: boolean): Uint8Array {
  const aad = new Uint8Array(CHUNK_AAD_BYTES);
  aad.set(id, 0);
  new DataView(aad.buffer).setBigUint64(MANIFEST_ID_BYTES, BigInt(index), true);
  aad[CHUNK_AAD_BYTES - 1] = final ? 1 : 0;
  return aad;
}
