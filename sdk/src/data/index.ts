/**
 * Data protection for Lumora datasets (PROTOCOL.md §7): streaming compression → fixed-size chunks →
 * AES-256-GCM per chunk under a fresh data key → SHA-256 per chunk → Merkle root → a versioned,
 * authenticated manifest; the reverse path verifies every chunk before decrypting it. Data keys travel
 * sealed to the buyer's x25519 key. Formats: `docs/data.md`.
 *
 * Producer: {@link encryptStream} / {@link encrypt} → publish `manifestBytes` and the chunks, serve
 * proofs from {@link MerkleTree}, deliver the key with {@link sealKey}.
 * Consumer: {@link openKey} → {@link decryptStream} / {@link decrypt}.
 * @module
 */
export * from "./constants.js";
export { DataError, DataIntegrityError, type DataIntegrityKind, ManifestFormatError, SealedKeyError, UnsupportedCompressionError } from "./errors.js";
export { type Manifest, decodeManifest, encodeManifest, manifestHash, keyCommitment } from "./manifest.js";
export { MerkleTree, merkleLeaf, merkleRoot, verifyMerkleProof } from "./merkle.js";
export { compressionAvailable } from "./compression.js";
export { type HashThread, setContentHashThread } from "./hasher.js";
export type { RandomSource } from "./random.js";
export {
  type ByteSource,
  type EncryptStreamOptions,
  type EncryptOptions,
  type EncryptedChunk,
  type EncryptResult,
  type EncryptSession,
  type EncryptedDataset,
  encryptStream,
  encrypt,
} from "./encrypt.js";
export { type ChunkInput, type DecryptStreamOptions, type OpenManifestOptions, openManifest, decryptStream, decrypt } from "./decrypt.js";
export { sealKey, openKey } from "./seal.js";
export { type RecordFormat, RECORD_MEDIA_TYPES, RESULT_MEDIA_TYPE, convertRecords, csvCell, detectRecordFormat, encodeCsv, encodeJsonl, encodeRecords, parseRecords, stableJson } from "./records.js";
