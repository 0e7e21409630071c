/**
 * Consumer side in a browser: the checks of `decrypt.ts` in the same order and with the same errors, on
 * WebCrypto (AES-256-GCM, SHA-256 per chunk) and the browser codec. WebCrypto is asynchronous, so
 * {@link openManifest} returns a promise and {@link decryptStream} reports a bad manifest or key from its
 * first iteration rather than from the call. The content hash is a streaming SHA-256 (`@noble/hashes`:
 * WebCrypto has no incremental digest). Memory holds about one chunk (zstd, none) or the compressed
 * dataset (brotli).
 * @module
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { bytesEqual, requireBytes } from "./bytes.js";
import { decompressionAvailable, decompressStream } from "./compression.browser.js";
import { HASH_BYTES, KEY_BYTES, TAG_BYTES } from "./constants.js";
import { DataError, DataIntegrityError, type DataIntegrityKind, UnsupportedCompressionError } from "./errors.js";
import { type Manifest, decodeManifest, encodeManifestBody, keyCommitment, manifestHash } from "./manifest.js";
import { merkleRoot, verifyMerkleProof } from "./merkle.js";
import { type WebChunkContext, importDataKey, manifestTag, openChunk, secretEqual, sha256 } from "./webcrypto.js";
import type { ChunkInput, DecryptStreamOptions, OpenManifestOptions } from "./decrypt.js";

export type { ChunkInput, DecryptStreamOptions, OpenManifestOptions };

const integrity = (kind: DataIntegrityKind, chunkIndex: number | null, message: string) =>
  new DataIntegrityError({ kind, chunkIndex, message });

async function authenticate(opts: OpenManifestOptions): Promise<{ manifest: Manifest; key: CryptoKey }> {
  const bytes = requireBytes("manifest", opts.manifest);
  const rawKey = requireBytes("key", opts.key, KEY_BYTES);
  if (opts.expectedManifestHash !== undefined) {
    const expected = requireBytes("expectedManifestHash", opts.expectedManifestHash, HASH_BYTES);
    if (!bytesEqual(manifestHash({ bytes }), expected)) {
      throw integrity("manifest-hash", null, "the manifest does not hash to the expected manifest hash");
    }
  }
  const m = decodeManifest({ bytes });
  const key = await importDataKey(rawKey);
  const commitmentOk = secretEqual(keyCommitment({ key: rawKey }), m.keyCommitment);
  const tagOk = secretEqual(await manifestTag(key, m.noncePrefix, encodeManifestBody({ manifest: m })), m.tag);
  if (commitmentOk && tagOk) return { manifest: m, key };
  if (commitmentOk || tagOk) throw integrity("manifest-tampered", null, "the manifest was modified after it was sealed");
  throw integrity("wrong-key", null, "the key does not belong to this dataset (or the manifest's key commitment and tag were both altered)");
}

/**
 * Decodes a manifest and authenticates it under `key` (as the Node `openManifest`, asynchronously):
 * rejects with {@link ManifestFormatError} for malformed bytes and {@link DataIntegrityError}
 * (`manifest-hash`, `manifest-tampered`, `wrong-key`).
 */
export async function openManifest(opts: OpenManifestOptions): Promise<Manifest> {
  return (await authenticate(opts)).manifest;
}

/**
 * Verifies and decrypts a dataset as a stream of plaintext pieces (see the Node `decryptStream`). The
 * manifest and key are checked when iteration starts: a bad one is thrown by the first `next()`.
 */
