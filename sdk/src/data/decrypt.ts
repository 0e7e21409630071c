/**
 * Consumer side: authenticate the manifest under the key, then for each chunk in order check its
 * position, its Merkle membership and its length before decrypting it, decompress, and check the
 * output's size and content hash. Streams: memory holds about one chunk.
 * @module
 */
import { type ChunkContext, manifestTag, openChunk, secretEqual, sha256Node } from "./aead.js";
import { bytesEqual, requireBytes } from "./bytes.js";
import { compressionAvailable, transformStream } from "./compression.js";
import { HASH_BYTES, KEY_BYTES, TAG_BYTES } from "./constants.js";
import { DataError, DataIntegrityError, type DataIntegrityKind, UnsupportedCompressionError } from "./errors.js";
import { type Manifest, decodeManifest, encodeManifestBody, keyCommitment, manifestHash } from "./manifest.js";
import { contentHasher } from "./hasher.js";
import { merkleRoot, verifyMerkleProof } from "./merkle.js";

const integrity = (kind: DataIntegrityKind, chunkIndex: number | null, message: string) =>
  new DataIntegrityError({ kind, chunkIndex, message });

/** Options of {@link openManifest}. */
export interface OpenManifestOptions {
  /** The encoded manifest, as published with the chunks. */
  manifest: Uint8Array;
  /** The 32-byte data key (from {@link openKey}). */
  key: Uint8Array;
  /**
   * SHA-256 of the manifest as listed by a party you trust (e.g. the on-chain dataset listing). When
   * given, any change to the manifest bytes is reported as `manifest-hash` before anything else.
   */
  expectedManifestHash?: Uint8Array;
}

/**
 * Decodes a manifest and authenticates it under `key`: checks the expected hash (if any), the key
 * commitment and the manifest tag. Throws {@link ManifestFormatError} for malformed bytes and
 * {@link DataIntegrityError} (`manifest-hash`, `manifest-tampered`, `wrong-key`, chunkIndex `null`).
 */
export function openManifest(opts: OpenManifestOptions): Manifest {
  const bytes = requireBytes("manifest", opts.manifest);
  const key = requireBytes("key", opts.key, KEY_BYTES);
  if (opts.expectedManifestHash !== undefined) {
    const expected = requireBytes("expectedManifestHash", opts.expectedManifestHash, HASH_BYTES);
    if (!bytesEqual(manifestHash({ bytes }), expected)) {
      throw integrity("manifest-hash", null, "the manifest does not hash to the expected manifest hash");
    }
  }
  const m = decodeManifest({ bytes });
  const commitmentOk = secretEqual(keyCommitment({ key }), m.keyCommitment);
  const tagOk = secretEqual(manifestTag(key, m.noncePrefix, encodeManifestBody({ manifest: m })), m.tag);
  if (commitmentOk && tagOk) return m;
  // The commitment pins the key; the tag covers every other field. One of the two holding means the
  // key is right and a field (the commitment, or one under the tag) was edited.
  if (commitmentOk || tagOk) throw integrity("manifest-tampered", null, "the manifest was modified after it was sealed");
  throw integrity("wrong-key", null, "the key does not belong to this dataset (or the manifest's key commitment and tag were both altered)");
}

/** One chunk handed to decryption. A bare `Uint8Array` is taken to be the chunk at its position. */
export interface ChunkInput {
  /** Position the chunk claims, from 0. Chunks must arrive in order 0, 1, 2, …. */
  index: number;
  /** The encrypted chunk: ciphertext ‖ tag. */
  data: Uint8Array;
  /**
   * Merkle inclusion proof of this chunk (`MerkleTree.proof`). Required unless `chunkHashes` is given
   * to decryption (or the dataset has one chunk).
   */
  proof?: readonly Uint8Array[];
}

/** Options of {@link decryptStream}. */
export interface DecryptStreamOptions extends OpenManifestOptions {
  /** The encrypted chunks in order: an (async) iterable of {@link ChunkInput} or of bare chunk bytes. */
  chunks: AsyncIterable<ChunkInput | Uint8Array> | Iterable<ChunkInput | Uint8Array>;
  /**
   * The SHA-256 of every chunk in order (`EncryptResult.chunkHashes`), checked against the manifest's
   * Merkle root before any chunk is read. With it, chunks need no proofs and a misplaced chunk is
   * reported as `reordered` or `duplicate` rather than `chunk-hash`. Costs 32 bytes per chunk.
   */
  chunkHashes?: readonly Uint8Array[];
}

