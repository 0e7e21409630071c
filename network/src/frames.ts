/**
 * Framing shared by the Lumora stream protocols. Every frame is an unsigned-varint length prefix
 * followed by that many bytes (the libp2p `lpStream` convention); the first byte of the body is the
 * frame type, the rest a fixed binary layout read by a strict {@link Reader}. Every read is bounded in
 * size (a per-protocol, per-direction maximum checked on the length prefix before any body byte is
 * buffered) and in time (an idle deadline per frame, so a slow-loris peer trickling bytes is cut off).
 * Any violation throws {@link FrameError}; protocol handlers turn it into a stream abort, never a
 * process crash.
 * @module
 */
import { lpStream } from "@libp2p/utils";
import type { Stream } from "@libp2p/interface";

/** Error raised for malformed, oversized, unexpected or late frames. */
export class FrameError extends Error {
  override name = "FrameError";
  constructor(
    /** Short machine-readable reason (`oversized`, `malformed`, `timeout`, `unexpected`, `eof`, …). */
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** A length-prefixed, size- and time-bounded view over a libp2p stream. */
export interface FramedStream {
  /** Reads one frame body; throws {@link FrameError} on EOF, oversize or idle timeout. */
  read(): Promise<Uint8Array>;
  /** Writes one frame (length prefix added). */
  write(body: Uint8Array): Promise<void>;
  /** Writes one frame whose body is the concatenation of `parts`, without copying them together. */
  writeParts(parts: Uint8Array[]): Promise<void>;
  /** The underlying stream. */
  readonly stream: Stream;
}

/** Limits of one side of a framed protocol. */
export interface FrameLimits {
  /** Largest frame body accepted, bytes. */
  maxFrameBytes: number;
  /** Longest wait for one complete frame, ms. */
  frameTimeoutMs: number;
  /**
   * Most unread bytes buffered (frames the peer sent ahead); default one frame. A reader that lets the
   * peer send several frames per request (a chunk range) sets it to cover them; beyond it the stream is reset.
   */
  maxBufferBytes?: number;
}

/** Wraps `stream` with the given inbound limits. */
export function framed(stream: Stream, limits: FrameLimits): FramedStream {
  const lp = lpStream(stream, { maxDataLength: limits.maxFrameBytes, maxBufferSize: limits.maxBufferBytes ?? limits.maxFrameBytes + 16 });
  return {
    stream,
    async read() {
      const signal = AbortSignal.timeout(limits.frameTimeoutMs);
      try {
        const list = await lp.read({ signal });
        return list.subarray();
      } catch (err) {
        if (signal.aborted) throw new FrameError("timeout", `no complete frame within ${limits.frameTimeoutMs} ms`);
        const e = err as Error & { code?: string; name?: string };
        if (e.name === "InvalidDataLengthError" || e.name === "InvalidDataLengthLengthError" || e.name === "InvalidMessageLengthError") {
          throw new FrameError("oversized", `frame exceeds ${limits.maxFrameBytes} bytes`);
        }
        if (e.name === "UnexpectedEOFError") throw new FrameError("eof", "stream ended mid-exchange");
        throw new FrameError("stream", e.message ?? String(err));
      }
    },
    async write(body: Uint8Array) {
      await lp.write(body);
    },
    async writeParts(parts: Uint8Array[]) {
      // the same unsigned-varint prefix lpStream writes, then each part as is; sends are ordered
      const total = parts.reduce((n, p) => n + p.length, 0);
      const prefix: number[] = [];
      for (let n = total; ; n = Math.floor(n / 128)) {
        if (n < 0x80) {
          prefix.push(n);
          break;
        }
        prefix.push((n & 0x7f) | 0x80);
      }
      let ok = stream.send(Uint8Array.from(prefix));
      for (const p of parts) ok = stream.send(p);
      if (!ok) await stream.onDrain();
    },
  };
}

/** Strict reader over a frame body: every read is bounds-checked, {@link Reader.end} rejects trailing bytes. */
export class Reader {
  private off = 0;
  private readonly dv: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.off + n > this.buf.length) throw new FrameError("malformed", "frame truncated");
  }
  u8(): number {
    this.need(1);
    return this.dv.getUint8(this.off++);
  }
  u16(): number {
    this.need(2);
    const v = this.dv.getUint16(this.off, true);
    this.off += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.off, true);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.dv.getBigUint64(this.off, true);
    this.off += 8;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  /** The remaining bytes. */
  rest(): Uint8Array {
    const v = this.buf.subarray(this.off);
    this.off = this.buf.length;
    return v;
  }
  /** Asserts the whole frame was consumed. */
  end(): void {
    if (this.off !== this.buf.length) throw new FrameError("malformed", "trailing bytes in frame");
  }
}

/** Little-endian frame builder. */
export class Writer {
  private parts: Uint8Array[] = [];
  private len = 0;
  private push(b: Uint8Array) {
    this.parts.push(b);
    this.len += b.length;
    return this;
  }
  u8(v: number) {
    return this.push(Uint8Array.of(v));
  }
  u16(v: number) {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    return this.push(b);
  }
  u32(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    return this.push(b);
  }
  u64(v: bigint) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return this.push(b);
  }
  bytes(b: Uint8Array) {
    return this.push(b);
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) (out.set(p, o), (o += p.length));
    return out;
  }
}

/** Frame type shared by every protocol: an error report (`u16 code`, UTF-8 message ≤ 256 bytes). */
export const FRAME_ERROR = 0x7f;
/** Largest error message carried in a {@link FRAME_ERROR} frame. */
export const MAX_ERROR_MESSAGE = 256;

/** Encodes an error frame. */
export function errorFrame(code: number, message: string): Uint8Array {
  const msg = new TextEncoder().encode(message).subarray(0, MAX_ERROR_MESSAGE);
  return new Writer().u8(FRAME_ERROR).u16(code).bytes(msg).finish();
}

/** Decodes an error frame body (after the type byte) into a FrameError. */
export function readErrorFrame(r: Reader): FrameError {
  const code = r.u16();
  const msg = r.rest();
  if (msg.length > MAX_ERROR_MESSAGE) throw new FrameError("malformed", "error message too long");
  return new FrameError("remote", `peer error ${code}: ${new TextDecoder().decode(msg)}`);
}
