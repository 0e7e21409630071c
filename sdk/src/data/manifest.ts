/**
 * The dataset manifest: what a buyer needs, besides the key, to verify and decrypt a dataset, with one
 * canonical byte encoding (layout in `docs/data.md`, offsets in `constants.ts`). No Node imports.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import {
  CIPHER_SUITE,
  COMPRESSION_ID,
  type CipherSuite,
  type Compression,
  HASH_BYTES,
  KEY_BYTES,
  KEY_COMMITMENT_DOMAIN,
  MANIFEST_FIXED_BYTES,
  MANIFEST_ID_BYTES,
  MANIFEST_MAGIC,
  MANIFEST_MAX_BYTES,
  MANIFEST_MIN_BYTES,
  MANIFEST_TRAILER_BYTES,
  MANIFEST_OFFSETS as O,
  MANIFEST_VERSION,
  MAX_CHUNK_COUNT,
  MAX_CHUNK_SIZE,
  MAX_FORMAT_BYTES,
  MIN_CHUNK_SIZE,
  NONCE_PREFIX_BYTES,
  TAG_BYTES,
} from "./constants.js";
import { bytesEqual, requireBytes } from "./bytes.js";
import { ManifestFormatError } from "./errors.js";

/** A decoded dataset manifest (version 1). All fields are public; none is secret. */
export interface Manifest {
  /** Layout version, {@link MANIFEST_VERSION}. */
  version: number;
  /** Cipher suite of the chunks, tree and tag. */
  suite: CipherSuite;
  /** Compression applied to the plaintext before chunking. */
  compression: Compression;
  /** Random 16-byte dataset id, bound into every chunk's associated data. */
  id: Uint8Array;
  /** Random 4-byte nonce prefix; chunk `i`'s nonce is prefix ‖ u64le(i). */
  noncePrefix: Uint8Array;
  /** Bytes of compressed data per chunk (every chunk but the last holds exactly this many). */
  chunkSize: number;
  /** Number of chunks, ≥ 1 (an empty dataset is one empty chunk). */
  chunkCount: number;
  /** Total compressed bytes across all chunks (before encryption overhead). */
  compressedSize: number;
  /** Bytes of the original data (what decryption yields). */
  plaintextSize: number;
  /** Number of records in the data, as declared by the producer (0 when not counted). */
  recordCount: number;
  /** SHA-256 of the original (uncompressed, unencrypted) data. */
  contentHash: Uint8Array;
  /** Merkle root over the SHA-256 of each encrypted chunk. */
  merkleRoot: Uint8Array;
  /** Media type or short name of the data format, printable ASCII, ≤ 64 bytes (e.g. `application/x-ndjson`). */
  format: string;
  /**
   * SHA-256(`lumora/data/v1/key-commitment` ‖ data key): pins the one key that opens this dataset (GCM
   * alone does not), so a buyer can check a delivered key before fetching any chunk. Outside the body:
   * it is checked against the key itself.
   */
  keyCommitment: Uint8Array;
  /** AES-GCM tag (GMAC) over the manifest body, under the data key. */
  tag: Uint8Array;
}

const fail = (field: string, message: string): never => {
  throw new ManifestFormatError({ field, message });
};

/** Chunk count implied by a compressed size: ⌈size / chunkSize⌉, and one empty chunk for no data. */
export function chunkCountFor(compressedSize: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(compressedSize / chunkSize));
}

/** Checks a format string (printable ASCII, ≤ 64 bytes) and returns its bytes. */
export function checkFormat(format: string): Uint8Array {
  if (typeof format !== "string") fail("format", "must be a string");
  const bytes = new TextEncoder().encode(format);
  if (bytes.length > MAX_FORMAT_BYTES) fail("format", `longer than ${MAX_FORMAT_BYTES} bytes`);
  for (const b of bytes) if (b < 0x20 || b > 0x7e) fail("format", "must be printable ASCII");
  return bytes;
}

function checkUint(field: string, value: number, max: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(field, `${value} is out of range [${min}, ${max}]`);
}

