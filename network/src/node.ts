/**
 * The Lumora libp2p node: TCP + noise + yamux, identify, ping, a Kademlia DHT under the Lumora
 * protocol prefix, gossipsub, and the Lumora stream protocols (`/lumora/chunks/1`, `/lumora/pob/2`, `/lumora/totals/1`).
 * The peer identity is the node key ({@link NodeKey}), so every PeerId is a registry entry's key.
 * @module
 */
import { createLibp2p, type Libp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify, type Identify } from "@libp2p/identify";
import { ping, type Ping } from "@libp2p/ping";
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type KadDHT, type SingleKadDHT } from "@libp2p/kad-dht";
import { gossipsub, type GossipSub } from "@libp2p/gossipsub";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import type { PeerId, Stream, Connection } from "@libp2p/interface";
import bs58 from "bs58";
import { generateNodeKey, libp2pPrivateKey, nodeKeyFrom, nodeKeyOfPeer, type NodeKey } from "./identity.js";
import type { RegistryView } from "./registry.js";
import { TokenBucket } from "./bucket.js";
import { RttTable, type RttStats } from "./rtt.js";
import {
  DHT_PROTOCOL,
  NODE_NAMESPACE,
  SPEC_NAMESPACE,
  decodeNodeRecord,
  encodeNodeRecord,
  nodeRecordKey,
  selectNodeRecord,
  specHash,
  specKey,
  validateNodeRecord,
  validateSpecRecord,
  type NodeRecord,
} from "./records.js";
import {
  MAX_GOSSIP_BYTES,
  TOPIC_HEALTH,
  TOPIC_TASKS,
  encodeGossip,
  gossipMsgId,
  makeGossipValidator,
  parseGossip,
  type GossipDelivery,
  type GossipLimits,
  type GossipPayload,
} from "./gossip.js";
import { FrameError } from "./frames.js";

/** Services of a Lumora libp2p node. */
export interface LumoraServices extends Record<string, unknown> {
  identify: Identify;
  ping: Ping;
  dht: KadDHT;
  pubsub: GossipSub;
}

/** Stream-level limits shared by the Lumora protocols. */
export interface StreamLimits {
  /** Longest wait for one complete inbound frame, ms (slow-loris bound). */
  frameTimeoutMs: number;
  /** Most concurrent inbound streams per Lumora protocol. */
  maxInboundStreams: number;
}

/** Options of {@link LumoraNode.create}. */
export interface LumoraNodeInit {
  /** The node key: a {@link NodeKey}, a 64-byte secret key or a 32-byte seed. Random when omitted (consumers). */
  nodeKey?: NodeKey | Uint8Array;
  /** Listen multiaddrs; default `/ip4/127.0.0.1/tcp/0`. */
  listen?: string[];
  /** Multiaddrs (with `/p2p/<id>`) to dial at start, in addition to the registry's. */
  bootstrap?: string[];
  /** The registry view used to admit gossip and PoB peers. */
  registry: RegistryView;
  /** The operator's bandwidth limit, bytes/s: caps what this node serves. Default: uncapped. */
  bandwidthLimitBps?: number;
  /** Token bucket burst, bytes (default: 1/10 s of the limit, ≥ 64 KiB). */
  bandwidthBurstBytes?: number;
  /** Keep loopback/private addresses in the DHT (loopback tests, private clusters). Default false. */
  allowPrivateAddresses?: boolean;
  /** Run the DHT as a client only (consumers behind NAT). Default false (server). */
  dhtClientMode?: boolean;
  /** RTT sampling interval over connected peers, ms; 0 disables the loop. Default 10 000. */
  rttIntervalMs?: number;
  /** Gossip staleness bounds. */
  gossipLimits?: GossipLimits;
  /** Stream limits. */
  streamLimits?: Partial<StreamLimits>;
}

/** Per-protocol counters of inbound streams closed for an error (malformed, oversized, slow …). */
export type ProtocolErrorCounts = Record<string, number>;

export const DEFAULT_STREAM_LIMITS: StreamLimits = { frameTimeoutMs: 10_000, maxInboundStreams: 32 };

/** A running Lumora node. Create with {@link LumoraNode.create}. */
export class LumoraNode {
  /** Inbound streams closed with an error, by protocol. */
  readonly protocolErrors: ProtocolErrorCounts = {};
  /** Smoothed RTT per peer. */
  readonly rtt = new RttTable();
  private rttTimer: ReturnType<typeof setInterval> | undefined;
  private readonly pinging = new Map<string, Promise<unknown>>();
  private readonly gossipHandlers = new Map<string, Set<(d: GossipDelivery) => void>>();

