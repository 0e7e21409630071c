// /lumora/chunks/1: a multi-MiB dataset encrypted by the SDK data layer, served by real providers on
// loopback, fetched in parallel ranges, verified per chunk against the Merkle root, resumed from the
// next provider when one drops mid-transfer, and decrypted by the SDK.
import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { data } from "@lumora/sdk";
import type { LumoraNode } from "../src/node.js";
import { ChunkServer, fetchDataset, memoryChunkSource, type ChunkSource } from "../src/chunks.js";
import { startNetwork, stopAll } from "./helpers.js";

const MiB = 1024 * 1024;

describe("chunks: /lumora/chunks/1 on loopback", function () {
  let nodes: LumoraNode[] = [];
  let servers: ChunkServer[] = [];
  let plain: Uint8Array;
  let ds: data.EncryptedDataset;
  let source: ChunkSource;

  before(async () => {
    plain = randomBytes(6 * MiB);
    ds = await data.encrypt({ data: plain, compression: "none", chunkSize: 256 * 1024 });
    source = memoryChunkSource({ manifestBytes: ds.manifestBytes, chunks: ds.chunks.map((c) => c.data) });
    // 0, 1, 2: providers; 3: consumer
    ({ nodes } = await startNetwork(4, { mesh: true }));
    servers = await Promise.all(nodes.map((n) => ChunkServer.start(n)));
    for (const s of servers.slice(0, 3)) s.add(source);
  });
  after(async () => stopAll(nodes));

  const decryptAll = (chunks: Array<Uint8Array | undefined>) =>
    data.decrypt({ manifest: ds.manifestBytes, key: ds.key, chunks: chunks.map((c) => c!), chunkHashes: chunks.map((c) => sha256(c!)) });

  it(`fetches 6 MiB in parallel ranges from two providers; every chunk verifies and the SDK decrypts it`, async () => {
    const consumer = nodes[3]!;
    const res = await fetchDataset(consumer, { root: source.root, providers: [nodes[0]!.peerId, nodes[1]!.peerId], parallel: 4, rangeChunks: 4 });
    expect(res.chunks.filter(Boolean).length).to.equal(ds.chunks.length);
    expect(Object.keys(res.perProvider)).to.have.length(2); // both providers served
    expect(Buffer.from(await decryptAll(res.chunks)).equals(Buffer.from(plain))).to.equal(true);
    // the hashes verified on arrival are returned: each the chunk's SHA-256, a table decrypt accepts
    expect(res.chunkHashes.map((h) => Buffer.from(h!).toString("hex"))).to.deep.equal(res.chunks.map((c) => Buffer.from(sha256(c!)).toString("hex")));
    const viaTable = await data.decrypt({ manifest: ds.manifestBytes, key: ds.key, chunks: res.chunks.map((c) => c!), chunkHashes: res.chunkHashes.map((h) => h!) });
    expect(Buffer.from(viaTable).equals(Buffer.from(plain))).to.equal(true);
  });

  it("a provider dropped mid-transfer: the rest is fetched from the next provider, nothing twice", async () => {
    const [a, , c, consumer] = nodes as [LumoraNode, LumoraNode, LumoraNode, LumoraNode];
    let dropped = false;
    const seen = new Set<number>();
    const res = await fetchDataset(consumer, {
      root: source.root,
      providers: [a.peerId, c.peerId],
      spread: false, // all workers on the first live provider, so the drop hits the transfer
      parallel: 2,
      rangeChunks: 2,
      onChunk: (i) => {
        expect(seen.has(i), `chunk ${i} delivered twice`).to.equal(false);
        seen.add(i);
        if (!dropped && seen.size >= 8) {
          dropped = true;
          void a.stop(); // the provider goes away with ranges in flight
        }
      },
    });
    expect(dropped).to.equal(true);
    const fromA = res.perProvider[a.peerId.toString()] ?? 0;
    const fromC = res.perProvider[c.peerId.toString()] ?? 0;
    expect(fromA).to.be.at.least(8);
    expect(fromC).to.be.greaterThan(0);
    expect(fromA + fromC).to.equal(ds.chunks.length);
    expect(res.failed[a.peerId.toString()]).to.be.a("string");
    expect(Buffer.from(await decryptAll(res.chunks)).equals(Buffer.from(plain))).to.equal(true);
  });

  it("resumes from a set of chunks already held: only the missing ones move", async () => {
    const consumer = nodes[3]!;
    const have = Array.from({ length: 10 }, (_, i) => i);
    const before = servers[1]!.servedChunks;
    const res = await fetchDataset(consumer, { root: source.root, providers: [nodes[1]!.peerId], have });
    expect(servers[1]!.servedChunks - before).to.equal(ds.chunks.length - 10);
    have.forEach((i) => (res.chunks[i] = ds.chunks[i]!.data));
    expect(Buffer.from(await decryptAll(res.chunks)).equals(Buffer.from(plain))).to.equal(true);
  });

  it("a provider serving a corrupted chunk is abandoned at that chunk; the honest one completes the transfer", async () => {
    const [, b, c, consumer] = nodes as [LumoraNode, LumoraNode, LumoraNode, LumoraNode];
    const evil: ChunkSource = {
      ...source,
      chunk: (i) => {
        const d = Uint8Array.from(ds.chunks[i]!.data); // a copy: Buffer.slice would alias
        if (i === 5) d[100] ^= 1;
        return d;
      },
    };
    servers[2]!.remove(source.root);
    servers[2]!.add(evil);
    const res = await fetchDataset(consumer, {
      root: source.root,
      providers: [c.peerId, b.peerId],
      spread: false,
      parallel: 1,
      rangeChunks: 4,
    });
    expect(res.failed[c.peerId.toString()]).to.match(/Merkle proof/);
    expect(res.perProvider[c.peerId.toString()]).to.equal(5); // chunks 0-4 were good
    expect(Buffer.from(await decryptAll(res.chunks)).equals(Buffer.from(plain))).to.equal(true);
    servers[2]!.remove(source.root);
    servers[2]!.add(source);
  });

  it("a slow consumer of 1 MiB chunks: the server runs a whole range ahead without overflowing the client's buffer", async () => {
    const big = await data.encrypt({ data: randomBytes(4 * MiB), compression: "none" }); // 1 MiB chunks
    const src = memoryChunkSource({ manifestBytes: big.manifestBytes, chunks: big.chunks.map((c) => c.data) });
    servers[1]!.add(src);
    const res = await fetchDataset(nodes[3]!, {
      root: src.root,
      providers: [nodes[1]!.peerId],
      parallel: 1,
      rangeChunks: 4,
      onChunk: () => new Promise((r) => setTimeout(r, 150)), // the whole range arrives while we wait
    });
    expect(res.failed).to.deep.equal({});
    expect(res.chunks.every((c, i) => Buffer.from(c!).equals(Buffer.from(big.chunks[i]!.data)))).to.equal(true);
  });

  it("fails cleanly when no provider has the dataset", async () => {
    let err: Error | undefined;
    try {
      await fetchDataset(nodes[3]!, { root: randomBytes(32), providers: [nodes[1]!.peerId] });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/no provider served the manifest/);
  });
});

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(b).digest());
}