/** Checks every invariant of a manifest; the same checks guard encoding and decoding. */
function validate(m: Manifest): Uint8Array {
  if (m.version !== MANIFEST_VERSION) fail("version", `unsupported version ${m.version}`);
  if (!(m.suite in CIPHER_SUITE)) fail("suite", `unknown cipher suite ${String(m.suite)}`);
  if (!(m.compression in COMPRESSION_ID)) fail("compression", `unknown compression ${String(m.compression)}`);
  const sized: [keyof Manifest, number][] = [
    ["id", MANIFEST_ID_BYTES],
    ["noncePrefix", NONCE_PREFIX_BYTES],
    ["contentHash", HASH_BYTES],
    ["merkleRoot", HASH_BYTES],
    ["keyCommitment", HASH_BYTES],
    ["tag", TAG_BYTES],
  ];
  for (const [field, length] of sized) {
    const v = m[field];
    if (!(v instanceof Uint8Array) || v.length !== length) fail(field, `must be ${length} bytes`);
  }
  checkUint("chunkSize", m.chunkSize, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE);
  checkUint("compressedSize", m.compressedSize, Number.MAX_SAFE_INTEGER);
  checkUint("plaintextSize", m.plaintextSize, Number.MAX_SAFE_INTEGER);
  checkUint("recordCount", m.recordCount, Number.MAX_SAFE_INTEGER);
  checkUint("chunkCount", m.chunkCount, MAX_CHUNK_COUNT, 1);
  if (m.chunkCount !== chunkCountFor(m.compressedSize, m.chunkSize)) {
    fail("chunkCount", `${m.chunkCount} chunks do not hold ${m.compressedSize} bytes in chunks of ${m.chunkSize}`);
  }
  if (m.compression === "none" && m.compressedSize !== m.plaintextSize) {
    fail("compressedSize", "must equal plaintextSize without compression");
  }
  return checkFormat(m.format);
}

/** Encodes the manifest body (everything before the key commitment): the bytes the tag authenticates. */
export function encodeManifestBody(args: {
  /** Manifest to encode; its `tag` is ignored (it may be all zeros). */
  manifest: Manifest;
}): Uint8Array {
  const m = args.manifest;
  const format = validate(m);
  const out = new Uint8Array(MANIFEST_FIXED_BYTES + format.length);
  const dv = new DataView(out.buffer);
  out.set(MANIFEST_MAGIC, O.magic);
  out[O.version] = m.version;
  out[O.suite] = CIPHER_SUITE[m.suite];
  out[O.compression] = COMPRESSION_ID[m.compression];
  out[O.flags] = 0;
  out.set(m.id, O.id);
  out.set(m.noncePrefix, O.noncePrefix);
  dv.setUint32(O.chunkSize, m.chunkSize, true);
  dv.setUint32(O.chunkCount, m.chunkCount, true);
  dv.setBigUint64(O.compressedSize, BigInt(m.compressedSize), true);
  dv.setBigUint64(O.plaintextSize, BigInt(m.plaintextSize), true);
  dv.setBigUint64(O.recordCount, BigInt(m.recordCount), true);
  out.set(m.contentHash, O.contentHash);
  out.set(m.merkleRoot, O.merkleRoot);
  out[O.formatLength] = format.length;
  out.set(format, O.format);
  return out;
}

/** Canonical bytes of a manifest: body ‖ key commitment ‖ tag, at most {@link MANIFEST_MAX_BYTES}. */
export function encodeManifest(args: {
  /** Manifest to encode (validated first). */
  manifest: Manifest;
}): Uint8Array {
  const body = encodeManifestBody(args);
  const out = new Uint8Array(body.length + MANIFEST_TRAILER_BYTES);
  out.set(body);
  out.set(args.manifest.keyCommitment, body.length);
  out.set(args.manifest.tag, body.length + HASH_BYTES);
  return out;
}

