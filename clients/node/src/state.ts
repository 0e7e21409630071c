/**
 * The daemon's persistent state: a thin layer over the SQLite {@link NodeStore} (store/) with the few
 * operations the duties, the CLI and the dashboard use. It is the only door to the store: nothing
 * outside reaches `NodeStore` (the journal, {@link NodeState.outbox}, is handed to the journaled
 * provider). Nothing the daemon needs after a restart lives only in memory.
 */
import fs from "node:fs";
import path from "node:path";
import type { DashboardEpoch } from "./dashboard/types.js";
import type { Tally } from "@lumora/network";
import { type AddTaskArgs, type HeldTotal, type LogLevel, type MetricsDelta, NodeStore, type TaskPhase, type TaskRecord, type TaskResult } from "./store/index.js";

export class NodeState {
  constructor(
    private readonly store: NodeStore,
    /** Also print every log line as JSON to stdout (the running daemon's structured log). */
    private readonly echo = false,
  ) {}

  /** The journal of every send (the journaled provider's, chain.ts). */
  get outbox() {
    return this.store.outbox;
  }

  /** The relay sessions this node carried or used and the refusals it gave (store/relay.ts, docs/relay.md). */
  get relay() {
    return this.store.relay;
  }

  // -- executor: the tasks this node works on --------------------------------------------------------

  /** The local record of a task this node works on. */
  task(id: string): TaskRecord | undefined {
    return this.store.tasks.get(id);
  }
  /** Records a task this node was assigned (or backs up); an existing record is returned as is. */
  addTask(args: AddTaskArgs): TaskRecord {
    return this.store.tasks.add(args).task;
  }
  /** Tasks not yet settled, failed or released, oldest first. */
  openTasks(): TaskRecord[] {
    return this.store.tasks.open();
  }
  /** The tasks changed most recently, open or not, newest first (the dashboard's list). */
  recentTasks(limit = 20): TaskRecord[] {
    return this.store.tasks.recent(limit);
  }
  setTaskSpec(id: string, spec: Uint8Array): TaskRecord {
    return this.store.tasks.setSpec(id, spec);
  }
  setTaskPhase(id: string, phase: TaskPhase, reason?: string): TaskRecord {
    return this.store.tasks.setPhase(id, phase, reason);
  }
  /** A task's result, ready to commit and reveal, and the bytes its scrape fetched (one transaction). */
  recordTaskResult(id: string, result: TaskResult, fetched: { epoch: number | bigint; bytesFetched: bigint }): TaskRecord {
    return this.store.tx(() => {
      const rec = this.store.tasks.recordResult(id, result);
      this.addMetric(fetched.epoch, { bytesFetched: fetched.bytesFetched });
      return rec;
    });
  }
  /** A task's reveal landed: its phase and the epoch's tasks-done count (one transaction). */
  taskRevealed(id: string, epoch: number | bigint): void {
    this.store.tx(() => {
      this.store.tasks.setPhase(id, "revealed");
      this.addMetric(epoch, { tasksDone: 1n });
    });
  }

  log(level: LogLevel, message: string, data: Record<string, unknown> = {}): void {
    const clean = JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    this.store.events.log({ level, source: "daemon", message, data: clean });
    if (this.echo) console.log(JSON.stringify({ at: new Date().toISOString(), level, message, ...clean }));
  }

  /** The latest log events, newest first (store/events.ts). */
  recentEvents(opts: Parameters<NodeStore["events"]["recent"]>[0] = {}) {
    return this.store.events.recent(opts);
  }

  addMetric(epoch: number | bigint, delta: MetricsDelta): void {
    this.store.metrics.add(BigInt(epoch), delta);
  }

  /** Per-epoch figures, oldest first (the dashboard's and `status`'s shape). */
  metrics(): DashboardEpoch[] {
    return this.store.metrics
      .recent(30)
      .map((m) => ({
        epoch: Number(m.epoch),
        bytesServed: m.bytesServed,
        bytesFetched: m.bytesFetched,
        tasksDone: Number(m.tasksDone),
        probesMade: Number(m.probesMade),
        totalsReceived: Number(m.totalsReceived),
        earnedLmr: m.earningsClaimed,
      }))
      .sort((a, b) => a.epoch - b.epoch);
  }

