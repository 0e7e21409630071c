/**
 * The consumer on the network: its lazily started libp2p peer, the DHT put that counts the peers that
 * stored a spec (a workaround: `LumoraNode.putSpec` drains the query), chunk fetching by Merkle root from
 * the executors' locators, the chain's clock, and the network's state (nodes, roles, the current epoch).
 */
import { type LumoraClient, NODE_STATUS, epochIndex, fetchChainTime, nodeMultiaddr, nodeView } from "@lumora/sdk";
import { LumoraNode, StaticRegistry, fetchDataset, peerIdOfNodeKey, specKey, validateSpecRecord } from "@lumora/network";
import { peerIdFromString } from "@libp2p/peer-id";
import type { Consumer } from "./consumer.js";
import { ConsumerError } from "./errors.js";
import { hex } from "./util.js";

export interface NetworkNode {
  nodeKey: string;
  roles: string[];
  shard: number;
  reputation: number;
  stake: string;
  active: boolean;
  jailed: boolean;
  lastHeartbeatTs: number;
  multiaddr: string;
}

/** The consumer's libp2p peer, started on first use (a DHT client: it stores nothing for others). */
export class ConsumerNetwork {
  private nodeP: Promise<LumoraNode> | null = null;

  constructor(
    private readonly client: LumoraClient,
    private readonly netOpts: { bootstrap?: string[]; allowLoopback: boolean },
    private readonly progress: (msg: string) => void,
  ) {}

  /** The libp2p peer (started lazily; bootstraps from `bootstrap` or the registry's multiaddrs). */
  node(): Promise<LumoraNode> {
    this.nodeP ??= (async () => {
      let bootstrap = this.netOpts.bootstrap;
      if (!bootstrap || bootstrap.length === 0) {
        const nodes = await this.client.registry.fetchNodes({ status: NODE_STATUS.ACTIVE });
        bootstrap = nodes.flatMap(({ node }) => {
          const ma = nodeMultiaddr(node);
          if (!ma || /\/tcp\/0(\/|$)/.test(ma)) return [];
          return [ma.includes("/p2p/") ? ma : `${ma}/p2p/${peerIdOfNodeKey(node.nodeKey.toBytes()).toString()}`];
        });
      }
      this.progress(`starting libp2p (bootstrap: ${bootstrap.length} peer${bootstrap.length === 1 ? "" : "s"})`);
      return LumoraNode.create({ registry: new StaticRegistry(), dhtClientMode: true, allowPrivateAddresses: this.netOpts.allowLoopback, bootstrap, rttIntervalMs: 0 });
    })();
    return this.nodeP;
  }

  async close(): Promise<void> {
    const n = this.nodeP;
    this.nodeP = null;
    if (n) await (await n).stop().catch(() => undefined);
  }
}

/** The chain's clock (unix seconds). */
export async function chainNow(c: Consumer): Promise<bigint> {
  return fetchChainTime({ connection: c.connection }).catch((e: Error) => {
    throw new ConsumerError(e.message);
  });
}

/**
 * `putSpec` with the DHT's answers counted: a peer that stored the record echoes it back in its
 * PUT_VALUE response. (`LumoraNode.putSpec` drains the query; the local copy alone proves nothing.)
 */
export async function putSpecCounted(node: LumoraNode, hash: Uint8Array, bytes: Uint8Array): Promise<number> {
  const key = specKey(hash);
  validateSpecRecord(key, bytes);
  const dht = node.libp2p.services.dht as unknown as { put(k: Uint8Array, v: Uint8Array, o: { signal: AbortSignal }): AsyncIterable<{ name: string; record?: { value: Uint8Array } | null }> };
  let stored = 0;
  for await (const e of dht.put(key, bytes, { signal: AbortSignal.timeout(30_000) })) if (e.name === "PEER_RESPONSE" && e.record && Buffer.from(e.record.value).equals(Buffer.from(bytes))) stored++;
  return stored;
}

/** Fetches chunks by Merkle root from the given locators; verifies them and the manifest. */
export async function fetchChunks(c: Consumer, root: Uint8Array, locators: string[]) {
  const node = await c.p2p();
  const providers = [];
  for (const loc of locators) {
    const id = loc.split("/p2p/")[1];
    if (!id) continue;
    // a fresh dial to a busy node can be reset while its connection manager settles: try three times
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await node.dial(loc);
        providers.push(peerIdFromString(id));
        break;
      } catch (e) {
        c.progress(`cannot dial ${loc} (attempt ${attempt} of 3): ${(e as Error).message}`);
        if (attempt < 3) await new Promise((r) => setTimeout(r, 1_000 * attempt));
      }
    }
  }
  if (providers.length === 0) throw new ConsumerError(`no provider reachable at ${locators.join(", ")}: are the executors online?`);
  let got = 0;
  c.progress(`fetching chunks of ${hex(root).slice(0, 16)}… from ${providers.length} provider(s)`);
  const res = await fetchDataset(node, {
    root,
    providers,
    onChunk: () => {
      got++;
      if (got % 16 === 0) c.progress(`${got} chunks verified`);
    },
  });
  const chunks = res.chunks.map((x) => x!);
  c.progress(`${chunks.length} chunks verified against the Merkle root`);
  // the hashes the network layer verified against the root on arrival: decrypt re-checks the table
  // against the root and each chunk against it, so no third pass over the bytes here
  return { ...res, chunks, chunkHashes: res.chunkHashes.map((h) => h!) };
}

/** Nodes, roles, shards, reputation and the current epoch, from chain state. */
export async function network(c: Consumer): Promise<{ epoch: string; epochLengthSecs: number; nodes: NetworkNode[] }> {
  const cfg = await c.client.registry.fetchConfig();
  if (!cfg) throw new ConsumerError(`Lumora is not initialised on ${c.rpc} (no protocol config)`);
  const now = await chainNow(c);
  const epoch = epochIndex({ unixTs: now, epochLengthSecs: cfg.params.epochLengthSecs });
  const nodes = (await c.client.registry.fetchNodes()).map(({ node }) => {
    const v = nodeView(node);
    return { nodeKey: v.nodeKey, roles: v.roles, shard: v.shard, reputation: v.reputation, stake: v.stake.toString(), active: v.active, jailed: v.jailed, lastHeartbeatTs: Number(v.lastHeartbeatTs), multiaddr: v.multiaddr };
  });
  return { epoch: epoch.toString(), epochLengthSecs: Number(cfg.params.epochLengthSecs), nodes };
}
