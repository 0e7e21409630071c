// Shared helpers for the network suites: real libp2p nodes on loopback, registered in one StaticRegistry.
import { LumoraNode, type LumoraNodeInit } from "../src/node.js";
import { ROLES, StaticRegistry } from "../src/registry.js";
import { generateNodeKey, type NodeKey } from "../src/identity.js";

export const ALL_ROLES = ROLES.PROVIDER | ROLES.EXECUTOR | ROLES.VERIFIER;

/** Starts `n` registered nodes; node i>0 bootstraps from node i-1 (a line) unless `mesh` is set. */
export async function startNetwork(
  n: number,
  opts: { registry?: StaticRegistry; mesh?: boolean; init?: (i: number) => Partial<LumoraNodeInit>; roles?: (i: number) => number } = {},
): Promise<{ nodes: LumoraNode[]; registry: StaticRegistry; keys: NodeKey[] }> {
  const registry = opts.registry ?? new StaticRegistry();
  const keys = Array.from({ length: n }, () => generateNodeKey());
  keys.forEach((k, i) => registry.set(k.publicKey, { roles: opts.roles?.(i) ?? ALL_ROLES, shard: 0, multiaddrs: [], active: true }));
  const nodes: LumoraNode[] = [];
  for (let i = 0; i < n; i++) {
    const bootstrap = i === 0 ? [] : opts.mesh ? nodes.map((m) => m.multiaddrs()[0]!.toString()) : [nodes[i - 1]!.multiaddrs()[0]!.toString()];
    nodes.push(
      await LumoraNode.create({
        nodeKey: keys[i]!,
        registry,
        allowPrivateAddresses: true,
        rttIntervalMs: 0,
        bootstrap,
        ...opts.init?.(i),
      }),
    );
  }
  return { nodes, registry, keys };
}

export async function stopAll(nodes: LumoraNode[]): Promise<void> {
  await Promise.allSettled(nodes.map((n) => n.stop()));
}

/** Polls `cond` every 50 ms until true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
