// The node store (clients/node/src/store) on real SQLite files under os.tmpdir(): pragmas and
// migrations, the outbox state machine, tasks, PoB tallies and held totals, metrics/settings/event log, and
// kill -9 at random points of a daemon-shaped writer followed by an audit of what survived.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BlockhashStillValidError,
  DuplicateIntentError,
  DuplicateSignatureError,
  IllegalTransitionError,
  IntentConflictError,
  InvalidSettingError,
  LATEST_VERSION,
  MIGRATIONS,
  MigrationOrderError,
  NodeStore,
  NotFoundError,
  SchemaTooNewError,
  StoreRangeError,
  TaskDataMissingError,
  recoveryAction,
  DEFAULT_SETTINGS,
  type Intent,
  type IntentState,
} from "../src/store/index.js";
import {
  CRASH_PROVIDER,
  auditCrashStore,
  bytesEqual,
  keyOf,
  parseReported,
  readChain,
  signatureOf,
  messageOf,
  verifierOf,
  CRASH_EPOCH,
  kindOf,
} from "./store-crash.fixture.js";

const here = dirname(fileURLToPath(import.meta.url));
const nodeDir = dirname(here);

let dir: string;
let n = 0;
const dbFile = (): string => join(dir, `s${++n}`, "node.db");
const bytes = (len: number, fill: number): Uint8Array => new Uint8Array(len).fill(fill);
const pragma = (s: NodeStore, name: string): unknown => {
  const row = s.connection.prepare(`PRAGMA ${name}`).get();
  return row ? Object.values(row)[0] : undefined;
};
function expectThrow<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(type);
    return e as E;
  }
  throw new Error(`expected ${type.name}, nothing thrown`);
}

