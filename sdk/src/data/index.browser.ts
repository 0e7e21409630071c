/**
 * The data layer in a browser (the `browser` export of `@lumora/sdk`): the formats and checks of the Node
 * data layer (`index.ts`) on WebCrypto (AES-256-GCM, SHA-256) and a JavaScript codec that reads zstd and
 * brotli manifests. Differences, all forced by WebCrypto being asynchronous or by browsers having no
 * zstd/brotli compressor: `openManifest` and `openKey` return promises; `decryptStream` reports a bad
 * manifest from its first iteration; encryption writes uncompressed data (`compression: "auto"` → `none`);
 * {@link setContentHashThread} is accepted and ignored (the content hash runs on the calling thread).
 * @module
 */
export * from "./constants.js";
export { DataError, DataIntegrityError, type DataIntegrityKind, ManifestFormatError, SealedKeyError, UnsupportedCompressionError } from "./errors.js";
export { type Manifest, decodeManifest, encodeManifest, manifestHash, keyCommitment } from "./manifest.js";
export { MerkleTree, merkleLeaf, merkleRoot, verifyMerkleProof } from "./merkle.js";
export { compressionAvailable, decompressionAvailable } from "./compression.browser.js";
export type { RandomSource } from "./random-source.js";
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
} from "./encrypt.browser.js";
export { type ChunkInput, type DecryptStreamOptions, type OpenManifestOptions, openManifest, decryptStream, decrypt } from "./decrypt.browser.js";
export { sealKey, openKey } from "./seal.browser.js";

/** Where content hashes run. In a browser always the calling thread: the choice is accepted and ignored. */
export type HashThread = "auto" | "main" | "worker";

/** Accepted for API parity with Node; the browser path hashes on the calling thread. */
export function setContentHashThread(thread: HashThread): void {
  if (thread !== "auto" && thread !== "main" && thread !== "worker") throw new RangeError(`unknown hash thread ${String(thread)}`);
}
export { type RecordFormat, RECORD_MEDIA_TYPES, RESULT_MEDIA_TYPE, convertRecords, csvCell, detectRecordFormat, encodeCsv, encodeJsonl, encodeRecords, parseRecords, stableJson } from "./records.js";
