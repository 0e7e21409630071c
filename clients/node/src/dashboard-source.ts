/**
 * The daemon as the dashboard's {@link DashboardSource}: on-chain figures (reputation, stake, status,
 * the declared cap) from the node's own account, read through the SDK; local figures (per-epoch metrics,
 * the live limit, warnings, tasks, earnings) from the node's SQLite state; the epoch's clock from the
 * config the daemon holds. No read grows with the network.
 */
import { epochBounds, epochIndex, fetchChainTime, isActive, isJailed } from "@lumora/sdk";
import type { Daemon } from "./daemon.js";
import { configTrouble, groupTrouble, relayTrouble } from "./dashboard/advice.js";
import { type DashboardEarnings, type DashboardHandle, type DashboardRelay, type DashboardSource, type DashboardStatus, type DashboardTask, type DashboardTrouble, startDashboard } from "./dashboard/index.js";
import type { NodeState } from "./state.js";

/** Warn/error log lines read per refresh (the groups are built from these). */
export const TROUBLE_EVENTS = 200;
/** Tasks listed. */
export const RECENT_TASKS = 20;

/** A task's reward as the daemon last saw the task on chain (duties' task list; null when never seen). */
export type TaskReward = { rewardLmr: bigint; final: boolean };

/**
 * The dashboard's local part, from the store and what the daemon already knows: troubles (the log's
 * warnings grouped, the relay's refusals, the configuration checks), recent tasks, pending earnings and
 * the epoch's clock.
 */
export function localStatus(a: {
  state: NodeState;
  roles: readonly string[];
  limitKbps: number;
  /** The declared cap registered on chain, kbps (null before the node is read). */
  capKbps: number | null;
  relay?: DashboardRelay;
  /** Chain time, unix seconds. */
  now: bigint;
  epochLengthSecs: number;
  creditWindowSecs: number;
  taskReward?: (id: string) => TaskReward | undefined;
}): { trouble: DashboardTrouble[]; tasks: DashboardTask[]; earnings: DashboardEarnings } {
  const trouble = [
    ...configTrouble({ roles: a.roles, limitKbps: a.limitKbps, capKbps: a.capKbps }),
    ...groupTrouble(a.state.recentEvents({ minLevel: "warn", limit: TROUBLE_EVENTS })),
    ...relayTrouble(a.relay?.refusals ?? []),
  ];
  const tasks = a.state.recentTasks(RECENT_TASKS).map((t): DashboardTask => {
    const r = a.taskReward?.(t.task);
    return { id: t.task, role: t.role, phase: t.phase, reason: t.reason, rewardLmr: r?.rewardLmr ?? null, rewardFinal: r?.final ?? false, updatedAt: t.updatedAt };
  });
  const current = epochIndex({ unixTs: a.now, epochLengthSecs: a.epochLengthSecs });
  const { endTs } = epochBounds({ index: current, epochLengthSecs: a.epochLengthSecs });
  // the credit window open now (or last) is the previous epoch's: from its end to end + window
  const creditWindow =
    current > 0n ? { epoch: Number(current - 1n), closesAt: Number(epochBounds({ index: current - 1n, epochLengthSecs: a.epochLengthSecs }).endTs) + a.creditWindowSecs } : null;
  return { trouble, tasks, earnings: { ...a.state.earnings(), now: Number(a.now), epochEndsAt: Number(endTs), creditWindow } };
}

export function daemonDashboardSource(d: Daemon): DashboardSource {
  return {
    async status(): Promise<DashboardStatus> {
      const [node, config, now] = await Promise.all([d.client.registry.fetchNode(d.nodeKey.publicKey), d.load(), fetchChainTime({ connection: d.provider.connection })]);
      const relay = d.relay && (d.cfg.relay.serve || d.cfg.relay.use) ? d.relay.dashboard() : undefined;
      const limitKbps = d.limitKbps();
      return {
        nodeKey: d.nodeKey.publicKey.toBase58(),
        operator: d.operator.publicKey.toBase58(),
        roles: d.cfg.roles,
        active: node ? isActive(node) : false,
        jailed: node ? isJailed(node) : false,
        reputation: node?.reputation ?? 0,
        stakeLmr: BigInt(node?.stake.toString() ?? "0"),
        limitKbps,
        currentEpoch: Number(epochIndex({ unixTs: now, epochLengthSecs: config.params.epochLengthSecs })),
        epochs: d.state.metrics(),
        peers: d.peerCount(),
        ...(relay ? { relay } : {}),
        ...localStatus({
          state: d.state,
          roles: d.cfg.roles,
          limitKbps,
          capKbps: node ? Number(node.bandwidthCapKbps.toString()) : null,
          relay,
          now,
          epochLengthSecs: config.params.epochLengthSecs,
          creditWindowSecs: config.params.creditWindowSecs,
          taskReward: (id) => d.taskReward(id),
        }),
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
