/**
 * Typed errors of the data module. Everything this module throws on bad input data is a
 * {@link DataError}; bad arguments (wrong lengths, out-of-range options) throw `TypeError`/`RangeError`.
 * @module
 */

/** Base class of every error the data module raises about data it was given. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * What went wrong when verifying or decrypting a dataset.
 * - `manifest-hash`: the manifest bytes do not hash to the expected manifest hash.
 * - `manifest-tampered`: the manifest does not authenticate under the (correct) key: a field was changed.
 * - `wrong-key`: the key matches neither the manifest's key commitment nor its tag.
 * - `chunk-table`: the supplied chunk hashes do not reproduce the manifest's Merkle root.
 * - `chunk-hash`: a chunk (or its inclusion proof) does not match the Merkle root.
 * - `chunk-size`: a chunk has the wrong length for its position.
 * - `chunk-auth`: a chunk matched the root but failed AES-GCM authentication (a forged dataset).
 * - `reordered`: a chunk arrived at another chunk's position.
 * - `duplicate`: a chunk that was already delivered arrived again.
 * - `truncated`: the stream ended before the manifest's chunk count.
 * - `extra-chunk`: more chunks than the manifest's chunk count.
 * - `decompress`: the decrypted data does not decompress.
 * - `plaintext-size`: the output is longer or shorter than the manifest's plaintext size.
 * - `content-hash`: the output does not hash to the manifest's content hash.
 */
export type DataIntegrityKind =
  | "manifest-hash"
  | "manifest-tampered"
  | "wrong-key"
  | "chunk-table"
  | "chunk-hash"
  | "chunk-size"
  | "chunk-auth"
  | "reordered"
  | "duplicate"
  | "truncated"
  | "extra-chunk"
  | "decompress"
  | "plaintext-size"
  | "content-hash";

/**
 * A dataset failed verification. Nothing after the failing chunk was decrypted or emitted; output
 * emitted before the error is authentic but incomplete.
 */
export class DataIntegrityError extends DataError {
  /** What failed. */
  readonly kind: DataIntegrityKind;
  /**
   * Position (0-based) of the chunk where the failure was detected; `null` for failures of the manifest
   * or the key, which are detected before any chunk is read.
   */
  readonly chunkIndex: number | null;

  constructor(args: { kind: DataIntegrityKind; chunkIndex: number | null; message: string }) {
    const where = args.chunkIndex === null ? "" : ` (chunk ${args.chunkIndex})`;
    super(`${args.kind}${where}: ${args.message}`);
    this.kind = args.kind;
    this.chunkIndex = args.chunkIndex;
  }
}

/** Encoded manifest bytes are not a canonical manifest of a version this code reads. */
export class ManifestFormatError extends DataError {
  /** The manifest field that is malformed (e.g. `"magic"`, `"chunkCount"`, `"length"`). */
  readonly field: string;

  constructor(args: { field: string; message: string }) {
    super(`manifest ${args.field}: ${args.message}`);
    this.field = args.field;
  }
}

/** A manifest names a compression algorithm this runtime cannot run (e.g. zstd on Node < 22.15). */
export class UnsupportedCompressionError extends DataError {
  /** The algorithm asked for. */
  readonly compression: string;

  constructor(args: { compression: string }) {
    super(`compression "${args.compression}" is not available in this runtime`);
    this.compression = args.compression;
  }
}

/** A sealed key is malformed or does not open with the given secret key (or does not match a manifest). */
export class SealedKeyError extends DataError {
  /** `format` (wrong length or version), `open` (authentication failed), `commitment` (wrong dataset). */
  readonly reason: "format" | "open" | "commitment";

  constructor(args: { reason: "format" | "open" | "commitment"; message: string }) {
    super(`sealed key ${args.reason}: ${args.message}`);
    this.reason = args.reason;
  }
}
