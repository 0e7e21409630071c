/**
 * The relay duty (docs/relay.md, `/lumora/relay/1`), both sides:
 *
 *   provider  (`relay.serve`) carries executors' connections: every destination vetted by the provider
 *             itself (public addresses only, pinned, ports and host lists from the config, session
 *             limits), throughput bounded by the headroom its owner's own traffic leaves under the
 *             limit (/proc/net/dev sampled every 500 ms); each session's bytes and both ends' signed
 *             statements go to the store (`relay_sessions`), each refusal by reason (`relay_refusals`).
 *   executor  (`relay.use`) hands the scraper a connector: it tries the registry's providers nearest
 *             first (measured RTT, plus the distance from their location to the data source when the
 *             caller knows it), moves on after a refusal or a failure (a failed provider rests a
 *             minute), and — unless `relay.fallbackDirect` is off — connects directly when none carries
 *             the connection, with the reason logged.
 * @module
 */
import { PublicKey } from "@solana/web3.js";
import type { LumoraClient } from "@lumora/sdk";
import type { Duplex } from "node:stream";
import {
  HeadroomMonitor,
  type LumoraNode,
  RelayProvider,
  RelayRefusedError,
  ROLES,
  TokenBucket,
  openRelay,
  peerIdOfNodeKey,
  procNetDevSource,
  rankProviders,
  type HeadroomSample,
  type RegistryView,
  type RelayCandidate,
  type RelayClientResult,
} from "@lumora/network";
import type { ConnectTarget, Connector } from "../scrape/index.js";
import type { NodeState } from "../state.js";
import type { DashboardRelay } from "../dashboard/types.js";
import type { RelayConfig } from "../config.js";

export { RELAY_DEFAULTS, type RelayConfig } from "../config.js";

const b58 = (k: Uint8Array) => new PublicKey(k).toBase58();

/** A provider known to the executor, with its location (micro-degrees) when registered. */
export interface RelayDirectoryEntry {
  nodeKey: Uint8Array;
  latE6?: number;
  lonE6?: number;
}

export interface RelayDutyOptions {
  config: RelayConfig;
  state: NodeState;
  /** The registry view: providers (PROVIDER, active) and their multiaddrs. */
  registry: RegistryView;
  /** The current rewards epoch (named in every session). */
  epoch: () => bigint;
  /** TEST ONLY: the provider may reach loopback (the fixture site); the daemon's `allowLoopback`. */
  allowLoopbackForTests: boolean;
  /** Provider: the operator's limit, interface bytes per second. */
  limitBps: number;
  /** Provider: traffic counter (default /proc/net/dev); injectable for tests. */
  trafficSource?: () => number;
  /** Executor: reads where the providers are (the daemon: the chain's PROVIDER nodes with their location); refreshed every 10 s. */
  loadDirectory?: () => Promise<RelayDirectoryEntry[]>;
}

/** What the dashboard shows of the relay. */
export interface RelayStatus {
  serving: boolean;
  using: boolean;
  /** Provider: sessions open now, and since start. */
  activeSessions: number;
  sessionsSinceStart: number;
  /** Provider: the latest headroom sample (interface bytes/s for the owner; carried bytes/s for the relay). */
  headroom: HeadroomSample | null;
  limitBps: number;
  /** Provider: where the owner's traffic comes from ("/proc/net/dev" or why it is not read). */
  trafficSource: string;
}

/** Both sides of the relay for one daemon; see the module doc. */
export class RelayDuty {
  provider: RelayProvider | null = null;
  monitor: HeadroomMonitor | null = null;
  private trafficSource = "off";
  private net: LumoraNode | null = null;
  private directory: RelayDirectoryEntry[] = [];
  private directoryAt = 0;
  /** Executor: providers that failed, resting until (ms). */
  private readonly resting = new Map<string, number>();

  constructor(private readonly o: RelayDutyOptions) {}

