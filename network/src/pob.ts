/**
 * `/lumora/pob/1`: Proof-of-Bandwidth (PROTOCOL.md §5). A VERIFIER challenges a PROVIDER to send a
 * bounded payload of fresh pseudo-random bytes — AES-256-CTR keystream under a 32-byte nonce the
 * verifier draws per challenge — so the payload cannot be cached ahead of time or substituted, and the
 * verifier checks every byte. The verifier measures bytes, duration and RTT, then signs a receipt in
 * the SDK's 144-byte format (`receipts`) with its node key and hands it to the provider, which checks
 * it and keeps it for batch submission to the rewards program.
 *
 * Frames (after the varint length prefix; integers little-endian):
 *
 * | type | name        | direction | body                                                  |
 * |-----:|-------------|-----------|-------------------------------------------------------|
 * | 0x01 | CHALLENGE   | v → p     | epoch u64, seq u64, bytes u32, nonce (32)             |
 * | 0x02 | PAYLOAD     | p → v     | keystream bytes (1 … {@link POB_FRAME_BYTES})          |
 * | 0x03 | PAYLOAD_END | p → v     | (empty)                                               |
 * | 0x04 | RECEIPT     | v → p     | receipt (144) ‖ ed25519 signature (64)                |
 * | 0x05 | ACK         | p → v     | (empty)                                               |
 * | 0x7f | ERROR       | either    | code u16, UTF-8 message ≤ 256 bytes                   |
 *
 * Duration is measured from sending CHALLENGE to receiving PAYLOAD_END, minus one smoothed RTT (the
 * challenge's trip out and the first byte's trip back), so `bytes / duration` is the provider's
 * serving rate; the payload leaves the provider through its token bucket like any other data.
 * @module
 */
import { createCipheriv, randomBytes } from "node:crypto";
import type { PeerId } from "@libp2p/interface";
import { receipts } from "@lumora/sdk";
import bs58 from "bs58";
import { FRAME_ERROR, FrameError, Reader, Writer, errorFrame, framed, readErrorFrame, type FramedStream } from "./frames.js";
import { nodeKeyOfPeer } from "./identity.js";
import { ROLES, hasRoles } from "./registry.js";
import type { LumoraNode } from "./node.js";

/** Protocol id. */
export const POB_PROTOCOL = "/lumora/pob/1";
export const T_CHALLENGE = 0x01;
export const T_PAYLOAD = 0x02;
export const T_PAYLOAD_END = 0x03;
export const T_RECEIPT = 0x04;
export const T_ACK = 0x05;
/** Largest PAYLOAD frame body. */
export const POB_FRAME_BYTES = 64 * 1024;
/** Smallest challenge, bytes. */
export const MIN_CHALLENGE_BYTES = 64 * 1024;
/** Largest challenge, bytes (bounds the provider's work per challenge). */
export const MAX_CHALLENGE_BYTES = 64 * 1024 * 1024;
/** Largest frame a provider reads (RECEIPT: 1 + 144 + 64). */
export const MAX_PROVIDER_INBOUND_FRAME = 256;

function keystream(nonce: Uint8Array) {
  const c = createCipheriv("aes-256-ctr", nonce, new Uint8Array(16));
  return (n: number) => c.update(new Uint8Array(n));
}
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

/** Options of {@link PobProvider.start}. */
export interface PobProviderOptions {
  /** Rewards program id the receipts must be bound to. */
  programId: Uint8Array;
  /** Accepts or refuses a challenge's epoch (default: any). */
  acceptEpoch?: (epoch: bigint) => boolean;
  /** Receives every checked receipt (the daemon persists it for `submit_receipts`). */
  onReceipt?: (signed: receipts.SignedReceipt, receipt: receipts.Receipt) => void | Promise<void>;
  /** Last accepted seq per verifier (base58 node key), to continue after a restart. */
  lastSeq?: Map<string, bigint>;
}

/** Provider side of `/lumora/pob/1`. */
export class PobProvider {
  /** Receipts accepted, in order. */
  readonly receipts: receipts.SignedReceipt[] = [];
  /** Payload bytes sent. */
  servedBytes = 0;
  private readonly lastSeq: Map<string, bigint>;

  private constructor(
    private readonly node: LumoraNode,
    private readonly opts: PobProviderOptions,
  ) {
    this.lastSeq = opts.lastSeq ?? new Map();
  }

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