function nameOf<T extends Record<string, number>>(table: T, id: number): keyof T | undefined {
  return (Object.keys(table) as (keyof T)[]).find((k) => table[k] === id);
}

/**
 * Decodes canonical manifest bytes. Throws {@link ManifestFormatError} on anything but exactly one
 * valid encoding (wrong length, unknown version or ids, nonzero flags, inconsistent sizes). Does not
 * authenticate the manifest: decryption checks its tag under the key, and callers holding a published
 * manifest hash pass it as `expectedManifestHash`.
 */
export function decodeManifest(args: {
  /** Encoded manifest. */
  bytes: Uint8Array;
}): Manifest {
  const b = requireBytes("bytes", args.bytes);
  if (b.length < MANIFEST_MIN_BYTES || b.length > MANIFEST_MAX_BYTES) {
    fail("length", `${b.length} bytes is outside [${MANIFEST_MIN_BYTES}, ${MANIFEST_MAX_BYTES}]`);
  }
  if (!bytesEqual(b.subarray(O.magic, O.magic + MANIFEST_MAGIC.length), MANIFEST_MAGIC)) fail("magic", "not a Lumora manifest");
  const formatLength = b[O.formatLength]!;
  const bodyLength = MANIFEST_FIXED_BYTES + formatLength;
  if (b.length !== bodyLength + MANIFEST_TRAILER_BYTES) {
    fail("length", `${b.length} bytes does not match a format string of ${formatLength} bytes`);
  }
  const suite = nameOf(CIPHER_SUITE, b[O.suite]!);
  if (suite === undefined) fail("suite", `unknown cipher suite id ${b[O.suite]}`);
  const compression = nameOf(COMPRESSION_ID, b[O.compression]!);
  if (compression === undefined) fail("compression", `unknown compression id ${b[O.compression]}`);
  if (b[O.flags] !== 0) fail("flags", "reserved flags must be zero");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u64 = (field: string, offset: number): number => {
    const v = dv.getBigUint64(offset, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(field, "larger than 2^53 - 1");
    return Number(v);
  };
  const formatBytes = b.subarray(O.format, O.format + formatLength);
  for (const c of formatBytes) if (c < 0x20 || c > 0x7e) fail("format", "must be printable ASCII");
  const copy = (offset: number, length: number) => b.slice(offset, offset + length);
  const m: Manifest = {
    version: b[O.version]!,
    suite: suite!,
    compression: compression!,
    id: copy(O.id, MANIFEST_ID_BYTES),
    noncePrefix: copy(O.noncePrefix, NONCE_PREFIX_BYTES),
    chunkSize: dv.getUint32(O.chunkSize, true),
    chunkCount: dv.getUint32(O.chunkCount, true),
    compressedSize: u64("compressedSize", O.compressedSize),
    plaintextSize: u64("plaintextSize", O.plaintextSize),
    recordCount: u64("recordCount", O.recordCount),
    contentHash: copy(O.contentHash, HASH_BYTES),
    merkleRoot: copy(O.merkleRoot, HASH_BYTES),
    format: new TextDecoder().decode(formatBytes),
    keyCommitment: copy(bodyLength, HASH_BYTES),
    tag: copy(bodyLength + HASH_BYTES, TAG_BYTES),
  };
  validate(m);
  return m;
}

/** SHA-256 of the encoded manifest: the dataset's public identifier (e.g. listed on-chain). */
export function manifestHash(args: {
  /** Encoded manifest. */
  bytes: Uint8Array;
}): Uint8Array {
  return sha256(requireBytes("bytes", args.bytes));
}

/**
 * Key commitment: SHA-256(`lumora/data/v1/key-commitment` ‖ key). Data keys are fresh 256-bit random
 * values, so the commitment reveals nothing about the key and never repeats across datasets.
 */
export function keyCommitment(args: {
  /** 32-byte data key. */
  key: Uint8Array;
}): Uint8Array {
  const key = requireBytes("key", args.key, KEY_BYTES);
  return sha256.create().update(KEY_COMMITMENT_DOMAIN).update(key).digest();
}