/** Runs a child Node process (tsx), returning its output and how it ended. */
interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}
function runChild(script: string, args: string[], kill?: { afterMs?: number; afterLines?: number; delayMs?: number }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, script), ...args], { cwd: nodeDir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let killing = false;
    const killNow = (): void => {
      if (killing) return;
      killing = true;
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
    };
    const later = (): void => {
      if (kill?.delayMs) setTimeout(killNow, kill.delayMs);
      else killNow();
    };
    if (kill?.afterMs !== undefined) setTimeout(killNow, kill.afterMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (kill?.afterLines !== undefined && !killing && stdout.split("\n").filter((l) => /^[ABCD] /.test(l)).length >= kill.afterLines) later();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "lumora-store-"));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("store: open and migrations", () => {
  it("opens with WAL, synchronous=FULL, foreign keys, a busy timeout and the latest schema", () => {
    const s = NodeStore.open(dbFile());
    try {
      expect(pragma(s, "journal_mode")).to.equal("wal");
      expect(pragma(s, "synchronous")).to.equal(2n); // FULL
      expect(pragma(s, "foreign_keys")).to.equal(1n);
      expect(pragma(s, "busy_timeout")).to.equal(5000n);
      expect(s.schemaVersion()).to.equal(LATEST_VERSION).and.to.equal(MIGRATIONS.length);
      expect(s.migration).to.deep.equal({ from: 0, to: LATEST_VERSION, applied: MIGRATIONS.map((m) => m.version) });
      const tables = s.connection
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .all()
        .map((r) => r["name"]);
      for (const t of ["outbox", "outbox_expired", "tasks", "pob_tallies", "pob_totals", "metrics", "settings", "events", "meta", "schema_migrations"]) {
        expect(tables).to.include(t);
      }
      for (const t of ["receipts_received", "verifier_seq", "receipts_issued"]) expect(tables, "v1 receipt tables dropped by migration 3").to.not.include(t);
      expect(s.integrityCheck()).to.deep.equal(["ok"]);
    } finally {
      s.close();
    }
  });

  it("re-opens idempotently: nothing re-applied, data kept", () => {
    const path = dbFile();
    const a = NodeStore.open(path);
    a.outbox.plan({ kind: "heartbeat", key: "heartbeat:1", payload: {} });
    const applied = a.connection.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").all();
    a.close();
    const b = NodeStore.open(path);
    try {
      expect(b.migration).to.deep.equal({ from: LATEST_VERSION, to: LATEST_VERSION, applied: [] });
      expect(b.connection.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").all()).to.deep.equal(applied);
      expect(b.outbox.require("heartbeat:1").state).to.equal("planned");
    } finally {
      b.close();
    }
  });

  it("migrates an older database forward, one numbered step at a time", () => {
    const path = dbFile();
    const old = NodeStore.open(path, { migrations: MIGRATIONS.slice(0, 1) });
    expect(old.schemaVersion()).to.equal(1);
    expect(old.connection.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'metrics'").get()!["n"]).to.equal(0n);
    old.outbox.plan({ kind: "claim", key: "claim:1", payload: { epoch: "1" } });
    old.close();
    const s = NodeStore.open(path);
    try {
      expect(s.migration).to.deep.equal({ from: 1, to: LATEST_VERSION, applied: MIGRATIONS.slice(1).map((m) => m.version) });
      expect(s.outbox.require("claim:1").kind).to.equal("claim");
      expect(s.metrics.add(1n, { bytesServed: 1n, probesMade: 2n }).probesMade).to.equal(2n);
      // migration 3 replaced v1's receipt tables with Proof-of-Bandwidth v2's
      s.tallies.put(1n, "P", { probes: 1, bytes: 5n, ratesKbps: [8], rttsMs: [2] });
      expect(s.tallies.get(1n, "P")!.bytes).to.equal(5n);
    } finally {
      s.close();
    }
  });

  it("rolls a failing migration back entirely (version, tables and record unchanged)", () => {
    const path = dbFile();
    NodeStore.open(path).close();
    const broken = [...MIGRATIONS, { version: LATEST_VERSION + 1, name: "broken", sql: "CREATE TABLE t_new (x INTEGER); INSERT INTO no_such_table VALUES (1);" }];
    expect(() => NodeStore.open(path, { migrations: broken })).to.throw(/no_such_table/);
    const s = NodeStore.open(path);
    try {
      expect(s.schemaVersion()).to.equal(LATEST_VERSION);
      expect(s.connection.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 't_new'").get()!["n"]).to.equal(0n);
      expect(s.connection.prepare("SELECT max(version) AS v FROM schema_migrations").get()!["v"]).to.equal(BigInt(LATEST_VERSION));
    } finally {
      s.close();
    }
  });

  it("refuses a database from a newer daemon (SchemaTooNew) and a misnumbered migration list (MigrationOrder)", () => {
    const path = dbFile();
    const s = NodeStore.open(path);
    s.connection.exec("PRAGMA user_version = 99");
    s.close();
    const e = expectThrow(() => NodeStore.open(path), SchemaTooNewError);
    expect(e.found).to.equal(99);
    expectThrow(() => NodeStore.open(dbFile(), { migrations: [MIGRATIONS[1]!] }), MigrationOrderError);
  });

  it("loads node:sqlite without printing its ExperimentalWarning (and writes across processes)", async () => {
    const r = await runChild("store-seq.child.ts", [dbFile(), "3"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split("\n")).to.deep.equal(["1", "2", "3"]);
    expect(r.stderr).not.to.match(/ExperimentalWarning|experimental/i);
    // control: in the same environment, loading node:sqlite directly does print it
    const control = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ["-e", "require('node:sqlite')"], { cwd: nodeDir, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      c.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      c.on("error", reject);
      c.on("close", () => resolve(err));
    });
    expect(control).to.match(/ExperimentalWarning: SQLite/);
  });
});

describe("store: outbox", () => {
  let s: NodeStore;
  let path: string;
  beforeEach(() => {
    path = dbFile();
    s = NodeStore.open(path);
  });
  afterEach(() => s.close());

  const signed = (sig: string, lvbh = 100n) => ({ signature: sig, tx: bytes(40, sig.charCodeAt(0)), lastValidBlockHeight: lvbh });

  /** Drives a fresh intent to `state` through the legal path. */
  function intentIn(state: IntentState, key: string): Intent {
    s.outbox.plan({ kind: "commit", key, payload: { task: key } });
    if (state === "planned") return s.outbox.require(key);
    if (state === "failed") return s.outbox.fail(key, "test");
    if (state === "superseded") return s.outbox.supersede(key, "test");
    s.outbox.sign(key, signed(`sig-${key}`));
    if (state === "signed") return s.outbox.require(key);
    s.outbox.markSent(key);
    if (state === "sent") return s.outbox.require(key);
    return s.outbox.confirm(key, { slot: 5n });
  }

  it("plan → sign → sent → rebroadcast → confirmed, every field durable across a reopen", () => {
    const tx = Uint8Array.from({ length: 1232 }, (_, i) => (i * 7) & 0xff);
    expect(s.outbox.plan({ kind: "commit", key: "commit:T1", payload: { task: "T1", n: 1 } }).state).to.equal("planned");
    const sg = s.outbox.sign("commit:T1", { signature: "5igA", tx, lastValidBlockHeight: 321n });
    expect(sg.state).to.equal("signed");
    expect(sg.attempt).to.equal(1);
    expect(s.outbox.markSent("commit:T1").sendCount).to.equal(1);
    expect(s.outbox.markSent("commit:T1").sendCount).to.equal(2);
    s.close();
    s = NodeStore.open(path);
    const back = s.outbox.require("commit:T1");
    expect(back.state).to.equal("sent");
    expect(bytesEqual(back.signed!.tx, tx)).to.equal(true);
    expect(back.signed!.lastValidBlockHeight).to.equal(321n);
    expect(back.payload).to.deep.equal({ n: 1, task: "T1" });
    expect(s.outbox.bySignature("5igA")!.key).to.equal("commit:T1");
    const c = s.outbox.confirm("commit:T1", { slot: 9_000_000_000n });
    expect(c.state).to.equal("confirmed");
    expect(c.confirmedSlot).to.equal(9_000_000_000n);
    expect(s.outbox.pending()).to.deep.equal([]);
  });

  it("DuplicateIntent: a key can never be planned twice; ensurePlanned is idempotent, IntentConflict on a different payload", () => {
    s.outbox.plan({ kind: "reveal", key: "reveal:T", payload: { task: "T", a: 1, b: 2 } });
    s.outbox.sign("reveal:T", signed("x"));
    expectThrow(() => s.outbox.plan({ kind: "reveal", key: "reveal:T", payload: { task: "T", a: 1, b: 2 } }), DuplicateIntentError);
    const again = s.outbox.ensurePlanned({ kind: "reveal", key: "reveal:T", payload: { b: 2, a: 1, task: "T" } });
    expect(again.created).to.equal(false);
    expect(again.intent.state).to.equal("signed");
    expectThrow(() => s.outbox.ensurePlanned({ kind: "reveal", key: "reveal:T", payload: { task: "other" } }), IntentConflictError);
    expectThrow(() => s.outbox.ensurePlanned({ kind: "commit", key: "reveal:T", payload: { task: "T", a: 1, b: 2 } }), IntentConflictError);
    expect(s.outbox.ensurePlanned({ kind: "reveal", key: "reveal:U", payload: {} }).created).to.equal(true);
    expect(s.outbox.list()).to.have.length(2);
    // even a terminal intent keeps its key
    s.outbox.supersede("reveal:U", "not needed");
    expectThrow(() => s.outbox.plan({ kind: "reveal", key: "reveal:U", payload: {} }), DuplicateIntentError);
  });

  it("IllegalTransition: every transition not in the state machine is refused and changes nothing", () => {
    const states: IntentState[] = ["planned", "signed", "sent", "confirmed", "failed", "superseded"];
    const ops: Record<string, { allowed: IntentState[]; run: (key: string) => unknown }> = {
      sign: { allowed: ["planned"], run: (k) => s.outbox.sign(k, signed(`new-${k}`)) },
      markSent: { allowed: ["signed", "sent"], run: (k) => s.outbox.markSent(k) },
      confirm: { allowed: ["signed", "sent"], run: (k) => s.outbox.confirm(k, { slot: 1n }) },
      fail: { allowed: ["planned", "signed", "sent"], run: (k) => s.outbox.fail(k, "r") },
      supersede: { allowed: ["planned", "signed", "sent"], run: (k) => s.outbox.supersede(k, "r") },
      replan: { allowed: ["signed", "sent"], run: (k) => s.outbox.replan(k, { observedBlockHeight: 1000n }) },
    };
    let refused = 0;
    let allowed = 0;
    for (const from of states) {
      for (const [op, { allowed: ok, run }] of Object.entries(ops)) {
        const key = `${op}:${from}`;
        const before = intentIn(from, key);
        if (ok.includes(from)) {
          run(key);
          allowed++;
        } else {
          const e = expectThrow(() => run(key), IllegalTransitionError);
          expect(e.from).to.equal(from);
          expect(s.outbox.require(key)).to.deep.equal(before);
          refused++;
        }
      }
    }
    expect(refused).to.equal(23);
    expect(allowed).to.equal(13);
    expectThrow(() => s.outbox.markSent("no-such-key"), NotFoundError);
  });

  it("the database itself refuses inconsistent rows (signed without a signature, half a signed attempt, a slot before confirmation)", () => {
    intentIn("planned", "k1");
    expect(() => s.connection.exec("UPDATE outbox SET state = 'signed' WHERE key = 'k1'")).to.throw(/CHECK constraint failed/);
    expect(() => s.connection.exec("UPDATE outbox SET state = 'failed' WHERE key = 'k1'")).to.throw(/CHECK constraint failed/); // no reason
    intentIn("sent", "k2");
    expect(() => s.connection.exec("UPDATE outbox SET tx = NULL WHERE key = 'k2'")).to.throw(/CHECK constraint failed/);
    expect(() => s.connection.exec("UPDATE outbox SET confirmed_slot = 3 WHERE key = 'k2'")).to.throw(/CHECK constraint failed/);
    expect(() => s.connection.exec("UPDATE outbox SET state = 'signed' WHERE key = 'k2'")).to.throw(/CHECK constraint failed/); // sent once already
    // a confirmation without a known slot is allowed
    expect(s.outbox.confirm("k2").confirmedSlot).to.equal(null);
  });

  it("DuplicateSignature: one transaction signature belongs to one intent, expired ones included", () => {
    intentIn("signed", "a");
    s.outbox.plan({ kind: "bid", key: "b", payload: {} });
    expectThrow(() => s.outbox.sign("b", signed("sig-a")), DuplicateSignatureError);
    s.outbox.replan("a", { observedBlockHeight: 101n });
    expectThrow(() => s.outbox.sign("b", signed("sig-a")), DuplicateSignatureError);
    expectThrow(() => s.outbox.sign("a", signed("sig-a")), DuplicateSignatureError);
    expect(s.outbox.require("b").state).to.equal("planned");
  });

  it("BlockhashStillValid: re-planning waits until the chain is past lastValidBlockHeight; the dead attempt is kept", () => {
    intentIn("sent", "commit:X");
    const e = expectThrow(() => s.outbox.replan("commit:X", { observedBlockHeight: 100n }), BlockhashStillValidError);
    expect(e.lastValidBlockHeight).to.equal(100n);
    expect(s.outbox.require("commit:X").state).to.equal("sent");
    const p = s.outbox.replan("commit:X", { observedBlockHeight: 101n });
    expect(p.state).to.equal("planned");
    expect(p.signed).to.equal(null);
    expect(p.sendCount).to.equal(0);
    const hist = s.outbox.expiredAttempts("commit:X");
    expect(hist).to.have.length(1);
    expect(hist[0]).to.include({ attempt: 1, signature: "sig-commit:X", sendCount: 1 });
    expect(hist[0]!.observedBlockHeight).to.equal(101n);
    const again = s.outbox.sign("commit:X", signed("second", 400n));
    expect(again.attempt).to.equal(2);
    expect(s.outbox.bySignature("sig-commit:X")).to.equal(undefined);
  });

  it("recoveryAction: sign when planned; confirm / fail from the chain status; rebroadcast the same bytes while valid; replan after expiry", () => {
    const planned = intentIn("planned", "p");
    expect(recoveryAction(planned, null)).to.deep.equal({ action: "sign" });
    for (const st of ["signed", "sent"] as const) {
      const it = intentIn(st, `r-${st}`);
      expect(recoveryAction(it, { blockHeight: 50n, status: { slot: 7n, err: null } })).to.deep.equal({ action: "confirm", slot: 7n });
      expect(recoveryAction(it, { blockHeight: 50n, status: { slot: 7n, err: "Custom(6001)" } })).to.deep.equal({ action: "fail", reason: "landed with error: Custom(6001)" });
      const rb = recoveryAction(it, { blockHeight: 100n, status: null });
      expect(rb.action).to.equal("rebroadcast");
      expect(rb.action === "rebroadcast" && bytesEqual(rb.tx, it.signed!.tx)).to.equal(true);
      expect(recoveryAction(it, { blockHeight: 101n, status: null })).to.deep.equal({ action: "replan", observedBlockHeight: 101n });
      expect(() => recoveryAction(it, null)).to.throw(StoreRangeError);
    }
    expectThrow(() => recoveryAction(intentIn("confirmed", "done"), { blockHeight: 1n, status: null }), IllegalTransitionError);
  });

  it("pending() lists exactly the open intents, oldest first", () => {
    const order: [IntentState, string][] = [["sent", "k1"], ["confirmed", "k2"], ["planned", "k3"], ["failed", "k4"], ["signed", "k5"], ["superseded", "k6"]];
    for (const [st, k] of order) intentIn(st, k);
    expect(s.outbox.pending().map((i) => i.key)).to.deep.equal(["k1", "k3", "k5"]);
    expect(s.outbox.counts()).to.deep.equal({ planned: 1, signed: 1, sent: 1, confirmed: 1, failed: 1, superseded: 1 });
    expect(s.outbox.list({ state: "failed" }).map((i) => i.key)).to.deep.equal(["k4"]);
  });

  it("tx() is atomic: a throw rolls back every call inside; a nested failure rolls back only its savepoint", () => {
    s.tasks.add({ task: "T", specHash: bytes(32, 1), role: "assignee" });
    const result = { contentHash: bytes(32, 2), byteCount: 10n, merkleRoot: bytes(32, 3), commitment: bytes(32, 4) };
    expect(() =>
      s.tx(() => {
        s.tasks.recordResult("T", result);
        s.outbox.plan({ kind: "commit", key: "commit:T", payload: { task: "T" } });
        throw new Error("crash before commit");
      }),
    ).to.throw("crash before commit");
    expect(s.outbox.get("commit:T")).to.equal(undefined);
    expect(s.tasks.require("T").result).to.equal(null);
    s.tx(() => {
      s.tasks.recordResult("T", result);
      expect(() => s.tx(() => {
        s.outbox.plan({ kind: "bid", key: "inner", payload: {} });
        s.outbox.plan({ kind: "bid", key: "inner", payload: {} });
      })).to.throw(DuplicateIntentError);
      s.outbox.plan({ kind: "commit", key: "commit:T", payload: { task: "T" } });
    });
    expect(s.outbox.get("inner")).to.equal(undefined);
    expect(s.outbox.require("commit:T").state).to.equal("planned");
    expect(s.tasks.require("T").phase).to.equal("fetched");
  });
});

describe("store: tasks", () => {
  let s: NodeStore;
  beforeEach(() => (s = NodeStore.open(dbFile())));
  afterEach(() => s.close());
  const result = { contentHash: bytes(32, 0xaa), byteCount: 123_456n, merkleRoot: bytes(32, 0xbb), commitment: bytes(32, 0xcc), salt: bytes(16, 1), locator: "lumora://T", chunkDir: "/var/chunks/T" };

  it("add is idempotent and keeps progress; the full pipeline persists the commit-reveal material", () => {
    expect(s.tasks.add({ task: "T", specHash: bytes(32, 1), spec: bytes(50, 2), role: "assignee", commitDeadline: 1000n, revealDeadline: 2000n }).created).to.equal(true);
    s.tasks.setPhase("T", "fetching");
    const again = s.tasks.add({ task: "T", specHash: bytes(32, 9), role: "assignee" });
    expect(again.created).to.equal(false);
    expect(again.task.phase).to.equal("fetching");
    expect(bytesEqual(again.task.specHash, bytes(32, 1))).to.equal(true);
    const f = s.tasks.recordResult("T", result);
    expect(f.phase).to.equal("fetched");
    expect(f.result!.byteCount).to.equal(123_456n);
    expect(bytesEqual(f.result!.commitment!, result.commitment)).to.equal(true);
    expect(f.result!.recordCount).to.equal(null);
    expect(f.result!.locator).to.equal("lumora://T");
    expect(s.tasks.setPhase("T", "committed").phase).to.equal("committed");
    expect(s.tasks.setPhase("T", "revealed").phase).to.equal("revealed");
    expect(s.tasks.open().map((t) => t.task)).to.deep.equal(["T"]);
    expect(s.tasks.setPhase("T", "settled").phase).to.equal("settled");
    expect(s.tasks.open()).to.deep.equal([]);
  });

  it("TaskDataMissing: no commit without a recorded content hash", () => {
    s.tasks.add({ task: "T", specHash: bytes(32, 1), role: "assignee" });
    expectThrow(() => s.tasks.setPhase("T", "committed"), TaskDataMissingError);
    expect(s.tasks.require("T").phase).to.equal("assigned");
    expect(() => s.connection.exec("UPDATE tasks SET phase = 'committed' WHERE task = 'T'")).to.throw(/CHECK constraint failed/);
  });

  it("IllegalTransition: phases never move backwards, results never change, final phases are final", () => {
    s.tasks.add({ task: "T", specHash: bytes(32, 1), role: "assignee" });
    s.tasks.recordResult("T", result);
    expectThrow(() => s.tasks.recordResult("T", { ...result, contentHash: bytes(32, 0xdd) }), IllegalTransitionError);
    expect(bytesEqual(s.tasks.require("T").result!.contentHash, result.contentHash)).to.equal(true);
    s.tasks.setPhase("T", "committed");
    expectThrow(() => s.tasks.setPhase("T", "fetching"), IllegalTransitionError);
    expectThrow(() => s.tasks.setPhase("T", "committed"), IllegalTransitionError);
    expectThrow(() => s.tasks.setPhase("T", "failed"), StoreRangeError); // a reason is required
    s.tasks.setPhase("T", "failed", "reveal deadline missed");
    expectThrow(() => s.tasks.setPhase("T", "revealed"), IllegalTransitionError);
    expectThrow(() => s.tasks.setPhase("T", "released", "x"), IllegalTransitionError);
  });

  it("keeps the executor's optional result fields (record count, sealed key) and allows no stored commitment", () => {
    s.tasks.add({ task: "T", specHash: bytes(32, 1), role: "assignee" });
    const { commitment: _omit, ...noCommitment } = result;
    const f = s.tasks.recordResult("T", { ...noCommitment, recordCount: 40, sealedKey: bytes(80, 5) });
    expect(f.result!.commitment).to.equal(null);
    expect(f.result!.recordCount).to.equal(40);
    expect(bytesEqual(f.result!.sealedKey!, bytes(80, 5))).to.equal(true);
    expect(s.tasks.setPhase("T", "committed").phase).to.equal("committed");
  });

  it("a backup keeps its rank until promoted", () => {
    expectThrow(() => s.tasks.add({ task: "B", specHash: bytes(32, 1), role: "backup" }), StoreRangeError);
    const b = s.tasks.add({ task: "B", specHash: bytes(32, 1), role: "backup", backupRank: 2 }).task;
    expect(b.backupRank).to.equal(2);
    const p = s.tasks.promote("B", { commitDeadline: 5000n });
    expect(p.role).to.equal("assignee");
    expect(p.backupRank).to.equal(null);
    expect(p.commitDeadline).to.equal(5000n);
  });
});

describe("store: Proof-of-Bandwidth tallies and held totals", () => {
  let s: NodeStore;
  let path: string;
  beforeEach(() => {
    path = dbFile();
    s = NodeStore.open(path);
  });
  afterEach(() => s.close());
  const tally = (probes: number) => ({ probes, bytes: BigInt(probes) * 1_048_576n, ratesKbps: Array.from({ length: probes }, (_, i) => 1_000 + i), rttsMs: Array.from({ length: probes }, () => 20) });
  const total = (liveMs: number, moved: bigint, b = 1) => ({ epoch: 3n, verifier: "V1", liveMs, bytes: moved, message: bytes140(b), signature: bytes(64, 9) });
  const bytes140 = (b: number) => bytes(140, b);

  it("verifier: a tally per (epoch, provider) survives a reopen; its probe count never goes back; malformed tallies are refused", () => {
    expect(s.tallies.get(3n, "P")).to.equal(null);
    s.tallies.put(3n, "P", tally(2));
    s.tallies.put(3n, "Q", tally(1));
    s.tallies.put(4n, "P", tally(1));
    s.tallies.put(3n, "P", tally(3));
    expectThrow(() => s.tallies.put(3n, "P", tally(2)), StoreRangeError);
    expectThrow(() => s.tallies.put(3n, "R", { ...tally(2), ratesKbps: [1] }), StoreRangeError);
    expectThrow(() => s.tallies.put(3n, "R", tally(0)), StoreRangeError);
    s.close();
    s = NodeStore.open(path);
    expect(s.tallies.get(3n, "P")).to.deep.equal(tally(3));
    expect(s.tallies.byEpoch(3n).map((r) => [r.provider, r.tally.probes])).to.deep.equal([["P", 3], ["Q", 1]]);
  });

  it("provider: keeps the newest signed total per (epoch, verifier) and ignores an older one; lengths checked", () => {
    expect(s.totals.hold(total(15_000, 1_000n))).to.equal(true);
    expect(s.totals.hold(total(30_000, 2_000n, 2))).to.equal(true);
    expect(s.totals.hold(total(15_000, 3_000n, 3)), "live time went back").to.equal(false);
    expect(s.totals.hold(total(45_000, 1_999n, 4)), "bytes went back").to.equal(false);
    expect(s.totals.hold({ ...total(45_000, 2_000n), verifier: "V2" })).to.equal(true);
    const held = s.totals.latest(3n, "V1")!;
    expect([held.liveMs, held.bytes, held.message[0]]).to.deep.equal([30_000, 2_000n, 2]);
    expect(s.totals.byEpoch(3n).map((h) => h.verifier)).to.deep.equal(["V1", "V2"]);
    expectThrow(() => s.totals.hold({ ...total(60_000, 9_000n), message: bytes(139, 0) }), StoreRangeError);
  });

  it("verifier: two processes adding probes at once lose no update", async () => {
    s.close();
    const [a, b] = await Promise.all([runChild("store-seq.child.ts", [path, "150"]), runChild("store-seq.child.ts", [path, "150"])]);
    s = NodeStore.open(path);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    const counts = [...a.stdout.trim().split("\n"), ...b.stdout.trim().split("\n")].map(Number);
    expect(new Set(counts).size).to.equal(300);
    expect(Math.max(...counts)).to.equal(300);
    expect(s.tallies.get(7n, "provider-Q")!.probes).to.equal(300);
  });
});

describe("store: metrics, settings, event log", () => {
  let s: NodeStore;
  let path: string;
  beforeEach(() => {
    path = dbFile();
    s = NodeStore.open(path);
  });
  afterEach(() => s.close());

  it("metrics add per epoch as bigint; overflow and out-of-range u64 are refused without changing the row", () => {
    s.metrics.add(4n, { bytesServed: 5_000_000_000n, totalsReceived: 2n });
    const m = s.metrics.add(4n, { bytesServed: 1n, earningsClaimed: 7n });
    expect(m).to.include({ epoch: 4n, bytesServed: 5_000_000_001n, totalsReceived: 2n, earningsClaimed: 7n, tasksDone: 0n });
    s.metrics.add(5n, { tasksDone: 1n });
    expect(s.metrics.recent().map((r) => r.epoch)).to.deep.equal([5n, 4n]);
    expect(s.metrics.totals().bytesServed).to.equal(5_000_000_001n);
    expectThrow(() => s.metrics.add(4n, { bytesServed: (1n << 63n) - 1n }), StoreRangeError);
    expect(s.metrics.get(4n)!.bytesServed).to.equal(5_000_000_001n);
    expectThrow(() => s.metrics.add(4n, { earningsClaimed: 1n << 63n }), StoreRangeError);
    expectThrow(() => s.metrics.add(4n, { earningsClaimed: -1n }), StoreRangeError);
  });

  it("settings: defaults, validated runtime updates, persisted across a reopen", () => {
    expect(s.settings.get()).to.deep.equal(DEFAULT_SETTINGS);
    expect(s.settings.changedAt()).to.equal(0);
    expect(s.settings.update({ bandwidthLimitKbps: 2500, acceptingTasks: false })).to.deep.equal({ ...DEFAULT_SETTINGS, bandwidthLimitKbps: 2500, acceptingTasks: false });
    expectThrow(() => s.settings.update({ bandwidthLimitKbps: -1 }), InvalidSettingError);
    expectThrow(() => s.settings.update({ maxConcurrentTasks: 1.5 }), InvalidSettingError);
    expectThrow(() => s.settings.update({ nope: 1 } as unknown as { bandwidthLimitKbps: number }), InvalidSettingError);
    s.close();
    s = NodeStore.open(path);
    expect(s.settings.get().bandwidthLimitKbps).to.equal(2500);
    expect(s.settings.changedAt()).to.be.greaterThan(0);
    // raw values for the daemon's own bookkeeping; setting names stay validated
    s.settings.setValue("servedBytesSeen", "123456789012345678");
    expect(s.settings.value("servedBytesSeen")).to.equal("123456789012345678");
    expect(s.settings.value("missing")).to.equal(undefined);
    expectThrow(() => s.settings.setValue("bandwidthLimitKbps", "fast"), InvalidSettingError);
    s.settings.setValue("bandwidthLimitKbps", 64);
    expect(s.settings.get()).to.deep.equal({ ...DEFAULT_SETTINGS, bandwidthLimitKbps: 64, acceptingTasks: false });
  });

  it("the event log keeps exactly the newest maxRows lines, filters by level and pages back", () => {
    s.events.setMaxRows(50);
    for (let i = 1; i <= 120; i++) s.events.log({ level: i % 10 === 0 ? "error" : "info", source: "test", message: `line ${i}`, data: { i } });
    expect(s.events.count()).to.equal(50);
    const recent = s.events.recent({ limit: 1000 });
    expect(recent.map((e) => e.message)).to.deep.equal(Array.from({ length: 50 }, (_, k) => `line ${120 - k}`));
    expect(recent[0]!.data).to.deep.equal({ i: 120 });
    expect(s.events.recent({ minLevel: "error" }).map((e) => e.message)).to.deep.equal(["line 120", "line 110", "line 100", "line 90", "line 80"]);
    expect(s.events.recent({ limit: 2, beforeId: recent[0]!.id }).map((e) => e.message)).to.deep.equal(["line 119", "line 118"]);
    expect(s.events.since(recent[1]!.id).map((e) => e.message)).to.deep.equal(["line 120"]);
  });
});

describe("store: kill -9 at random points (commit, reveal, credit), then restart", () => {
  it("the crash audit catches a half-written step and a double send (it can fail)", () => {
    const path = dbFile();
    const chain = join(dirname(path), "chain.log");
    const s = NodeStore.open(path);
    try {
      // step 0 done properly, but its held total missing: a half-written step
      s.outbox.plan({ kind: kindOf(0), key: keyOf(0), payload: {} });
      expect(() => auditCrashStore(s, chain, parseReported("A 0\n"))).to.throw(/no total held|half-written/);
      s.totals.hold({ verifier: verifierOf(0), epoch: CRASH_EPOCH, liveMs: 0, bytes: 1000n, message: messageOf(0), signature: signatureOf(0) });
      s.metrics.add(CRASH_EPOCH, { totalsReceived: 1n, bytesServed: 1000n });
      expect(auditCrashStore(s, chain, parseReported("A 0\n"))).to.deep.equal({ intents: 1, confirmed: 0 });
      // lost work: the child reported a step the store does not have
      expect(() => auditCrashStore(s, chain, parseReported("A 0\nA 1\n"))).to.throw(/lost work/);
      // two different transactions landed for one step
      appendFileSync(chain, `${keyOf(0)} aaaa\n${keyOf(0)} bbbb\n`);
      expect(() => auditCrashStore(s, chain, parseReported("A 0\n"))).to.throw(/2 different transactions landed/);
    } finally {
      s.close();
    }
  });

  it("survives 8 SIGKILLs: integrity ok, nothing lost, nothing half-written, nothing sent twice; then finishes", async function () {
    this.timeout(240_000);
    const path = dbFile();
    const chain = join(dirname(path), "chain.log");
    let stdout = "";
    const killedDuring: string[] = [];
    for (let k = 0; k < 8; k++) {
      // the first kill may land during start-up or the first migration; the others mid-workload
      const kill = k === 0 ? { afterMs: 150 + Math.floor(Math.random() * 600) } : { afterLines: 1 + Math.floor(Math.random() * 60), delayMs: Math.floor(Math.random() * 12) };
      const run = await runChild("store-crash.child.ts", [path, chain, "-1"], kill);
      expect(run.signal, `run ${k} ended by itself: code ${run.code}\n${run.stderr}`).to.equal("SIGKILL");
      stdout += run.stdout;
      const s = NodeStore.open(path);
      try {
        const { intents } = auditCrashStore(s, chain, parseReported(stdout));
        const last = intents > 0 ? s.outbox.require(keyOf(intents - 1)) : undefined;
        killedDuring.push(last ? `${last.kind}/${last.state}` : "start-up");
      } finally {
        s.close();
      }
    }
    // a last run to completion: resumes the open step and finishes 20 more
    const reported = parseReported(stdout);
    const until = reported.maxPlanned + 21;
    const fin = await runChild("store-crash.child.ts", [path, chain, String(until)]);
    expect(fin.code, fin.stderr).to.equal(0);
    expect(fin.stdout).to.match(/done\n$/);
    stdout += fin.stdout;
    const s = NodeStore.open(path);
    try {
      const { intents, confirmed } = auditCrashStore(s, chain, parseReported(stdout));
      expect(intents).to.equal(until);
      expect(confirmed).to.equal(until);
      expect(s.outbox.pending()).to.deep.equal([]);
      const onChain = readChain(chain);
      expect(onChain.byKey.size).to.equal(until);
      for (const sigs of onChain.byKey.values()) expect(sigs.size).to.equal(1);
      expect(s.tallies.get(CRASH_EPOCH, CRASH_PROVIDER)!.probes).to.equal(until);
      expect(s.totals.byEpoch(CRASH_EPOCH)).to.have.length(3);
    } finally {
      s.close();
    }
    const recoveries = parseReported(stdout).recoveries;
    console.log(`      killed during: ${killedDuring.join(", ")}; ${until} steps; recoveries: ${recoveries.join(", ") || "none"}`);
    expect(recoveries.length, "no kill ever left a step open: the restart path went untested").to.be.greaterThan(0);
  });
});
