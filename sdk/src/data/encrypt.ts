/**
 * Producer side: compress → chunk → AES-256-GCM per chunk → SHA-256 per chunk → Merkle root → manifest.
 * Streams: memory holds one chunk being filled plus the chunk being encrypted, whatever the input size.
 * @module
 */
import { type ChunkContext, manifestTag, sealChunk } from "./aead.js";
import { transformStream, resolveCompression } from "./compression.js";
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
import { type Manifest, checkFormat, encodeManifest, encodeManifestBody, keyCommitment, manifestHash } from "./manifest.js";
import { contentHasher } from "./hasher.js";
import { merkleRoot } from "./merkle.js";
import { type RandomSource, draw, secureRandom } from "./random.js";

/** Bytes to protect: any (async) iterable of byte pieces, e.g. a `stream.Readable` or an array. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Options of {@link encryptStream}. */
export interface EncryptStreamOptions {
  /**
   * The data, as pieces of any size. A `stream.Readable` (e.g. `fs.createReadStream(path)`) works as is.
   * Pieces must not be modified after they are yielded.
   */
  source: ByteSource;
  /** Compression before chunking. `auto` (default): zstd where the runtime has it, brotli otherwise. */
  compression?: Compression | "auto";
  /**
   * Bytes of compressed data per chunk, {@link MIN_CHUNK_SIZE}–{@link MAX_CHUNK_SIZE}; default
   * {@link DEFAULT_CHUNK_SIZE} (1 MiB). Memory use is about two chunks.
   */
  chunkSize?: number;
  /** Media type or short name of the data format recorded in the manifest (printable ASCII, ≤ 64 bytes); default `""`. */
  format?: string;
  /** Number of records in the data, recorded in the manifest as declared; default 0 (not counted). */
  recordCount?: number;
  /**
   * Random source for the data key, manifest id and nonce prefix. Leave unset: the default is the OS
   * CSPRNG. Only test-vector generation injects a fixed source; a repeated key breaks confidentiality.
   */
  random?: RandomSource;
}

/** One encrypted chunk, ready to store or send. */
export interface EncryptedChunk {
  /** Position of the chunk in the dataset, from 0. */
  index: number;
  /** AES-256-GCM ciphertext ‖ 16-byte tag. */
  data: Uint8Array;
  /** SHA-256 of `data`: the chunk's Merkle leaf input. */
  hash: Uint8Array;
}

/** What encrypting a dataset produced, besides the chunks. */
export interface EncryptResult {
  /** The 32-byte data key. Secret: deliver it only sealed to a buyer ({@link sealKey}). */
  key: Uint8Array;
  /** The manifest, decoded. */
  manifest: Manifest;
  /** The manifest's canonical bytes: publish these next to the chunks. */
  manifestBytes: Uint8Array;
  /** SHA-256 of `manifestBytes`: the dataset's public identifier. */
  manifestHash: Uint8Array;
  /** SHA-256 of each encrypted chunk in order: build proofs with `MerkleTree.fromChunkHashes`. */
  chunkHashes: Uint8Array[];
}

/** A running encryption: pull the chunks, then read the result. */
export interface EncryptSession {
  /** The encrypted chunks in order; iterate exactly once, to the end. Input errors are thrown here. */
  chunks: AsyncIterable<EncryptedChunk>;
  /**
   * Settles after `chunks` has been iterated to the end: the key, manifest and chunk hashes. Rejects if
   * encryption failed or `chunks` was abandoned before the last chunk.
   */
  result: Promise<EncryptResult>;
}

/** Source pieces longer than this are handed on in slices (rounded up to whole chunks). */
const SLICE_BYTES = 1024 * 1024;

