/**
 * The daemon as the dashboard's {@link DashboardSource}: on-chain figures (reputation, stake, status)
 * read through the SDK, local figures (per-epoch metrics, the live limit) from the node's SQLite state.
 */
import { epochIndex, fetchChainTime, isActive, isJailed } from "@lumora/sdk";
import type { Daemon } from "./daemon.js";
import { type DashboardHandle, type DashboardSource, type DashboardStatus, startDashboard } from "./dashboard/index.js";

export function daemonDashboardSource(d: Daemon): DashboardSource {
  return {
    async status(): Promise<DashboardStatus> {
      const [node, config, now] = await Promise.all([d.client.registry.fetchNode(d.nodeKey.publicKey), d.load(), fetchChainTime({ connection: d.provider.connection })]);
      return {
        nodeKey: d.nodeKey.publicKey.toBase58(),
        operator: d.operator.publicKey.toBase58(),
        roles: d.cfg.roles,
        active: node ? isActive(node) : false,
        jailed: node ? isJailed(node) : false,
        reputation: node?.reputation ?? 0,
        stakeLmr: BigInt(node?.stake.toString() ?? "0"),
        limitKbps: d.limitKbps(),
        currentEpoch: Number(epochIndex({ unixTs: now, epochLengthSecs: config.params.epochLengthSecs })),
        epochs: d.state.metrics(),
        peers: d.peerCount(),
        ...(d.relay && (d.cfg.relay.serve || d.cfg.relay.use) ? { relay: d.relay.dashboard() } : {}),
        updatedAt: Date.now(),
      };
    },
    async setLimit(kbps: number): Promise<void> {
      d.setLimit(kbps);
    },
  };
}

export function startNodeDashboard(d: Daemon, port: number): Promise<DashboardHandle> {
  return startDashboard({ source: daemonDashboardSource(d), port });
}