  private constructor(
    /** The libp2p node. */
    readonly libp2p: Libp2p<LumoraServices>,
    /** This node's key. */
    readonly nodeKey: NodeKey,
    /** The registry view. */
    readonly registry: RegistryView,
    /** The serving-bandwidth limiter shared by every protocol. */
    readonly bucket: TokenBucket,
    /** Stream limits. */
    readonly limits: StreamLimits,
    private readonly init: LumoraNodeInit,
  ) {}

  /** Builds and starts a node. */
  static async create(init: LumoraNodeInit): Promise<LumoraNode> {
    const key = init.nodeKey === undefined ? generateNodeKey() : init.nodeKey instanceof Uint8Array ? nodeKeyFrom(init.nodeKey) : init.nodeKey;
    const limits = { ...DEFAULT_STREAM_LIMITS, ...init.streamLimits };
    const registry = init.registry;
    const validate = makeGossipValidator({ registry, limits: init.gossipLimits });
    const libp2p = await createLibp2p({
      privateKey: libp2pPrivateKey(key),
      addresses: { listen: init.listen ?? ["/ip4/127.0.0.1/tcp/0"] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      // 256 KiB yamux frames (default 64 KiB) and a 1 MiB initial window: ~1.5× bulk throughput on
      // loopback (docs/network.md, Measured) while a peer can still pin at most 1 MiB per idle stream.
      streamMuxers: [yamux({ maxMessageSize: 256 * 1024, streamOptions: { initialStreamWindowSize: 1024 * 1024, maxStreamWindowSize: 16 * 1024 * 1024 } })],
      services: {
        identify: identify(),
        ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 4 }),
        dht: kadDHT({
          protocol: DHT_PROTOCOL,
          clientMode: init.dhtClientMode ?? false,
          peerInfoMapper: init.allowPrivateAddresses ? passthroughMapper : removePrivateAddressesMapper,
          validators: { [SPEC_NAMESPACE]: validateSpecRecord, [NODE_NAMESPACE]: validateNodeRecord },
          selectors: { [SPEC_NAMESPACE]: () => 0, [NODE_NAMESPACE]: selectNodeRecord },
          allowQueryWithZeroPeers: true,
        }),
        pubsub: gossipsub({
          globalSignaturePolicy: "StrictSign",
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          emitSelf: false,
          msgIdFn: gossipMsgId,
          maxInboundDataLength: MAX_GOSSIP_BYTES + 1024,
          allowedTopics: [TOPIC_TASKS, TOPIC_HEALTH],
        }),
      },
    });
    const bucket = new TokenBucket({ rateBytesPerSec: init.bandwidthLimitBps ?? Infinity, burstBytes: init.bandwidthBurstBytes });
    const node = new LumoraNode(libp2p, key, registry, bucket, limits, init);
    for (const topic of [TOPIC_TASKS, TOPIC_HEALTH]) {
      libp2p.services.pubsub.topicValidators.set(topic, (_peer, msg) => validate(topic, msg).result);
    }
    libp2p.services.pubsub.addEventListener("message", (evt) => node.deliver(evt.detail));
    libp2p.addEventListener("peer:disconnect", (evt) => void evt);
    await node.bootstrap();
    const every = init.rttIntervalMs ?? 10_000;
    if (every > 0) {
      node.rttTimer = setInterval(() => void node.sampleAll(), every);
      node.rttTimer.unref?.();
    }
    return node;
  }

  /** This node's PeerId. */
  get peerId(): PeerId {
    return this.libp2p.peerId;
  }

  /** Base58 node key. */
  get nodeKeyBase58(): string {
    return bs58.encode(this.nodeKey.publicKey);
  }

  /** Listening multiaddrs including `/p2p/<id>`. */
  multiaddrs(): Multiaddr[] {
    return this.libp2p.getMultiaddrs();
  }

  /** Dials the configured bootstrap list and the registry's registered multiaddrs; failures are skipped. Returns peers reached. */
  async bootstrap(extra: string[] = []): Promise<number> {
    const self = this.peerId.toString();
    const addrs = [...new Set([...(this.init.bootstrap ?? []), ...this.registry.bootstrapAddrs(), ...extra])].filter((a) => !a.includes(self));
    const results = await Promise.allSettled(addrs.map((a) => this.libp2p.dial(multiaddr(a), { signal: AbortSignal.timeout(10_000) })));
    const reached = results.filter((r) => r.status === "fulfilled").length;
    if (reached > 0) await this.selfLookup();
    return reached;
  }

  /**
   * Kademlia bootstrap: once identify has put the dialled peers in the routing table, look up our own
   * id so the peers closest to us learn of us and we of them. Without it a sparse network (a line)
   * leaves queries stuck in local minima. Bounded; failures leave the periodic self-query to retry.
   */
  async selfLookup(timeoutMs = 10_000): Promise<void> {
    try {
      await this.waitForDhtPeers(1, timeoutMs);
      await drain(this.libp2p.services.dht.getClosestPeers(this.peerId.toMultihash().bytes, { signal: AbortSignal.timeout(timeoutMs) }));
    } catch {
      /* the DHT's own periodic self-query retries */
    }
  }

  /** Dials one peer (multiaddr string or object). */
  async dial(addr: string | Multiaddr): Promise<Connection> {
    return this.libp2p.dial(typeof addr === "string" ? multiaddr(addr) : addr, { signal: AbortSignal.timeout(10_000) });
  }

  /** Pings a peer once, records the sample, returns the updated smoothed stats. */
  async measureRtt(peer: PeerId): Promise<RttStats> {
    // one ping at a time per peer: the ping protocol allows few concurrent streams
    const key = peer.toString();
    const prev = this.pinging.get(key) ?? Promise.resolve();
    const run = prev.then(async () => {
      const ms = await this.libp2p.services.ping.ping(peer, { signal: AbortSignal.timeout(10_000) });
      return this.rtt.record(key, ms)!;
    });
    const tail = run.catch(() => undefined).then(() => {
      if (this.pinging.get(key) === tail) this.pinging.delete(key);
    });
    this.pinging.set(key, tail);
    return run;
  }

  /** Smoothed RTT of a peer, if sampled. */
  rttOf(peer: PeerId | string): RttStats | undefined {
    return this.rtt.get(peer.toString());
  }

  private async sampleAll(): Promise<void> {
    const peers = this.libp2p.getPeers();
    await Promise.allSettled(peers.map((p) => this.measureRtt(p)));
  }

  // ---- DHT ----------------------------------------------------------------------------------

  /** Peers in the DHT routing table. */
  dhtPeerCount(): number {
    return (this.libp2p.services.dht as unknown as SingleKadDHT).routingTable?.size ?? 0;
  }

  /** Resolves once the routing table holds at least `n` peers (after bootstrap); throws after `timeoutMs`. */
  async waitForDhtPeers(n = 1, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.dhtPeerCount() < n) {
      if (Date.now() > end) throw new Error(`DHT routing table below ${n} peers after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stores a task spec under its SHA-256; returns the hash. Resolves once the put query finishes. */
  async putSpec(spec: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const hash = specHash(spec);
    validateSpecRecord(specKey(hash), spec);
    await drain(this.libp2p.services.dht.put(specKey(hash), spec, { signal: options.signal ?? AbortSignal.timeout(30_000) }));
    return hash;
  }

  /** Fetches a task spec by hash: re-hashed on arrival, mismatches dropped. `null` if not found. */
  async getSpec(hash: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | null> {
    const value = await this.getValue(specKey(hash), options.signal);
    if (value === null) return null;
    try {
      validateSpecRecord(specKey(hash), value); // defence in depth: never trust the DHT's own check
      return value;
    } catch {
      return null;
    }
  }

  /** Publishes this node's signed record (its current multiaddrs, roles, shard). */
  async publishNodeRecord(args: { roles: number; shard: number; signal?: AbortSignal }): Promise<void> {
    const value = encodeNodeRecord({ key: this.nodeKey, roles: args.roles, shard: args.shard, multiaddrs: this.multiaddrs() });
    await drain(this.libp2p.services.dht.put(nodeRecordKey(this.nodeKey.publicKey), value, { signal: args.signal ?? AbortSignal.timeout(30_000) }));
  }

  /**
   * Finds a node's record; `registered` tells whether the registry view knows the key as active.
   * Adds the record's addresses to the peer store so the node can be dialled by PeerId.
   */
  async findNodeRecord(nodeKey: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<(NodeRecord & { registered: boolean }) | null> {
    const value = await this.getValue(nodeRecordKey(nodeKey), options.signal);
    if (value === null) return null;
    try {
      validateNodeRecord(nodeRecordKey(nodeKey), value);
    } catch {
      return null;
    }
    const rec = decodeNodeRecord(value);
    const entry = this.registry.lookup(nodeKey);
    return { ...rec, registered: entry !== undefined && entry.active };
  }

  private async getValue(key: Uint8Array, signal?: AbortSignal): Promise<Uint8Array | null> {
    // local store first (a node that holds the record answers itself), then the network
    let best: Uint8Array | null = null;
    try {
      for await (const evt of this.libp2p.services.dht.get(key, { signal: signal ?? AbortSignal.timeout(30_000) })) {
        if (evt.name === "VALUE") {
          best = evt.value;
          break;
        }
      }
    } catch (err) {
      if ((err as Error).name !== "NotFoundError") throw err;
    }
    return best;
  }

  // ---- gossip -------------------------------------------------------------------------------

  /** Subscribes to a Lumora topic; `handler` receives validated, de-duplicated messages. Returns an unsubscribe function. */
  subscribe(topic: typeof TOPIC_TASKS | typeof TOPIC_HEALTH, handler: (d: GossipDelivery) => void): () => void {
    let set = this.gossipHandlers.get(topic);
    if (set === undefined) {
      set = new Set();
      this.gossipHandlers.set(topic, set);
      this.libp2p.services.pubsub.subscribe(topic);
    }
    set.add(handler);
    return () => {
      set!.delete(handler);
      if (set!.size === 0) {
        this.gossipHandlers.delete(topic);
        this.libp2p.services.pubsub.unsubscribe(topic);
      }
    };
  }

  /** Peers in this node's gossipsub mesh for `topic` (the ones it relays to). */
  meshPeers(topic: string): PeerId[] {
    const ps = this.libp2p.services.pubsub as unknown as { getMeshPeers?: (t: string) => PeerId[] };
    return ps.getMeshPeers?.(topic) ?? [];
  }

  /** Publishes a payload (schema-checked before sending). Returns how many peers it was sent to. */
  async publish(topic: typeof TOPIC_TASKS | typeof TOPIC_HEALTH, payload: GossipPayload): Promise<number> {
    const res = await this.libp2p.services.pubsub.publish(topic, encodeGossip(topic, payload));
    return res.recipients.length;
  }

  /** Publishes raw bytes, unchecked (tests and fuzzing only). */
  async publishRaw(topic: string, data: Uint8Array): Promise<number> {
    const res = await this.libp2p.services.pubsub.publish(topic, data);
    return res.recipients.length;
  }

  private deliver(msg: import("@libp2p/gossipsub").Message): void {
    const handlers = this.gossipHandlers.get(msg.topic);
    if (handlers === undefined || msg.type !== "signed") return;
    const payload = parseGossip(msg.topic, msg.data);
    const nodeKey = nodeKeyOfPeer(msg.from);
    if (payload === null || nodeKey === null) return; // validators already rejected these; belt and braces
    for (const h of handlers) {
      try {
        h({ topic: msg.topic, from: msg.from, nodeKey, payload });
      } catch {
        /* a faulty handler must not break delivery to the others */
      }
    }
  }

  // ---- stream protocol plumbing -------------------------------------------------------------

  /**
   * Registers a Lumora stream protocol. Handler errors close that stream (abort, with the error) and
   * are counted in {@link protocolErrors}; they never propagate.
   */
  async handle(protocol: string, handler: (stream: Stream, connection: Connection) => Promise<void>): Promise<void> {
    await this.libp2p.handle(
      protocol,
      async (stream, connection) => {
        try {
          await handler(stream, connection);
        } catch (err) {
          this.protocolErrors[protocol] = (this.protocolErrors[protocol] ?? 0) + 1;
          const e = err instanceof Error ? err : new FrameError("internal", String(err));
          try {
            stream.abort(e);
          } catch {
            /* already closed */
          }
        }
      },
      { maxInboundStreams: this.limits.maxInboundStreams, maxOutboundStreams: this.limits.maxInboundStreams * 4 },
    );
  }

  /** Stops the node. */
  async stop(): Promise<void> {
    if (this.rttTimer !== undefined) clearInterval(this.rttTimer);
    await this.libp2p.stop();
  }
}

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}
