import { expect } from "chai";
import { createCipheriv, createHash } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data } from "../../src/index.js";

const MiB = 1 << 20;
const SIZE = 256 * MiB;

/**
 * `total` bytes in 1 MiB pieces, made on the fly: an AES-CTR keystream (incompressible) with every
 * fourth MiB a run of text (compressible), so both codec paths run. Hashes what it yields.
 */
function generated(total: number, digest: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array> {
  const ctr = createCipheriv("aes-128-ctr", Buffer.alloc(16, 7), Buffer.alloc(16));
  const text = Buffer.from("2026-11-23T00:00:00Z,GET,https://example.org/page,200,4711\n".repeat(MiB / 58 + 1)).subarray(0, MiB);
  return (async function* () {
    for (let off = 0, i = 0; off < total; off += MiB, i++) {
      const n = Math.min(MiB, total - off);
      const piece = i % 4 === 3 ? Buffer.from(text.subarray(0, n)) : ctr.update(Buffer.alloc(n));
      digest.update(piece);
      yield piece;
    }
  })();
}

/** Peak of process memory above a baseline, sampled every 2 ms and on demand. */
function memoryProbe() {
  const base = process.memoryUsage();
  const peak = { rss: 0, heapUsed: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss - base.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed - base.heapUsed);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers - base.arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

describe("data: 256 MiB streamed round trip", () => {
  const file = join(tmpdir(), `lumora-data-${process.pid}.chunks`);
  after(() => rm(file, { force: true }));

  for (const compression of ["zstd", "none"] as const) {
    it(`${compression}: encrypts to disk and decrypts back in bounded memory`, async function () {
      if (!data.compressionAvailable({ compression })) this.skip();
      const inputHash = createHash("sha256");
      const probe = memoryProbe();
      const t0 = performance.now();

      // Encrypt: chunks go straight to a file; nothing else holds them.
      const session = data.encryptStream({ source: generated(SIZE, inputHash), compression });
      const out = await open(file, "w");
      let chunkCount = 0;
      for await (const chunk of session.chunks) {
        await out.write(chunk.data);
        chunkCount++;
        probe.sample();
      }
      await out.close();
      const r = await session.result;
      const t1 = performance.now();
      expect(r.manifest.plaintextSize).to.equal(SIZE);
      expect(r.manifest.chunkCount).to.equal(chunkCount);
      expect(Buffer.from(r.manifest.contentHash).equals(inputHash.digest())).to.equal(true);

      // Decrypt: read the file chunk by chunk (lengths from the manifest), hash the output as it streams.
      const m = r.manifest;
      async function* fromDisk() {
        const fh = await open(file, "r");
        try {
          for (let i = 0, pos = 0; i < m.chunkCount; i++) {
            const len = (i === m.chunkCount - 1 ? m.compressedSize - i * m.chunkSize : m.chunkSize) + data.TAG_BYTES;
            const buf = Buffer.allocUnsafe(len);
            const { bytesRead } = await fh.read(buf, 0, len, pos);
            pos += bytesRead;
            yield buf.subarray(0, bytesRead);
          }
        } finally {
          await fh.close();
        }
      }
      const outputHash = createHash("sha256");
      let outputSize = 0;
      for await (const piece of data.decryptStream({ manifest: r.manifestBytes, key: r.key, chunks: fromDisk(), chunkHashes: r.chunkHashes, expectedManifestHash: r.manifestHash })) {
        outputHash.update(piece);
        outputSize += piece.length;
        probe.sample();
      }
      const t2 = performance.now();
      const peak = probe.stop();
      expect(outputSize).to.equal(SIZE);
      expect(Buffer.from(outputHash.digest()).equals(Buffer.from(m.contentHash))).to.equal(true);

      console.log(
        `      ${compression}: ${mib(SIZE)} → ${chunkCount} chunks (${mib(m.compressedSize)} compressed); ` +
          `encrypt ${((t1 - t0) / 1000).toFixed(2)} s, decrypt ${((t2 - t1) / 1000).toFixed(2)} s; ` +
          `peak growth rss ${mib(peak.rss)}, heap ${mib(peak.heapUsed)}, arrayBuffers ${mib(peak.arrayBuffers)}`,
      );
      // Fixed bounds, whatever SIZE is: a few 1 MiB chunks live, codec windows (≤ 8 MiB), and the
      // garbage V8 lets build up before it collects external memory (up to 64 MiB).
      expect(peak.rss, "rss growth").to.be.below(96 * MiB);
      expect(peak.arrayBuffers, "arrayBuffers growth").to.be.below(80 * MiB);
      expect(peak.heapUsed, "heap growth").to.be.below(32 * MiB);
    });
  }
});
