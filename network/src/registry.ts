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
