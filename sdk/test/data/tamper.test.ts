import { expect } from "chai";
import { data } from "../../src/index.js";
import { openChunk, sealChunk } from "../../src/data/aead.js";
import { collect, expectError, expectIntegrity, pattern } from "./helpers.js";

const { encrypt, decrypt, decryptStream, MerkleTree, MANIFEST_OFFSETS: O } = data;
type Dataset = Awaited<ReturnType<typeof encrypt>>;

/** Six chunks of 256 bytes and a 100-byte seventh, uncompressed: positions are exact. */
async function dataset(compression: "none" | "zstd" = "none"): Promise<Dataset> {
  return encrypt({ data: pattern(6 * 256 + 100, 7), compression, chunkSize: 256 });
}

const flip = (b: Uint8Array, at: number, mask = 0x01): Uint8Array => {
  const c = Uint8Array.from(b);
  c[at]! ^= mask;
  return c;
};

describe("data: tampering is detected, typed, with the chunk index", () => {
  let d: Dataset;
  before(async () => {
    d = await dataset();
    expect(d.manifest.chunkCount).to.equal(7);
  });
  const run = (over: Partial<Parameters<typeof decrypt>[0]> = {}) =>
    decrypt({ manifest: d.manifestBytes, key: d.key, chunks: d.chunks, chunkHashes: d.chunkHashes, ...over });

  it("control: the untouched dataset decrypts", async () => {
    expect(Buffer.compare(await run(), pattern(6 * 256 + 100, 7))).to.equal(0);
  });

  describe("truncation", () => {
    it("missing last chunk → truncated at 6", () => expectIntegrity(() => run({ chunks: d.chunks.slice(0, 6) }), "truncated", 6));
    it("no chunks at all → truncated at 0", () => expectIntegrity(() => run({ chunks: [] }), "truncated", 0));
    it("last chunk cut short → chunk-hash at 6", () =>
      expectIntegrity(() => run({ chunks: [...d.chunks.slice(0, 6), { ...d.chunks[6]!, data: d.chunks[6]!.data.subarray(0, 50) }] }), "chunk-hash", 6));
    it("a manifest rewritten for a prefix (root and counts recomputed) fails its tag", async () => {
      // What an attacker without the key can do: drop the last chunks and describe the prefix.
      const prefix = d.chunkHashes.slice(0, 3);
      const forged = data.encodeManifest({
        manifest: { ...d.manifest, chunkCount: 3, compressedSize: 3 * 256, plaintextSize: 3 * 256, merkleRoot: data.merkleRoot({ chunkHashes: prefix }) },
      });
      await expectIntegrity(() => run({ manifest: forged, chunks: d.chunks.slice(0, 3), chunkHashes: prefix }), "manifest-tampered", null);
    });
  });

  describe("reordering", () => {
    it("two chunks swapped (by their claimed index) → reordered at 2", () => {
      const c = [...d.chunks];
      [c[2], c[3]] = [c[3]!, c[2]!];
      return expectIntegrity(() => run({ chunks: c }), "reordered", 2);
    });
    it("two bare chunks swapped (positional) → reordered at 2, found through the chunk table", () => {
      const c = d.chunks.map((x) => x.data);
      [c[2], c[3]] = [c[3]!, c[2]!];
      return expectIntegrity(() => run({ chunks: c }), "reordered", 2);
    });
    it("a chunk relabelled with its new position still fails: its hash is another leaf's", () => {
      const c = d.chunks.map((x) => ({ ...x }));
      [c[2], c[3]] = [{ ...c[3]!, index: 2 }, { ...c[2]!, index: 3 }];
      return expectIntegrity(() => run({ chunks: c }), "reordered", 2);
    });
    it("relabelled and carrying its own proof (no table) → chunk-hash at 2", () => {
      const tree = MerkleTree.fromChunkHashes({ chunkHashes: d.chunkHashes });
      const c = d.chunks.map((x) => ({ index: x.index, data: x.data, proof: tree.proof({ index: x.index }) }));
      [c[2], c[3]] = [{ ...c[3]!, index: 2 }, { ...c[2]!, index: 3 }];
      return expectIntegrity(() => run({ chunks: c, chunkHashes: undefined }), "chunk-hash", 2);
    });
    it("a middle chunk missing → reordered at 4 (chunk 5 arrived there)", () =>
      expectIntegrity(() => run({ chunks: [...d.chunks.slice(0, 4), ...d.chunks.slice(5)] }), "reordered", 4));
    it("a chunk from another dataset in its place → chunk-hash", async () => {
      const other = await dataset();
      const c = [...d.chunks];
      c[1] = other.chunks[1]!;
      await expectIntegrity(() => run({ chunks: c }), "chunk-hash", 1);
    });
  });

  describe("duplication", () => {
    it("a chunk delivered twice → duplicate at 3", () =>
      expectIntegrity(() => run({ chunks: [...d.chunks.slice(0, 3), d.chunks[2]!, ...d.chunks.slice(3)] }), "duplicate", 3));
    it("a bare chunk repeated in place of the next → duplicate at 3", () => {
      const c = d.chunks.map((x) => x.data);
      c[3] = c[1]!;
      return expectIntegrity(() => run({ chunks: c }), "duplicate", 3);
    });
    it("the last chunk repeated after the end → duplicate at 7", () => expectIntegrity(() => run({ chunks: [...d.chunks, d.chunks[6]!] }), "duplicate", 7));
    it("extra bytes after the last chunk → extra-chunk at 7", () =>
      expectIntegrity(() => run({ chunks: [...d.chunks.map((x) => x.data), new Uint8Array(32)] }), "extra-chunk", 7));
  });

  describe("wrong key", () => {
    it("another dataset's key → wrong-key before any chunk", async () => {
      const other = await dataset();
      await expectIntegrity(() => decryptStream({ manifest: d.manifestBytes, key: other.key, chunks: d.chunks, chunkHashes: d.chunkHashes }), "wrong-key", null);
    });
    it("a key off by one bit → wrong-key", () => expectIntegrity(() => run({ key: flip(d.key, 31) }), "wrong-key", null));
    it("a key of the wrong length → TypeError", () => expectError(() => run({ key: d.key.subarray(0, 16) }), TypeError, /32 bytes/));
  });

  describe("tampered manifest", () => {
    // Every body field: flipping one bit must be caught, by the decoder's checks or by the tag.
    const fieldCases: [keyof typeof O, "manifest-tampered" | "format"][] = [
      ["id", "manifest-tampered"],
      ["noncePrefix", "manifest-tampered"],
      ["chunkSize", "manifest-tampered"], // 256 → 258 still holds the data in 7 chunks: only the tag notices
      ["compressedSize", "format"], // no longer 7 chunks
      ["plaintextSize", "format"], // uncompressed: must equal compressedSize
      ["recordCount", "manifest-tampered"],
      ["contentHash", "manifest-tampered"],
      ["merkleRoot", "manifest-tampered"],
      ["format", "manifest-tampered"],
    ];
    for (const [field, outcome] of fieldCases) {
      it(`${field} changed → ${outcome === "format" ? "ManifestFormatError" : outcome}`, async () => {
        const manifest = flip(d.manifestBytes, O[field], 0x02);
        if (outcome === "format") await expectError(() => run({ manifest }), data.ManifestFormatError);
        else await expectIntegrity(() => run({ manifest }), outcome, null);
      });
    }
    it("key commitment changed → manifest-tampered (the tag still opens under the key)", () =>
      expectIntegrity(() => run({ manifest: flip(d.manifestBytes, d.manifestBytes.length - 20) }), "manifest-tampered", null));
    it("tag changed → manifest-tampered", () => expectIntegrity(() => run({ manifest: flip(d.manifestBytes, d.manifestBytes.length - 1) }), "manifest-tampered", null));
    it("any change, with the listed manifest hash → manifest-hash", () =>
      expectIntegrity(() => run({ manifest: flip(d.manifestBytes, O.recordCount), expectedManifestHash: d.manifestHash }), "manifest-hash", null));
    it("chunk table that does not reproduce the root → chunk-table", () => {
      const t = [...d.chunkHashes];
      t[4] = flip(t[4]!, 0);
      return expectIntegrity(() => run({ chunkHashes: t }), "chunk-table", null);
    });
    it("malformed bytes → ManifestFormatError naming the field", async () => {
      const cases: [Uint8Array, string][] = [
        [d.manifestBytes.subarray(0, 100), "length"],
        [flip(d.manifestBytes, 0), "magic"],
        [flip(d.manifestBytes, O.version), "version"],
        [flip(d.manifestBytes, O.suite, 0x80), "suite"],
        [flip(d.manifestBytes, O.compression, 0x80), "compression"],
        [flip(d.manifestBytes, O.flags), "flags"],
        [flip(d.manifestBytes, O.chunkCount), "chunkCount"],
        [flip(d.manifestBytes, O.formatLength), "length"],
        [flip(d.manifestBytes, O.compressedSize + 7, 0x80), "compressedSize"],
      ];
      for (const [bytes, field] of cases) {
        const err = await expectError(() => data.decodeManifest({ bytes }), data.ManifestFormatError);
        expect(err.field, err.message).to.equal(field);
      }
    });
  });

  describe("chunk contents", () => {
    it("a flipped ciphertext bit → chunk-hash at that chunk", () => {
      const c = [...d.chunks];
      c[5] = { ...c[5]!, data: flip(c[5]!.data, 10) };
      return expectIntegrity(() => run({ chunks: c }), "chunk-hash", 5);
    });
    it("a flipped tag bit → chunk-hash at that chunk", () => {
      const c = [...d.chunks];
      c[0] = { ...c[0]!, data: flip(c[0]!.data, c[0]!.data.length - 1) };
      return expectIntegrity(() => run({ chunks: c }), "chunk-hash", 0);
    });
    it("nothing after the bad chunk is emitted; what came before is the exact plaintext prefix", async () => {
      const c = [...d.chunks];
      c[3] = { ...c[3]!, data: flip(c[3]!.data, 0) };
      const got: Uint8Array[] = [];
      await expectIntegrity(async () => {
        for await (const p of decryptStream({ manifest: d.manifestBytes, key: d.key, chunks: c, chunkHashes: d.chunkHashes })) got.push(p);
      }, "chunk-hash", 3);
      expect(Buffer.compare(Buffer.concat(got), pattern(6 * 256 + 100, 7).subarray(0, 3 * 256))).to.equal(0);
    });
    it("a chunk that opens under the key but is not the listed one → chunk-hash; its plaintext is never emitted", async () => {
      // a chunk with a valid tag (sealed by someone holding the key, at the right index and flag) must still be
      // refused by its hash — checked before it is decrypted — with nothing of it out
      const other = sealChunk({ key: d.key, id: d.manifest.id, noncePrefix: d.manifest.noncePrefix }, 3, false, new Uint8Array(256).fill(0x41));
      expect(openChunk({ key: d.key, id: d.manifest.id, noncePrefix: d.manifest.noncePrefix }, 3, false, other.data), "the substitute opens").to.not.equal(null);
      for (const table of [true, false]) {
        const tree = MerkleTree.fromChunkHashes({ chunkHashes: d.chunkHashes });
        const c = d.chunks.map((x) => ({ ...x, proof: tree.proof({ index: x.index }) }));
        c[3] = { ...c[3]!, data: other.data };
        const got: Uint8Array[] = [];
        await expectIntegrity(async () => {
          for await (const p of decryptStream({ manifest: d.manifestBytes, key: d.key, chunks: c, chunkHashes: table ? d.chunkHashes : undefined })) got.push(p);
        }, "chunk-hash", 3);
        expect(Buffer.compare(Buffer.concat(got), pattern(6 * 256 + 100, 7).subarray(0, 3 * 256)), "exactly chunks 0–2").to.equal(0);
      }
    });
  });

  describe("a forged dataset (the producer holds the key and lies)", () => {
    it("content hash that does not match the data → content-hash", async () => {
      const { forge } = await forger(d);
      const m = forge({ contentHash: new Uint8Array(32) });
      await expectIntegrity(() => run({ manifest: m }), "content-hash", 6);
    });
    it("plaintext size smaller than the data → plaintext-size while streaming, near the chunk that overflows", async () => {
      // 3 MiB of incompressible data: zstd stores it in 128 KiB blocks across 48 chunks of 64 KiB.
      const z = await encrypt({ data: pattern(3 << 20, 3), compression: "zstd", chunkSize: 64 << 10 });
      const { forge } = await forger(z);
      const m = forge({ plaintextSize: 1 << 20 });
      let emitted = 0;
      const err = await expectError(async () => {
        for await (const p of decryptStream({ manifest: m, key: z.key, chunks: z.chunks, chunkHashes: z.chunkHashes })) emitted += p.length;
      }, data.DataIntegrityError);
      expect(err.kind).to.equal("plaintext-size");
      // 1 MiB of output needs 16 chunks of input; the decoder reads up to a 128 KiB block further.
      expect(err.chunkIndex).to.be.within(15, 18);
      expect(emitted).to.be.at.most(1 << 20);
    });
    it("a final-flagged chunk in the middle (chunk count claimed shorter) → chunk-auth", async () => {
      const { forge } = await forger(d);
      const prefix = d.chunkHashes.slice(0, 3);
      const m = forge({ chunkCount: 3, compressedSize: 768, plaintextSize: 768, merkleRoot: data.merkleRoot({ chunkHashes: prefix }) });
      await expectIntegrity(() => run({ manifest: m, chunks: d.chunks.slice(0, 3), chunkHashes: prefix }), "chunk-auth", 2);
    });
    it("compressed data that does not decompress → decompress", async () => {
      // A zstd dataset relabelled as brotli, re-tagged with the right key.
      const z = await dataset("zstd");
      const { forge } = await forger(z);
      await expectIntegrity(() => decrypt({ manifest: forge({ compression: "brotli" }), key: z.key, chunks: z.chunks, chunkHashes: z.chunkHashes }), "decompress", 0);
    });
  });

  it("a chunk source that fails surfaces its own error, not an integrity error", async () => {
    async function* failing(z: Dataset) {
      yield z.chunks[0]!;
      throw new Error("peer hung up");
    }
    for (const z of [d, await dataset("zstd")]) {
      await expectError(() => collect(decryptStream({ manifest: z.manifestBytes, key: z.key, chunks: failing(z), chunkHashes: z.chunkHashes })), Error, /^peer hung up$/);
    }
  });
});

/** Re-tags an edited manifest with the dataset's key: what a malicious producer can do. */
async function forger(d: Dataset) {
  const { manifestTagFor } = await import("./forge.js");
  return {
    forge: (edit: Partial<data.Manifest>) => {
      const m = { ...d.manifest, ...edit };
      return data.encodeManifest({ manifest: { ...m, tag: manifestTagFor(d.key, m) } });
    },
  };
}
