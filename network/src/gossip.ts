/**
 * Gossipsub message format and validation. Topics: {@link TOPIC_TASKS} (task announcements) and
 * {@link TOPIC_HEALTH} (network health). Every message is signed by the publisher's libp2p key — its
 * node key — under gossipsub's StrictSign policy, and accepted only if that key is an active entry of
 * the registry view. Payloads are UTF-8 JSON of a fixed shape (below), at most {@link MAX_GOSSIP_BYTES};
 * unknown fields, wrong types or out-of-range values are rejected. Duplicates are dropped by the
 * message id (SHA-256 of publisher ‖ payload, so a re-publication of the same bytes is a duplicate)
 * and stale messages (older than {@link GossipLimits.maxAgeMs}, or not newer than the last health
 * report of the same node) are ignored.
 *
 * ```
 * { "v": 1, "kind": "task",   "ts": <ms>, "body": { "taskId", "specHash", "shard", "reward", "deadline" } }
 * { "v": 1, "kind": "health", "ts": <ms>, "body": { "shard", "roles", "load", "freeBps", "peers" } }
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { TopicValidatorResult, type Message } from "@libp2p/gossipsub";
import type { PeerId } from "@libp2p/interface";
import { nodeKeyOfPeer } from "./identity.js";
import type { RegistryView } from "./registry.js";

/** Task announcement topic. */
export const TOPIC_TASKS = "/lumora/tasks/1";
/** Network health topic. */
export const TOPIC_HEALTH = "/lumora/health/1";
/** Largest gossip payload. */
export const MAX_GOSSIP_BYTES = 4096;

/** A task announcement: points at a task on chain and its spec in the DHT. */
export interface TaskAnnouncement {
  /** Task account address (base58). */
  taskId: string;
  /** Hex SHA-256 of the task spec (its DHT key). */
  specHash: string;
  /** Shard the task is assigned to. */
  shard: number;
  /** Reward in base units, decimal string (u64). */
  reward: string;
  /** Bid deadline, unix seconds. */
  deadline: number;
}

/** A node's health report. */
export interface HealthReport {
  /** Shard of the reporting node. */
  shard: number;
  /** Its role flags. */
  roles: number;
  /** Load, 0..1. */
  load: number;
  /** Spare serving bandwidth, bytes/s. */
  freeBps: number;
  /** Connected peers. */
  peers: number;
}

/**
 * A coordinator's view of the network (on the health topic): what it read from the registry and the
 * task log — registered, active and jailed nodes, nodes whose last heartbeat is older than the
 * staleness bound, open tasks — for the current rewards epoch.
 */
export interface NetworkView {
  /** Rewards epoch index. */
  epoch: number;
  /** Registered nodes. */
  nodes: number;
  /** Active, non-jailed nodes. */
  active: number;
  /** Jailed nodes. */
  jailed: number;
  /** Active nodes whose last heartbeat is older than `staleAfterSecs`. */
  stale: number;
  /** The staleness bound, seconds. */
  staleAfterSecs: number;
  /** Tasks open for bids or in progress. */
  openTasks: number;
}

/** One decoded gossip message. */
export type GossipPayload =
  | { v: 1; kind: "task"; ts: number; body: TaskAnnouncement }
  | { v: 1; kind: "health"; ts: number; body: HealthReport }
  | { v: 1; kind: "view"; ts: number; body: NetworkView };

/** A validated message as delivered to subscribers. */
export interface GossipDelivery {
  /** Topic it arrived on. */
  topic: string;
  /** Publisher's PeerId. */
  from: PeerId;
  /** Publisher's node key. */
  nodeKey: Uint8Array;
  /** The payload. */
  payload: GossipPayload;
}

/** Staleness bounds. */
export interface GossipLimits {
  /** Oldest accepted message age, ms. */
  maxAgeMs: number;
  /** Largest accepted clock skew into the future, ms. */
  maxFutureMs: number;
}

export const DEFAULT_GOSSIP_LIMITS: GossipLimits = { maxAgeMs: 5 * 60_000, maxFutureMs: 30_000 };

const isU = (v: unknown, max: number): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;
const exactKeys = (o: object, keys: string[]) => {
  const k = Object.keys(o);
  return k.length === keys.length && keys.every((x) => k.includes(x));
};

