/**
 * Executor side of `/lumora/relay/1`: {@link openRelay} asks a provider to connect to host:port and
 * returns a `node:stream` Duplex that behaves like the TCP socket — an HTTP client (undici's `connect`
 * option) or `tls.connect({ socket })` runs over it unchanged, so TLS stays end to end.
 *
 * The Duplex's writes become DATA frames (waiting for the stream's drain), `end()` a FIN, the
 * provider's DATA is pushed into it as long as the consumer reads (otherwise the stream is paused and
 * yamux stops the provider), its FIN ends it. When both sides have finished, or the Duplex is
 * destroyed, the executor sends CLOSE, receives the provider's signed statement, checks it and answers
 * with its own; `done` resolves with both.
 * @module
 */
import { randomBytes } from "node:crypto";
import { Duplex } from "node:stream";
import type { PeerId } from "@libp2p/interface";
import { FRAME_ERROR, FrameError, Reader, Writer, readErrorFrame } from "../frames.js";
import { nodeKeyOfPeer } from "../identity.js";
import type { LumoraNode } from "../node.js";
import { ROLE_EXECUTOR, ROLE_PROVIDER, encodeRelayStatement, signRelayStatement, verifyRelayAttestation, type RelayAttestation } from "./attest.js";
import {
  MAX_HOST_BYTES,
  RELAY_DATA_BYTES,
  RELAY_MAX_FRAME,
  RELAY_PROTOCOL,
  RelayFramer,
  RelayRefusedError,
  SESSION_ID_BYTES,
  T_ATTEST,
  T_CLOSE,
  T_DATA,
  T_FIN,
  T_OPEN,
  T_OPENED,
  T_REFUSED,
  refusalName,
} from "./protocol.js";

/** How a relayed session ended, from the executor's side. */
export interface RelayClientResult {
  /** Bytes the executor sent (up) and received (down) over the session. */
  bytesUp: bigint;
  bytesDown: bigint;
  /** The executor's own signed statement (null if the session broke before CLOSE). */
  executor: RelayAttestation | null;
  /** The provider's signed statement, checked (null if the session broke before it arrived). */
  provider: RelayAttestation | null;
  /** `closed`: both statements exchanged; `broken`: the stream failed (provider gone, reset). */
  outcome: "closed" | "broken";
  /** Why it broke. */
  error?: string;
}

/** An open relayed connection. */
export interface RelaySession {
  /** The relayed byte stream (use it as the TCP socket). */
  socket: Duplex;
  /** The address the provider connected to (what it resolved and vetted). */
  remoteAddress: string;
  /** Random session id (named in both statements). */
  sessionId: Uint8Array;
  /** The provider. */
  peer: PeerId;
  /** Resolves when the session is over (never rejects). */
  done: Promise<RelayClientResult>;
}

/**
 * Opens a relayed TCP connection through `peer` to `host:port` for rewards epoch `epoch`. Throws
 * {@link RelayRefusedError} when the provider refuses (typed reason), other errors when it cannot be
 * reached or breaks the protocol.
 */
