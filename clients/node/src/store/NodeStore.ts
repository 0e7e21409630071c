/**
 * `NodeStore`: the daemon's persistent state in one SQLite file (WAL, `synchronous=FULL`, foreign keys,
 * busy timeout, forward-only migrations). Every write is a transaction; {@link NodeStore.tx} groups
 * several calls into one atomic step, e.g. record a task's result and plan its commit together:
 *
 * ```ts
 * const store = NodeStore.open("/var/lib/lumora/node.db");
 * for (const intent of store.outbox.pending()) resume(intent);   // see recoveryAction()
 * store.tx(() => {
 *   store.tasks.recordResult(task, result);
 *   store.outbox.plan({ kind: "commit", key: `commit:${task}`, payload: { task } });
 * });
 * ```
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { str } from "./codec.js";
import { Db } from "./db.js";
import { EventLog } from "./events.js";
import { Metrics, Settings } from "./metrics.js";
import { LATEST_VERSION, MIGRATIONS, migrate, userVersion, type Migration, type MigrationReport } from "./migrations.js";
import { Outbox } from "./outbox.js";
import { HeldTotals, Tallies } from "./pob.js";
import { RelayLedger } from "./relay.js";
import { openConnection, type DatabaseSync } from "./sqlite.js";
import { Tasks } from "./tasks.js";

/** Options of {@link NodeStore.open}. */
export interface OpenOptions {
  /** Migrations to apply (tests only; defaults to the store's schema). */
  readonly migrations?: readonly Migration[];
}

/** The node daemon's persistent state. */
export class NodeStore {
  /** On-chain intents (write-ahead journal). */
  readonly outbox: Outbox;
  /** Tasks executed or backed up. */
  readonly tasks: Tasks;
  /** Proof-of-Bandwidth tallies, as verifier. */
  readonly tallies: Tallies;
  /** Signed totals held, as provider. */
  readonly totals: HeldTotals;
  /** Relay sessions and refusals (`/lumora/relay/1`). */
  readonly relay: RelayLedger;
  /** Per-epoch counters. */
  readonly metrics: Metrics;
  /** Operator settings. */
  readonly settings: Settings;
  /** Bounded structured log. */
  readonly events: EventLog;

  private constructor(
    private readonly db: Db,
    /** Path of the database file. */
    readonly path: string,
    /** What migrating did on open. */
    readonly migration: MigrationReport,
  ) {
    this.outbox = new Outbox(db);
    this.tasks = new Tasks(db);
    this.tallies = new Tallies(db);
    this.totals = new HeldTotals(db);
    this.relay = new RelayLedger(db);
    this.metrics = new Metrics(db);
    this.settings = new Settings(db);
    this.events = new EventLog(db);
  }

  /** Opens (creating the file and its directory if needed) and migrates the store at `path`. */
  static open(path: string, opts: OpenOptions = {}): NodeStore {
    mkdirSync(dirname(path), { recursive: true });
    const raw = openConnection(path);
    try {
      const report = migrate(raw, opts.migrations ?? MIGRATIONS);
      return new NodeStore(new Db(raw), path, report);
    } catch (e) {
      raw.close();
      throw e;
    }
  }

  /** Newest schema version this build knows. */
  static readonly LATEST_VERSION = LATEST_VERSION;

  /** Runs `fn` as one atomic, durable transaction (nested calls become savepoints). `fn` must be synchronous. */
  tx<T>(fn: () => T): T {
    return this.db.tx(fn);
  }

  /** `PRAGMA user_version`. */
  schemaVersion(): number {
    return userVersion(this.db.raw);
  }

  /** `PRAGMA integrity_check` + `foreign_key_check`: `["ok"]` when the file is sound. */
  integrityCheck(): string[] {
    const rows = this.db.all("PRAGMA integrity_check").map((r) => str(r, "integrity_check"));
    const fk = this.db.all("PRAGMA foreign_key_check");
    return fk.length === 0 ? rows : [...rows, `${fk.length} foreign key violation(s)`];
  }

  /** The underlying connection, for read-only diagnostics (do not write through it). */
  get connection(): DatabaseSync {
    return this.db.raw;
  }

  /** Checkpoints the WAL into the main file and closes. */
  close(): void {
    try {
      this.db.raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } finally {
      this.db.close();
    }
  }
}
