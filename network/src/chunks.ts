/**
 * `/lumora/chunks/1`: multi-part transfer of encrypted dataset chunks (PROTOCOL.md §7), manifest first,
 * parallel ranges over several providers, resume after a dropped connection, every chunk verified
 * against the Merkle root on arrival (SHA-256 of the chunk + inclusion proof, the SDK data layer's
 * RFC 6962 tree) before it is accepted.
 *
 * Frames (after the varint length prefix; integers little-endian):
 *
 * | type | name         | direction | body                                                             |
 * |-----:|--------------|-----------|------------------------------------------------------------------|
 * | 0x01 | GET_MANIFEST | c → s     | root (32)                                                        |
 * | 0x02 | MANIFEST     | s → c     | manifest bytes (SDK data layout, ≤ `MANIFEST_MAX_BYTES`)        |
 * | 0x03 | GET_RANGE    | c → s     | root (32), start u32, count u32 (1 … {@link MAX_RANGE_CHUNKS})   |
 * | 0x04 | CHUNK        | s → c     | index u32, n u8, n × 32-byte proof hashes, chunk bytes           |
 * | 0x05 | END          | s → c     | (empty): the range is complete                                   |
 * | 0x7f | ERROR        | s → c     | code u16, UTF-8 message ≤ 256 bytes                              |
 *
 * A stream carries requests one after another; the server answers them in order. A client may pipeline
 * up to {@link MAX_PIPELINED_REQUESTS} GET_RANGEs (send the next before the current END, so the server
 * never waits a round trip between ranges); the server buffers at most that many unread requests and
 * resets a stream that sends more. It accepts request frames of at most {@link MAX_REQUEST_FRAME} bytes
 * and closes a stream idle for `frameTimeoutMs`; every CHUNK it sends first takes its size from the
 * node's token bucket.
 * @module
 */
import { createHash } from "node:crypto";
import type { PeerId, Stream } from "@libp2p/interface";
import { data as sdkData } from "@lumora/sdk";
import { FRAME_ERROR, FrameError, Reader, Writer, errorFrame, framed, readErrorFrame, type FramedStream } from "./frames.js";
import type { LumoraNode } from "./node.js";

/** Protocol id. */
export const CHUNKS_PROTOCOL = "/lumora/chunks/1";
export const T_GET_MANIFEST = 0x01;
export const T_MANIFEST = 0x02;
export const T_GET_RANGE = 0x03;
export const T_CHUNK = 0x04;
export const T_END = 0x05;
/** Most chunks one GET_RANGE may ask for. */
export const MAX_RANGE_CHUNKS = 16;
/** Largest request frame the server reads (GET_RANGE is 41 bytes). */
export const MAX_REQUEST_FRAME = 64;
/** Most requests a client may have outstanding on one stream (the server buffers no more unread). */
export const MAX_PIPELINED_REQUESTS = 2;
/** Most proof hashes in a CHUNK frame (a tree of ≤ 2^32 leaves). */
export const MAX_PROOF_HASHES = 32;
const HASH = 32;

/** A dataset this node serves: what the server needs, nothing secret (no data key). */
export interface ChunkSource {
  /** Merkle root (32 bytes): the dataset's id on the wire. */
  root: Uint8Array;
  /** Encoded manifest (SDK data layer). */
  manifestBytes: Uint8Array;
  /** Number of chunks. */
  chunkCount: number;
  /** Encrypted chunk `index` (ciphertext ‖ tag). */
  chunk(index: number): Uint8Array | Promise<Uint8Array>;
  /** Inclusion proof of chunk `index` (sibling hashes, `MerkleTree.proof`). */
  proof(index: number): Uint8Array[];
}

/** Builds a {@link ChunkSource} from an encrypted dataset held in memory (e.g. the SDK's `data.encrypt` output). */
export function memoryChunkSource(args: {
  /** Encoded manifest. */
  manifestBytes: Uint8Array;
  /** Encrypted chunks in order. */
  chunks: Uint8Array[];
}): ChunkSource {
  const m = sdkData.decodeManifest({ bytes: args.manifestBytes });
  if (m.chunkCount !== args.chunks.length) throw new Error("chunk count does not match the manifest");
  const tree = sdkData.MerkleTree.fromChunkHashes({ chunkHashes: args.chunks.map(sha256) });
  if (Buffer.compare(Buffer.from(tree.root), Buffer.from(m.merkleRoot)) !== 0) throw new Error("chunks do not match the manifest's Merkle root");
  return {
    root: m.merkleRoot,
    manifestBytes: args.manifestBytes,
    chunkCount: m.chunkCount,
    chunk: (i) => args.chunks[i]!,
    proof: (i) => tree.proof({ index: i }),
  };
}

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(b).digest());
}
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Server side of `/lumora/chunks/1` on one node. */
export class ChunkServer {
  private readonly sources = new Map<string, ChunkSource>();
  /** Chunk bytes sent (payload only). */
  servedBytes = 0;
  /** Chunks sent. */
  servedChunks = 0;

