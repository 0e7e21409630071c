/**
 * Provider side of `/lumora/relay/1` (docs/relay.md): opens a TCP connection for an executor and pipes
 * bytes between it and a libp2p stream. TLS stays end to end: the provider sees the host name, the port
 * and ciphertext.
 *
 * The provider decides what it carries, before any byte leaves:
 * 1. the requester is an active EXECUTOR of the registry, not itself; the epoch is accepted;
 * 2. concurrent sessions ≤ `maxSessions`, per executor ≤ `maxSessionsPerExecutor`;
 * 3. the port is allowed (80, 443 by default); the host is a DNS name or an IP literal in any notation
 *    ({@link parseHost}: `0x7f.1` and `2130706433` are 127.0.0.1), not on the deny list, on the allow
 *    list when there is one;
 * 4. the name is resolved once and EVERY address must be public ({@link forbiddenReason}: private,
 *    loopback, link-local, CGNAT, metadata, multicast, ULA, IPv4-mapped forms of those …); the TCP
 *    connection goes to the first vetted address itself (no second resolution: DNS rebinding cannot
 *    swap it).
 * Each refusal is a typed REFUSED frame ({@link REFUSAL}) and is counted.
 *
 * Bytes both ways go through the relay's token bucket, whose rate the {@link HeadroomMonitor} keeps at
 * the headroom its owner's own traffic leaves. At the end the provider signs what it carried and keeps
 * the executor's signed statement too (`onSession`).
 * @module
 */
import { lookup as dnsLookup } from "node:dns/promises";
import net from "node:net";
import bs58 from "bs58";
import type { PeerId } from "@libp2p/interface";
import { TokenBucket } from "../bucket.js";
import { FRAME_ERROR, FrameError, Reader, Writer, errorFrame } from "../frames.js";
import { nodeKeyOfPeer } from "../identity.js";
import { ROLES, hasRoles } from "../registry.js";
import type { LumoraNode } from "../node.js";
import { forbiddenReason, parseHost, parseIp } from "./address.js";
import { ROLE_EXECUTOR, ROLE_PROVIDER, encodeRelayStatement, signRelayStatement, verifyRelayAttestation, type RelayAttestation } from "./attest.js";
import {
  MAX_HOST_BYTES,
  RELAY_DATA_BYTES,
  RELAY_MAX_FRAME,
  RELAY_PROTOCOL,
  REFUSAL,
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
  type RefusalReason,
} from "./protocol.js";

/** A resolved address. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Options of {@link RelayProvider.start}. */
export interface RelayProviderOptions {
  /** Ports executors may ask for (default 80 and 443). */
  ports?: readonly number[];
  /** If set, only these hosts (exact names, or `*.suffix` for subdomains) are carried. */
  allowHosts?: readonly string[];
  /** Hosts never carried (exact names or `*.suffix`); checked before the allow list. */
  denyHosts?: readonly string[];
  /** Most concurrent sessions (default 64). */
  maxSessions?: number;
  /** Most concurrent sessions of one executor (default 8). */
  maxSessionsPerExecutor?: number;
  /** Relay rate limiter (carried bytes/s); its rate is set by a {@link HeadroomMonitor}. Default: uncapped. */
  bucket?: TokenBucket;
  /** TCP connect timeout, ms (default 10 000). */
  connectTimeoutMs?: number;
  /** Longest silence in a session (no frame from the executor), ms (default 60 000). */
  idleTimeoutMs?: number;
  /** Accept the session's epoch (default: any). */
  acceptEpoch?: (epoch: bigint) => boolean;
  /** Require the requester to be an active EXECUTOR in the registry (default true). */
  requireExecutorRole?: boolean;
  /** Host name resolution (default `dns.lookup`, every address). Tests map names with it. */
  lookup?: (host: string) => Promise<ResolvedAddress[]>;
  /**
   * TEST ONLY, off by default: let sessions reach loopback addresses (127/8, ::1) so the loopback
   * fixture site can be relayed to. Every other non-public block stays refused.
   */
  allowLoopbackForTests?: boolean;
  /** A finished session, with both signed statements (the executor's is null if it never sent a valid one). */
  onSession?: (s: RelaySessionRecord) => void | Promise<void>;
  /** A refusal, as sent. */
  onRefusal?: (r: { executor: string; reason: RefusalReason; detail: string }) => void;
}

/** What the provider keeps of one session. */
export interface RelaySessionRecord {
  sessionId: Uint8Array;
  epoch: bigint;
  /** Executor node key, base58. */
  executor: string;
  /** Bytes carried executor → site and site → executor. */
  bytesUp: bigint;
  bytesDown: bigint;
  /** The provider's own signed statement. */
  provider: RelayAttestation;
  /** The executor's signed statement, checked; null if none arrived (executor gone, bad signature). */
  executorAttestation: RelayAttestation | null;
  /** How the session ended. */
  outcome: "closed" | "aborted";
}

