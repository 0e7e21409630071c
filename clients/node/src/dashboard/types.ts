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
  /** Unix milliseconds of the snapshot. */
  updatedAt: number;
}

/** What the dashboard needs from the daemon. */
export interface DashboardSource {
  status(): Promise<DashboardStatus>;
  /** Applies a new bandwidth limit; throws RangeError on bad input. */
  setLimit(kbps: number): Promise<void>;
}
