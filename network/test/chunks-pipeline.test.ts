// /lumora/chunks/1 with pipelined ranges: the client asks for the next range before the current END (up
// to MAX_PIPELINED_REQUESTS per stream, over several streams). The server answers pipelined requests in
// order and cuts off a client that floods more; the client still resumes from the next provider when one
// drops with ranges outstanding, still rejects a tampered chunk, and requeues what a provider that ENDs a
// range short left out.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { data } from "@lumora/sdk";
import type { LumoraNode } from "../src/node.js";
import {
  CHUNKS_PROTOCOL,
  MAX_PIPELINED_REQUESTS,
  T_CHUNK,
  T_END,
  T_GET_MANIFEST,
  T_GET_RANGE,
  T_MANIFEST,
  ChunkServer,
  fetchDataset,
  memoryChunkSource,
  type ChunkSource,
} from "../src/chunks.js";
import { Reader, Writer, framed } from "../src/frames.js";
import { startNetwork, stopAll, waitFor } from "./helpers.js";

const MiB = 1024 * 1024;

describe("chunks: pipelined ranges on loopback", function () {
  // 0: consumer; 1: honest provider; 2: provider that drops; 3: tampering provider; 4: provider that ENDs short
  let nodes: LumoraNode[] = [];
  let servers: ChunkServer[] = [];
  let plain: Uint8Array;
  let ds: data.EncryptedDataset;
  let source: ChunkSource;

  before(async () => {
    plain = randomBytes(4 * MiB);
    ds = await data.encrypt({ data: plain, compression: "none", chunkSize: 128 * 1024 }); // 32 chunks
    source = memoryChunkSource({ manifestBytes: ds.manifestBytes, chunks: ds.chunks.map((c) => c.data) });
    ({ nodes } = await startNetwork(5, { mesh: true }));
    servers = await Promise.all(nodes.slice(0, 4).map((n) => ChunkServer.start(n)));
    servers[1]!.add(source);
    servers[2]!.add(source);
  });
  after(async () => stopAll(nodes));

  const root = () => source.root;
  const decrypts = async (chunks: Array<Uint8Array | undefined>) =>
    Buffer.from(await data.decrypt({ manifest: ds.manifestBytes, key: ds.key, chunks: chunks.map((c) => c!), chunkHashes: ds.chunkHashes })).equals(Buffer.from(plain));
  const getRange = (start: number, count: number) => new Writer().u8(T_GET_RANGE).bytes(root()).u32(start).u32(count).finish();

  it(`the server answers ${MAX_PIPELINED_REQUESTS} pipelined GET_RANGEs in order, each to its END`, async () => {
    const s = await nodes[0]!.libp2p.dialProtocol(nodes[1]!.peerId, CHUNKS_PROTOCOL);
    const f = framed(s, { maxFrameBytes: 2 * MiB, frameTimeoutMs: 5000, maxBufferBytes: 16 * MiB });
    // both requests leave before the first answer arrives
    await Promise.all([f.write(getRange(3, 2)), f.write(getRange(10, 3))]);
    const got: Array<number | "END"> = [];
    while (got.filter((g) => g === "END").length < 2) {
      const r = new Reader(await f.read());
      const type = r.u8();
      if (type === T_END) got.push("END");
      else {
        expect(type).to.equal(T_CHUNK);
        got.push(r.u32());
      }
    }
    expect(got).to.deep.equal([3, 4, "END", 10, 11, 12, "END"]);
    await s.close();
  });

  it("a client flooding more pipelined requests than the server buffers is cut off, and counted", async () => {
    const before = nodes[1]!.protocolErrors[CHUNKS_PROTOCOL] ?? 0;
    const s = await nodes[0]!.libp2p.dialProtocol(nodes[1]!.peerId, CHUNKS_PROTOCOL);
    const flood = Array.from({ length: 10 }, (_, i) => {
      const body = getRange(i, 1);
      return Buffer.concat([Uint8Array.of(body.length), body]);
    });
    s.send(Buffer.concat(flood));
    await waitFor(() => (nodes[1]!.protocolErrors[CHUNKS_PROTOCOL] ?? 0) > before, 5000, "the flooding stream to be reset");
    expect(s.status === "open" && s.readStatus === "readable").to.equal(false);
  });

  it("four streams × two ranges outstanding: a provider dropped mid-transfer is resumed from the next, nothing twice", async () => {
    const [consumer, honest, dropper] = nodes as [LumoraNode, LumoraNode, LumoraNode];
    const seen = new Set<number>();
    let dropped = false;
    const res = await fetchDataset(consumer, {
      root: root(),
      providers: [dropper.peerId, honest.peerId],
      spread: false, // every stream on the dropper, so the drop catches ranges outstanding on all of them
      parallel: 4,
      rangeChunks: 2,
      pipeline: 2,
      onChunk: (i) => {
        expect(seen.has(i), `chunk ${i} delivered twice`).to.equal(false);
        seen.add(i);
        if (!dropped && seen.size >= 6) {
          dropped = true;
          void dropper.stop();
        }
      },
    });
    expect(dropped).to.equal(true);
    expect(res.failed[dropper.peerId.toString()]).to.be.a("string");
    expect(res.perProvider[honest.peerId.toString()]).to.be.greaterThan(0);
    expect(seen.size).to.equal(ds.chunks.length);
    expect(await decrypts(res.chunks)).to.equal(true);
  });

  it("a tampered chunk in a pipelined range fails its Merkle proof: that provider is abandoned, the honest one completes", async () => {
    const [consumer, honest, , tamperer] = nodes as [LumoraNode, LumoraNode, LumoraNode, LumoraNode];
    servers[3]!.add({
      ...source,
      chunk: (i) => {
        const d = Uint8Array.from(ds.chunks[i]!.data);
        if (i === 13) d[7] ^= 0x80; // in the second range of the stream, requested before the first END
        return d;
      },
    });
    const res = await fetchDataset(consumer, { root: root(), providers: [tamperer.peerId, honest.peerId], spread: false, parallel: 1, rangeChunks: 8, pipeline: 2 });
    expect(res.failed[tamperer.peerId.toString()]).to.match(/chunk 13 fails its Merkle proof/);
    expect(res.perProvider[tamperer.peerId.toString()]).to.equal(13); // chunks 0-12 were good
    expect(await decrypts(res.chunks)).to.equal(true);
  });

  it("a provider that ENDs a range short is abandoned; the chunks it left out come from the next provider", async () => {
    const [consumer, honest, , , shorter] = nodes as [LumoraNode, LumoraNode, LumoraNode, LumoraNode, LumoraNode];
    // a hand-written server: the manifest, then only the first chunk of every range before END
    await shorter.libp2p.handle(CHUNKS_PROTOCOL, async (stream) => {
      const f = framed(stream, { maxFrameBytes: 64, frameTimeoutMs: 5000, maxBufferBytes: 1024 });
      for (;;) {
        let body: Uint8Array;
        try {
          body = await f.read();
        } catch {
          break; // the client closed the stream
        }
        const req = new Reader(body);
        const type = req.u8();
        if (type === T_GET_MANIFEST) await f.write(new Writer().u8(T_MANIFEST).bytes(source.manifestBytes).finish());
        if (type === T_GET_RANGE) {
          req.bytes(32);
          const start = req.u32();
          const proof = source.proof(start);
          const head = new Writer().u8(T_CHUNK).u32(start).u8(proof.length);
          for (const p of proof) head.bytes(p);
          await f.writeParts([head.finish(), await source.chunk(start)]);
          await f.write(Uint8Array.of(T_END));
        }
      }
      await stream.close().catch(() => undefined);
    });
    const res = await fetchDataset(consumer, { root: root(), providers: [shorter.peerId, honest.peerId], spread: false, parallel: 2, rangeChunks: 4 });
    expect(res.failed[shorter.peerId.toString()]).to.match(/range ended with 3 chunks missing/);
    expect(res.chunks.filter(Boolean).length).to.equal(ds.chunks.length);
    expect(await decrypts(res.chunks)).to.equal(true);
  });
});
