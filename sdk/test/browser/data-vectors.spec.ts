/**
 * tests/vectors/data.json against the SDK's BROWSER build (`@lumora/sdk` under the `browser` condition:
 * WebCrypto + the JavaScript codec), run inside Chromium by ../browser.test.ts. The same checks as the
 * Node suite (test/data/vectors.test.ts): every dataset decrypts from the file's chunks and manifest
 * (zstd and brotli included: the manifests the Node side writes), every uncompressed dataset is
 * reproduced byte for byte, the sealed key is reproduced and opens; plus the tamper cases a browser
 * must refuse the same way.
 */
import { expect } from "chai";
import { data } from "@lumora/sdk";
import V from "../../../tests/vectors/data.json" with { type: "json" };

const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const fixedRandom = (...values: Uint8Array[]) => {
  const queue = [...values];
  return (n: number) => {
    const v = queue.shift();
    if (v === undefined || v.length !== n) throw new Error(`fixedRandom: no ${n}-byte value left`);
    return v;
  };
};

type Dataset = (typeof V.datasets)[number];
const chunksOf = (v: Dataset) => v.chunksHex.map((c, index) => ({ index, data: fromHex(c), proof: v.proofsHex[index]!.map(fromHex) }));

describe("data in the browser: cross-check vectors (tests/vectors/data.json)", () => {
  it("runs on WebCrypto in a secure context", () => {
    expect(typeof globalThis.crypto?.subtle?.encrypt).to.equal("function");
    expect(typeof (globalThis as { process?: unknown }).process).to.equal("undefined");
  });

  it("records the format constants this build uses", () => {
    expect(hex(data.MANIFEST_MAGIC)).to.equal(V.constants.manifestMagicHex);
    expect(data.MANIFEST_VERSION).to.equal(V.constants.manifestVersion);
    expect(data.COMPRESSION_ID).to.deep.equal(V.constants.compressionIds);
    expect(data.MANIFEST_OFFSETS).to.deep.equal(V.constants.manifestOffsets);
    expect(data.SEALED_KEY_BYTES).to.equal(V.constants.sealedKeyBytes);
  });

  for (const v of V.datasets) {
    it(`${v.name}: decrypts from the file's chunks and manifest to the plaintext (${v.compression})`, async () => {
      const out = await data.decrypt({ manifest: fromHex(v.manifestHex), key: fromHex(v.keyHex), chunks: chunksOf(v), expectedManifestHash: fromHex(v.manifestHashHex) });
      expect(hex(out)).to.equal(v.plaintextHex);
    });

    it(`${v.name}: decrypts with the chunk-hash table instead of proofs`, async () => {
      const out = await data.decrypt({
        manifest: fromHex(v.manifestHex),
        key: fromHex(v.keyHex),
        chunks: v.chunksHex.map(fromHex),
        chunkHashes: v.chunkHashesHex.map(fromHex),
      });
      expect(hex(out)).to.equal(v.plaintextHex);
    });

    if (v.exact) {
      it(`${v.name}: is reproduced byte for byte (chunks, hashes, root, proofs, manifest)`, async () => {
        const r = await data.encrypt({
          data: fromHex(v.plaintextHex),
          compression: "none",
          chunkSize: v.chunkSize,
          format: v.format,
          recordCount: v.recordCount,
          random: fixedRandom(fromHex(v.keyHex), fromHex(v.idHex), fromHex(v.noncePrefixHex)),
        });
        const tree = data.MerkleTree.fromChunkHashes({ chunkHashes: r.chunkHashes });
        expect(r.chunks.map((c) => hex(c.data))).to.deep.equal(v.chunksHex);
        expect(r.chunkHashes.map(hex)).to.deep.equal(v.chunkHashesHex);
        expect(hex(r.manifest.merkleRoot)).to.equal(v.merkleRootHex);
        expect(r.chunks.map((c) => tree.proof({ index: c.index }).map(hex))).to.deep.equal(v.proofsHex);
        expect(hex(r.manifest.tag)).to.equal(v.manifestTagHex);
        expect(hex(r.manifestBytes)).to.equal(v.manifestHex);
        expect(hex(r.manifestHash)).to.equal(v.manifestHashHex);
      });
    }
  }

  it("sealed key: reproduced byte for byte, opens to the data key, checked against the manifest", async () => {
    const s = V.sealedKey;
    const sealed = data.sealKey({ key: fromHex(s.keyHex), recipientPublicKey: fromHex(s.recipientPublicKeyHex), random: fixedRandom(fromHex(s.ephemeralSecretKeyHex)) });
    expect(hex(sealed)).to.equal(s.sealedHex);
    const ndjson = V.datasets.find((d) => d.name === "ndjson")!;
    const key = await data.openKey({ sealed, recipientSecretKey: fromHex(s.recipientSecretKeyHex), manifest: fromHex(ndjson.manifestHex) });
    expect(hex(key)).to.equal(s.keyHex);
    const other = V.datasets.find((d) => d.name === "one-byte")!;
    const e = await data.openKey({ sealed, recipientSecretKey: fromHex(s.recipientSecretKeyHex), manifest: fromHex(other.manifestHex) }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(data.SealedKeyError);
    expect((e as InstanceType<typeof data.SealedKeyError>).reason).to.equal("commitment");
  });

  const refusal = async (fn: () => Promise<unknown>) => {
    const e = await fn().then(
      () => null,
      (x: unknown) => x,
    );
    expect(e, "expected a DataIntegrityError").to.be.instanceOf(data.DataIntegrityError);
    return e as InstanceType<typeof data.DataIntegrityError>;
  };
  const five = V.datasets.find((d) => d.name === "five-chunks-odd")!;

  it("refuses a flipped ciphertext bit (chunk-hash), a wrong key (wrong-key), a tampered manifest (manifest-hash)", async () => {
    const chunks = chunksOf(five);
    chunks[2]!.data[0] ^= 1;
    expect((await refusal(() => data.decrypt({ manifest: fromHex(five.manifestHex), key: fromHex(five.keyHex), chunks }))).kind).to.equal("chunk-hash");
    const key = fromHex(five.keyHex);
    key[0] ^= 1;
    expect((await refusal(() => data.decrypt({ manifest: fromHex(five.manifestHex), key, chunks: chunksOf(five) }))).kind).to.equal("wrong-key");
    const manifest = fromHex(five.manifestHex);
    manifest[manifest.length - 1] ^= 1;
    const e = await refusal(() => data.decrypt({ manifest, key: fromHex(five.keyHex), chunks: chunksOf(five), expectedManifestHash: fromHex(five.manifestHashHex) }));
    expect(e.kind).to.equal("manifest-hash");
  });

  it("refuses reordered and truncated chunk streams", async () => {
    const chunks = chunksOf(five);
    [chunks[1], chunks[2]] = [chunks[2]!, chunks[1]!];
    expect((await refusal(() => data.decrypt({ manifest: fromHex(five.manifestHex), key: fromHex(five.keyHex), chunks }))).kind).to.equal("reordered");
    expect((await refusal(() => data.decrypt({ manifest: fromHex(five.manifestHex), key: fromHex(five.keyHex), chunks: chunksOf(five).slice(0, 4) }))).kind).to.equal("truncated");
  });

  it("encrypts in the browser and decrypts back (uncompressed: no browser compresses zstd)", async () => {
    const text = new TextEncoder().encode('{"url":"https://example.org/","n":1}\n'.repeat(500));
    const r = await data.encrypt({ data: text, chunkSize: 1024, format: "application/x-ndjson" });
    expect(r.manifest.compression).to.equal("none");
    expect(r.chunks.length).to.equal(Math.ceil(text.length / 1024));
    const out = await data.decrypt({ manifest: r.manifestBytes, key: r.key, chunks: r.chunks.map((c) => c.data), chunkHashes: r.chunkHashes });
    expect(new TextDecoder().decode(out)).to.equal(new TextDecoder().decode(text));
    expect(data.compressionAvailable({ compression: "zstd" })).to.equal(false);
    expect(data.decompressionAvailable({ compression: "zstd" })).to.equal(true);
    const e = await data.encrypt({ data: text, compression: "zstd" }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(data.UnsupportedCompressionError);
  });
});
