/**
 * Builds tests/vectors/data.json: deterministic datasets (fixed keys, ids and nonce prefixes through the
 * injectable random source) that another implementation reproduces byte for byte. Regenerate with
 * `LUMORA_WRITE_VECTORS=1 npm test -w @lumora/sdk -- --grep vectors` (only after a deliberate format change).
 */
import { createHash } from "node:crypto";
import nacl from "tweetnacl";
import { data } from "../../src/index.js";
import { chunkAad, nonceFor } from "../../src/data/aead.js";
import { encodeManifestBody } from "../../src/data/manifest.js";
import { fixedRandom } from "./helpers.js";

export const VECTORS_URL = new URL("../../../tests/vectors/data.json", import.meta.url);

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const derive = (label: string, n: number) => createHash("sha256").update(`lumora/data/vectors/${label}`).digest().subarray(0, n);

/** Deterministic plaintext: byte i = (31·i + 7) mod 256. */
export const patternBytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (31 * i + 7) & 0xff);

export interface DatasetSpec {
  name: string;
  compression: data.Compression;
  chunkSize: number;
  plaintext: Uint8Array;
  format: string;
  recordCount: number;
}

const ndjson = new TextEncoder().encode(
  ['{"url":"https://example.org/","status":200}', '{"url":"https://example.org/a","status":404}', '{"url":"https://example.org/b","status":200}', ""].join("\n"),
);

export const SPECS: DatasetSpec[] = [
  { name: "empty", compression: "none", chunkSize: 64, plaintext: new Uint8Array(0), format: "", recordCount: 0 },
  { name: "one-byte", compression: "none", chunkSize: 64, plaintext: patternBytes(1), format: "", recordCount: 0 },
  { name: "one-full-chunk", compression: "none", chunkSize: 64, plaintext: patternBytes(64), format: "", recordCount: 0 },
  { name: "chunk-plus-one", compression: "none", chunkSize: 64, plaintext: patternBytes(65), format: "", recordCount: 0 },
  { name: "five-chunks-odd", compression: "none", chunkSize: 64, plaintext: patternBytes(300), format: "application/octet-stream", recordCount: 0 },
  { name: "seven-full-chunks", compression: "none", chunkSize: 64, plaintext: patternBytes(448), format: "", recordCount: 0 },
  { name: "ndjson", compression: "none", chunkSize: 64, plaintext: ndjson, format: "application/x-ndjson", recordCount: 3 },
  { name: "zstd-ndjson", compression: "zstd", chunkSize: 64, plaintext: ndjson, format: "application/x-ndjson", recordCount: 3 },
  { name: "brotli-ndjson", compression: "brotli", chunkSize: 64, plaintext: ndjson, format: "application/x-ndjson", recordCount: 3 },
];

/** The fixed key, id and nonce prefix of a vector dataset. */
export function secretsOf(name: string) {
  return { key: derive(`key/${name}`, 32), id: derive(`id/${name}`, 16), noncePrefix: derive(`nonce-prefix/${name}`, 4) };
}

export async function buildDataset(spec: DatasetSpec) {
  const s = secretsOf(spec.name);
  const r = await data.encrypt({
    data: spec.plaintext,
    compression: spec.compression,
    chunkSize: spec.chunkSize,
    format: spec.format,
    recordCount: spec.recordCount,
    random: fixedRandom(s.key, s.id, s.noncePrefix),
  });
  const tree = data.MerkleTree.fromChunkHashes({ chunkHashes: r.chunkHashes });
  const m = r.manifest;
  return {
    name: spec.name,
    // "none" datasets are exact: any implementation reproduces every byte. Compressed ones depend on
    // the compressor build: check them by decrypting and decompressing.
    exact: spec.compression === "none",
    compression: spec.compression,
    chunkSize: spec.chunkSize,
    format: spec.format,
    recordCount: spec.recordCount,
    plaintextHex: hex(spec.plaintext),
    keyHex: hex(s.key),
    idHex: hex(s.id),
    noncePrefixHex: hex(s.noncePrefix),
    contentHashHex: hex(m.contentHash),
    compressedSize: m.compressedSize,
    chunkCount: m.chunkCount,
    nonces: r.chunks.map((c) => hex(nonceFor(s.noncePrefix, BigInt(c.index)))),
    aads: r.chunks.map((c) => hex(chunkAad(s.id, c.index, c.index === m.chunkCount - 1))),
    chunksHex: r.chunks.map((c) => hex(c.data)),
    chunkHashesHex: r.chunkHashes.map(hex),
    merkleRootHex: hex(m.merkleRoot),
    proofsHex: r.chunks.map((c) => tree.proof({ index: c.index }).map(hex)),
    keyCommitmentHex: hex(m.keyCommitment),
    manifestTagNonceHex: hex(nonceFor(s.noncePrefix, data.MANIFEST_TAG_COUNTER)),
    manifestBodyHex: hex(encodeManifestBody({ manifest: m })),
    manifestTagHex: hex(m.tag),
    manifestHex: hex(r.manifestBytes),
    manifestHashHex: hex(r.manifestHash),
  };
}

export function buildSealedKey() {
  const recipient = nacl.box.keyPair.fromSecretKey(derive("sealed/recipient-secret", 32));
  const ephemeralSecret = derive("sealed/ephemeral-secret", 32);
  const key = secretsOf("ndjson").key;
  const sealed = data.sealKey({ key, recipientPublicKey: recipient.publicKey, random: fixedRandom(Uint8Array.from(ephemeralSecret)) });
  return {
    keyHex: hex(key),
    recipientSecretKeyHex: hex(recipient.secretKey),
    recipientPublicKeyHex: hex(recipient.publicKey),
    ephemeralSecretKeyHex: hex(ephemeralSecret),
    ephemeralPublicKeyHex: hex(nacl.box.keyPair.fromSecretKey(ephemeralSecret).publicKey),
    sealedHex: hex(sealed),
  };
}

export async function buildVectors() {
  const O = data.MANIFEST_OFFSETS;
  return {
    comment:
      "Data-protection vectors (sdk/src/data; docs/data.md; PROTOCOL.md §7). Fixed keys, ids and nonce prefixes " +
      "(SHA-256 of 'lumora/data/vectors/<what>/<name>', truncated). Datasets with exact=true are reproduced byte for " +
      "byte; compressed ones are checked by decrypting and decompressing. Read by sdk/test/data/vectors.test.ts and " +
      "tests/vectors/check_data.py.",
    constants: {
      manifestMagicHex: hex(data.MANIFEST_MAGIC),
      manifestVersion: data.MANIFEST_VERSION,
      cipherSuites: data.CIPHER_SUITE,
      compressionIds: data.COMPRESSION_ID,
      manifestOffsets: O,
      manifestMinBytes: data.MANIFEST_MIN_BYTES,
      manifestMaxBytes: data.MANIFEST_MAX_BYTES,
      keyCommitmentDomain: new TextDecoder().decode(data.KEY_COMMITMENT_DOMAIN),
      manifestTagCounter: data.MANIFEST_TAG_COUNTER.toString(),
      merkleLeafPrefix: data.MERKLE_LEAF_PREFIX,
      merkleNodePrefix: data.MERKLE_NODE_PREFIX,
      sealedKeyVersion: data.SEALED_KEY_VERSION,
      sealedKeyBytes: data.SEALED_KEY_BYTES,
    },
    datasets: await Promise.all(SPECS.map(buildDataset)),
    sealedKey: buildSealedKey(),
  };
}
