/**
 * `/lumora/pob/2`: Proof-of-Bandwidth v2 (docs/rewards.md §3.2). A VERIFIER drawn for a PROVIDER
 * challenges it to send a bounded payload of fresh pseudo-random bytes — AES-256-CTR keystream under a
 * 32-byte nonce the verifier draws per challenge — so the payload cannot be cached ahead of time or
 * substituted, and the verifier checks every byte. The verifier measures bytes, duration and RTT, folds
 * them into its cumulative **total** for the provider in the epoch, and hands the provider the new total
 * signed with its node key (`totals.signTotal`, 140 bytes); the provider checks it names both of them,
 * the epoch and the program, that live time and bytes did not go back, and keeps the latest (a root
 * below it is evidence of under-reporting). After the epoch the provider asks each drawn verifier for
 * its leaf and Merkle path over `/lumora/totals/1` and proves them on chain (`credit_epoch`).
 *
 * `/lumora/pob/2` frames (after the varint length prefix; integers little-endian):
 *
 * | type | name        | direction | body                                                  |
 * |-----:|-------------|-----------|-------------------------------------------------------|
 * | 0x01 | CHALLENGE   | v → p     | epoch u64, bytes u32, nonce (32)                      |
 * | 0x02 | PAYLOAD     | p → v     | keystream bytes (1 … {@link POB_FRAME_BYTES})          |
 * | 0x03 | PAYLOAD_END | p → v     | (empty)                                               |
 * | 0x04 | TOTAL       | v → p     | total message (140) ‖ ed25519 signature (64)          |
 * | 0x05 | ACK         | p → v     | (empty)                                               |
 * | 0x7f | ERROR       | either    | code u16, UTF-8 message ≤ 256 bytes                   |
 *
 * `/lumora/totals/1` frames:
 *
 * | type | name    | direction | body                                                           |
 * |-----:|---------|-----------|----------------------------------------------------------------|
 * | 0x11 | REQUEST | p → v     | epoch u64                                                      |
 * | 0x12 | PROOF   | v → p     | live_ms u32, capacity_kbps u32, rtt_ms u32, bytes u64, depth u8, depth × 32 path |
 * | 0x7f | ERROR   | v → p     | e.g. "none" (no total for this provider in that epoch)        |
 *
 * Duration is measured from sending CHALLENGE to receiving PAYLOAD_END, minus one smoothed RTT (the
 * challenge's trip out and the first byte's trip back), so `bytes / duration` is the provider's
 * serving rate; the payload leaves the provider through its token bucket like any other data.
 * @module
 */
import { createCipheriv, randomBytes } from "node:crypto";
import type { PeerId } from "@libp2p/interface";
import { totals } from "@lumora/sdk";
import bs58 from "bs58";
import { FRAME_ERROR, FrameError, Reader, Writer, errorFrame, framed, readErrorFrame, type FramedStream } from "./frames.js";
import { nodeKeyOfPeer } from "./identity.js";
import { ROLES, hasRoles } from "./registry.js";
import type { LumoraNode } from "./node.js";

/** Protocol ids. */
export const POB_PROTOCOL = "/lumora/pob/2";
export const TOTALS_PROTOCOL = "/lumora/totals/1";
export const T_CHALLENGE = 0x01;
export const T_PAYLOAD = 0x02;
export const T_PAYLOAD_END = 0x03;
export const T_TOTAL = 0x04;
export const T_ACK = 0x05;
export const T_REQUEST = 0x11;
export const T_PROOF = 0x12;
/** Largest PAYLOAD frame body. */
export const POB_FRAME_BYTES = 64 * 1024;
/** Smallest challenge, bytes. */
export const MIN_CHALLENGE_BYTES = 64 * 1024;
/** Largest challenge, bytes (bounds the provider's work per challenge). */
export const MAX_CHALLENGE_BYTES = 64 * 1024 * 1024;
/** Largest frame a provider reads on `/lumora/pob/2` (TOTAL: 1 + 140 + 64). */
export const MAX_PROVIDER_INBOUND_FRAME = 256;
/** Largest PROOF frame: 1 + 20 + 1 + 32 × 16. */
export const MAX_PROOF_FRAME = 1 + 20 + 1 + 32 * totals.MAX_PROOF_DEPTH;

function keystream(nonce: Uint8Array) {
  const c = createCipheriv("aes-256-ctr", nonce, new Uint8Array(16));
  return (n: number) => c.update(new Uint8Array(n));
}
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

