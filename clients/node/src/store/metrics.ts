/**
 * Per-epoch counters for the dashboard, and the operator's runtime settings.
 * @module
 */
import { big, jsonText, num, nowMs, str, u64In, type JsonValue, type Row } from "./codec.js";
import type { Db } from "./db.js";
import { InvalidSettingError, StoreRangeError } from "./errors.js";

/** Counters kept per epoch (all u64). */
export interface EpochMetrics {
  readonly epoch: bigint;
  /** Bytes this node served as provider. */
  readonly bytesServed: bigint;
  /** Bytes this node fetched as executor. */
  readonly bytesFetched: bigint;
  /** Tasks that reached `revealed`/`settled`. */
  readonly tasksDone: bigint;
  /** Probes answered by providers, as verifier (each one a signed total handed over). */
  readonly probesMade: bigint;
  /** Signed totals received, as provider. */
  readonly totalsReceived: bigint;
  /** Roots posted on chain, as verifier (0 or 1 per epoch). */
  readonly rootsPosted: bigint;
  /** Bytes of capacity-time credited on chain, as provider (`credit_epoch`). */
  readonly bytesCredited: bigint;
  /** LMR base units claimed. */
  readonly earningsClaimed: bigint;
  readonly updatedAt: number;
}

/** Increments for {@link Metrics.add}; omitted fields add 0. */
export type MetricsDelta = Partial<Omit<EpochMetrics, "epoch" | "updatedAt">>;

const FIELDS = {
  bytesServed: "bytes_served",
  bytesFetched: "bytes_fetched",
  tasksDone: "tasks_done",
  probesMade: "probes_made",
  totalsReceived: "totals_received",
  rootsPosted: "roots_posted",
  bytesCredited: "bytes_credited",
  earningsClaimed: "earnings_claimed",
} as const satisfies Record<keyof MetricsDelta, string>;
const KEYS = Object.keys(FIELDS) as (keyof MetricsDelta)[];

function toMetrics(r: Row): EpochMetrics {
  return {
    epoch: big(r, "epoch"),
    bytesServed: big(r, "bytes_served"),
    bytesFetched: big(r, "bytes_fetched"),
    tasksDone: big(r, "tasks_done"),
    probesMade: big(r, "probes_made"),
    totalsReceived: big(r, "totals_received"),
    rootsPosted: big(r, "roots_posted"),
    bytesCredited: big(r, "bytes_credited"),
    earningsClaimed: big(r, "earnings_claimed"),
    updatedAt: num(r, "updated_at"),
  };
}

/** The metrics table. */
export class Metrics {
  constructor(private readonly db: Db) {}

  /** Adds to an epoch's counters (creating the row); call inside the same {@link Db.tx} as the work it counts. */
  add(epoch: bigint, delta: MetricsDelta): EpochMetrics {
    u64In("epoch", epoch);
    for (const k of KEYS) if (delta[k] !== undefined) u64In(k, delta[k]);
    const values = KEYS.map((k) => delta[k] ?? 0n);
    const cols = KEYS.map((k) => FIELDS[k]);
    return this.db.tx(() => {
      try {
        this.db.run(
          `INSERT INTO metrics (epoch, ${cols.join(", ")}, updated_at) VALUES (?, ${cols.map(() => "?").join(", ")}, ?)
           ON CONFLICT (epoch) DO UPDATE SET ${cols.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}, updated_at = excluded.updated_at`,
          epoch,
          ...values,
          nowMs(),
        );
      } catch (e) {
        if (e instanceof Error && /CHECK constraint failed|integer overflow|cannot store REAL/.test(e.message)) {
          throw new StoreRangeError("metrics", `epoch ${epoch}: counter overflow`);
        }
        throw e;
      }
      return this.get(epoch)!;
    });
  }

  /** One epoch's counters, or undefined if nothing was recorded. */
  get(epoch: bigint): EpochMetrics | undefined {
    const r = this.db.get("SELECT * FROM metrics WHERE epoch = ?", epoch);
    return r ? toMetrics(r) : undefined;
  }

  /** The newest `limit` epochs, newest first. */
  recent(limit = 30): EpochMetrics[] {
    return this.db.all("SELECT * FROM metrics ORDER BY epoch DESC LIMIT ?", limit).map(toMetrics);
  }

