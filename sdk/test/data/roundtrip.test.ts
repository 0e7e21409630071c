import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { data } from "../../src/index.js";
import { collect, pattern } from "./helpers.js";

const { encrypt, decrypt, decryptStream, encryptStream, MerkleTree, TAG_BYTES, MIN_CHUNK_SIZE } = data;

describe("data: round trips", () => {
  const compressions = (["none", "zstd", "brotli"] as const).filter((c) => data.compressionAvailable({ compression: c }));

  it("auto picks zstd where the runtime has it (Node ≥ 22.15), brotli otherwise", async () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    const hasZstd = major > 22 || (major === 22 && minor >= 15);
    expect(data.compressionAvailable({ compression: "zstd" })).to.equal(hasZstd);
    const r = await encrypt({ data: pattern(10) });
    expect(r.manifest.compression).to.equal(hasZstd ? "zstd" : "brotli");
  });

  for (const compression of compressions) {
    for (const size of [0, 1, 100, 4096, 200_000]) {
      it(`${compression}: ${size} bytes`, async () => {
        const input = size === 200_000 ? Buffer.from("lumora ".repeat(size / 7 + 1)).subarray(0, size) : randomBytes(size);
        const r = await encrypt({ data: input, compression, chunkSize: 4096, format: "application/x-ndjson", recordCount: 7 });
        expect(r.manifest.compression).to.equal(compression);
        expect(r.manifest.plaintextSize).to.equal(size);
        expect(r.manifest.recordCount).to.equal(7);
        expect(r.manifest.format).to.equal("application/x-ndjson");
        expect(r.chunks.length).to.equal(r.manifest.chunkCount);
        const out = await decrypt({ manifest: r.manifestBytes, key: r.key, chunks: r.chunks, chunkHashes: r.chunkHashes });
        expect(Buffer.compare(out, input)).to.equal(0);
      });
    }
  }

  it("splits at exact chunk boundaries: full chunks, a shorter last one, one empty chunk for no data", async () => {
    const c = MIN_CHUNK_SIZE;
    for (const size of [0, 1, c - 1, c, c + 1, 2 * c - 1, 2 * c, 2 * c + 1, 7 * c, 7 * c + 3]) {
      const input = pattern(size, size + 1);
      // the source is split unevenly so chunks straddle source pieces
      const pieces = [input.subarray(0, size >> 2), input.subarray(size >> 2, size >> 1), input.subarray(size >> 1)];
      const s = encryptStream({ source: pieces, compression: "none", chunkSize: c });
      const chunks = [];
      for await (const ch of s.chunks) chunks.push(ch);
      const r = await s.result;
      const expectedCount = Math.max(1, Math.ceil(size / c));
      expect(r.manifest.chunkCount, `size ${size}`).to.equal(expectedCount);
      expect(chunks.map((ch) => ch.index)).to.deep.equal([...Array(expectedCount).keys()]);
      for (const ch of chunks.slice(0, -1)) expect(ch.data.length).to.equal(c + TAG_BYTES);
      expect(chunks.at(-1)!.data.length).to.equal(size - (expectedCount - 1) * c + TAG_BYTES);
      const out = await decrypt({ manifest: r.manifestBytes, key: r.key, chunks, chunkHashes: r.chunkHashes });
      expect(Buffer.compare(out, input), `size ${size}`).to.equal(0);
    }
  });

  it("decrypts chunks that each carry a Merkle proof, with no chunk table", async () => {
    const input = randomBytes(5 * 1000 + 17);
    const r = await encrypt({ data: input, compression: "none", chunkSize: 1000 });
    const tree = MerkleTree.fromChunkHashes({ chunkHashes: r.chunkHashes });
    const chunks = r.chunks.map((c) => ({ index: c.index, data: c.data, proof: tree.proof({ index: c.index }) }));
    expect(Buffer.compare(await decrypt({ manifest: r.manifestBytes, key: r.key, chunks }), input)).to.equal(0);
  });

  it("takes bare chunk bytes in order, a Readable source, and an async chunk source", async () => {
    const input = randomBytes(50_000);
    const r = await encrypt({ data: input, chunkSize: 4096 });
    async function* bare() {
      for (const c of r.chunks) yield c.data;
    }
    const out = await decrypt({ manifest: r.manifestBytes, key: r.key, chunks: bare(), chunkHashes: r.chunkHashes });
    expect(Buffer.compare(out, input)).to.equal(0);

    const s = encryptStream({ source: Readable.from([input.subarray(0, 123), input.subarray(123)]), chunkSize: 4096, compression: "brotli" });
    const chunks = [];
    for await (const c of s.chunks) chunks.push(c);
    const r2 = await s.result;
    const out2 = await collect(decryptStream({ manifest: r2.manifestBytes, key: r2.key, chunks, chunkHashes: r2.chunkHashes, expectedManifestHash: r2.manifestHash }));
    expect(Buffer.compare(out2, input)).to.equal(0);
  });

  it("uses a fresh key, id and nonce prefix per dataset", async () => {
    const input = pattern(1000);
    const a = await encrypt({ data: input });
    const b = await encrypt({ data: input });
    expect(Buffer.compare(a.key, b.key)).to.not.equal(0);
    expect(Buffer.compare(a.manifest.id, b.manifest.id)).to.not.equal(0);
    expect(Buffer.compare(a.chunks[0]!.data, b.chunks[0]!.data)).to.not.equal(0);
    expect(Buffer.compare(a.manifest.contentHash, b.manifest.contentHash)).to.equal(0);
  });

  it("rejects bad options before doing any work", () => {
    expect(() => encryptStream({ source: [], chunkSize: MIN_CHUNK_SIZE - 1 })).to.throw(RangeError);
    expect(() => encryptStream({ source: [], chunkSize: 1.5 })).to.throw(RangeError);
    expect(() => encryptStream({ source: [], recordCount: -1 })).to.throw(RangeError);
    expect(() => encryptStream({ source: [], random: () => new Uint8Array(3) })).to.throw(TypeError);
    expect(() => encryptStream({ source: [], format: "x".repeat(65) })).to.throw(data.ManifestFormatError);
    expect(() => encryptStream({ source: [], format: "caf\u00e9" })).to.throw(data.ManifestFormatError);
  });

  it("reports a source error through the chunks and the result", async () => {
    async function* failing() {
      yield pattern(10);
      throw new Error("disk gone");
    }
    const s = encryptStream({ source: failing(), compression: "none" });
    let thrown: unknown;
    try {
      for await (const _ of s.chunks) void _;
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).to.equal("disk gone");
    let rejected: unknown;
    await s.result.catch((e) => (rejected = e));
    expect(rejected).to.equal(thrown);
  });
});