/** Refusal counters, by reason. */
export type RefusalCounts = Partial<Record<RefusalReason, number>>;

function hostMatches(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    const q = p.toLowerCase();
    return q.startsWith("*.") ? host.endsWith(q.slice(1)) : host === q;
  });
}

const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Provider side of `/lumora/relay/1`; see the module doc. */
export class RelayProvider {
  /** Sessions open now. */
  active = 0;
  /** Sessions served (opened) since start. */
  sessions = 0;
  /** Bytes carried since start (both directions): the headroom monitor subtracts them. */
  carriedBytes = 0;
  /** Refusals since start, by reason. */
  readonly refusals: RefusalCounts = {};
  private readonly perExecutor = new Map<string, number>();
  private readonly ports: Set<number>;
  private readonly bucket: TokenBucket;
  private readonly open = new Set<{ socket: net.Socket | null; abort: () => void }>();

  private constructor(
    private readonly node: LumoraNode,
    private readonly o: RelayProviderOptions,
  ) {
    this.ports = new Set(o.ports ?? [80, 443]);
    this.bucket = o.bucket ?? new TokenBucket({ rateBytesPerSec: Infinity });
  }

  /** Registers `/lumora/relay/1` on `node`. */
  static async start(node: LumoraNode, o: RelayProviderOptions = {}): Promise<RelayProvider> {
    const p = new RelayProvider(node, o);
    await node.handle(RELAY_PROTOCOL, async (stream, connection) => {
      stream.inactivityTimeout = o.idleTimeoutMs ?? 60_000;
      const f = new RelayFramer(stream, { maxFrameBytes: RELAY_MAX_FRAME });
      await p.serve(f, connection.remotePeer);
    });
    return p;
  }

  /** Stops accepting sessions and drops the open ones. */
  async stop(): Promise<void> {
    await this.node.libp2p.unhandle(RELAY_PROTOCOL).catch(() => undefined);
    for (const s of this.open) s.abort();
  }

  private refuse(executor: string, reason: RefusalReason, detail: string): RelayRefusedError {
    this.refusals[reason] = (this.refusals[reason] ?? 0) + 1;
    this.o.onRefusal?.({ executor, reason, detail });
    return new RelayRefusedError(reason, detail);
  }

  /** Vets a destination; returns the address to connect to. Throws {@link RelayRefusedError}. */
  async vet(executor: string, host: string, port: number): Promise<ResolvedAddress> {
    if (!this.ports.has(port)) throw this.refuse(executor, "PortNotAllowed", `port ${port} is not carried (allowed: ${[...this.ports].join(", ")})`);
    const parsed = parseHost(host);
    if (!parsed) throw this.refuse(executor, "BadRequest", `${JSON.stringify(host.slice(0, 64))} is neither a host name nor an IP address`);
    const policy = { allowLoopback: this.o.allowLoopbackForTests === true };
    if (parsed.kind === "ip") {
      const why = forbiddenReason(parsed.address, policy);
      if (why) throw this.refuse(executor, "ForbiddenAddress", `${host} is ${why}`);
      if (this.o.allowHosts && !hostMatches(parsed.address, this.o.allowHosts)) throw this.refuse(executor, "HostDenied", `${parsed.address} is not on this provider's allow list`);
      if (this.o.denyHosts && hostMatches(parsed.address, this.o.denyHosts)) throw this.refuse(executor, "HostDenied", `${parsed.address} is on this provider's deny list`);
      return { address: parsed.address, family: parsed.family };
    }
    const name = parsed.name;
    if (this.o.denyHosts && hostMatches(name, this.o.denyHosts)) throw this.refuse(executor, "HostDenied", `${name} is on this provider's deny list`);
    if (this.o.allowHosts && !hostMatches(name, this.o.allowHosts)) throw this.refuse(executor, "HostDenied", `${name} is not on this provider's allow list`);
    let addrs: ResolvedAddress[];
    try {
      addrs = await (this.o.lookup ?? ((h: string) => dnsLookup(h, { all: true, verbatim: true })))(name);
    } catch (e) {
      throw this.refuse(executor, "DnsFailed", `cannot resolve ${name}: ${(e as Error).message}`);
    }
    if (addrs.length === 0) throw this.refuse(executor, "DnsFailed", `${name} has no address`);
    for (const a of addrs) {
      const why = forbiddenReason(a.address, policy);
      if (why) throw this.refuse(executor, "ForbiddenAddress", `${name} resolves to ${a.address}, ${why}`);
    }
    return { address: addrs[0]!.address, family: addrs[0]!.family === 6 ? 6 : 4 };
  }

