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
  /** Unix milliseconds of the snapshot. */
  updatedAt: number;
}

/** What the dashboard needs from the daemon. */
export interface DashboardSource {
  status(): Promise<DashboardStatus>;
  /** Applies a new bandwidth limit; throws RangeError on bad input. */
  setLimit(kbps: number): Promise<void>;
}
