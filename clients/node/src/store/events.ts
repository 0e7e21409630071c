/**
 * The structured event log: one row per log line, bounded by row count (a trigger deletes rows older
 * than the newest `maxRows`, so the table never grows past it).
 * @module
 */
import { jsonText, num, nowMs, str, strOrNull, type JsonValue } from "./codec.js";
import type { Db } from "./db.js";
import { StoreRangeError } from "./errors.js";
import { LOG_LEVELS, type LogLevel } from "./metrics.js";

/** One log line. */
export interface LogEvent {
  /** Increasing id (a cursor for tailing). */
  readonly id: number;
  /** ms since the epoch. */
  readonly at: number;
  readonly level: LogLevel;
  /** Component (`executor`, `provider`, `outbox`, …). */
  readonly source: string;
  readonly message: string;
  readonly data: JsonValue | null;
}

/** The event log. */
export class EventLog {
  constructor(private readonly db: Db) {}

  /** Appends a line; returns its id. */
  log(e: { level: LogLevel; source: string; message: string; data?: JsonValue | null }): number {
    if (!(LOG_LEVELS as readonly string[]).includes(e.level)) throw new StoreRangeError("level", `unknown level ${e.level}`);
    const data = e.data === undefined || e.data === null ? null : jsonText(e.data);
    return this.db.tx(
      () =>
        Number(
          this.db.run("INSERT INTO events (at, level, source, message, data) VALUES (?, ?, ?, ?, ?)", nowMs(), e.level, e.source, e.message, data)
            .lastInsertRowid,
        ),
    );
  }

  /** Newest lines first; `minLevel` filters, `beforeId` pages back. */
  recent(opts: { limit?: number; minLevel?: LogLevel; beforeId?: number } = {}): LogEvent[] {
    const levels = LOG_LEVELS.slice(LOG_LEVELS.indexOf(opts.minLevel ?? "debug"));
    return this.db
      .all(
        `SELECT id, at, level, source, message, data FROM events
          WHERE level IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3`,
        JSON.stringify(levels),
        opts.beforeId ?? null,
        opts.limit ?? 100,
      )
      .map(toEvent);
  }

  /** Lines after `afterId`, oldest first (tailing). */
  since(afterId: number, limit = 1000): LogEvent[] {
    return this.db.all("SELECT id, at, level, source, message, data FROM events WHERE id > ? ORDER BY id LIMIT ?", afterId, limit).map(toEvent);
  }

  /** Rows currently kept. */
  count(): number {
    return num(this.db.get("SELECT count(*) AS n FROM events")!, "n");
  }

  /** Rows kept at most. */
  maxRows(): number {
    return Number(str(this.db.get("SELECT value FROM meta WHERE name = 'events_max_rows'")!, "value"));
  }

  /** Changes the bound (takes effect from the next insert). */
  setMaxRows(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new StoreRangeError("maxRows", "must be a positive integer");
    this.db.tx(() => {
      this.db.run("UPDATE meta SET value = ? WHERE name = 'events_max_rows'", String(n));
    });
  }
}

function toEvent(r: Parameters<typeof num>[0]): LogEvent {
  const data = strOrNull(r, "data");
  return {
    id: num(r, "id"),
    at: num(r, "at"),
    level: str(r, "level") as LogLevel,
    source: str(r, "source"),
    message: str(r, "message"),
    data: data === null ? null : (JSON.parse(data) as JsonValue),
  };
}
