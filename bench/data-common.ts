/**
 * What bench/data.bench.ts (interleaved rounds) and bench/data-alone.bench.ts (one function per process)
 * both run: the raw node:crypto baseline and the SDK calls measured against it.
 */
import { createCipheriv, createDecipheriv, createHash } from "node:crypto";
import { data } from "../sdk/src/index.js";

// Raw processes its input in 1 MiB pieces through one GCM stream and one SHA-256 (as the SDK streams
// its chunks), so neither side pays for faulting in a fresh 100 MiB output buffer; at 1 MiB it is one
// update each.
const PIECE = 1 << 20;

/**
 * One AES-256-GCM pass over `input` plus one SHA-256 of the ciphertext. `keepCiphertext: false` drops
 * each piece once hashed (ct comes back empty): the encrypt benchmark alone needs no output.
 */
export function rawEncrypt(key: Buffer, iv: Buffer, input: Buffer, opts: { keepCiphertext?: boolean } = {}) {
  const c = createCipheriv("aes-256-gcm", key, iv);
  const h = createHash("sha256");
  const ct: Buffer[] = [];
  for (let off = 0; off < input.length; off += PIECE) {
    const piece = c.update(input.subarray(off, off + PIECE));
    h.update(piece);
    if (opts.keepCiphertext !== false) ct.push(piece);
  }
  c.final();
  const tag = c.getAuthTag();
  return { ct, tag, digest: h.update(tag).digest() };
}

/** One SHA-256 of the ciphertext checked against `digest`, then one AES-256-GCM decryption; plaintext bytes. */
export function rawDecrypt(key: Buffer, iv: Buffer, ct: Buffer[], tag: Buffer, digest: Buffer, onPlain?: (pt: Buffer) => void) {
  const h = createHash("sha256");
  for (const piece of ct) h.update(piece);
  if (!h.update(tag).digest().equals(digest)) throw new Error("hash");
  const d = createDecipheriv("aes-256-gcm", key, iv);
  d.setAuthTag(tag);
  let n = 0;
  for (const piece of ct) {
    const pt = d.update(piece);
    onPlain?.(pt);
    n += pt.length;
  }
  d.final();
  return n;
}

/** `data.encryptStream` over `input`, every chunk pulled; the result. */
export async function sdkEncrypt(input: Buffer, compression: data.Compression, chunkSize?: number) {
  const s = data.encryptStream({ source: [input], compression, chunkSize });
  for await (const c of s.chunks) void c;
  return s.result;
}

/** `data.decryptStream` of a dataset with its chunk table; plaintext bytes. */
export async function sdkDecrypt(ds: data.EncryptedDataset) {
  let n = 0;
  for await (const p of data.decryptStream({ manifest: ds.manifestBytes, key: ds.key, chunks: ds.chunks, chunkHashes: ds.chunkHashes })) n += p.length;
  return n;
}
