/**
 * `/lumora/relay/1` on the wire (docs/relay.md). Frames are an unsigned-varint length prefix and a body
 * whose first byte is the frame type, as in every Lumora protocol (frames.ts); integers little-endian.
 *
 * | type | name     | dir   | body                                                                  |
 * |-----:|----------|-------|-----------------------------------------------------------------------|
 * | 0x01 | OPEN     | e → p | session id (16), epoch u64, port u16, host (1 … 253 bytes, ASCII)      |
 * | 0x02 | OPENED   | p → e | family u8 (4 or 6), address (4 or 16): the address connected to        |
 * | 0x03 | REFUSED  | p → e | reason u16 ({@link REFUSAL}), message (≤ 256 bytes UTF-8)              |
 * | 0x04 | DATA     | both  | 1 … {@link RELAY_DATA_BYTES} bytes of the TCP stream                   |
 * | 0x05 | FIN      | both  | (empty): no more DATA from this side (TCP half-close)                  |
 * | 0x06 | CLOSE    | e → p | (empty): the executor is done; the provider drops the TCP connection   |
 * | 0x07 | ATTEST   | both  | bytes up u64, bytes down u64, ed25519 signature (64) — see attest.ts   |
 * | 0x7f | ERROR    | both  | code u16, message (frames.ts)                                          |
 *
 * A session: OPEN → OPENED (or REFUSED and the stream ends) → DATA/FIN both ways → CLOSE → the
 * provider's ATTEST (after its last DATA) → the executor's ATTEST → the stream ends.
 * @module
 */
import type { Stream } from "@libp2p/interface";
import { FrameError } from "../frames.js";

/** Protocol id. */
export const RELAY_PROTOCOL = "/lumora/relay/1";
export const T_OPEN = 0x01;
export const T_OPENED = 0x02;
export const T_REFUSED = 0x03;
export const T_DATA = 0x04;
export const T_FIN = 0x05;
export const T_CLOSE = 0x06;
export const T_ATTEST = 0x07;
/**
 * Largest DATA payload, bytes: 64 KiB less 64, so a DATA frame with its prefix and yamux header fits
 * one noise message (≤ 65 519 bytes of plaintext) instead of spilling a few bytes into a second seal.
 */
export const RELAY_DATA_BYTES = 64 * 1024 - 64;
/** Largest frame body either side accepts (a DATA frame). */
export const RELAY_MAX_FRAME = 1 + RELAY_DATA_BYTES;
/** Session id length, bytes. */
export const SESSION_ID_BYTES = 16;
/** Longest host name in OPEN (DNS limit). */
export const MAX_HOST_BYTES = 253;

/**
 * Why a provider refuses a session (REFUSED's reason code). Stable numbers: append only.
 */
export const REFUSAL = Object.freeze({
  /** The OPEN frame is malformed, or the host is neither a DNS name nor an IP literal. */
  BadRequest: 1,
  /** The port is not in the provider's allowed ports (80 and 443 by default). */
  PortNotAllowed: 2,
  /** The host is, or resolves to, a private, loopback, link-local, metadata or otherwise non-public address. */
  ForbiddenAddress: 3,
  /** The host is on the provider's deny list, or not on its allow list. */
  HostDenied: 4,
  /** The host name does not resolve. */
  DnsFailed: 5,
  /** The TCP connection to the vetted address failed or timed out. */
  ConnectFailed: 6,
  /** The provider carries its maximum of concurrent sessions. */
  Busy: 7,
  /** This executor already holds its maximum of concurrent sessions at the provider. */
  ExecutorLimit: 8,
  /** The requester is not an active EXECUTOR in the registry (or is the provider itself). */
  Unauthorized: 9,
  /** The provider does not accept the session's epoch. */
  Epoch: 10,
});
export type RefusalReason = keyof typeof REFUSAL;
const REASON_BY_CODE = new Map<number, RefusalReason>(Object.entries(REFUSAL).map(([k, v]) => [v, k as RefusalReason]));
/** The reason name of a REFUSED code (`Unknown` for a code this build does not know). */
export function refusalName(code: number): RefusalReason | "Unknown" {
  return REASON_BY_CODE.get(code) ?? "Unknown";
}

/** A typed refusal: what the provider sent in REFUSED, or what it raises before sending it. */
export class RelayRefusedError extends Error {
  override name = "RelayRefusedError";
  constructor(
    readonly reason: RefusalReason | "Unknown",
    readonly detail: string,
  ) {
    super(`relay refused (${reason}): ${detail}`);
  }
}