  /** Starts the provider side when configured (the executor side needs only the node). */
  async start(net: LumoraNode): Promise<void> {
    this.net = net;
    const c = this.o.config;
    if (!c.serve) return;
    const bucket = new TokenBucket({ rateBytesPerSec: this.o.limitBps / c.footprint });
    let source = this.o.trafficSource;
    if (!source) {
      try {
        source = procNetDevSource(c.interfaces ? { interfaces: c.interfaces } : {});
        this.trafficSource = "/proc/net/dev";
      } catch (e) {
        // not Linux: the relay keeps the static share of the limit, and says so
        this.trafficSource = `unavailable (${(e as Error).message.slice(0, 80)}): static limit`;
        this.o.state.log("warn", "relay: cannot read the owner's traffic; the relay gets the static limit", { error: (e as Error).message });
      }
    } else this.trafficSource = "injected";
    this.provider = await RelayProvider.start(net, {
      ports: c.ports,
      allowHosts: c.allowHosts.length ? c.allowHosts : undefined,
      denyHosts: c.denyHosts,
      maxSessions: c.maxSessions,
      maxSessionsPerExecutor: c.maxSessionsPerExecutor,
      bucket,
      allowLoopbackForTests: this.o.allowLoopbackForTests,
      onSession: (s) => {
        this.o.state.relay.record({
          sessionId: s.sessionId,
          role: "provider",
          epoch: s.epoch,
          peer: s.executor,
          bytesUp: s.bytesUp,
          bytesDown: s.bytesDown,
          outcome: s.outcome,
          provider: { message: s.provider.message, signature: s.provider.signature },
          executor: s.executorAttestation ? { message: s.executorAttestation.message, signature: s.executorAttestation.signature } : null,
        });
      },
      onRefusal: (r) => {
        this.o.state.relay.refuse(this.o.epoch(), r.reason);
        this.o.state.log("info", "relay refused", { executor: r.executor, reason: r.reason, detail: r.detail.slice(0, 200) });
      },
    });
    if (source) {
      const provider = this.provider;
      this.monitor = new HeadroomMonitor({ limitBps: this.o.limitBps, source, relayBytes: () => provider.carriedBytes, bucket, footprint: c.footprint }).start();
    }
  }

  /** The operator changed the limit (interface bytes per second). */
  setLimit(limitBps: number): void {
    this.o.limitBps = limitBps;
    this.monitor?.setLimit(limitBps);
  }

  status(): RelayStatus {
    return {
      serving: this.provider !== null,
      using: this.o.config.use,
      activeSessions: this.provider?.active ?? 0,
      sessionsSinceStart: this.provider?.sessions ?? 0,
      headroom: this.monitor?.last ?? null,
      limitBps: this.o.limitBps,
      trafficSource: this.trafficSource,
    };
  }

  /** The dashboard's relay card: live headroom, per-epoch sessions from the store, this epoch's refusals. */
  dashboard(): DashboardRelay {
    const h = this.monitor?.last ?? null;
    const store = this.o.state.relay;
    return {
      serving: this.provider !== null,
      using: this.o.config.use,
      activeSessions: this.provider?.active ?? 0,
      ownerBps: h ? Math.round(h.ownerBps) : null,
      relayBps: h ? Math.round(h.relayBps) : null,
      headroomBps: h ? Math.round(h.headroomBps) : null,
      limitBps: this.o.limitBps,
      trafficSource: this.trafficSource,
      epochs: store.summary().map((e) => ({ epoch: Number(e.epoch), role: e.role, sessions: e.sessions, bytesUp: e.bytesUp.toString(), bytesDown: e.bytesDown.toString(), attestedBoth: e.attestedBoth })),
      refusals: store.refusals(this.o.epoch()),
    };
  }

  /** Providers to try for a connection, nearest first (RTT measured now when never sampled). */
  async candidates(source?: { latE6: number; lonE6: number }): Promise<RelayCandidate<RelayDirectoryEntry>[]> {
    const net = this.net;
    if (!net) return [];
    const me = b58(net.nodeKey.publicKey);
    if (this.o.loadDirectory && Date.now() - this.directoryAt > 10_000) {
      this.directory = await this.o.loadDirectory().catch(() => this.directory);
      this.directoryAt = Date.now();
    }
    const entries = this.directory.filter((e) => b58(e.nodeKey) !== me);
    const now = Date.now();
    const live = entries.filter((e) => (this.resting.get(b58(e.nodeKey)) ?? 0) <= now && this.o.registry.lookup(e.nodeKey)?.active && ((this.o.registry.lookup(e.nodeKey)?.roles ?? 0) & ROLES.PROVIDER) !== 0);
    const cands = await Promise.all(
      live.map(async (e) => {
        const peer = peerIdOfNodeKey(e.nodeKey);
        let rtt = net.rttOf(peer)?.srttMs;
        if (rtt === undefined) {
          const addr = this.o.registry.lookup(e.nodeKey)?.multiaddrs[0];
          if (addr) await net.dial(addr).catch(() => undefined);
          rtt = await net
            .measureRtt(peer)
            .then((r) => r.srttMs)
            .catch(() => undefined);
        }
        return { peer: e, rttMs: rtt, latE6: e.latE6, lonE6: e.lonE6 };
      }),
    );
    return rankProviders(cands, source).filter((c) => c.rttMs !== undefined);
  }

