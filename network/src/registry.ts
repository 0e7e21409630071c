/**
 * The network layer's view of the on-chain registry. Gossip, the chunk and PoB protocols consult it to
 * decide whether a peer is a registered, active node with the roles it claims. The daemon backs it
 * with the chain (registry program accounts, refreshed on heartbeat); tests use {@link StaticRegistry}.
 * @module
 */
import bs58 from "bs58";

/** Role bit flags of a registry node entry (PROTOCOL.md §1). Mirror the registry program's flags. */
export const ROLES = Object.freeze({
  PROVIDER: 1,
  EXECUTOR: 2,
  VERIFIER: 4,
});

/** What the network layer needs from one registry entry. */
export interface RegistryEntry {
  /** Role bit flags ({@link ROLES}). */
  roles: number;
  /** Epoch shard the node belongs to. */
  shard: number;
  /** Multiaddrs the operator registered on chain (bootstrap candidates), possibly empty. */
  multiaddrs: string[];
  /** False when jailed or deregistering: such nodes are treated as unregistered. */
  active: boolean;
}

/** Read-only view of the registry, keyed by 32-byte ed25519 node key. */
export interface RegistryView {
  /** The entry for a node key, or `undefined` if the key is not registered. */
  lookup(nodeKey: Uint8Array): RegistryEntry | undefined;
  /** Every active entry's registered multiaddrs (for bootstrapping from chain). */
  bootstrapAddrs(): string[];
}

/** An in-memory {@link RegistryView}: tests, and a cache the daemon fills from chain reads. */
export class StaticRegistry implements RegistryView {
  private readonly entries = new Map<string, RegistryEntry>();

  /** Adds or replaces an entry. */
  set(nodeKey: Uint8Array, entry: RegistryEntry): void {
    this.entries.set(bs58.encode(nodeKey), entry);
  }

  /** Removes an entry (deregistration). */
  delete(nodeKey: Uint8Array): void {
    this.entries.delete(bs58.encode(nodeKey));
  }

  lookup(nodeKey: Uint8Array): RegistryEntry | undefined {
    return this.entries.get(bs58.encode(nodeKey));
  }

  bootstrapAddrs(): string[] {
    return [...this.entries.values()].filter((e) => e.active).flatMap((e) => e.multiaddrs);
  }
}

/** True when `nodeKey` is registered, active and holds every bit of `roles`. */
export function hasRoles(view: RegistryView, nodeKey: Uint8Array, roles: number): boolean {
  const e = view.lookup(nodeKey);
  return e !== undefined && e.active && (e.roles & roles) === roles;
}

/** One registry node as read from chain (the SDK's `Node` account, reduced to what the network needs). */
export interface ChainNodeEntry {
  /** 32-byte ed25519 node key. */
  nodeKey: Uint8Array;
  roles: number;
  shard: number;
  /** The multiaddr registered on chain ("" when none). */
  multiaddr: string;
  /** Registered status active (1) and not jailed. */
  active: boolean;
}

/**
 * A {@link RegistryView} backed by the chain: `load` reads every node (e.g. the SDK's
 * `RegistryClient.fetchNodes`, see {@link chainNodeEntries}) and {@link refresh} replaces the view with
 * it — deregistered nodes disappear, jailed ones turn inactive. Registered multiaddrs are completed
 * with the PeerId their node key implies (`/p2p/…`) so they can be dialled as bootstrap addresses; an
 * unusable one (port 0) is dropped.
 */
export class ChainRegistry implements RegistryView {
  private view = new StaticRegistry();
  /** Unix ms of the last successful refresh (0 before the first). */
  refreshedAt = 0;

  constructor(
    private readonly load: () => Promise<ChainNodeEntry[]>,
    private readonly peerIdOf: (nodeKey: Uint8Array) => string,
  ) {}

  /** Reloads from chain; returns the number of nodes. Keeps the previous view if the read fails. */
  async refresh(): Promise<number> {
    const nodes = await this.load();
    const next = new StaticRegistry();
    for (const n of nodes) {
      let ma = n.multiaddr;
      if (ma && !ma.includes("/p2p/")) ma = `${ma}/p2p/${this.peerIdOf(n.nodeKey)}`;
      const usable = ma !== "" && !/\/tcp\/0(\/|$)/.test(ma);
      next.set(n.nodeKey, { roles: n.roles, shard: n.shard, multiaddrs: usable ? [ma] : [], active: n.active });
    }
    this.view = next;
    this.refreshedAt = Date.now();
    return nodes.length;
  }

  lookup(nodeKey: Uint8Array): RegistryEntry | undefined {
    return this.view.lookup(nodeKey);
  }

  bootstrapAddrs(): string[] {
    return this.view.bootstrapAddrs();
  }
}

/** Reduces the SDK's `fetchNodes` rows to {@link ChainNodeEntry} (the `Node` account's multiaddr bytes decoded). */
export function chainNodeEntries(
  rows: readonly { node: { nodeKey: { toBytes(): Uint8Array }; roles: number; shard: number; multiaddr: number[] | Uint8Array; multiaddrLen: number; status: number; jailed: number } }[],
): ChainNodeEntry[] {
  return rows.map(({ node }) => ({
    nodeKey: node.nodeKey.toBytes(),
    roles: node.roles,
    shard: node.shard,
    multiaddr: Buffer.from(Uint8Array.from(node.multiaddr).subarray(0, node.multiaddrLen)).toString("utf8"),
    active: node.status === 1 && node.jailed === 0,
  }));
}