  /** The operator's live bandwidth limit, kbps (0 = not set: the config file's value applies). */
  limitKbps(): number {
    return this.store.settings.get().bandwidthLimitKbps;
  }
  setLimitKbps(kbps: number): void {
    this.store.settings.update({ bandwidthLimitKbps: kbps });
  }

  /** A counter baseline or other daemon bookkeeping value. */
  value(name: string): string | undefined {
    const v = this.store.settings.value(name);
    return v === undefined ? undefined : String(v);
  }
  setValue(name: string, value: string): void {
    this.store.settings.setValue(name, value);
  }

  /** The amount booked as claimed for an epoch (0 when none). */
  claimedEarnings(epoch: number | bigint): bigint {
    return this.store.metrics.get(BigInt(epoch))?.earningsClaimed ?? 0n;
  }

  /**
   * What the store knows of earnings over the kept epochs: the epochs credited on chain (`credit_epoch`,
   * bytes of capacity-time) with no claim booked yet, oldest first, and the LMR booked as claimed.
   */
  earnings(): { pending: { epoch: number; bytesCredited: bigint }[]; claimedLmr: bigint } {
    const rows = this.store.metrics.recent(30);
    return {
      pending: rows
        .filter((m) => m.bytesCredited > 0n && m.earningsClaimed === 0n)
        .map((m) => ({ epoch: Number(m.epoch), bytesCredited: m.bytesCredited }))
        .sort((a, b) => a.epoch - b.epoch),
      claimedLmr: rows.reduce((sum, m) => sum + m.earningsClaimed, 0n),
    };
  }

  // -- Proof-of-Bandwidth: the verifier's tallies, the provider's held totals -------------------------

  /** Verifier: the tally of a provider (base58 node key) in an epoch. */
  tally(epoch: bigint, provider: string): Tally | null {
    return this.store.tallies.get(epoch, provider);
  }
  /** Verifier: every provider's tally of an epoch. */
  tallies(epoch: bigint): { provider: string; tally: Tally }[] {
    return this.store.tallies.byEpoch(epoch);
  }
  /** Verifier: stores a provider's tally after an answered probe, and counts the probe (one transaction). */
  saveTally(epoch: bigint, provider: string, tally: Tally): void {
    this.store.tx(() => {
      this.store.tallies.put(epoch, provider, tally);
      this.addMetric(epoch, { probesMade: 1n });
    });
  }
  /** Provider: the latest signed total a verifier (base58 node key) handed over in an epoch. */
  latestTotal(epoch: bigint, verifier: string): HeldTotal | null {
    return this.store.totals.latest(epoch, verifier);
  }
  /** Provider: every verifier's latest signed total of an epoch. */
  heldTotals(epoch: bigint): HeldTotal[] {
    return this.store.totals.byEpoch(epoch);
  }

  /** Provider: keeps a verifier's newer signed total (an older one is ignored) and counts it. */
  holdTotal(t: { epoch: bigint; verifier: string; liveMs: number; bytes: bigint; message: Uint8Array; signature: Uint8Array }): boolean {
    return this.store.tx(() => {
      const kept = this.store.totals.hold(t);
      if (kept) this.store.metrics.add(t.epoch, { totalsReceived: 1n });
      return kept;
    });
  }

  /** Open journal entries (planned, signed or sent). */
  pendingSteps(): number {
    return this.store.outbox.pending().length;
  }

  close(): void {
    this.store.close();
  }
}

/** Another daemon holds the data folder. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`another lumora-node (pid ${pid}) runs on ${dataDir}: two daemons on one data folder would send the same steps twice`);
    this.name = "DataDirLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<dataDir>/daemon.lock` for this process (exclusive create, the pid inside). A lock left by a
 * process that no longer exists (kill -9) is taken over; a live one refuses with {@link DataDirLockedError}.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "daemon.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx", mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8"));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirLockedError(dataDir, pid);
      fs.unlinkSync(file); // stale: its process is gone
    }
  }
  throw new Error(`cannot lock ${file}`);
}

/** Opens (creating) the node's database `<dataDir>/node.db`. */
export function openState(dataDir: string, opts: { echo?: boolean } = {}): NodeState {
  return new NodeState(NodeStore.open(path.join(dataDir, "node.db")), opts.echo ?? false);
}
