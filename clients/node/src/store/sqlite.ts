/**
 * Loading `node:sqlite` and opening a connection with the pragmas every store connection needs.
 *
 * Node 22's built-in SQLite binding (`DatabaseSync`, SQLite 3.51 on this machine) is used instead of a
 * native npm driver: better-sqlite3 and friends download prebuilt binaries from GitHub at install time,
 * which neither these machines nor CI can reach (building them from source needs node-gyp + headers).
 * The binding prints one `ExperimentalWarning` ("SQLite is an experimental feature…") when the module
 * is first loaded; {@link loadSqlite} swallows exactly that warning and lets every other one through.
 * @module
 */
import { createRequire } from "node:module";
import type * as SqliteModule from "node:sqlite";

export type { DatabaseSync, StatementSync, SQLInputValue, SQLOutputValue } from "node:sqlite";

/** How long a writer waits for another connection's lock before failing with SQLITE_BUSY, in ms. */
export const BUSY_TIMEOUT_MS = 5_000;

let sqlite: typeof SqliteModule | undefined;

/** Loads `node:sqlite` once, dropping only its ExperimentalWarning. */
export function loadSqlite(): typeof SqliteModule {
  if (sqlite) return sqlite;
  const original = process.emitWarning;
  // emitWarning(warning, type?) or emitWarning(warning, { type }): drop only SQLite's ExperimentalWarning.
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const opt = rest[0];
    const type =
      typeof opt === "string" ? opt : typeof opt === "object" && opt !== null && "type" in opt ? String(opt.type) : typeof warning === "string" ? "Warning" : warning.name;
    const text = typeof warning === "string" ? warning : warning.message;
    if (type === "ExperimentalWarning" && /SQLite/i.test(text)) return;
    Reflect.apply(original, this, [warning, ...rest]);
  } as typeof process.emitWarning;
  try {
    sqlite = createRequire(import.meta.url)("node:sqlite") as typeof SqliteModule;
  } finally {
    process.emitWarning = original;
  }
  return sqlite;
}

/**
 * Opens (creating if absent) a database file with the store's connection settings: WAL journal,
 * `synchronous=FULL` (a commit is on disk before it returns, so a `kill -9` or power loss right after a
 * commit loses nothing), foreign keys on, a busy timeout, and integers read as `bigint`.
 */
export function openConnection(path: string): SqliteModule.DatabaseSync {
  const { DatabaseSync } = loadSqlite();
  const db = new DatabaseSync(path, {
    enableForeignKeyConstraints: true,
    readBigInts: true,
    timeout: BUSY_TIMEOUT_MS,
  });
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const mode = db.prepare("PRAGMA journal_mode = WAL").get();
    if (!mode || String(mode["journal_mode"]).toLowerCase() !== "wal") {
      throw new Error(`store: could not switch ${path} to WAL (journal_mode = ${String(mode?.["journal_mode"])})`);
    }
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    // Triggers and CHECKs may only call innocuous functions (defence against a tampered file).
    db.exec("PRAGMA trusted_schema = OFF");
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