  /**
   * The executor's connector for the scraper: a relayed socket through the nearest provider that carries
   * it, or `null` (direct) when none does and `fallbackDirect` allows it. `source`: the data source's
   * location when the caller knows it.
   */
  connector(source?: { latE6: number; lonE6: number }): Connector {
    return async (t: ConnectTarget, signal?: AbortSignal): Promise<Duplex | null> => {
      const net = this.net;
      const why: string[] = [];
      if (net) {
        for (const c of await this.candidates(source)) {
          if (signal?.aborted) break;
          const key = b58(c.peer.nodeKey);
          const epoch = this.o.epoch();
          try {
            const s = await openRelay(net, { peer: peerIdOfNodeKey(c.peer.nodeKey), host: t.host, port: t.port, epoch, signal });
            void s.done.then((r) => this.recordExecutorSide(s.sessionId, key, epoch, r));
            return s.socket;
          } catch (e) {
            if (e instanceof RelayRefusedError) {
              why.push(`${key.slice(0, 8)}: ${e.reason}`);
              if (e.reason === "Busy" || e.reason === "ExecutorLimit") this.rest(key, 5_000);
            } else {
              why.push(`${key.slice(0, 8)}: ${(e as Error).message.slice(0, 80)}`);
              this.rest(key, 60_000);
            }
          }
        }
      }
      const reason = why.length ? why.join("; ") : "no relay provider known";
      if (!this.o.config.fallbackDirect) throw new Error(`relay: no provider carried ${t.host}:${t.port} (${reason})`);
      this.o.state.log("warn", "relay: connecting directly", { host: t.host, port: t.port, reason: reason.slice(0, 300) });
      return null;
    };
  }

  private rest(key: string, ms: number): void {
    this.resting.set(key, Date.now() + ms);
  }

  /** Executor side: the session's outcome; a broken session rests its provider and is recorded as broken. */
  private recordExecutorSide(sessionId: Uint8Array, provider: string, epoch: bigint, r: RelayClientResult): void {
    if (r.outcome === "broken") this.rest(provider, 60_000);
    if (r.bytesUp === 0n && r.bytesDown === 0n) return;
    try {
      this.o.state.relay.record({
        sessionId,
        role: "executor",
        epoch,
        peer: provider,
        bytesUp: r.bytesUp,
        bytesDown: r.bytesDown,
        outcome: r.outcome,
        provider: r.provider ? { message: r.provider.message, signature: r.provider.signature } : null,
        executor: r.executor ? { message: r.executor.message, signature: r.executor.signature } : null,
      });
    } catch (e) {
      this.o.state.log("warn", "relay: session not recorded", { error: (e as Error).message.slice(0, 200) });
    }
  }

  async stop(): Promise<void> {
    this.monitor?.stop();
    await this.provider?.stop();
  }
}

/**
 * The data source's location for proximity: the target location of this node's open task with `specHash`
 * (the task account's `latE6`/`lonE6`), or undefined when none is known.
 */
export async function taskSource(client: LumoraClient, state: NodeState, specHash: Uint8Array): Promise<{ latE6: number; lonE6: number } | undefined> {
  const rec = state.openTasks().find((t) => Buffer.from(t.specHash).equals(Buffer.from(specHash)));
  if (!rec) return undefined;
  const task = await client.tasks.fetchTask(new PublicKey(rec.task)).catch(() => null);
  return task ? { latE6: task.latE6, lonE6: task.lonE6 } : undefined;
}