  private constructor(private readonly node: LumoraNode) {}

  /** Registers the protocol on `node`. */
  static async start(node: LumoraNode): Promise<ChunkServer> {
    const s = new ChunkServer(node);
    await node.handle(CHUNKS_PROTOCOL, (stream) => s.serveStream(stream));
    return s;
  }

  /** Starts serving a dataset. */
  add(source: ChunkSource): void {
    this.sources.set(hex(source.root), source);
  }

  /** Stops serving a dataset. */
  remove(root: Uint8Array): void {
    this.sources.delete(hex(root));
  }

  private async serveStream(stream: Stream): Promise<void> {
    const f = framed(stream, {
      maxFrameBytes: MAX_REQUEST_FRAME,
      frameTimeoutMs: this.node.limits.frameTimeoutMs,
      // the pipelined requests a client may send while we answer the current one (+1 byte of length prefix each)
      maxBufferBytes: MAX_PIPELINED_REQUESTS * (MAX_REQUEST_FRAME + 1),
    });
    for (;;) {
      let req: Uint8Array;
      try {
        req = await f.read();
      } catch (err) {
        if (err instanceof FrameError && err.code === "eof") break; // client closed its side: done
        throw await this.fail(f, err);
      }
      try {
        await this.answer(f, req);
      } catch (err) {
        throw await this.fail(f, err);
      }
    }
    await stream.close().catch(() => undefined);
  }