/**
 * Verifies and decrypts a dataset as a stream of plaintext pieces. The manifest and key are checked
 * before this returns (throws as {@link openManifest}); every chunk is checked against the Merkle root
 * before it is decrypted. A failure is thrown from the iteration as a {@link DataIntegrityError} with
 * the chunk's position; what was yielded before it is authentic but incomplete, so treat the output as
 * complete only when the iteration ends without error.
 *
 * @example
 * ```ts
 * const out = fs.createWriteStream("results.jsonl");
 * await stream.promises.pipeline(stream.Readable.from(data.decryptStream({ manifest, key, chunks, chunkHashes })), out);
 * ```
 */
export function decryptStream(opts: DecryptStreamOptions): AsyncIterable<Uint8Array> {
  const m = openManifest(opts);
  if (!compressionAvailable({ compression: m.compression })) throw new UnsupportedCompressionError({ compression: m.compression });
  const ctx: ChunkContext = { key: Uint8Array.from(opts.key), id: m.id, noncePrefix: m.noncePrefix };
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

  let position = 0; // next chunk expected
  let sourceError: unknown; // what the caller's chunk iterable threw, to tell it from codec errors

  /** Where a chunk whose hash is not the one at `p` belongs, if the table knows it. */
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
        const hash = sha256Node(data);
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
        const plaintext = openChunk(ctx, p, final, data);
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

  async function* output(): AsyncGenerator<Uint8Array> {
    // The content hash runs beside the chunk work (on a worker thread where a second core exists): the
    // worker hashes chunk i's plaintext while this thread verifies and decrypts chunk i + 1. With one
    // chunk there is no chunk i + 1 to overlap with, so it stays on this thread.
    const hash = contentHasher({ overlaps: count > 1 });
    let size = 0;
    const codec = transformStream({ source: verified(), compression: m.compression, direction: "decompress" });
    // The chunk the decompressor was reading: the one holding its last consumed input byte. Without
    // compression, output is chunk plaintext, so the last chunk yielded.
    const where = () => {
      const consumed = codec.consumed();
      const index = consumed === null ? position - 1 : Math.floor((consumed - 1) / m.chunkSize);
      return Math.min(count - 1, Math.max(0, index));
    };
    let finished = false;
    let digest: Promise<Uint8Array> | null = null;
    try {
      try {
        for await (const piece of codec.output) {
          size += piece.length;
          if (size > m.plaintextSize) {
            throw integrity("plaintext-size", where(), `output exceeds the manifest's ${m.plaintextSize} bytes`);
          }
          if (piece.length > 0) {
            const room = hash.update(piece);
            if (room !== undefined) await room;
          }
          if (size === m.plaintextSize && digest === null) {
            // The last byte is in: ask for the hash now, so its answer travels while the caller takes
            // this piece. Any further output is refused above before it reaches the hash.
            digest = hash.digest();
            digest.catch(() => {}); // awaited below
          }
          yield piece;
        }
      } catch (e) {
        if (e instanceof DataError || e === sourceError) throw e;
        throw integrity("decompress", where(), `the data does not decompress: ${(e as Error).message}`);
      }
      if (size !== m.plaintextSize) throw integrity("plaintext-size", count - 1, `output is ${size} bytes, the manifest says ${m.plaintextSize}`);
      finished = true;
      if (!bytesEqual(await (digest ?? hash.digest()), m.contentHash)) throw integrity("content-hash", count - 1, "the output does not match the manifest's content hash");
    } finally {
      if (!finished) hash.dispose(); // failed or abandoned before the end
    }
  }

  return output();
}

/** Verifies and decrypts a dataset into memory (see {@link decryptStream}). */
export async function decrypt(opts: DecryptStreamOptions): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const piece of decryptStream(opts)) pieces.push(piece);
  return Buffer.concat(pieces);
}
