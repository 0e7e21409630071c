/**
 * A connection plus the store's transaction discipline: every write runs inside {@link Db.tx}, which is
 * `BEGIN IMMEDIATE … COMMIT` at the outermost level (the write lock is taken up front, so two writers
 * never deadlock on a lock upgrade) and a SAVEPOINT when nested, so the daemon can group several store
 * calls (record a result + plan its commit) into one atomic step.
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "./sqlite.js";
import type { Row } from "./codec.js";

/** Shared handle the store's tables use. */
export class Db {
  private depth = 0;
  private readonly cache = new Map<string, StatementSync>();

  constructor(readonly raw: DatabaseSync) {}

  /** A cached prepared statement. */
  stmt(sql: string): StatementSync {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** First row or undefined. */
  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  /** All rows. */
  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, ...params: SQLInputValue[]): { changes: number; lastInsertRowid: bigint } {
    const r = this.stmt(sql).run(...params);
    return { changes: Number(r.changes), lastInsertRowid: BigInt(r.lastInsertRowid) };
  }

  /** True inside {@link tx}. */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /**
   * Runs `fn` atomically: all of its writes commit together (durably, `synchronous=FULL`) or none do.
   * `fn` must be synchronous; a thrown error rolls back and propagates.
   */
  tx<T>(fn: () => T): T {
    const outer = this.depth === 0;
    const savepoint = `sp${this.depth}`;
    this.raw.exec(outer ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    this.depth++;
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) throw new TypeError("store: tx() callbacks must be synchronous");
    } catch (e) {
      this.depth--;
      if (outer) this.raw.exec("ROLLBACK");
      else this.raw.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      throw e;
    }
    this.depth--;
    if (!outer) {
      this.raw.exec(`RELEASE ${savepoint}`);
      return result;
    }
    try {
      this.raw.exec("COMMIT");
    } catch (e) {
      // A failed COMMIT (I/O error) leaves the transaction open: undo it so the connection stays usable.
      try {
        this.raw.exec("ROLLBACK");
      } catch {
        // already rolled back by SQLite
      }
      throw e;
    }
    return result;
  }

  close(): void {
    this.cache.clear();
    this.raw.close();
  }
}
