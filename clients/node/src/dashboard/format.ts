// Wire form of the dashboard status and the rules shared by the server and its callers.
import type { DashboardEarnings, DashboardEpoch, DashboardStatus, DashboardTask, DashboardTrouble } from "./types.js";

/** LMR has 6 decimals (base units per LMR = 10^6). */
export const LMR_DECIMALS = 6;
/** Smallest and largest bandwidth limit the dashboard accepts, in kbps. */
export const MIN_LIMIT_KBPS = 1;
export const MAX_LIMIT_KBPS = 10_000_000;

/** {@link DashboardEpoch} with bigints as decimal strings (JSON has no bigint). */
export type DashboardEpochJson = Omit<DashboardEpoch, "bytesServed" | "bytesFetched" | "earnedLmr"> & {
  bytesServed: string;
  bytesFetched: string;
  earnedLmr: string;
};

/** {@link DashboardStatus} as served by `GET /api/status` and the `status` server-sent event. */
export type DashboardStatusJson = Omit<DashboardStatus, "stakeLmr" | "epochs" | "trouble" | "tasks" | "earnings"> & {
  stakeLmr: string;
  epochs: DashboardEpochJson[];
  tasks: (Omit<DashboardTask, "rewardLmr"> & { rewardLmr: string | null })[];
  trouble: DashboardTrouble[];
  earnings: (Omit<DashboardEarnings, "pending" | "claimedLmr"> & { pending: { epoch: number; bytesCredited: string }[]; claimedLmr: string }) | null;
};

/** The JSON form of a status: every bigint becomes its decimal string, everything else is copied. */
export function statusToJson(s: DashboardStatus): DashboardStatusJson {
  return {
    nodeKey: s.nodeKey,
    operator: s.operator,
    roles: [...s.roles],
    active: s.active,
    jailed: s.jailed,
    reputation: s.reputation,
    stakeLmr: s.stakeLmr.toString(),
    limitKbps: s.limitKbps,
    currentEpoch: s.currentEpoch,
    epochs: s.epochs.map((e) => ({
      epoch: e.epoch,
      bytesServed: e.bytesServed.toString(),
      bytesFetched: e.bytesFetched.toString(),
      tasksDone: e.tasksDone,
      probesMade: e.probesMade,
      totalsReceived: e.totalsReceived,
      earnedLmr: e.earnedLmr.toString(),
    })),
    peers: s.peers,
    ...(s.relay ? { relay: { ...s.relay, epochs: s.relay.epochs.map((e) => ({ ...e })), refusals: s.relay.refusals.map((r) => ({ ...r })) } } : {}),
    trouble: (s.trouble ?? []).map((t) => ({ ...t })),
    tasks: (s.tasks ?? []).map((t) => ({ ...t, rewardLmr: t.rewardLmr === null ? null : t.rewardLmr.toString() })),
    earnings: s.earnings
      ? {
          pending: s.earnings.pending.map((p) => ({ epoch: p.epoch, bytesCredited: p.bytesCredited.toString() })),
          claimedLmr: s.earnings.claimedLmr.toString(),
          now: s.earnings.now,
          epochEndsAt: s.earnings.epochEndsAt,
          creditWindow: s.earnings.creditWindow ? { ...s.earnings.creditWindow } : null,
        }
      : null,
    updatedAt: s.updatedAt,
  };
}

/**
 * Checks a requested limit: an integer number in [1, 10 000 000] kbps. Returns the message to show
 * when it is not, or `null` when it is acceptable.
 */
export function limitError(kbps: unknown): string | null {
  if (typeof kbps !== "number" || !Number.isInteger(kbps)) {
    return `kbps must be an integer between ${MIN_LIMIT_KBPS} and ${MAX_LIMIT_KBPS}`;
  }
  if (kbps < MIN_LIMIT_KBPS || kbps > MAX_LIMIT_KBPS) {
    return `kbps must be between ${MIN_LIMIT_KBPS} and ${MAX_LIMIT_KBPS}, got ${kbps}`;
  }
  return null;
}

/** Groups the digits of a non-negative decimal string by thousands: "1234567" → "1,234,567". */
export function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Formats LMR base units with all 6 decimals: 1234500000n → "1,234.500000". */
export function formatLmr(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const scale = 10n ** BigInt(LMR_DECIMALS);
  const whole = groupDigits((abs / scale).toString());
  const frac = (abs % scale).toString().padStart(LMR_DECIMALS, "0");
  return `${neg ? "-" : ""}${whole}.${frac}`;
}

/** Formats a reputation in basis points as a percentage with 2 decimals: 8750 → "87.50 %". */
export function formatReputation(bps: number): string {
  return `${(bps / 100).toFixed(2)} %`;
}