function checkOptions(opts: EncryptStreamOptions): { chunkSize: number; compression: Compression } {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}], got ${chunkSize}`);
  }
  const recordCount = opts.recordCount ?? 0;
  if (!Number.isSafeInteger(recordCount) || recordCount < 0) throw new RangeError("recordCount must be a safe integer ≥ 0");
  checkFormat(opts.format ?? ""); // fail now, not after the last chunk
  return { chunkSize, compression: resolveCompression(opts.compression ?? "auto") };
}

/**
 * Encrypts a stream of any size into chunks plus a manifest, under a fresh random data key.
 * Options are checked at once (throws `RangeError`, `TypeError`, `ManifestFormatError` for a bad
 * `format`, or `UnsupportedCompressionError`);
 * the work happens as `chunks` is iterated.
 *
 * @example
 * ```ts
 * const session = data.encryptStream({ source: fs.createReadStream("results.jsonl"), format: "application/x-ndjson" });
 * for await (const chunk of session.chunks) await store.put(chunk.index, chunk.data);
 * const { key, manifestBytes, chunkHashes } = await session.result;
 * ```
 */
export function encryptStream(opts: EncryptStreamOptions): EncryptSession {
  const { chunkSize, compression } = checkOptions(opts);
  const format = opts.format ?? "";
  const recordCount = opts.recordCount ?? 0;
  const random = opts.random ?? secureRandom;
  const ctx: ChunkContext = {
    key: draw(random, KEY_BYTES, "data key"),
    id: draw(random, MANIFEST_ID_BYTES, "manifest id"),
    noncePrefix: draw(random, NONCE_PREFIX_BYTES, "nonce prefix"),
  };

  let settle!: { resolve: (r: EncryptResult) => void; reject: (e: unknown) => void };
  const result = new Promise<EncryptResult>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => {}); // the caller may only iterate `chunks`; a failure is thrown there too

  async function* chunks(): AsyncGenerator<EncryptedChunk> {
    let finished = false;
    // The content hash runs beside the chunk work (on a worker thread where a second core exists).
    const plainHash = contentHasher();
    try {
      let plaintextSize = 0;
      let contentHash: Promise<Uint8Array> | null = null;
      // Large source pieces go on in slices (whole chunks when uncompressed, so still sealed in place),
      // each hashed just before it is sealed: the worker hashes slice k while this thread seals it.
      const slice = chunkSize * Math.ceil(SLICE_BYTES / chunkSize);
      async function* tapped(): AsyncGenerator<Uint8Array> {
        for await (const piece of opts.source) {
          if (!(piece instanceof Uint8Array)) throw new TypeError("source must yield Uint8Array pieces");
          for (let off = 0; off < piece.length; off += slice) {
            const part = off === 0 && piece.length <= slice ? piece : piece.subarray(off, off + slice);
            const room = plainHash.update(part);
            if (room !== undefined) await room;
            plaintextSize += part.length;
            yield part;
          }
        }
        // The source is exhausted: ask for the content hash now, so the worker's answer travels while
        // this thread still seals the last chunk(s) instead of costing a round trip at the end.
        contentHash = plainHash.digest();
        contentHash.catch(() => {}); // awaited below; a failure before that is reported by the chunk path
      }

      const chunkHashes: Uint8Array[] = [];
      const emit = (plaintext: Uint8Array, final: boolean): EncryptedChunk => {
        const index = chunkHashes.length;
        if (index >= MAX_CHUNK_COUNT) throw new RangeError(`more than ${MAX_CHUNK_COUNT} chunks: use a larger chunkSize`);
        const sealed = sealChunk(ctx, index, final, plaintext);
        chunkHashes.push(sealed.hash);
        return { index, data: sealed.data, hash: sealed.hash };
      };

      // A full chunk is sealed only once a further byte shows it is not the last (the final flag is
      // part of its associated data), so it waits in `full`: a slice of a source piece when the piece
      // holds it whole (no copy), else `assembly`, which is filled from smaller pieces. `full` is always
      // sealed before another byte is copied into `assembly`.
      const assembly = Buffer.allocUnsafe(chunkSize);
      let fill = 0;
      let full: Uint8Array | null = null;
      let compressedSize = 0;
      for await (const piece of transformStream({ source: tapped(), compression, direction: "compress" }).output) {
        compressedSize += piece.length;
        let off = 0;
        while (off < piece.length) {
          if (full !== null) {
            yield emit(full, false);
            full = null;
          }
          if (fill === 0 && piece.length - off >= chunkSize) {
            full = piece.subarray(off, off + chunkSize);
            off += chunkSize;
            continue;
          }
          const n = Math.min(chunkSize - fill, piece.length - off);
          assembly.set(piece.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === chunkSize) {
            full = assembly;
            fill = 0;
          }
        }
      }
      yield emit(full ?? assembly.subarray(0, fill), true);

      const unsigned: Manifest = {
        version: MANIFEST_VERSION,
        suite: "aes-256-gcm+sha-256",
        compression,
        id: ctx.id,
        noncePrefix: ctx.noncePrefix,
        chunkSize,
        chunkCount: chunkHashes.length,
        compressedSize,
        plaintextSize,
        recordCount,
        contentHash: await contentHash!,
        merkleRoot: merkleRoot({ chunkHashes }),
        format,
        keyCommitment: keyCommitment({ key: ctx.key }),
        tag: new Uint8Array(TAG_BYTES),
      };
      const manifest = { ...unsigned, tag: manifestTag(ctx.key, ctx.noncePrefix, encodeManifestBody({ manifest: unsigned })) };
      const manifestBytes = encodeManifest({ manifest });
      finished = true;
      settle.resolve({ key: ctx.key, manifest, manifestBytes, manifestHash: manifestHash({ bytes: manifestBytes }), chunkHashes });
    } catch (e) {
      settle.reject(e);
      throw e;
    } finally {
      plainHash.dispose();
      if (!finished) settle.reject(new Error("encryption abandoned before the last chunk"));
    }
  }

  return { chunks: chunks(), result };
}

/** Options of {@link encrypt}: those of {@link encryptStream} with the data in memory. */
export interface EncryptOptions extends Omit<EncryptStreamOptions, "source"> {
  /** The whole data. For large inputs use {@link encryptStream}. */
  data: Uint8Array;
}

/** {@link EncryptResult} with every chunk in memory. */
export interface EncryptedDataset extends EncryptResult {
  /** The encrypted chunks in order. */
  chunks: EncryptedChunk[];
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