  private async serve(f: RelayFramer, remote: PeerId): Promise<void> {
    const executor = nodeKeyOfPeer(remote);
    const exec58 = executor ? bs58.encode(executor) : remote.toString();
    const timeoutMs = this.o.idleTimeoutMs ?? 60_000;
    const first = await f.read(this.node.limits.frameTimeoutMs);
    if (first === null) return;
    let sessionId: Uint8Array, epoch: bigint, port: number, host: string;
    try {
      const r = new Reader(first);
      if (r.u8() !== T_OPEN) throw new FrameError("unexpected", "expected OPEN");
      sessionId = r.bytes(SESSION_ID_BYTES).slice();
      epoch = r.u64();
      port = r.u16();
      const h = r.rest();
      if (h.length < 1 || h.length > MAX_HOST_BYTES || h.some((b) => b < 0x21 || b > 0x7e)) throw new FrameError("malformed", "host must be 1-253 printable ASCII bytes");
      host = new TextDecoder().decode(h);
    } catch (e) {
      await this.sendRefused(f, this.refuse(exec58, "BadRequest", (e as Error).message));
      return;
    }

    // who may ask, and how many at once
    let counted = false;
    try {
      if (executor === null || eq(executor, this.node.nodeKey.publicKey)) throw this.refuse(exec58, "Unauthorized", "the requester is not another node's ed25519 key");
      if ((this.o.requireExecutorRole ?? true) && !hasRoles(this.node.registry, executor, ROLES.EXECUTOR)) throw this.refuse(exec58, "Unauthorized", "not an active EXECUTOR in the registry");
      if (this.o.acceptEpoch && !this.o.acceptEpoch(epoch)) throw this.refuse(exec58, "Epoch", `epoch ${epoch} refused`);
      if (this.active >= (this.o.maxSessions ?? 64)) throw this.refuse(exec58, "Busy", `${this.active} sessions open`);
      if ((this.perExecutor.get(exec58) ?? 0) >= (this.o.maxSessionsPerExecutor ?? 8)) throw this.refuse(exec58, "ExecutorLimit", `${this.perExecutor.get(exec58)} sessions open for this executor`);
      this.active++;
      this.perExecutor.set(exec58, (this.perExecutor.get(exec58) ?? 0) + 1);
      counted = true;
      await this.session(f, { executor: executor, exec58, sessionId, epoch, host, port, timeoutMs });
    } catch (e) {
      if (e instanceof RelayRefusedError) return this.sendRefused(f, e);
      throw e;
    } finally {
      if (counted) {
        this.active--;
        const n = (this.perExecutor.get(exec58) ?? 1) - 1;
        if (n <= 0) this.perExecutor.delete(exec58);
        else this.perExecutor.set(exec58, n);
      }
    }
  }