  /** Sums over every epoch. */
  totals(): Omit<EpochMetrics, "epoch" | "updatedAt"> {
    const r = this.db.get(`SELECT ${KEYS.map((k) => `coalesce(sum(${FIELDS[k]}), 0) AS ${FIELDS[k]}`).join(", ")} FROM metrics`)!;
    return {
      bytesServed: big(r, "bytes_served"),
      bytesFetched: big(r, "bytes_fetched"),
      tasksDone: big(r, "tasks_done"),
      probesMade: big(r, "probes_made"),
      totalsReceived: big(r, "totals_received"),
      rootsPosted: big(r, "roots_posted"),
      bytesCredited: big(r, "bytes_credited"),
      earningsClaimed: big(r, "earnings_claimed"),
    };
  }
}

/** Log levels, lowest first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings the operator changes at runtime (dashboard / CLI). */
export interface NodeSettings {
  /** Upload cap for serving chunks, kbit/s; 0 = unlimited. */
  readonly bandwidthLimitKbps: number;
  /** Tasks executed at once. */
  readonly maxConcurrentTasks: number;
  /** False pauses bidding on new tasks (open work still finishes). */
  readonly acceptingTasks: boolean;
  /** Lowest level written to the event log. */
  readonly logLevel: LogLevel;
}

/** Values used until the operator changes them. */
export const DEFAULT_SETTINGS: NodeSettings = Object.freeze({
  bandwidthLimitKbps: 0,
  maxConcurrentTasks: 2,
  acceptingTasks: true,
  logLevel: "info",
});

const VALIDATORS: { [K in keyof NodeSettings]: (v: unknown) => v is NodeSettings[K] } = {
  bandwidthLimitKbps: (v): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 100_000_000,
  maxConcurrentTasks: (v): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 256,
  acceptingTasks: (v): v is boolean => typeof v === "boolean",
  logLevel: (v): v is LogLevel => typeof v === "string" && (LOG_LEVELS as readonly string[]).includes(v),
};

/** The settings table, typed. */
export class Settings {
  constructor(private readonly db: Db) {}

  /** Current settings (stored values over {@link DEFAULT_SETTINGS}; unknown or invalid stored values are ignored). */
  get(): NodeSettings {
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const r of this.db.all("SELECT name, value FROM settings")) {
      const name = str(r, "name");
      if (!(name in VALIDATORS)) continue;
      const value: unknown = JSON.parse(str(r, "value"));
      if (VALIDATORS[name as keyof NodeSettings](value)) out[name] = value;
    }
    return out as unknown as NodeSettings;
  }

  /** Validates and stores a partial update atomically; returns the new settings. */
  update(patch: Partial<NodeSettings>): NodeSettings {
    for (const [name, value] of Object.entries(patch)) {
      if (!(name in VALIDATORS)) throw new InvalidSettingError(name, "unknown setting");
      if (!VALIDATORS[name as keyof NodeSettings](value)) throw new InvalidSettingError(name, `invalid value ${JSON.stringify(value)}`);
    }
    return this.db.tx(() => {
      const t = nowMs();
      for (const [name, value] of Object.entries(patch)) {
        this.db.run(
          "INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
          name,
          JSON.stringify(value),
          t,
        );
      }
      return this.get();
    });
  }

  /**
   * A raw named value (the daemon's own bookkeeping, e.g. a counter baseline). Names of
   * {@link NodeSettings} go through {@link update} instead.
   */
  value(name: string): JsonValue | undefined {
    const r = this.db.get("SELECT value FROM settings WHERE name = ?", name);
    return r ? (JSON.parse(str(r, "value")) as JsonValue) : undefined;
  }

  /** Stores a raw named value; a {@link NodeSettings} name is validated as by {@link update}. */
  setValue(name: string, value: JsonValue): void {
    if (name.length === 0) throw new InvalidSettingError(name, "empty name");
    if (name in VALIDATORS) {
      this.update({ [name]: value } as Partial<NodeSettings>);
      return;
    }
    this.db.tx(() => {
      this.db.run(
        "INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        name,
        jsonText(value),
        nowMs(),
      );
    });
  }

  /** Time of the last change (ms), 0 if never changed: cheap to poll. */
  changedAt(): number {
    const r = this.db.get("SELECT coalesce(max(updated_at), 0) AS t FROM settings")!;
    return num(r, "t");
  }
}
