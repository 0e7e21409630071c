/**
 * Every constant of the data-protection formats, in one place. `docs/data.md` specifies the formats
 * byte by byte; this file is their single source in code. Changing a value here changes a wire format:
 * bump {@link MANIFEST_VERSION} (or {@link SEALED_KEY_VERSION}) instead of editing one in place.
 * @module
 */

/** Magic bytes at the start of every encoded manifest: ASCII `"LUMD"`. */
export const MANIFEST_MAGIC = new Uint8Array([0x4c, 0x55, 0x4d, 0x44]);
/** Version of the manifest byte layout this code writes and reads. */
export const MANIFEST_VERSION = 1;

/**
 * Cipher suite ids, one byte in the manifest. Suite 1: AES-256-GCM (96-bit nonce, 128-bit tag) per
 * chunk, SHA-256 per encrypted chunk, SHA-256 Merkle tree (RFC 6962 shape), SHA-256 key commitment.
 */
export const CIPHER_SUITE = { "aes-256-gcm+sha-256": 1 } as const;
/** Name of a cipher suite this code implements. */
export type CipherSuite = keyof typeof CIPHER_SUITE;

/** Compression algorithm ids, one byte in the manifest. Ids are append-only. */
export const COMPRESSION_ID = { none: 0, zstd: 1, brotli: 2 } as const;
/** Name of a compression algorithm recorded in a manifest. */
export type Compression = keyof typeof COMPRESSION_ID;

/** AES-256 key length in bytes: the data key. */
export const KEY_BYTES = 32;
/** Length of the random manifest (dataset) id in bytes. */
export const MANIFEST_ID_BYTES = 16;
/** Length of the random per-dataset nonce prefix in bytes. */
export const NONCE_PREFIX_BYTES = 4;
/** AES-GCM nonce length: prefix (4) ‖ 64-bit little-endian counter (8). */
export const NONCE_BYTES = 12;
/** AES-GCM authentication tag length, appended to every encrypted chunk. */
export const TAG_BYTES = 16;
/** SHA-256 output length. */
export const HASH_BYTES = 32;
/** Associated data of a chunk: manifest id (16) ‖ chunk index u64 LE (8) ‖ final flag (1). */
export const CHUNK_AAD_BYTES = MANIFEST_ID_BYTES + 8 + 1;
/**
 * Nonce counter reserved for the manifest tag (GMAC over the manifest body). Chunk counters are chunk
 * indices, bounded by {@link MAX_CHUNK_COUNT}, so they never reach it.
 */
export const MANIFEST_TAG_COUNTER = 0xffff_ffff_ffff_ffffn;

/** Merkle leaf domain byte: leaf = SHA-256(0x00 ‖ chunk hash). */
export const MERKLE_LEAF_PREFIX = 0x00;
/** Merkle inner-node domain byte: node = SHA-256(0x01 ‖ left ‖ right). */
export const MERKLE_NODE_PREFIX = 0x01;
/** Domain string of the key commitment: SHA-256(domain ‖ key). */
export const KEY_COMMITMENT_DOMAIN = new TextEncoder().encode("lumora/data/v1/key-commitment");

/** Smallest allowed chunk size (bytes of compressed data per chunk). */
export const MIN_CHUNK_SIZE = 64;
/** Largest allowed chunk size: memory use is a few chunks, so this bounds it. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
/** Default chunk size: 1 MiB of compressed data per chunk. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Largest chunk count (a u32 in the manifest). */
export const MAX_CHUNK_COUNT = 0xffff_ffff;
/** Largest `format` string in bytes (printable ASCII, 0x20–0x7e). */
export const MAX_FORMAT_BYTES = 64;

/** Byte offsets of the fixed part of the manifest (all integers little-endian). */
export const MANIFEST_OFFSETS = {
  magic: 0,
  version: 4,
  suite: 5,
  compression: 6,
  flags: 7,
  id: 8,
  noncePrefix: 24,
  chunkSize: 28,
  chunkCount: 32,
  compressedSize: 36,
  plaintextSize: 44,
  recordCount: 52,
  contentHash: 60,
  merkleRoot: 92,
  formatLength: 124,
  format: 125,
} as const;
/**
 * Bytes of the manifest body without the format string: the body (offsets above, then the format
 * string) is what the manifest tag authenticates. After the body come the key commitment (32 bytes)
 * and the tag (16 bytes).
 */
export const MANIFEST_FIXED_BYTES = MANIFEST_OFFSETS.format;
/** Bytes after the body: key commitment (32) ‖ tag (16). */
export const MANIFEST_TRAILER_BYTES = HASH_BYTES + TAG_BYTES;
/** Smallest encoded manifest (empty format string): 173 bytes. */
export const MANIFEST_MIN_BYTES = MANIFEST_FIXED_BYTES + MANIFEST_TRAILER_BYTES;
/** Size bound of an encoded manifest (longest format string): 237 bytes. */
export const MANIFEST_MAX_BYTES = MANIFEST_MIN_BYTES + MAX_FORMAT_BYTES;

/** Version byte leading a sealed key. */
export const SEALED_KEY_VERSION = 1;
/** x25519 public key length. */
export const X25519_KEY_BYTES = 32;
/** Poly1305 overhead of a NaCl box. */
export const BOX_OVERHEAD_BYTES = 16;
/** Sealed key: version (1) ‖ ephemeral public key (32) ‖ box(data key) (32 + 16) = 81 bytes. */
export const SEALED_KEY_BYTES = 1 + X25519_KEY_BYTES + KEY_BYTES + BOX_OVERHEAD_BYTES;

/** zstd level used when compressing (speed over ratio: results are mostly text). */
export const ZSTD_LEVEL = 3;
/** zstd window log cap on both sides: bounds a decompressor's memory at 8 MiB whatever a frame claims. */
export const ZSTD_WINDOW_LOG = 23;
/** brotli quality used when compressing (11 is far too slow for streaming). */
export const BROTLI_QUALITY = 5;
