// The content hasher (sdk/src/data/hasher.ts): the same SHA-256 on either thread, for any split of the
// input, with streams interleaved, beyond the ring's size, after a worker failure; and a worker-backed
// stream left unfinished never keeps a process alive.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type HashThread,
  RING_BYTES,
  STAGE_BYTES,
  contentHasher,
  setContentHashThread,
  terminateHashWorkerForTest,
  workerUnavailableForTest,
} from "../../src/data/hasher.js";
import * as data from "../../src/data/index.js";
import { pattern, prng } from "./helpers.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

async function hashPieces(pieces: Uint8Array[]): Promise<string> {
  const h = contentHasher();
  for (const p of pieces) {
    const room = h.update(p);
    if (room !== undefined) await room;
  }
  return hex(await h.digest());
}

/** `bytes` cut at random points (empty pieces included). */
function split(bytes: Uint8Array, rand: () => number, maxPiece: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < bytes.length; ) {
    const n = Math.floor(rand() * maxPiece);
    out.push(bytes.subarray(off, off + n));
    off += n;
  }
  return out;
}

describe("data: content hasher (main thread or worker)", () => {
  after(() => setContentHashThread("auto"));

  for (const thread of ["main", "worker"] as HashThread[]) {
    describe(`on the ${thread} thread`, () => {
      before(() => setContentHashThread(thread));

      it("equals SHA-256 of the bytes for sizes around the stage and random splits", async () => {
        const rand = prng(7);
        for (const n of [0, 1, STAGE_BYTES - 1, STAGE_BYTES, STAGE_BYTES + 1, 3 * STAGE_BYTES + 17, 1 << 20]) {
          const bytes = pattern(n, n + 1);
          expect(await hashPieces([bytes]), `${n} bytes in one piece`).to.equal(sha(bytes));
          expect(await hashPieces(split(bytes, rand, 40_000)), `${n} bytes in random pieces`).to.equal(sha(bytes));
        }
      });

      it("copies what it is given: the caller may overwrite a piece once update returns", async () => {
        const bytes = pattern(5 * STAGE_BYTES, 3);
        const reused = new Uint8Array(STAGE_BYTES / 2);
        const h = contentHasher();
        for (let off = 0; off < bytes.length; off += reused.length) {
          reused.set(bytes.subarray(off, off + reused.length));
          await h.update(reused);
          reused.fill(0xee);
        }
        expect(hex(await h.digest())).to.equal(sha(bytes));
      });

      it("keeps interleaved streams apart", async () => {
        const a = pattern(3 * STAGE_BYTES + 5, 11);
        const b = pattern(2 * STAGE_BYTES + 9, 12);
        const ha = contentHasher();
        const hb = contentHasher();
        const piece = 10_000; // below a stage: each stream has unposted bytes when the other writes
        for (let off = 0; off < Math.max(a.length, b.length); off += piece) {
          await ha.update(a.subarray(off, off + piece));
          await hb.update(b.subarray(off, off + piece));
        }
        const [da, db] = await Promise.all([ha.digest(), hb.digest()]);
        expect(hex(da)).to.equal(sha(a));
        expect(hex(db)).to.equal(sha(b));
      });

      it("takes inputs larger than the ring (waits for room, memory stays bounded)", async () => {
        const bytes = pattern(RING_BYTES * 2 + 12345, 5);
        expect(await hashPieces([bytes])).to.equal(sha(bytes));
        expect(await hashPieces(split(bytes, prng(9), 3 << 20))).to.equal(sha(bytes));
      });

      it("is finished after digest; dispose is safe at any time", async () => {
        const h = contentHasher();
        await h.update(pattern(STAGE_BYTES * 2));
        h.dispose();
        h.dispose();
        const g = contentHasher();
        await g.update(pattern(100));
        await g.digest();
        expect(() => g.update(pattern(1))).to.throw(/already finished/);
        await g.digest().then(
          () => expect.fail("a second digest resolved"),
          (e: Error) => expect(e.message).to.match(/already finished/),
        );
        g.dispose();
      });
    });
  }

  it("a stream that finds the ring full of another stream's bytes waits for room", async () => {
    setContentHashThread("worker");
    const a = pattern(RING_BYTES + 3 * STAGE_BYTES, 41);
    const b = pattern(2 * STAGE_BYTES + 3, 42);
    const ha = contentHasher();
    const hb = contentHasher();
    const pa = ha.update(a); // fills the ring; the rest waits
    expect(pa, "a stream larger than the ring waits for room").to.not.equal(undefined);
    const pb = hb.update(b); // its first write finds (nearly) no room: it must wait, not fail
    await Promise.all([pa, pb]);
    const [da, db] = await Promise.all([ha.digest(), hb.digest()]);
    expect(hex(da)).to.equal(sha(a));
    expect(hex(db)).to.equal(sha(b));
  });

  it("where no worker can start, hashes on the calling thread (same result)", async () => {
    setContentHashThread("worker");
    await terminateHashWorkerForTest();
    workerUnavailableForTest(true);
    try {
      const bytes = pattern(5 * STAGE_BYTES + 1, 51);
      expect(await hashPieces(split(bytes, prng(3), 50_000))).to.equal(sha(bytes));
      const ds = await data.encrypt({ data: bytes, compression: "none", chunkSize: 1 << 16 });
      expect(hex(ds.manifest.contentHash)).to.equal(sha(bytes));
    } finally {
      workerUnavailableForTest(false);
    }
  });

  it("a worker failure fails the streams that used it; the next stream gets a new worker", async () => {
    setContentHashThread("worker");
    const bytes = pattern(4 * STAGE_BYTES, 21);
    const h = contentHasher();
    await h.update(bytes);
    await terminateHashWorkerForTest();
    await h.digest().then(
      () => expect.fail("digest resolved after the worker died"),
      (e: Error) => expect(e.message).to.match(/content-hash worker exited/),
    );
    expect(await hashPieces([bytes])).to.equal(sha(bytes));
  });

  it("encrypting on the worker and decrypting on the main thread (and back) agree on the content hash", async () => {
    const bytes = pattern(3 * (1 << 20) + 77, 31);
    for (const [enc, dec] of [["worker", "main"], ["main", "worker"]] as [HashThread, HashThread][]) {
      setContentHashThread(enc);
      const ds = await data.encrypt({ data: bytes, compression: "none", chunkSize: 1 << 20 });
      expect(hex(ds.manifest.contentHash)).to.equal(sha(bytes));
      setContentHashThread(dec);
      const out = await data.decrypt({ manifest: ds.manifestBytes, key: ds.key, chunks: ds.chunks, chunkHashes: ds.chunkHashes });
      expect(sha(out)).to.equal(sha(bytes));
    }
  });

  it("a process that leaves a worker-backed stream unfinished still exits", function () {
    this.timeout(60_000);
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      const h = await import(${JSON.stringify(path.resolve(here, "../../src/data/hasher.ts"))});
      h.setContentHashThread("worker");
      const s = h.contentHasher();
      s.update(new Uint8Array(${4 * STAGE_BYTES}));
      const t = h.contentHasher();
      t.update(new Uint8Array(${4 * STAGE_BYTES}));
      await t.digest(); // the worker ran; s is left open
      console.log("done");`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(r.error, "the process did not exit by itself").to.equal(undefined);
    expect(r.stdout.trim()).to.equal("done");
    expect(r.status).to.equal(0);
  });
});