/** Parses and schema-checks a payload; returns `null` when it does not conform. */
export function parseGossip(topic: string, data: Uint8Array): GossipPayload | null {
  if (data.length === 0 || data.length > MAX_GOSSIP_BYTES) return null;
  let o: unknown;
  try {
    o = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) return null;
  const m = o as Record<string, unknown>;
  if (!exactKeys(m, ["v", "kind", "ts", "body"]) || m.v !== 1 || !isU(m.ts, Number.MAX_SAFE_INTEGER)) return null;
  const b = m.body as Record<string, unknown>;
  if (typeof b !== "object" || b === null || Array.isArray(b)) return null;
  if (m.kind === "task" && topic === TOPIC_TASKS) {
    if (!exactKeys(b, ["taskId", "specHash", "shard", "reward", "deadline"])) return null;
    if (typeof b.taskId !== "string" || !/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(b.taskId)) return null;
    if (typeof b.specHash !== "string" || !/^[0-9a-f]{64}$/.test(b.specHash)) return null;
    if (!isU(b.shard, 0xffff) || !isU(b.deadline, 2 ** 40)) return null;
    if (typeof b.reward !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(b.reward) || BigInt(b.reward) >= 1n << 64n) return null;
    return m as unknown as GossipPayload;
  }
  if (m.kind === "health" && topic === TOPIC_HEALTH) {
    if (!exactKeys(b, ["shard", "roles", "load", "freeBps", "peers"])) return null;
    if (!isU(b.shard, 0xffff) || !isU(b.roles, 0xff) || !isU(b.freeBps, Number.MAX_SAFE_INTEGER) || !isU(b.peers, 1_000_000)) return null;
    if (typeof b.load !== "number" || !(b.load >= 0 && b.load <= 1)) return null;
    return m as unknown as GossipPayload;
  }
  if (m.kind === "view" && topic === TOPIC_HEALTH) {
    const keys = ["epoch", "nodes", "active", "jailed", "stale", "staleAfterSecs", "openTasks"];
    if (!exactKeys(b, keys) || !keys.every((k) => isU(b[k], Number.MAX_SAFE_INTEGER))) return null;
    if ((b.active as number) + (b.jailed as number) > (b.nodes as number) || (b.stale as number) > (b.active as number)) return null;
    return m as unknown as GossipPayload;
  }
  return null;
}

/** Encodes a payload (schema-checked: throws if it would be rejected by receivers). */
export function encodeGossip(topic: string, payload: GossipPayload): Uint8Array {
  const data = new TextEncoder().encode(JSON.stringify(payload));
  if (parseGossip(topic, data) === null) throw new Error(`payload does not match the ${topic} schema`);
  return data;
}

/** Gossipsub message id: SHA-256(publisher ‖ payload), so identical re-publications are duplicates. */
export function gossipMsgId(msg: Message): Uint8Array {
  const h = createHash("sha256");
  if (msg.type === "signed") h.update(msg.from.toMultihash().bytes);
  h.update(msg.data);
  return new Uint8Array(h.digest());
}

/**
 * Builds the topic validator: signed by a registered, active node key; schema-valid; fresh.
 * `onValid` receives every accepted message (after duplicate suppression by gossipsub).
 */
export function makeGossipValidator(args: {
  registry: RegistryView;
  limits?: GossipLimits;
  now?: () => number;
}): (topic: string, msg: Message) => { result: TopicValidatorResult; delivery?: GossipDelivery } {
  const limits = args.limits ?? DEFAULT_GOSSIP_LIMITS;
  const now = args.now ?? Date.now;
  const lastHealth = new Map<string, number>();
  return (topic, msg) => {
    if (msg.type !== "signed") return { result: TopicValidatorResult.Reject };
    const nodeKey = nodeKeyOfPeer(msg.from);
    if (nodeKey === null) return { result: TopicValidatorResult.Reject };
    const entry = args.registry.lookup(nodeKey);
    if (entry === undefined || !entry.active) return { result: TopicValidatorResult.Reject };
    const payload = parseGossip(topic, msg.data);
    if (payload === null) return { result: TopicValidatorResult.Reject };
    const t = now();
    if (payload.ts > t + limits.maxFutureMs) return { result: TopicValidatorResult.Reject };
    if (payload.ts < t - limits.maxAgeMs) return { result: TopicValidatorResult.Ignore };
    if (payload.kind === "health" || payload.kind === "view") {
      const k = `${payload.kind}:${msg.from.toString()}`;
      const prev = lastHealth.get(k);
      if (prev !== undefined && payload.ts <= prev) return { result: TopicValidatorResult.Ignore };
      lastHealth.set(k, payload.ts);
      if (lastHealth.size > 10_000) lastHealth.delete(lastHealth.keys().next().value!);
    }
    return { result: TopicValidatorResult.Accept, delivery: { topic, from: msg.from, nodeKey, payload } };
  };
}