  private async fail(f: FramedStream, err: unknown): Promise<Error> {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = e instanceof FrameError ? e.code : "internal";
    await Promise.race([f.write(errorFrame(1, code)).catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
    return e;
  }

  private async answer(f: FramedStream, req: Uint8Array): Promise<void> {
    const r = new Reader(req);
    const type = r.u8();
    if (type === T_GET_MANIFEST) {
      const root = r.bytes(HASH);
      r.end();
      const src = this.sources.get(hex(root));
      if (src === undefined) throw new FrameError("unknown", "dataset not served here");
      const frame = new Writer().u8(T_MANIFEST).bytes(src.manifestBytes).finish();
      await this.node.bucket.take(frame.length);
      await f.write(frame);
      return;
    }
    if (type === T_GET_RANGE) {
      const root = r.bytes(HASH);
      const start = r.u32();
      const count = r.u32();
      r.end();
      const src = this.sources.get(hex(root));
      if (src === undefined) throw new FrameError("unknown", "dataset not served here");
      if (count < 1 || count > MAX_RANGE_CHUNKS || start + count > src.chunkCount) throw new FrameError("range", "range out of bounds");
      for (let i = start; i < start + count; i++) {
        const chunk = await src.chunk(i);
        const proof = src.proof(i);
        const w = new Writer().u8(T_CHUNK).u32(i).u8(proof.length);
        for (const p of proof) w.bytes(p);
        const head = w.finish();
        await this.node.bucket.take(head.length + chunk.length);
        await f.writeParts([head, chunk]); // the chunk is not copied into a frame buffer
        this.servedBytes += chunk.length;
        this.servedChunks++;
      }
      await f.write(Uint8Array.of(T_END));
      return;
    }
    throw new FrameError("unexpected", `frame type ${type}`);
  }
}

/** Options of {@link fetchDataset}. */
export interface FetchOptions {
  /** Merkle root of the dataset (from the listing / task result on chain). */
  root: Uint8Array;
  /** Providers in order of preference. */
  providers: PeerId[];
  /** Parallel range requests (streams); default 4. */
  parallel?: number;
  /** Chunks per range request; default 8 (≤ {@link MAX_RANGE_CHUNKS}). */
  rangeChunks?: number;
  /** Range requests outstanding per stream (1 … {@link MAX_PIPELINED_REQUESTS}); default 2: the next is sent before the current END. */
  pipeline?: number;
  /** Spread workers over providers (default) or use the first live provider for all. */
  spread?: boolean;
  /** Chunk indices already held and verified (resume after a restart): not fetched again. */
  have?: Iterable<number>;
  /** Called with every verified chunk, in arrival order. */
  onChunk?: (index: number, data: Uint8Array, from: PeerId) => void | Promise<void>;
  /** Keep the chunks in memory and return them (default true). */
  collect?: boolean;
  /** Idle bound per frame, ms (default the node's `frameTimeoutMs`). */
  frameTimeoutMs?: number;
  /** Aborts the whole transfer. */
  signal?: AbortSignal;
}

/** Outcome of {@link fetchDataset}. */
export interface FetchResult {
  /** The manifest bytes (verified to carry the requested root). */
  manifestBytes: Uint8Array;
  /** Decoded manifest. */
  manifest: import("@lumora/sdk").data.Manifest;
  /** Chunks by index (when `collect`; indices from `have` stay undefined). */
  chunks: Array<Uint8Array | undefined>;
  /**
   * SHA-256 of each collected chunk, as verified against the root on arrival — the `chunkHashes` table
   * the SDK's `decrypt` takes (which checks it reproduces the root), so a consumer does not hash again.
   */
  chunkHashes: Array<Uint8Array | undefined>;
  /** Chunks received per provider (PeerId string). */
  perProvider: Record<string, number>;
  /** Providers given up on, with the reason. */
  failed: Record<string, string>;
}

/**
 * Fetches a dataset: the manifest from the first provider that has it (its Merkle root must equal
 * `root`), then every missing chunk in ranges over parallel streams. A provider that drops or errors
 * is abandoned and its unfinished range goes back to the queue for the next provider; a provider that
 * sends a chunk failing verification is abandoned the same way (the chunk is discarded). Throws when
 * no live provider remains.
 */
export async function fetchDataset(node: LumoraNode, opts: FetchOptions): Promise<FetchResult> {
  const frameTimeoutMs = opts.frameTimeoutMs ?? node.limits.frameTimeoutMs;
  const failed: Record<string, string> = {};
  const alive = () => opts.providers.filter((p) => failed[p.toString()] === undefined);
  const fail = (p: PeerId, why: unknown) => {
    failed[p.toString()] ??= why instanceof Error ? why.message : String(why);
  };

  // 1. manifest first
  let manifestBytes: Uint8Array | undefined;
  let manifest: FetchResult["manifest"] | undefined;
  for (const p of opts.providers) {
    try {
      manifestBytes = await getManifest(node, p, opts.root, frameTimeoutMs, opts.signal);
      manifest = sdkData.decodeManifest({ bytes: manifestBytes });
      if (Buffer.compare(Buffer.from(manifest.merkleRoot), Buffer.from(opts.root)) !== 0) throw new FrameError("mismatch", "manifest is for another root");
      break;
    } catch (err) {
      fail(p, err);
      manifestBytes = manifest = undefined;
    }
  }
  if (manifest === undefined || manifestBytes === undefined) throw new Error(`no provider served the manifest: ${JSON.stringify(failed)}`);
  const m = manifest;
  const maxChunk = m.chunkSize + sdkData.TAG_BYTES;
  const maxFrame = 1 + 4 + 1 + MAX_PROOF_HASHES * HASH + maxChunk;

  // 2. ranges
  const have = new Set(opts.have ?? []);
  const rangeChunks = Math.max(1, Math.min(opts.rangeChunks ?? 8, MAX_RANGE_CHUNKS));
  const queue: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < m.chunkCount; i++) {
    if (have.has(i)) continue;
    if (run.length > 0 && (run[run.length - 1] !== i - 1 || run.length === rangeChunks)) (queue.push(run), (run = []));
    run.push(i);
  }
  if (run.length > 0) queue.push(run);
  const collect = opts.collect ?? true;
  const depth = Math.max(1, Math.min(opts.pipeline ?? MAX_PIPELINED_REQUESTS, MAX_PIPELINED_REQUESTS));
  const chunks: Array<Uint8Array | undefined> = new Array(m.chunkCount);
  const chunkHashes: Array<Uint8Array | undefined> = new Array(m.chunkCount);
  const perProvider: Record<string, number> = {};
  let inFlight = 0; // ranges requested and not yet complete, over all workers

  const worker = async (w: number) => {
    let stream: FramedStream | undefined;
    let peer: PeerId | undefined;
    const sent: Array<Set<number>> = []; // chunks still due of each range requested on `stream`, in request order
    const drop = async (err: unknown) => {
      // the provider is abandoned; whatever it still owed goes back to the queue for the next one
      fail(peer!, err);
      await stream?.stream.close().catch(() => undefined);
      stream = undefined;
      for (const pending of sent.reverse()) if (pending.size > 0) queue.unshift([...pending].sort((a, b) => a - b));
      inFlight -= sent.length;
      sent.length = 0;
    };
    for (;;) {
      opts.signal?.throwIfAborted();
      const live = alive();
      const want = live.length === 0 ? undefined : opts.spread === false ? live[0]! : live[w % live.length]!;
      // 1. keep `depth` ranges requested on the stream to the provider this worker should use
      if (queue.length > 0 && sent.length < depth && want !== undefined && (stream === undefined || peer!.equals(want))) {
        if (stream === undefined) {
          peer = want;
          try {
            const s = await node.libp2p.dialProtocol(peer, CHUNKS_PROTOCOL, { signal: AbortSignal.timeout(frameTimeoutMs) });
            // the server runs up to `depth` ranges ahead of our reads
            stream = framed(s, { maxFrameBytes: maxFrame, frameTimeoutMs, maxBufferBytes: (depth * rangeChunks + 1) * (maxFrame + 16) });
          } catch (err) {
            fail(peer, err);
            stream = undefined;
            continue;
          }
          continue; // the queue may have been drained by another worker meanwhile
        }
        const range = queue.shift()!;
        sent.push(new Set(range));
        inFlight++;
        try {
          await stream.write(new Writer().u8(T_GET_RANGE).bytes(opts.root).u32(range[0]!).u32(range.length).finish());
        } catch (err) {
          await drop(err);
        }
        continue;
      }
      // 2. nothing of ours outstanding: switch provider, wait for ranges other workers may requeue, or finish
      if (sent.length === 0) {
        if (stream !== undefined && (want === undefined || !peer!.equals(want))) {
          await stream.stream.close().catch(() => undefined);
          stream = undefined;
          continue;
        }
        if (want === undefined || (queue.length === 0 && inFlight === 0)) break;
        await new Promise((r) => setTimeout(r, 20)); // a range in flight elsewhere may be requeued
        continue;
      }
      // 3. read the oldest outstanding range to its END
      const pending = sent[0]!;
      try {
        await readRange(stream!, opts.root, m.chunkCount, maxChunk, async (index, data, chunkHash) => {
          if (!pending.has(index)) throw new FrameError("unexpected", `chunk ${index} not requested or repeated`);
          pending.delete(index);
          perProvider[peer!.toString()] = (perProvider[peer!.toString()] ?? 0) + 1;
          if (collect) {
            chunks[index] = data;
            chunkHashes[index] = chunkHash;
          }
          await opts.onChunk?.(index, data, peer!);
        });
        if (pending.size > 0) throw new FrameError("unexpected", `range ended with ${pending.size} chunks missing`);
        sent.shift();
        inFlight--;
      } catch (err) {
        await drop(err);
      }
    }
    await stream?.stream.close().catch(() => undefined);
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 4) }, (_, w) => worker(w)));
  if (queue.length > 0) throw new Error(`transfer incomplete, ${queue.flat().length} chunks missing; providers failed: ${JSON.stringify(failed)}`);
  return { manifestBytes, manifest: m, chunks, chunkHashes, perProvider, failed };
}

