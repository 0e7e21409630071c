/**
 * Producer side in a browser: chunk → AES-256-GCM per chunk → SHA-256 per chunk (WebCrypto) → Merkle root
 * → manifest, the format of `encrypt.ts` byte for byte. No browser compresses zstd or brotli, so the
 * data is stored uncompressed (`compression: "auto"` resolves to `none`; an explicit zstd or brotli throws
 * {@link UnsupportedCompressionError}). Memory holds one chunk being filled.
 * @module
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { resolveCompression } from "./compression.browser.js";
import {
  type Compression,
  DEFAULT_CHUNK_SIZE,
  KEY_BYTES,
  MANIFEST_ID_BYTES,
  MANIFEST_VERSION,
  MAX_CHUNK_COUNT,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  NONCE_PREFIX_BYTES,
  TAG_BYTES,
} from "./constants.js";
import type { EncryptedChunk, EncryptedDataset, EncryptOptions, EncryptResult, EncryptSession, EncryptStreamOptions, ByteSource } from "./encrypt.js";
import { type Manifest, checkFormat, encodeManifest, encodeManifestBody, keyCommitment, manifestHash } from "./manifest.js";
import { merkleRoot } from "./merkle.js";
import { draw, secureRandom } from "./random.browser.js";
import { type WebChunkContext, importDataKey, manifestTag, sealChunk } from "./webcrypto.js";

export type { ByteSource, EncryptedChunk, EncryptedDataset, EncryptOptions, EncryptResult, EncryptSession, EncryptStreamOptions };

function checkOptions(opts: EncryptStreamOptions): { chunkSize: number; compression: Compression } {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}], got ${chunkSize}`);
  }
  const recordCount = opts.recordCount ?? 0;
  if (!Number.isSafeInteger(recordCount) || recordCount < 0) throw new RangeError("recordCount must be a safe integer ≥ 0");
  checkFormat(opts.format ?? "");
  return { chunkSize, compression: resolveCompression(opts.compression ?? "auto") };
}

/** Encrypts a stream into chunks plus a manifest under a fresh data key (see the Node `encryptStream`). */
export function encryptStream(opts: EncryptStreamOptions): EncryptSession {
  const { chunkSize, compression } = checkOptions(opts);
  const format = opts.format ?? "";
  const recordCount = opts.recordCount ?? 0;
  const random = opts.random ?? secureRandom;
  const rawKey = draw(random, KEY_BYTES, "data key");
  const id = draw(random, MANIFEST_ID_BYTES, "manifest id");
  const noncePrefix = draw(random, NONCE_PREFIX_BYTES, "nonce prefix");

  let settle!: { resolve: (r: EncryptResult) => void; reject: (e: unknown) => void };
  const result = new Promise<EncryptResult>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => {});

  async function* chunks(): AsyncGenerator<EncryptedChunk> {
    let finished = false;
    try {
      const ctx: WebChunkContext = { key: await importDataKey(rawKey), id, noncePrefix };
      const content = nobleSha256.create();
      const chunkHashes: Uint8Array[] = [];
      const emit = async (plaintext: Uint8Array, final: boolean): Promise<EncryptedChunk> => {
        const index = chunkHashes.length;
        if (index >= MAX_CHUNK_COUNT) throw new RangeError(`more than ${MAX_CHUNK_COUNT} chunks: use a larger chunkSize`);
        const sealed = await sealChunk(ctx, index, final, plaintext);
        chunkHashes.push(sealed.hash);
        return { index, data: sealed.data, hash: sealed.hash };
      };
      // A full chunk is sealed only once a further byte shows it is not the last (the final flag is in
      // its associated data): it waits in `full`.
      let assembly = new Uint8Array(chunkSize);
      let fill = 0;
      let full: Uint8Array | null = null;
      let size = 0;
      for await (const piece of opts.source) {
        if (!(piece instanceof Uint8Array)) throw new TypeError("source must yield Uint8Array pieces");
        content.update(piece);
        size += piece.length;
        let off = 0;
        while (off < piece.length) {
          if (full !== null) {
            yield await emit(full, false);
            full = null;
          }
          const n = Math.min(chunkSize - fill, piece.length - off);
          assembly.set(piece.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === chunkSize) {
            full = assembly;
            assembly = new Uint8Array(chunkSize);
            fill = 0;
          }
        }
      }
      yield await emit(full ?? assembly.subarray(0, fill), true);
      const unsigned: Manifest = {
        version: MANIFEST_VERSION,
        suite: "aes-256-gcm+sha-256",
        compression,
        id,
        noncePrefix,
        chunkSize,
        chunkCount: chunkHashes.length,
        compressedSize: size,
        plaintextSize: size,
        recordCount,
        contentHash: content.digest(),
        merkleRoot: merkleRoot({ chunkHashes }),
        format,
        keyCommitment: keyCommitment({ key: rawKey }),
        tag: new Uint8Array(TAG_BYTES),
      };
      const manifest = { ...unsigned, tag: await manifestTag(ctx.key, noncePrefix, encodeManifestBody({ manifest: unsigned })) };
      const manifestBytes = encodeManifest({ manifest });
      finished = true;
      settle.resolve({ key: rawKey, manifest, manifestBytes, manifestHash: manifestHash({ bytes: manifestBytes }), chunkHashes });
    } catch (e) {
      settle.reject(e);
      throw e;
    } finally {
      if (!finished) settle.reject(new Error("encryption abandoned before the last chunk"));
    }
  }
  return { chunks: chunks(), result };
}

/** Encrypts data held in memory (see {@link encryptStream}). */
export async function encrypt(opts: EncryptOptions): Promise<EncryptedDataset> {
  const { data, ...rest } = opts;
  if (!(data instanceof Uint8Array)) throw new TypeError("data must be a Uint8Array");
  const session = encryptStream({ ...rest, source: [data] });
  const chunks: EncryptedChunk[] = [];
  for await (const chunk of session.chunks) chunks.push(chunk);
  return { ...(await session.result), chunks };
}