  private async sendRefused(f: RelayFramer, e: RelayRefusedError): Promise<void> {
    const msg = new TextEncoder().encode(e.detail).subarray(0, 256);
    await Promise.race([f.send(new Writer().u8(T_REFUSED).u16(REFUSAL[e.reason as RefusalReason] ?? 0).bytes(msg).finish()).catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
    await f.stream.close().catch(() => undefined);
  }

  private connect(target: ResolvedAddress, port: number, exec58: string): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      // the vetted address itself: no name, so no second resolution
      const socket = net.connect({ host: target.address, port, family: target.family, noDelay: true });
      const t = setTimeout(() => {
        socket.destroy();
        reject(this.refuse(exec58, "ConnectFailed", `no connection within ${this.o.connectTimeoutMs ?? 10_000} ms`));
      }, this.o.connectTimeoutMs ?? 10_000);
      socket.once("connect", () => {
        clearTimeout(t);
        socket.removeAllListeners("error");
        resolve(socket);
      });
      socket.once("error", (err) => {
        clearTimeout(t);
        reject(this.refuse(exec58, "ConnectFailed", err.message));
      });
    });
  }

  private async session(
    f: RelayFramer,
    s: { executor: Uint8Array; exec58: string; sessionId: Uint8Array; epoch: bigint; host: string; port: number; timeoutMs: number },
  ): Promise<void> {
    const target = await this.vet(s.exec58, s.host, s.port);
    const socket = await this.connect(target, s.port, s.exec58);
    this.sessions++;
    let up = 0n;
    let down = 0n;
    let aborted = false;
    const entry = {
      socket,
      abort: () => {
        aborted = true;
        socket.destroy();
        f.stream.abort(new Error("relay stopped"));
      },
    };
    this.open.add(entry);
    socket.on("error", () => undefined);
    try {
      const addr = new Writer().u8(T_OPENED).u8(target.family);
      await f.send(addr.bytes(parseIp(target.address)!.bytes).finish());

      // site → executor: read the socket (async iteration pulls only as fast as we send), take tokens, send DATA
      const downstream = (async () => {
        try {
          for await (const chunk of socket as AsyncIterable<Buffer>) {
            // at a low headroom, smaller frames: a 64 KiB take at 8 KiB/s would hold a CLOSE for 8 s
            const slice = Math.max(16 * 1024, Math.min(RELAY_DATA_BYTES, Math.floor(this.bucket.rateBytesPerSec / 8)));
            for (let o = 0; o < chunk.length; o += slice) {
              const part = chunk.subarray(o, o + slice);
              await this.bucket.take(part.length);
              await f.send(Uint8Array.of(T_DATA), part);
              down += BigInt(part.length);
              this.carriedBytes += part.length;
            }
          }
        } catch {
          /* the socket failed or was destroyed at CLOSE */
        }
        if (!socket.destroyed || socket.readableEnded) await f.send(Uint8Array.of(T_FIN)).catch(() => undefined);
      })();

      // executor → site: DATA frames into the socket (waiting for its drain), FIN → half-close, CLOSE → done
      let closed = false;
      for (;;) {
        const body = await f.read(s.timeoutMs);
        if (body === null) break;
        const r = new Reader(body);
        const t = r.u8();
        if (t === T_DATA) {
          const data = r.rest();
          if (data.length === 0) throw new FrameError("malformed", "empty DATA");
          await this.bucket.take(data.length);
          up += BigInt(data.length);
          this.carriedBytes += data.length;
          if (!socket.destroyed && !socket.write(data))
            await new Promise<void>((res) => {
              const done = () => (socket.off("drain", done), socket.off("close", done), res());
              socket.on("drain", done).on("close", done);
            });
        } else if (t === T_FIN) {
          r.end();
          socket.end();
        } else if (t === T_CLOSE) {
          r.end();
          closed = true;
          break;
        } else if (t === FRAME_ERROR) {
          break;
        } else throw new FrameError("unexpected", `frame type ${t}`);
      }
      socket.destroy();
      await downstream;
      if (!closed) {
        await this.finish(s, up, down, null, "aborted");
        await f.stream.close().catch(() => undefined);
        return;
      }
      // the provider's statement follows its last DATA frame; then the executor's
      const mine = signRelayStatement({ role: ROLE_PROVIDER, sessionId: s.sessionId, epoch: s.epoch, executor: s.executor, provider: this.node.nodeKey.publicKey, bytesUp: up, bytesDown: down }, this.node.nodeKey.secretKey);
      await f.send(new Writer().u8(T_ATTEST).u64(up).u64(down).bytes(mine.signature).finish());
      let theirs: RelayAttestation | null = null;
      try {
        const body = await f.read(this.node.limits.frameTimeoutMs);
        if (body) {
          const r = new Reader(body);
          if (r.u8() === T_ATTEST) {
            const st = { role: ROLE_EXECUTOR, sessionId: s.sessionId, epoch: s.epoch, executor: s.executor, provider: this.node.nodeKey.publicKey, bytesUp: r.u64(), bytesDown: r.u64() } as const;
            const signature = r.bytes(64).slice();
            r.end();
            const message = encodeRelayStatement(st);
            if (verifyRelayAttestation({ message, signature })) theirs = { ...st, message, signature };
          }
        }
      } catch {
        /* no statement from the executor: the provider keeps its own */
      }
      await this.finish(s, up, down, mine, "closed", theirs);
      await f.stream.close().catch(() => undefined);
    } catch (e) {
      socket.destroy();
      if (!aborted) await this.finish(s, up, down, null, "aborted");
      if (e instanceof FrameError) {
        await Promise.race([f.send(errorFrame(1, e.code)).catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
      }
      throw e;
    } finally {
      this.open.delete(entry);
    }
  }

  private async finish(
    s: { executor: Uint8Array; exec58: string; sessionId: Uint8Array; epoch: bigint },
    up: bigint,
    down: bigint,
    mine: RelayAttestation | null,
    outcome: "closed" | "aborted",
    theirs: RelayAttestation | null = null,
  ): Promise<void> {
    if (up === 0n && down === 0n && outcome === "aborted") return;
    const provider = mine ?? signRelayStatement({ role: ROLE_PROVIDER, sessionId: s.sessionId, epoch: s.epoch, executor: s.executor, provider: this.node.nodeKey.publicKey, bytesUp: up, bytesDown: down }, this.node.nodeKey.secretKey);
    try {
      await this.o.onSession?.({ sessionId: s.sessionId, epoch: s.epoch, executor: s.exec58, bytesUp: up, bytesDown: down, provider, executorAttestation: theirs, outcome });
    } catch {
      /* the store's problem must not break the stream */
    }
  }
}