async function getManifest(node: LumoraNode, peer: PeerId, root: Uint8Array, frameTimeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
  const s = await node.libp2p.dialProtocol(peer, CHUNKS_PROTOCOL, { signal: signal ?? AbortSignal.timeout(frameTimeoutMs) });
  const f = framed(s, { maxFrameBytes: 1 + sdkData.MANIFEST_MAX_BYTES + 16, frameTimeoutMs });
  try {
    await f.write(new Writer().u8(T_GET_MANIFEST).bytes(root).finish());
    const r = new Reader(await f.read());
    const type = r.u8();
    if (type === FRAME_ERROR) throw readErrorFrame(r);
    if (type !== T_MANIFEST) throw new FrameError("unexpected", `frame type ${type}`);
    return r.rest().slice();
  } finally {
    await s.close().catch(() => undefined);
  }
}

/** Reads the CHUNK frames of one requested range up to its END, verifying each chunk before `accept`. */
async function readRange(
  f: FramedStream,
  root: Uint8Array,
  chunkCount: number,
  maxChunk: number,
  accept: (index: number, data: Uint8Array, chunkHash: Uint8Array) => Promise<void>,
): Promise<void> {
  for (;;) {
    const r = new Reader(await f.read());
    const type = r.u8();
    if (type === T_END) {
      r.end();
      return;
    }
    if (type === FRAME_ERROR) throw readErrorFrame(r);
    if (type !== T_CHUNK) throw new FrameError("unexpected", `frame type ${type}`);
    const index = r.u32();
    const n = r.u8();
    if (n > MAX_PROOF_HASHES) throw new FrameError("malformed", "proof too long");
    const proof: Uint8Array[] = [];
    for (let i = 0; i < n; i++) proof.push(r.bytes(HASH));
    const data = r.rest();
    if (data.length > maxChunk) throw new FrameError("oversized", "chunk larger than the manifest allows");
    const chunkHash = sha256(data);
    const ok = sdkData.verifyMerkleProof({ chunkHash, index, chunkCount, proof, root });
    if (!ok) throw new FrameError("integrity", `chunk ${index} fails its Merkle proof`);
    await accept(index, data, chunkHash); // `read` returned a fresh buffer: no copy needed
  }
}