export function decryptStream(opts: DecryptStreamOptions): AsyncIterable<Uint8Array> {
  async function* output(): AsyncGenerator<Uint8Array> {
    const { manifest: m, key } = await authenticate(opts);
    if (!decompressionAvailable({ compression: m.compression })) throw new UnsupportedCompressionError({ compression: m.compression });
    const ctx: WebChunkContext = { key, id: m.id, noncePrefix: m.noncePrefix };
    const count = m.chunkCount;
    const table = opts.chunkHashes;
    if (table !== undefined) {
      if (table.length !== count || table.some((h) => !(h instanceof Uint8Array) || h.length !== HASH_BYTES)) {
        throw integrity("chunk-table", null, `chunkHashes must be ${count} hashes of ${HASH_BYTES} bytes`);
      }
      if (!bytesEqual(merkleRoot({ chunkHashes: table }), m.merkleRoot)) {
        throw integrity("chunk-table", null, "chunkHashes do not reproduce the manifest's Merkle root");
      }
    }
    const lastLength = m.compressedSize - (count - 1) * m.chunkSize + TAG_BYTES;
    let position = 0;
    let sourceError: unknown;

    const misplaced = (p: number, hash: Uint8Array): DataIntegrityError => {
      const j = table?.findIndex((h) => bytesEqual(h, hash)) ?? -1;
      if (j >= 0 && j < p) return integrity("duplicate", p, `chunk ${j} arrived again at position ${p}`);
      if (j > p) return integrity("reordered", p, `chunk ${j} arrived at position ${p}`);
      return integrity("chunk-hash", p, "the chunk does not match the manifest's Merkle root");
    };

    async function* verified(): AsyncGenerator<Uint8Array> {
      try {
        for await (const item of opts.chunks) {
          const p = position;
          const input: ChunkInput = item instanceof Uint8Array ? { index: p, data: item } : item;
          const { index, data, proof } = input;
          if (!(data instanceof Uint8Array)) throw new TypeError(`chunk at position ${p} has no data`);
          if (index !== p) {
            if (Number.isInteger(index) && index >= 0 && index < p) throw integrity("duplicate", p, `chunk ${index} arrived again at position ${p}`);
            throw integrity("reordered", p, `chunk ${index} arrived at position ${p}`);
          }
          if (p >= count) throw integrity("extra-chunk", p, `the dataset has only ${count} chunks`);
          const hash = await sha256(data);
          if (table !== undefined) {
            if (!bytesEqual(hash, table[p]!)) throw misplaced(p, hash);
          } else if (proof !== undefined || count === 1) {
            if (!verifyMerkleProof({ chunkHash: hash, index: p, chunkCount: count, proof: proof ?? [], root: m.merkleRoot })) {
              throw integrity("chunk-hash", p, "the chunk or its proof does not match the manifest's Merkle root");
            }
          } else {
            throw new TypeError(`chunk ${p} has no Merkle proof and no chunkHashes were given`);
          }
          const final = p === count - 1;
          const expectedLength = final ? lastLength : m.chunkSize + TAG_BYTES;
          if (data.length !== expectedLength) {
            throw integrity("chunk-size", p, `${data.length} bytes where the manifest implies ${expectedLength}`);
          }
          const plaintext = await openChunk(ctx, p, final, data);
          if (plaintext === null) throw integrity("chunk-auth", p, "the chunk matches the root but does not decrypt under this key");
          position = p + 1;
          yield plaintext;
        }
      } catch (e) {
        if (!(e instanceof DataError)) sourceError = e;
        throw e;
      }
      if (position < count) throw integrity("truncated", position, `the stream ended after ${position} of ${count} chunks`);
    }

    const hash = nobleSha256.create();
    let size = 0;
    const codec = decompressStream({ source: verified(), compression: m.compression });
    const where = () => {
      const consumed = codec.consumed();
      const index = consumed === null ? position - 1 : Math.floor((consumed - 1) / m.chunkSize);
      return Math.min(count - 1, Math.max(0, index));
    };
    try {
      for await (const piece of codec.output) {
        size += piece.length;
        if (size > m.plaintextSize) throw integrity("plaintext-size", where(), `output exceeds the manifest's ${m.plaintextSize} bytes`);
        if (piece.length > 0) hash.update(piece);
        yield piece;
      }
    } catch (e) {
      if (e instanceof DataError || e === sourceError) throw e;
      throw integrity("decompress", where(), `the data does not decompress: ${(e as Error).message}`);
    }
    if (size !== m.plaintextSize) throw integrity("plaintext-size", count - 1, `output is ${size} bytes, the manifest says ${m.plaintextSize}`);
    if (!bytesEqual(hash.digest(), m.contentHash)) throw integrity("content-hash", count - 1, "the output does not match the manifest's content hash");
  }
  return output();
}

/** Verifies and decrypts a dataset into memory (see {@link decryptStream}). */
export async function decrypt(opts: DecryptStreamOptions): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let total = 0;
  for await (const piece of decryptStream(opts)) {
    pieces.push(piece);
    total += piece.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of pieces) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
