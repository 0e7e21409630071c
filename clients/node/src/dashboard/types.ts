// The interface between the daemon and its dashboard. The daemon implements `DashboardSource`; the
// dashboard only reads status and asks for a new bandwidth limit, it never touches the node's state.

/** One epoch of the node's work, as the daemon accounts it. */
export interface DashboardEpoch {
  epoch: number;
  bytesServed: bigint;
  bytesFetched: bigint;
  tasksDone: number;
  probesMade: number;
  totalsReceived: number;
  /** LMR base units, 6 decimals. */
  earnedLmr: bigint;
}

/** The relay (`/lumora/relay/1`, docs/relay.md) as the operator sees it; JSON-safe (bytes as decimal strings). */
export interface DashboardRelay {
  /** This node carries executors' connections / scrapes through providers. */
  serving: boolean;
  using: boolean;
  /** Provider: sessions open now. */
  activeSessions: number;
  /** Provider, latest sample: the owner's own traffic (interface bytes/s), the relay's carried bytes/s, the rate the relay may use. */
  ownerBps: number | null;
  relayBps: number | null;
  headroomBps: number | null;
  /** The operator's limit, interface bytes/s. */
  limitBps: number;
  /** Where the owner's traffic is read ("/proc/net/dev", or why not). */
  trafficSource: string;
  /** Per epoch and role: sessions, bytes carried each way, sessions with both signed statements. */
  epochs: { epoch: number; role: "provider" | "executor"; sessions: number; bytesUp: string; bytesDown: string; attestedBoth: number }[];
  /** Provider: refusals of the current epoch by reason. */
  refusals: { reason: string; count: number }[];
}

/** A refusal, warning or configuration problem, grouped, with its meaning and fix when known (advice.ts). */
export interface DashboardTrouble {
  /** Where it was seen: the node's log, the relay's refusal counts, or a check of the configuration. */
  source: "log" | "relay" | "config";
  level: "warn" | "error";
  /** The log message (the group's key), or the problem found. */
  message: string;
  /** Lines in the group (1 for a configuration problem). */
  count: number;
  /** Unix ms of the newest line, when known. */
  lastAt: number | null;
  /** The newest line's error text (may be empty). */
  detail: string;
  /** The advice table's id, meaning and fix, when the trouble is known. */
  id?: string;
  meaning?: string;
  fix?: string;
}

/** One of the node's tasks (NodeState), newest first. */
export interface DashboardTask {
  /** Task account (base58). */
  id: string;
  role: "assignee" | "backup";
  phase: string;
  /** Why it failed or was released. */
  reason: string | null;
  /** LMR base units this node is paid if it agrees: final once settled, else payment ÷ redundancy; null when unknown. */
  rewardLmr: bigint | null;
  rewardFinal: boolean;
  /** Unix ms of the last change. */
  updatedAt: number;
}

/** Earnings credited but not claimed, and the clock of the current epoch (from the config the daemon holds). */
export interface DashboardEarnings {
  /** Epochs credited on chain (`credit_epoch`) whose reward is not booked as claimed yet, oldest first. */
  pending: { epoch: number; bytesCredited: bigint }[];
  /** LMR base units booked as claimed over the epochs kept. */
  claimedLmr: bigint;
  /** Chain time of the snapshot, unix seconds (the countdowns count from it). */
  now: number;
  /** Unix seconds: the current epoch's end; the credit deadline of the epoch before it. */
  epochEndsAt: number | null;
  creditWindow: { epoch: number; closesAt: number } | null;
}

/** A snapshot of the node, read on every dashboard refresh. */
export interface DashboardStatus {
  nodeKey: string;
  operator: string;
  roles: string[];
  active: boolean;
  jailed: boolean;
  /** 0..10000 (basis points). */
  reputation: number;
  /** LMR base units, 6 decimals. */
  stakeLmr: bigint;
  limitKbps: number;
  currentEpoch: number | null;
  epochs: DashboardEpoch[];
  peers: number;
  /** The relay, when the node serves or uses it. */
  relay?: DashboardRelay;
  /** Refusals, warnings and configuration problems, most recent first (none when omitted). */
  trouble?: DashboardTrouble[];
  /** Open and recent tasks, newest first (none when omitted). */
  tasks?: DashboardTask[];
  /** Pending earnings and the epoch's clock (shown as unknown when omitted). */
  earnings?: DashboardEarnings;
  /** Unix milliseconds of the snapshot. */
  updatedAt: number;
}

/** What the dashboard needs from the daemon. */
export interface DashboardSource {
  status(): Promise<DashboardStatus>;
  /** Applies a new bandwidth limit; throws RangeError on bad input. */
  setLimit(kbps: number): Promise<void>;
}
