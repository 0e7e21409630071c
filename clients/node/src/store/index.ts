/**
 * `store/` — the node daemon's persistent state (SQLite through Node's built-in `node:sqlite`).
 * See docs/node-store.md.
 * @module
 */
export { NodeStore, type OpenOptions } from "./NodeStore.js";
export { Db } from "./db.js";
export type { JsonValue } from "./codec.js";
export * from "./errors.js";
export { MIGRATIONS, LATEST_VERSION, DEFAULT_EVENTS_MAX_ROWS, migrate, userVersion, type Migration, type MigrationReport } from "./migrations.js";
export {
  Outbox,
  INTENT_KINDS,
  OPEN_STATES,
  FINAL_STATES,
  recoveryAction,
  type Intent,
  type IntentKind,
  type IntentState,
  type SignedTx,
  type ExpiredAttempt,
  type ChainObservation,
  type RecoveryAction,
  type PlanArgs,
} from "./outbox.js";
export { Tasks, type TaskPhase, type TaskRole, type TaskRecord, type TaskResult, type AddTaskArgs } from "./tasks.js";
export { HeldTotals, Tallies, TOTAL_MESSAGE_LEN, TOTAL_SIGNATURE_LEN, type HeldTotal } from "./pob.js";
export { RelayLedger, RELAY_MESSAGE_LEN, RELAY_SIGNATURE_LEN, type RelaySessionRow, type RelayEpochSummary, type StoredStatement } from "./relay.js";
export { Metrics, Settings, DEFAULT_SETTINGS, LOG_LEVELS, type EpochMetrics, type MetricsDelta, type NodeSettings, type LogLevel } from "./metrics.js";
export { EventLog, type LogEvent } from "./events.js";
export { loadSqlite, openConnection, BUSY_TIMEOUT_MS } from "./sqlite.js";