  private async serve(f: FramedStream, remote: PeerId): Promise<void> {
    const verifier = nodeKeyOfPeer(remote);
    if (verifier === null) throw new FrameError("unauthorized", "verifier is not an ed25519 node key");
    const r = new Reader(await f.read());
    if (r.u8() !== T_CHALLENGE) throw new FrameError("unexpected", "expected CHALLENGE");
    const epoch = r.u64();
    const seq = r.u64();
    const bytes = r.u32();
    const nonce = r.bytes(32);
    r.end();
    if (eq(verifier, this.node.nodeKey.publicKey)) throw new FrameError("unauthorized", "self-measurement");
    if (!hasRoles(this.node.registry, verifier, ROLES.VERIFIER)) throw new FrameError("unauthorized", "not a registered VERIFIER");
    if (bytes < MIN_CHALLENGE_BYTES || bytes > MAX_CHALLENGE_BYTES) throw new FrameError("range", "challenge size out of bounds");
    if (this.opts.acceptEpoch && !this.opts.acceptEpoch(epoch)) throw new FrameError("epoch", "epoch refused");
    const vk = bs58.encode(verifier);
    const last = this.lastSeq.get(vk);
    if (last !== undefined && seq <= last) throw new FrameError("replay", "seq not increasing");

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
    if (t !== T_RECEIPT) throw new FrameError("unexpected", "expected RECEIPT");
    const signed = { message: rr.bytes(receipts.RECEIPT_LEN).slice(), signature: rr.bytes(receipts.RECEIPT_SIGNATURE_LEN).slice() };
    rr.end();
    const rec = receipts.verifyReceipt(signed);
    if (rec === null) throw new FrameError("signature", "receipt does not verify");
    const policy = receipts.checkReceiptPolicy({ receipt: rec, programId: this.opts.programId });
    if (policy !== null) throw new FrameError("receipt", policy);
    if (!eq(rec.provider, this.node.nodeKey.publicKey) || !eq(rec.verifier, verifier)) throw new FrameError("receipt", "receipt names other keys");
    if (rec.epoch !== epoch || rec.seq !== seq || rec.bytes !== BigInt(bytes)) throw new FrameError("receipt", "receipt does not match the challenge");
    this.lastSeq.set(vk, seq);
    this.receipts.push(signed);
    await this.opts.onReceipt?.(signed, rec);
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

const seqs = new WeakMap<LumoraNode, Map<string, bigint>>();

/**
 * Default seq source: strictly increasing per (provider, verifier) within the process and across
 * restarts without storage, as max(last + 1, unix-ms · 1000). A daemon with persistent state passes its own.
 */
export function nextSeq(node: LumoraNode, provider: Uint8Array): bigint {
  let m = seqs.get(node);
  if (m === undefined) seqs.set(node, (m = new Map()));
  const k = bs58.encode(provider);
  const floor = BigInt(Date.now()) * 1000n;
  const last = m.get(k);
  const s = last === undefined || last + 1n < floor ? floor : last + 1n;
  m.set(k, s);
  return s;
}

/**
 * Measures `peer` over a challenge of `bytes` and returns the signed receipt the provider acknowledged.
 * Throws if the provider refuses, sends a wrong byte, stalls past the frame timeout, or rejects the receipt.
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
    /** Rewards program id. */
    programId: Uint8Array;
    /** Sequence number (default {@link nextSeq}). */
    seq?: bigint;
    /** Idle bound per frame, ms (default the node's). */
    frameTimeoutMs?: number;
  },
): Promise<{ signed: receipts.SignedReceipt; receipt: receipts.Receipt; measured: PobMeasurement }> {
  const provider = nodeKeyOfPeer(args.peer);
  if (provider === null) throw new Error("provider is not an ed25519 node key");
  if (args.bytes < MIN_CHALLENGE_BYTES || args.bytes > MAX_CHALLENGE_BYTES) throw new RangeError("challenge size out of bounds");
  const frameTimeoutMs = args.frameTimeoutMs ?? node.limits.frameTimeoutMs;
  const rtt = await node.measureRtt(args.peer);
  const seq = args.seq ?? nextSeq(node, provider);
  const nonce = randomBytes(32);
  const expect = keystream(nonce);
  const stream = await node.libp2p.dialProtocol(args.peer, POB_PROTOCOL, { signal: AbortSignal.timeout(frameTimeoutMs) });
  const f = framed(stream, { maxFrameBytes: 1 + POB_FRAME_BYTES, frameTimeoutMs });
  try {
    const t0 = performance.now();
    await f.write(new Writer().u8(T_CHALLENGE).u64(args.epoch).u64(seq).u32(args.bytes).bytes(nonce).finish());
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
    const signed = receipts.signReceipt({
      receipt: { programId: args.programId, epoch: args.epoch, provider, verifier: node.nodeKey.publicKey, bytes: BigInt(got), durationMs, rttMs, seq },
      verifierSecretKey: node.nodeKey.secretKey,
    });
    await f.write(new Writer().u8(T_RECEIPT).bytes(signed.message).bytes(signed.signature).finish());
    const a = new Reader(await f.read());
    const t = a.u8();
    if (t === FRAME_ERROR) throw readErrorFrame(a);
    if (t !== T_ACK) throw new FrameError("unexpected", `frame type ${t}`);
    return { signed, receipt: receipts.decodeReceipt(signed.message), measured: { bytes: got, durationMs, rttMs, rateBps: (got * 1000) / durationMs } };
  } finally {
    await stream.close().catch(() => undefined);
  }
}