/** Options of {@link PobProvider.start}. */
export interface PobProviderOptions {
  /** Rewards program id the totals must be bound to. */
  programId: Uint8Array;
  /** The registry Node address of a node key (totals name providers and verifiers by it). */
  nodeAddress(nodeKey: Uint8Array): Uint8Array;
  /** Accepts or refuses a challenge's epoch (default: any). */
  acceptEpoch?: (epoch: bigint) => boolean;
  /** The latest total held from a verifier (base58 node key) in an epoch, to continue after a restart. */
  latest?: (epoch: bigint, verifier: string) => totals.Total | null;
  /** Receives every checked total (the daemon persists the latest per verifier and epoch). */
  onTotal?: (signed: totals.SignedMessage, total: totals.TotalMessage, verifier: string) => void | Promise<void>;
}

/** Provider side of `/lumora/pob/2`. */
export class PobProvider {
  /** Totals accepted, in order. */
  readonly totals: totals.SignedMessage[] = [];
  /** Payload bytes sent. */
  servedBytes = 0;
  private readonly held = new Map<string, totals.Total>();

  private constructor(
    private readonly node: LumoraNode,
    private readonly opts: PobProviderOptions,
  ) {}

  /** Registers the protocol on `node`. */
  static async start(node: LumoraNode, opts: PobProviderOptions): Promise<PobProvider> {
    const p = new PobProvider(node, opts);
    await node.handle(POB_PROTOCOL, async (stream, connection) => {
      const f = framed(stream, { maxFrameBytes: MAX_PROVIDER_INBOUND_FRAME, frameTimeoutMs: node.limits.frameTimeoutMs });
      try {
        await p.serve(f, connection.remotePeer);
      } catch (err) {
        const code = err instanceof FrameError ? err.code : "internal";
        await Promise.race([f.write(errorFrame(1, code)).catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
        throw err;
      }
      await stream.close().catch(() => undefined);
    });
    return p;
  }

  private latest(epoch: bigint, verifier: string): totals.Total | null {
    return this.held.get(`${epoch}:${verifier}`) ?? this.opts.latest?.(epoch, verifier) ?? null;
  }

  private async serve(f: FramedStream, remote: PeerId): Promise<void> {
    const verifier = nodeKeyOfPeer(remote);
    if (verifier === null) throw new FrameError("unauthorized", "verifier is not an ed25519 node key");
    const r = new Reader(await f.read());
    if (r.u8() !== T_CHALLENGE) throw new FrameError("unexpected", "expected CHALLENGE");
    const epoch = r.u64();
    const bytes = r.u32();
    const nonce = r.bytes(32);
    r.end();
    if (eq(verifier, this.node.nodeKey.publicKey)) throw new FrameError("unauthorized", "self-measurement");
    if (!hasRoles(this.node.registry, verifier, ROLES.VERIFIER)) throw new FrameError("unauthorized", "not a registered VERIFIER");
    if (bytes < MIN_CHALLENGE_BYTES || bytes > MAX_CHALLENGE_BYTES) throw new FrameError("range", "challenge size out of bounds");
    if (this.opts.acceptEpoch && !this.opts.acceptEpoch(epoch)) throw new FrameError("epoch", "epoch refused");

    const ks = keystream(nonce);
    for (let sent = 0; sent < bytes; ) {
      const n = Math.min(POB_FRAME_BYTES, bytes - sent);
      const frame = new Uint8Array(1 + n);
      frame[0] = T_PAYLOAD;
      frame.set(ks(n), 1);
      await this.node.bucket.take(frame.length);
      await f.write(frame);
      sent += n;
      this.servedBytes += n;
    }
    await f.write(Uint8Array.of(T_PAYLOAD_END));

    const rr = new Reader(await f.read());
    const t = rr.u8();
    if (t === FRAME_ERROR) throw readErrorFrame(rr);
    if (t !== T_TOTAL) throw new FrameError("unexpected", "expected TOTAL");
    const signed = { message: rr.bytes(totals.TOTAL_MESSAGE_LEN).slice(), signature: rr.bytes(64).slice(), signer: verifier };
    rr.end();
    if (!totals.verifySigned(signed)) throw new FrameError("signature", "total does not verify");
    let m: totals.TotalMessage;
    try {
      m = totals.decodeTotalMessage(signed.message);
    } catch (e) {
      throw new FrameError("total", (e as Error).message);
    }
    if (!eq(m.programId, this.opts.programId)) throw new FrameError("total", "total bound to another program");
    if (!eq(m.provider, this.opts.nodeAddress(this.node.nodeKey.publicKey)) || !eq(m.verifier, this.opts.nodeAddress(verifier))) throw new FrameError("total", "total names other nodes");
    if (m.epoch !== epoch) throw new FrameError("total", "total of another epoch");
    const vk = bs58.encode(verifier);
    const prev = this.latest(epoch, vk);
    if (prev && !totals.totalFollows(m.total, prev)) throw new FrameError("total", "total went back");
    if (m.total.bytes < (prev?.bytes ?? 0n) + BigInt(bytes)) throw new FrameError("total", "total does not count this challenge");
    this.held.set(`${epoch}:${vk}`, m.total);
    this.totals.push(signed);
    await this.opts.onTotal?.(signed, m, vk);
    await f.write(Uint8Array.of(T_ACK));
  }
}

/** What a verifier measured. */
export interface PobMeasurement {
  /** Payload bytes received and checked. */
  bytes: number;
  /** Transfer duration, ms (challenge → end, minus one RTT), ≥ 1. */
  durationMs: number;
  /** Smoothed RTT to the provider, ms. */
  rttMs: number;
  /** bytes / duration, bytes per second. */
  rateBps: number;
}

/**
 * Measures `peer` over a challenge of `bytes`, then hands it the new cumulative total that `total`
 * computes from the measurement (signed by this node's key), and returns both once the provider
 * acknowledged it. Throws if the provider refuses, sends a wrong byte, stalls past the frame timeout, or
 * rejects the total.
 */
export async function measureProvider(
  node: LumoraNode,
  args: {
    /** The provider. */
    peer: PeerId;
    /** Rewards epoch. */
    epoch: bigint;
    /** Challenge size, bytes ({@link MIN_CHALLENGE_BYTES} … {@link MAX_CHALLENGE_BYTES}). */
    bytes: number;
    /** The signed total to hand over, including this measurement (the verifier's bookkeeping). */
    total: (measured: PobMeasurement) => totals.SignedMessage;
    /** Idle bound per frame, ms (default the node's). */
    frameTimeoutMs?: number;
  },
): Promise<{ signed: totals.SignedMessage; measured: PobMeasurement }> {
  const provider = nodeKeyOfPeer(args.peer);
  if (provider === null) throw new Error("provider is not an ed25519 node key");
  if (args.bytes < MIN_CHALLENGE_BYTES || args.bytes > MAX_CHALLENGE_BYTES) throw new RangeError("challenge size out of bounds");
  const frameTimeoutMs = args.frameTimeoutMs ?? node.limits.frameTimeoutMs;
  const rtt = await node.measureRtt(args.peer);
  const nonce = randomBytes(32);
  const expect = keystream(nonce);
  const stream = await node.libp2p.dialProtocol(args.peer, POB_PROTOCOL, { signal: AbortSignal.timeout(frameTimeoutMs) });
  const f = framed(stream, { maxFrameBytes: 1 + POB_FRAME_BYTES, frameTimeoutMs });
  try {
    const t0 = performance.now();
    await f.write(new Writer().u8(T_CHALLENGE).u64(args.epoch).u32(args.bytes).bytes(nonce).finish());
    let got = 0;
    let t1 = t0;
    for (;;) {
      const r = new Reader(await f.read());
      const t = r.u8();
      if (t === FRAME_ERROR) throw readErrorFrame(r);
      if (t === T_PAYLOAD_END) {
        r.end();
        t1 = performance.now();
        break;
      }
      if (t !== T_PAYLOAD) throw new FrameError("unexpected", `frame type ${t}`);
      const body = r.rest();
      if (body.length === 0 || got + body.length > args.bytes) throw new FrameError("range", "payload longer than the challenge");
      if (!eq(body, expect(body.length))) throw new FrameError("integrity", "payload bytes do not match the challenge keystream");
      got += body.length;
    }
    if (got !== args.bytes) throw new FrameError("range", `payload ended after ${got} of ${args.bytes} bytes`);
    const rttMs = Math.max(0, Math.round(rtt.srttMs));
    const durationMs = Math.max(1, Math.round(t1 - t0 - rtt.srttMs));
    const measured = { bytes: got, durationMs, rttMs, rateBps: (got * 1000) / durationMs };
    const signed = args.total(measured);
    await f.write(new Writer().u8(T_TOTAL).bytes(signed.message).bytes(signed.signature).finish());
    const a = new Reader(await f.read());
    const t = a.u8();
    if (t === FRAME_ERROR) throw readErrorFrame(a);
    if (t !== T_ACK) throw new FrameError("unexpected", `frame type ${t}`);
    return { signed, measured };
  } finally {
    await stream.close().catch(() => undefined);
  }
}

/** Verifier side of `/lumora/totals/1`: answers a provider's request for its leaf and Merkle path. */
export class TotalsServer {
  private constructor() {}

  /**
   * Registers the protocol on `node`; `proofFor(epoch, providerNodeKey)` returns the provider's total and
   * path in this verifier's posted tree of `epoch`, or `null` (answered as ERROR "none").
   */
  static async start(node: LumoraNode, proofFor: (epoch: bigint, provider: Uint8Array) => { total: totals.Total; path: Uint8Array[] } | null): Promise<TotalsServer> {
    await node.handle(TOTALS_PROTOCOL, async (stream, connection) => {
      const f = framed(stream, { maxFrameBytes: 16, frameTimeoutMs: node.limits.frameTimeoutMs });
      try {
        const provider = nodeKeyOfPeer(connection.remotePeer);
        if (provider === null) throw new FrameError("unauthorized", "provider is not an ed25519 node key");
        const r = new Reader(await f.read());
        if (r.u8() !== T_REQUEST) throw new FrameError("unexpected", "expected REQUEST");
        const epoch = r.u64();
        r.end();
        const p = proofFor(epoch, provider);
        if (p === null) throw new FrameError("none", "no total for this provider in that epoch");
        const w = new Writer().u8(T_PROOF).u32(p.total.liveMs).u32(p.total.capacityKbps).u32(p.total.rttMs).u64(p.total.bytes).u8(p.path.length);
        for (const h of p.path) w.bytes(h);
        await f.write(w.finish());
      } catch (err) {
        const code = err instanceof FrameError ? err.code : "internal";
        await Promise.race([f.write(errorFrame(1, code)).catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
        throw err;
      }
      await stream.close().catch(() => undefined);
    });
    return new TotalsServer();
  }
}

/** Provider side of `/lumora/totals/1`: the verifier's total and path for this node in `epoch`, or `null` if it has none. */
export async function requestProof(node: LumoraNode, args: { peer: PeerId; epoch: bigint; frameTimeoutMs?: number }): Promise<{ total: totals.Total; path: Uint8Array[] } | null> {
  const frameTimeoutMs = args.frameTimeoutMs ?? node.limits.frameTimeoutMs;
  const stream = await node.libp2p.dialProtocol(args.peer, TOTALS_PROTOCOL, { signal: AbortSignal.timeout(frameTimeoutMs) });
  const f = framed(stream, { maxFrameBytes: MAX_PROOF_FRAME, frameTimeoutMs });
  try {
    await f.write(new Writer().u8(T_REQUEST).u64(args.epoch).finish());
    const r = new Reader(await f.read());
    const t = r.u8();
    if (t === FRAME_ERROR) {
      const e = readErrorFrame(r);
      // the verifier's error frame carries its FrameError code as the message
      if (e.message.endsWith(": none")) return null;
      throw e;
    }
    if (t !== T_PROOF) throw new FrameError("unexpected", `frame type ${t}`);
    const total = { liveMs: r.u32(), capacityKbps: r.u32(), rttMs: r.u32(), bytes: r.u64() };
    const depth = r.u8();
    if (depth > totals.MAX_PROOF_DEPTH) throw new FrameError("range", "path too deep");
    const path = Array.from({ length: depth }, () => r.bytes(32).slice());
    r.end();
    return { total, path };
  } finally {
    await stream.close().catch(() => undefined);
  }
}

/** A verifier's running tally of one provider in one epoch: what its total is computed from. */
export interface Tally {
  /** Answered probes. */
  probes: number;
  /** Challenge bytes moved. */
  bytes: bigint;
  /** Measured rates, kbps, one per probe. */
  ratesKbps: number[];
  /** Measured RTTs, ms, one per probe. */
  rttsMs: number[];
}

/** The tally with one more answered probe. */
export function tallyAdd(t: Tally | null, m: PobMeasurement): Tally {
  const prev = t ?? { probes: 0, bytes: 0n, ratesKbps: [], rttsMs: [] };
  return { probes: prev.probes + 1, bytes: prev.bytes + BigInt(m.bytes), ratesKbps: [...prev.ratesKbps, Math.floor((m.rateBps * 8) / 1000)], rttsMs: [...prev.rttsMs, m.rttMs] };
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
};
const U32 = 0xffff_ffff;

/**
 * The cumulative total of a tally (docs/rewards.md §3.2): live time = answered probes × the probe
 * interval (each answered probe vouches for one interval), capacity and RTT the lower medians of the
 * measurements, bytes their sum. Live time and bytes never decrease as probes are added.
 */
export function tallyTotal(t: Tally, probeIntervalMs: number): totals.Total {
  return {
    liveMs: Math.min(U32, t.probes * probeIntervalMs),
    capacityKbps: Math.min(U32, median(t.ratesKbps)),
    rttMs: Math.min(U32, median(t.rttsMs)),
    bytes: t.bytes,
  };
}

/** Options of {@link TotalsLedger}. */
export interface TotalsLedgerOptions {
  /** Rewards program id the totals are bound to. */
  programId: Uint8Array;
  /** The registry Node address of a node key. */
  nodeAddress(nodeKey: Uint8Array): Uint8Array;
  /** Live time one answered probe vouches for, ms (the verifier's probe interval). */
  probeIntervalMs: number;
  /** Persistence (default: memory only): the tally of (epoch, provider node key base58), and its update. */
  load?: (epoch: bigint, provider: string) => Tally | null;
  save?: (epoch: bigint, provider: string, tally: Tally) => void;
}

/**
 * A verifier's totals: per (epoch, provider) the tally of its answered probes, each probe's signed total
 * handed to the provider, and at the end of an epoch the tree over every provider it measured.
 */
export class TotalsLedger {
  private readonly memory = new Map<string, Tally>();

  constructor(
    private readonly node: LumoraNode,
    private readonly opts: TotalsLedgerOptions,
  ) {}

  /** The tally of a provider (node key) in an epoch. */
  tally(epoch: bigint, provider: Uint8Array): Tally | null {
    const k = bs58.encode(provider);
    return this.memory.get(`${epoch}:${k}`) ?? this.opts.load?.(epoch, k) ?? null;
  }

  /** The current total of a provider in an epoch, `null` if never measured. */
  total(epoch: bigint, provider: Uint8Array): totals.Total | null {
    const t = this.tally(epoch, provider);
    return t ? tallyTotal(t, this.opts.probeIntervalMs) : null;
  }

  /**
   * Measures `peer` (its node key from its peer id) and hands it its new signed total; the tally counts
   * the probe only once the provider acknowledged the total.
   */
  async measure(args: { peer: PeerId; epoch: bigint; bytes: number; frameTimeoutMs?: number }): Promise<{ signed: totals.SignedMessage; measured: PobMeasurement; total: totals.Total }> {
    const provider = nodeKeyOfPeer(args.peer);
    if (provider === null) throw new Error("provider is not an ed25519 node key");
    let next: Tally | null = null;
    let total: totals.Total | null = null;
    const res = await measureProvider(this.node, {
      ...args,
      total: (m) => {
        next = tallyAdd(this.tally(args.epoch, provider), m);
        total = tallyTotal(next, this.opts.probeIntervalMs);
        return totals.signTotal({
          programId: this.opts.programId,
          epoch: args.epoch,
          verifier: this.opts.nodeAddress(this.node.nodeKey.publicKey),
          provider: this.opts.nodeAddress(provider),
          total,
          nodeSecretKey: this.node.nodeKey.secretKey,
        });
      },
    });
    const k = bs58.encode(provider);
    this.memory.set(`${args.epoch}:${k}`, next!);
    this.opts.save?.(args.epoch, k, next!);
    return { ...res, total: total! };
  }

  /** The tree over the given providers' totals in `epoch` (those never measured are left out); `null` if none was. */
  tree(epoch: bigint, providers: readonly Uint8Array[]): totals.VerifierTree | null {
    const entries = providers.flatMap((p) => {
      const t = this.total(epoch, p);
      return t ? [{ provider: this.opts.nodeAddress(p), total: t }] : [];
    });
    return entries.length ? new totals.VerifierTree(entries) : null;
  }
}
