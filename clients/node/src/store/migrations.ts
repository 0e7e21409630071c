/**
 * Forward-only, numbered schema migrations. `PRAGMA user_version` holds the number of the last one
 * applied; each migration runs in its own `BEGIN IMMEDIATE` transaction together with the bump of
 * `user_version` and its row in `schema_migrations`, so a crash mid-migration leaves the previous
 * version intact and the next open simply runs it again. Never edit a shipped migration: append one.
 * @module
 */
import { MigrationOrderError, SchemaTooNewError } from "./errors.js";
import type { DatabaseSync } from "./sqlite.js";

/** One schema step. */
export interface Migration {
  /** 1, 2, 3, … with no gaps. */
  readonly version: number;
  /** Short description, recorded in `schema_migrations`. */
  readonly name: string;
  /** SQL run inside the migration's transaction. */
  readonly sql: string;
}

/** What {@link migrate} did. */
export interface MigrationReport {
  /** `user_version` found on open. */
  readonly from: number;
  /** `user_version` after migrating. */
  readonly to: number;
  /** Versions applied by this call (empty when already current). */
  readonly applied: number[];
}

/** Default number of event-log rows kept (the oldest are deleted on insert). */
export const DEFAULT_EVENTS_MAX_ROWS = 10_000;

/** The store's schema, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "outbox, tasks, receipts",
    sql: `
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- The write-ahead journal of on-chain intents. One row per idempotent step (unique key); the signed
-- transaction (signature, bytes, lastValidBlockHeight) is stored before it is sent.
CREATE TABLE outbox (
  id                      INTEGER PRIMARY KEY,
  key                     TEXT    NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 256),
  kind                    TEXT    NOT NULL CHECK (kind GLOB '[a-z]*' AND kind NOT GLOB '*[^a-z_]*'),
  payload                 TEXT    NOT NULL CHECK (json_valid(payload)),
  state                   TEXT    NOT NULL CHECK (state IN ('planned','signed','sent','confirmed','failed','superseded')),
  attempt                 INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  signature               TEXT    UNIQUE,
  tx                      BLOB,
  last_valid_block_height INTEGER CHECK (last_valid_block_height >= 0),
  send_count              INTEGER NOT NULL DEFAULT 0 CHECK (send_count >= 0),
  confirmed_slot          INTEGER CHECK (confirmed_slot >= 0),
  reason                  TEXT,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL,
  -- a signed attempt is all three fields or none
  CHECK ((signature IS NULL) = (tx IS NULL) AND (tx IS NULL) = (last_valid_block_height IS NULL)),
  CHECK (state <> 'planned' OR (signature IS NULL AND send_count = 0)),
  CHECK (state NOT IN ('signed','sent','confirmed') OR (signature IS NOT NULL AND attempt >= 1)),
  CHECK (state <> 'signed' OR send_count = 0),
  CHECK (state <> 'sent' OR send_count >= 1),
  CHECK (state = 'confirmed' OR confirmed_slot IS NULL),
  CHECK (state NOT IN ('failed','superseded') OR reason IS NOT NULL)
) STRICT;
CREATE INDEX outbox_open ON outbox (id) WHERE state IN ('planned','signed','sent');
CREATE INDEX outbox_kind ON outbox (kind, state);

-- Signed attempts proven dead (not on chain and blockhash expired) before their intent was re-planned.
CREATE TABLE outbox_expired (
  outbox_id               INTEGER NOT NULL REFERENCES outbox (id),
  attempt                 INTEGER NOT NULL,
  signature               TEXT    NOT NULL UNIQUE,
  tx                      BLOB    NOT NULL,
  last_valid_block_height INTEGER NOT NULL,
  observed_block_height   INTEGER NOT NULL CHECK (observed_block_height > last_valid_block_height),
  send_count              INTEGER NOT NULL,
  replanned_at            INTEGER NOT NULL,
  PRIMARY KEY (outbox_id, attempt)
) STRICT;

-- Tasks this node executes (or backs up).
CREATE TABLE tasks (
  task             TEXT    PRIMARY KEY,
  spec_hash        BLOB    NOT NULL CHECK (length(spec_hash) = 32),
  spec             BLOB,
  role             TEXT    NOT NULL CHECK (role IN ('assignee','backup')),
  backup_rank      INTEGER CHECK (backup_rank BETWEEN 1 AND 255),
  phase            TEXT    NOT NULL CHECK (phase IN ('assigned','fetching','fetched','committed','revealed','settled','failed','released')),
  commit_deadline  INTEGER,
  reveal_deadline  INTEGER,
  content_hash     BLOB    CHECK (length(content_hash) = 32),
  byte_count       INTEGER CHECK (byte_count >= 0),
  merkle_root      BLOB    CHECK (length(merkle_root) = 32),
  commitment       BLOB    CHECK (length(commitment) = 32),
  salt             BLOB,
  record_count     INTEGER CHECK (record_count >= 0),
  sealed_key       BLOB,
  locator          TEXT,
  chunk_dir        TEXT,
  reason           TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK ((role = 'backup') = (backup_rank IS NOT NULL)),
  -- the result is recorded all at once: content hash, size and Merkle root (the commitment is optional:
  -- it is derived from the content hash and the node key)
  CHECK ((content_hash IS NULL) = (byte_count IS NULL) AND (byte_count IS NULL) = (merkle_root IS NULL)),
  CHECK (commitment IS NULL OR content_hash IS NOT NULL),
  CHECK (phase NOT IN ('fetched','committed','revealed','settled') OR content_hash IS NOT NULL),
  CHECK (phase NOT IN ('failed','released') OR reason IS NOT NULL)
) STRICT;
CREATE INDEX tasks_open ON tasks (phase) WHERE phase NOT IN ('settled','failed','released');

-- Provider side: receipts verifiers signed for this node, until they are credited on chain.
CREATE TABLE receipts_received (
  id          INTEGER PRIMARY KEY,
  verifier    TEXT    NOT NULL,
  epoch       INTEGER NOT NULL CHECK (epoch >= 0),
  seq         INTEGER NOT NULL CHECK (seq >= 0),
  bytes       INTEGER NOT NULL CHECK (bytes >= 0),
  message     BLOB    NOT NULL CHECK (length(message) = 144),
  signature   BLOB    NOT NULL CHECK (length(signature) = 64),
  state       TEXT    NOT NULL CHECK (state IN ('pending','submitted','credited','rejected')),
  submit_key  TEXT    REFERENCES outbox (key),
  reason      TEXT,
  received_at INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (verifier, epoch, seq),
  CHECK ((state IN ('submitted','credited')) = (submit_key IS NOT NULL)),
  CHECK ((state = 'rejected') = (reason IS NOT NULL))
) STRICT;
CREATE INDEX receipts_pending ON receipts_received (epoch, verifier, seq) WHERE state = 'pending';
CREATE INDEX receipts_by_submit ON receipts_received (submit_key) WHERE submit_key IS NOT NULL;

-- Verifier side: the last sequence number reserved per provider. Persisted before a signature is
-- released, never decreases, so a restart never reuses a seq.
CREATE TABLE verifier_seq (
  provider   TEXT    PRIMARY KEY,
  last_seq   INTEGER NOT NULL CHECK (last_seq >= 0),
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER verifier_seq_monotonic BEFORE UPDATE OF last_seq ON verifier_seq
  WHEN NEW.last_seq <= OLD.last_seq
BEGIN
  SELECT RAISE(ABORT, 'verifier_seq: last_seq must increase');
END;

-- Verifier side: receipts signed and handed to providers (for re-delivery and the dashboard).
CREATE TABLE receipts_issued (
  provider  TEXT    NOT NULL,
  seq       INTEGER NOT NULL CHECK (seq >= 1),
  epoch     INTEGER NOT NULL CHECK (epoch >= 0),
  bytes     INTEGER NOT NULL CHECK (bytes >= 0),
  message   BLOB    NOT NULL CHECK (length(message) = 144),
  signature BLOB    NOT NULL CHECK (length(signature) = 64),
  issued_at INTEGER NOT NULL,
  PRIMARY KEY (provider, seq)
) STRICT;
`,
  },
  {
    version: 2,
    name: "metrics, settings, event log",
    sql: `
-- Per-epoch counters for the dashboard. typeof() checks refuse an i64 overflow (SQLite would turn it into a REAL).
CREATE TABLE metrics (
  epoch             INTEGER PRIMARY KEY CHECK (epoch >= 0),
  bytes_served      INTEGER NOT NULL DEFAULT 0 CHECK (typeof(bytes_served) = 'integer' AND bytes_served >= 0),
  bytes_fetched     INTEGER NOT NULL DEFAULT 0 CHECK (typeof(bytes_fetched) = 'integer' AND bytes_fetched >= 0),
  tasks_done        INTEGER NOT NULL DEFAULT 0 CHECK (typeof(tasks_done) = 'integer' AND tasks_done >= 0),
  receipts_issued   INTEGER NOT NULL DEFAULT 0 CHECK (typeof(receipts_issued) = 'integer' AND receipts_issued >= 0),
  receipts_received INTEGER NOT NULL DEFAULT 0 CHECK (typeof(receipts_received) = 'integer' AND receipts_received >= 0),
  receipts_submitted INTEGER NOT NULL DEFAULT 0 CHECK (typeof(receipts_submitted) = 'integer' AND receipts_submitted >= 0),
  receipts_credited INTEGER NOT NULL DEFAULT 0 CHECK (typeof(receipts_credited) = 'integer' AND receipts_credited >= 0),
  earnings_claimed  INTEGER NOT NULL DEFAULT 0 CHECK (typeof(earnings_claimed) = 'integer' AND earnings_claimed >= 0),
  updated_at        INTEGER NOT NULL
) STRICT;

-- Operator settings, changed at runtime (JSON values, validated by the daemon's typed accessors).
CREATE TABLE settings (
  name       TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL CHECK (json_valid(value)),
  updated_at INTEGER NOT NULL
) STRICT;

-- Structured log, bounded: the trigger keeps the newest meta.events_max_rows rows.
CREATE TABLE events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  level   TEXT    NOT NULL CHECK (level IN ('debug','info','warn','error')),
  source  TEXT    NOT NULL,
  message TEXT    NOT NULL,
  data    TEXT    CHECK (data IS NULL OR json_valid(data))
) STRICT;
INSERT INTO meta (name, value) VALUES ('events_max_rows', '${DEFAULT_EVENTS_MAX_ROWS}');
CREATE TRIGGER events_rotate AFTER INSERT ON events
BEGIN
  DELETE FROM events
   WHERE id <= NEW.id - (SELECT CAST(value AS INTEGER) FROM meta WHERE name = 'events_max_rows');
END;
`,
  },
  {
    version: 3,
    name: "Proof-of-Bandwidth v2: tallies and held totals replace receipts",
    sql: `
-- v1 receipts and their sequence numbers are gone with submit_receipts (docs/rewards.md §3.2).
DROP TABLE receipts_received;
DROP TRIGGER IF EXISTS verifier_seq_monotonic;
DROP TABLE verifier_seq;
DROP TABLE receipts_issued;

-- Verifier side: the tally of answered probes per (epoch, provider); the tree of an ended epoch is built
-- from them. Written only after the provider acknowledged the total that counts the probe.
CREATE TABLE pob_tallies (
  epoch      INTEGER NOT NULL CHECK (epoch >= 0),
  provider   TEXT    NOT NULL,
  probes     INTEGER NOT NULL CHECK (probes >= 1),
  bytes      INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND bytes >= 0),
  rates      TEXT    NOT NULL CHECK (json_valid(rates)),
  rtts       TEXT    NOT NULL CHECK (json_valid(rtts)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (epoch, provider)
) STRICT;

-- Provider side: the latest signed total each verifier handed this node per epoch.
CREATE TABLE pob_totals (
  epoch       INTEGER NOT NULL CHECK (epoch >= 0),
  verifier    TEXT    NOT NULL,
  live_ms     INTEGER NOT NULL CHECK (live_ms >= 0),
  bytes       INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND bytes >= 0),
  message     BLOB    NOT NULL CHECK (length(message) = 140),
  signature   BLOB    NOT NULL CHECK (length(signature) = 64),
  received_at INTEGER NOT NULL,
  PRIMARY KEY (epoch, verifier)
) STRICT;

ALTER TABLE metrics RENAME COLUMN receipts_issued TO probes_made;
ALTER TABLE metrics RENAME COLUMN receipts_received TO totals_received;
ALTER TABLE metrics RENAME COLUMN receipts_submitted TO roots_posted;
ALTER TABLE metrics RENAME COLUMN receipts_credited TO bytes_credited;
`,
  },
  {
    version: 4,
    name: "relay sessions and refusals (/lumora/relay/1)",
    sql: `
-- One row per relay session and per role this node had in it (docs/relay.md): the bytes moved and the
-- signed statements of both ends (121-byte message, 64-byte ed25519 signature each). A provider keeps its
-- own statement always and the executor's when it arrived and verified; the primary key makes a record
-- idempotent (a session is never counted twice).
CREATE TABLE relay_sessions (
  session_id         BLOB    NOT NULL CHECK (length(session_id) = 16),
  role               TEXT    NOT NULL CHECK (role IN ('provider','executor')),
  epoch              INTEGER NOT NULL CHECK (epoch >= 0),
  peer               TEXT    NOT NULL,
  bytes_up           INTEGER NOT NULL CHECK (typeof(bytes_up) = 'integer' AND bytes_up >= 0),
  bytes_down         INTEGER NOT NULL CHECK (typeof(bytes_down) = 'integer' AND bytes_down >= 0),
  outcome            TEXT    NOT NULL CHECK (outcome IN ('closed','aborted','broken')),
  provider_message   BLOB    CHECK (provider_message IS NULL OR length(provider_message) = 121),
  provider_signature BLOB    CHECK (provider_signature IS NULL OR length(provider_signature) = 64),
  executor_message   BLOB    CHECK (executor_message IS NULL OR length(executor_message) = 121),
  executor_signature BLOB    CHECK (executor_signature IS NULL OR length(executor_signature) = 64),
  created_at         INTEGER NOT NULL,
  PRIMARY KEY (session_id, role),
  CHECK ((provider_message IS NULL) = (provider_signature IS NULL)),
  CHECK ((executor_message IS NULL) = (executor_signature IS NULL))
) STRICT;
CREATE INDEX relay_sessions_epoch ON relay_sessions (epoch, role);

-- Sessions this node refused as a provider, per epoch and typed reason.
CREATE TABLE relay_refusals (
  epoch  INTEGER NOT NULL CHECK (epoch >= 0),
  reason TEXT    NOT NULL,
  count  INTEGER NOT NULL CHECK (count >= 1),
  PRIMARY KEY (epoch, reason)
) STRICT;
`,
  },
];

/** The newest schema version this build knows. */
export const LATEST_VERSION = MIGRATIONS.length;

/** Reads `PRAGMA user_version`. */
export function userVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get();
  return Number(row?.["user_version"] ?? 0);
}

/**
 * Brings the database to the newest version of `migrations`, one transaction per migration. Safe to call
 * on every open and from several processes at once (each migration re-checks the version after taking
 * the write lock). Refuses a database newer than the list ({@link SchemaTooNewError}).
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationOrderError(`migration #${i} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const from = userVersion(db);
  if (from > latest) throw new SchemaTooNewError(from, latest);
  const applied: number[] = [];
  for (const m of migrations.slice(from)) {
    db.exec("BEGIN IMMEDIATE");
    try {
      const current = userVersion(db);
      if (current > latest) throw new SchemaTooNewError(current, latest);
      if (current < m.version) {
        if (current !== m.version - 1) throw new MigrationOrderError(`database at ${current}, cannot apply ${m.version}`);
        db.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT",
        );
        db.exec(m.sql);
        db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, Date.now());
        db.exec(`PRAGMA user_version = ${m.version}`);
        applied.push(m.version);
      }
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
  }
  return { from, to: userVersion(db), applied };
}