export async function openRelay(
  node: LumoraNode,
  args: {
    peer: PeerId;
    host: string;
    port: number;
    epoch: bigint;
    /** Bound for the provider's OPENED/REFUSED (it resolves and connects first), ms; default 15 000. */
    openTimeoutMs?: number;
    /** Longest silence from the provider during the session, ms; default 60 000. */
    idleTimeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<RelaySession> {
  const provider = nodeKeyOfPeer(args.peer);
  if (provider === null) throw new Error("the provider's peer id is not an ed25519 node key");
  const hostBytes = new TextEncoder().encode(args.host);
  if (hostBytes.length < 1 || hostBytes.length > MAX_HOST_BYTES) throw new RangeError("host must be 1-253 bytes");
  const openTimeoutMs = args.openTimeoutMs ?? 15_000;
  const idleTimeoutMs = args.idleTimeoutMs ?? 60_000;
  const signal = args.signal ? AbortSignal.any([args.signal, AbortSignal.timeout(openTimeoutMs)]) : AbortSignal.timeout(openTimeoutMs);
  // optimistic protocol selection: the protocol id and OPEN leave together (one round trip less per session)
  const stream = await node.libp2p.dialProtocol(args.peer, RELAY_PROTOCOL, { signal, negotiateFully: false });
  stream.inactivityTimeout = idleTimeoutMs;
  const f = new RelayFramer(stream, { maxFrameBytes: RELAY_MAX_FRAME });
  const sessionId = randomBytes(SESSION_ID_BYTES);
  let remoteAddress: string;
  try {
    await f.send(new Writer().u8(T_OPEN).bytes(sessionId).u64(args.epoch).u16(args.port).bytes(hostBytes).finish());
    const body = await f.read(openTimeoutMs);
    if (body === null) throw new FrameError("eof", "the provider closed before answering OPEN");
    const r = new Reader(body);
    const t = r.u8();
    if (t === T_REFUSED) {
      const code = r.u16();
      throw new RelayRefusedError(refusalName(code), new TextDecoder().decode(r.rest()));
    }
    if (t === FRAME_ERROR) throw readErrorFrame(r);
    if (t !== T_OPENED) throw new FrameError("unexpected", `frame type ${t}`);
    const fam = r.u8();
    if (fam !== 4 && fam !== 6) throw new FrameError("malformed", "address family");
    const a = r.bytes(fam === 4 ? 4 : 16);
    r.end();
    remoteAddress = fam === 4 ? [...a].join(".") : Array.from({ length: 8 }, (_, i) => ((a[2 * i]! << 8) | a[2 * i + 1]!).toString(16)).join(":");
  } catch (e) {
    await stream.close().catch(() => stream.abort(e as Error));
    throw e;
  }

  let up = 0n;
  let down = 0n;
  let writeDone = false; // our FIN sent
  let readDone = false; // their FIN received
  let closing: Promise<RelayClientResult> | null = null;
  let resolveDone!: (r: RelayClientResult) => void;
  const done = new Promise<RelayClientResult>((r) => (resolveDone = r));
  let wantMore: (() => void) | null = null;
  let pendingRead = true;
  // the reader loop is the only reader of the stream: it hands the provider's statement (or its failure) here
  const statement = deferred<Uint8Array>();
  statement.promise.catch(() => undefined);
  const wake = () => {
    const w = wantMore;
    wantMore = null;
    w?.();
  };

  const close = (reason?: Error): Promise<RelayClientResult> => {
    closing ??= (async () => {
      let res: RelayClientResult;
      wake();
      try {
        if (reason && stream.status !== "open") throw reason;
        await f.send(Uint8Array.of(T_CLOSE));
        const attest = await statement.promise;
        const r = new Reader(attest);
        r.u8();
        const pst = { role: ROLE_PROVIDER, sessionId, epoch: args.epoch, executor: node.nodeKey.publicKey, provider, bytesUp: r.u64(), bytesDown: r.u64() } as const;
        const signature = r.bytes(64).slice();
        r.end();
        const message = encodeRelayStatement(pst);
        const theirs = verifyRelayAttestation({ message, signature }) ? { ...pst, message, signature } : null;
        const mine = signRelayStatement({ role: ROLE_EXECUTOR, sessionId, epoch: args.epoch, executor: node.nodeKey.publicKey, provider, bytesUp: up, bytesDown: down }, node.nodeKey.secretKey);
        await f.send(new Writer().u8(T_ATTEST).u64(up).u64(down).bytes(mine.signature).finish());
        await stream.close().catch(() => undefined);
        res = { bytesUp: up, bytesDown: down, executor: mine, provider: theirs, outcome: theirs ? "closed" : "broken", ...(theirs ? {} : { error: "the provider's statement does not verify" }) };
      } catch (e) {
        stream.abort(e as Error);
        res = { bytesUp: up, bytesDown: down, executor: null, provider: null, outcome: "broken", error: (e as Error).message };
      }
      resolveDone(res);
      return res;
    })();
    return closing;
  };

  const socket = new Duplex({
    allowHalfOpen: true,
    highWaterMark: RELAY_DATA_BYTES,
    read() {
      pendingRead = true;
      wake();
    },
    write(chunk: Buffer, _enc, cb) {
      (async () => {
        for (let o = 0; o < chunk.length; o += RELAY_DATA_BYTES) {
          const part = chunk.subarray(o, o + RELAY_DATA_BYTES);
          await f.send(Uint8Array.of(T_DATA), part);
          up += BigInt(part.length);
        }
      })().then(() => cb(), (e: Error) => cb(e));
    },
    final(cb) {
      writeDone = true;
      f.send(Uint8Array.of(T_FIN)).then(
        () => {
          cb();
          if (readDone) void close();
        },
        (e: Error) => cb(e),
      );
    },
    destroy(err, cb) {
      void close(err ?? undefined);
      cb(err);
    },
  });

  // what HTTP clients call on a net.Socket: keep-alive, Nagle and refs mean nothing on a relayed stream
  // (the session has its own idle bound), so they are accepted and ignored
  const self = socket as Duplex & Record<string, unknown>;
  for (const m of ["setKeepAlive", "setNoDelay", "setTimeout", "ref", "unref"]) self[m] = () => socket;

  // the provider's frames → the Duplex, as fast as its consumer reads; after CLOSE, drained and counted
  void (async () => {
    try {
      for (;;) {
        if (!pendingRead && !closing) await new Promise<void>((r) => (wantMore = r));
        const body = await f.read(idleTimeoutMs);
        if (body === null) throw new FrameError("eof", "the provider ended the session");
        const t = body[0];
        if (t === T_DATA) {
          if (body.length < 2) throw new FrameError("malformed", "empty DATA");
          down += BigInt(body.length - 1);
          if (!readDone && !socket.destroyed) pendingRead = socket.push(body.subarray(1));
        } else if (t === T_FIN) {
          if (!readDone && !socket.destroyed) socket.push(null);
          readDone = true;
          if (writeDone) void close();
        } else if (t === T_ATTEST) {
          if (!closing) throw new FrameError("unexpected", "statement before CLOSE");
          statement.resolve(body);
          return;
        } else if (t === FRAME_ERROR) throw readErrorFrame(new Reader(body.subarray(1)));
        else throw new FrameError("unexpected", `frame type ${t}`);
      }
    } catch (e) {
      statement.reject(e);
      if (!closing) {
        void close(e as Error);
        if (!socket.destroyed) socket.destroy(e as Error);
      }
    }
  })();

  return { socket, remoteAddress, sessionId, peer: args.peer, done };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