/** A queue of byte chunks read from the front (no copy unless a frame spans chunks). */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  byteLength = 0;

  append(data: Uint8Array | { subarray(): Uint8Array }): void {
    const b = data instanceof Uint8Array ? data : data.subarray();
    if (b.length === 0) return;
    this.chunks.push(b);
    this.byteLength += b.length;
  }

  /** The byte at offset `i` (i < byteLength). */
  get(i: number): number {
    let off = this.head + i;
    for (const c of this.chunks) {
      if (off < c.length) return c[off]!;
      off -= c.length;
    }
    throw new RangeError("offset past the end");
  }

  /** Removes and returns `n` bytes after skipping `skip` (n + skip ≤ byteLength). */
  shift(skip: number, n: number): Uint8Array {
    this.drop(skip);
    const first = this.chunks[0]!;
    let out: Uint8Array;
    if (first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      this.drop(n);
      return out;
    }
    out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - o, c.length - this.head);
      out.set(c.subarray(this.head, this.head + k), o);
      o += k;
      this.drop(k);
    }
    return out;
  }

  private drop(n: number): void {
    this.byteLength -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      const k = Math.min(n, c.length - this.head);
      this.head += k;
      n -= k;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
  }
}

/** Encodes a varint length prefix. */
function varint(n: number): Uint8Array {
  const out: number[] = [];
  for (;;) {
    if (n < 0x80) {
      out.push(n);
      return Uint8Array.from(out);
    }
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
}

/**
 * A framed view of a relay stream with flow control both ways. Inbound: frames are parsed from the
 * stream's messages; when more than `highWaterBytes` are buffered unread the stream is paused (yamux
 * then withholds window updates, so the peer stops sending) and resumed once the reader catches up.
 * Outbound: {@link RelayFramer.send} resolves when the stream can take more (drain).
 */
export class RelayFramer {
  private readonly buf = new ByteQueue();
  private waiting: (() => void) | null = null;
  private ended = false;
  private error: Error | null = null;
  private paused = false;

  constructor(
    readonly stream: Stream,
    private readonly opts: { maxFrameBytes: number; highWaterBytes?: number },
  ) {
    // a paused stream buffers what is in flight (≤ the yamux window, 16 MiB at most): never abort on it
    stream.maxReadBufferLength = 32 * 1024 * 1024;
    stream.addEventListener("message", (evt) => {
      this.buf.append(evt.data);
      const hw = this.opts.highWaterBytes ?? 1024 * 1024;
      if (this.buf.byteLength > hw && !this.paused) {
        this.paused = true;
        try {
          stream.pause();
        } catch {
          /* closing */
        }
      }
      this.wake();
    });
    stream.addEventListener("remoteCloseWrite", () => {
      this.ended = true;
      this.wake();
    });
    stream.addEventListener("close", (evt) => {
      this.ended = true;
      if (evt.error) this.error = evt.error;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /** Unread buffered bytes. */
  get buffered(): number {
    return this.buf.byteLength;
  }

  /** Tries to take one frame from the buffer. */
  private take(): Uint8Array | null {
    let len = 0;
    let shift = 0;
    let i = 0;
    for (; ; i++) {
      if (i >= this.buf.byteLength) return null;
      if (i >= 4) throw new FrameError("oversized", "length prefix too long");
      const b = this.buf.get(i);
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    if (len > this.opts.maxFrameBytes) throw new FrameError("oversized", `frame exceeds ${this.opts.maxFrameBytes} bytes`);
    if (len === 0) throw new FrameError("malformed", "empty frame");
    if (this.buf.byteLength < i + 1 + len) return null;
    const body = this.buf.shift(i + 1, len);
    if (this.paused && this.buf.byteLength <= (this.opts.highWaterBytes ?? 1024 * 1024) / 2) {
      this.paused = false;
      try {
        this.stream.resume();
      } catch {
        /* closing */
      }
    }
    return body;
  }

  /**
   * Reads one frame body; `null` at a clean end of stream between frames. Throws {@link FrameError}
   * on a truncated, oversized or late frame (`timeoutMs` bounds the wait for one complete frame).
   */
  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.take();
      if (f) return f;
      if (this.error) throw new FrameError("stream", this.error.message);
      if (this.ended) {
        if (this.buf.byteLength === 0) return null;
        throw new FrameError("eof", "stream ended mid-frame");
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new FrameError("timeout", `no complete frame within ${timeoutMs} ms`);
      let t: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        t = setTimeout(() => this.wake(), left);
      });
      clearTimeout(t);
    }
  }

  /**
   * Sends one frame made of `parts` (type byte first) as ONE stream message — prefix and body copied
   * together: a message per part would cost a yamux frame and a noise seal each. Waits for drain when
   * the stream is full.
   */
  async send(...parts: Uint8Array[]): Promise<void> {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const prefix = varint(total);
    const out = new Uint8Array(prefix.length + total);
    out.set(prefix, 0);
    let o = prefix.length;
    for (const p of parts) (out.set(p, o), (o += p.length));
    if (!this.stream.send(out)) await this.stream.onDrain();
  }
}
