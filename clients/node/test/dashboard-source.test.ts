// The daemon's dashboard source, its local part (src/dashboard-source.ts `localStatus`), over a real
// NodeState (SQLite file): the log's warnings grouped with their advice, the relay's refusals and the
// configuration checks; the recent tasks with their rewards; pending earnings from the credits and
// claims booked; the epoch's end and the credit window from the config's lengths.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { localStatus } from "../src/dashboard-source.js";
import { statusToJson } from "../src/dashboard/index.js";
import { type NodeState, openState } from "../src/state.js";

describe("dashboard source: trouble, tasks, earnings and the epoch clock from NodeState", () => {
  let dir: string;
  let state: NodeState;
  const base = { roles: ["provider", "verifier"], limitKbps: 50_000, capKbps: 40_000, now: 1_000_123n, epochLengthSecs: 3_600, creditWindowSecs: 600 };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dash-source-"));
    state = openState(dir);
  });
  afterEach(() => {
    state.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("groups the log's warnings and errors by message with counts and advice; info lines stay out", () => {
    for (let i = 0; i < 9; i++) state.log("warn", "submit_receipts failed", { key: `receipts:${i}`, error: "lumora_rewards: RateAboveCap (6024): the receipt's rate exceeds the cap" });
    state.log("warn", "probe failed", { provider: "P", error: "The dial request has no valid addresses for peer 12D3" });
    state.log("error", "tick failed", { error: "fetch failed" });
    state.log("info", "started", {});
    const { trouble } = localStatus({ state, ...base });
    expect(trouble.map((t) => [t.source, t.message, t.count, t.id ?? null])).to.deep.equal([
      ["log", "tick failed", 1, null],
      ["log", "probe failed", 1, "no-valid-addresses"],
      ["log", "submit_receipts failed", 9, "RateAboveCap"],
    ]);
    expect(trouble[2]!.meaning).to.match(/declared bandwidth cap/);
    expect(trouble[2]!.fix).to.match(/set-limit/);
  });

  it("puts the configuration checks first and adds the relay's refusals", () => {
    const { trouble } = localStatus({
      state,
      ...base,
      capKbps: 0,
      limitKbps: 16,
      relay: { serving: true, using: false, activeSessions: 0, ownerBps: null, relayBps: null, headroomBps: null, limitBps: 2000, trafficSource: "none", epochs: [], refusals: [{ reason: "Busy", count: 2 }] },
    });
    expect(trouble.map((t) => [t.source, t.id])).to.deep.equal([
      ["config", "cap-zero"],
      ["config", "limit-below-probe"],
      ["relay", "relay-Busy"],
    ]);
  });

  it("lists open and recent tasks newest first with their reward when the daemon knows it", async () => {
    const hash = new Uint8Array(32).fill(1);
    state.addTask({ task: "TaskOld", specHash: hash, role: "assignee" });
    await new Promise((r) => setTimeout(r, 5));
    state.addTask({ task: "TaskFailed", specHash: hash, role: "assignee" });
    state.setTaskPhase("TaskFailed", "failed", "the result is 0 bytes");
    await new Promise((r) => setTimeout(r, 5));
    state.addTask({ task: "TaskBackup", specHash: hash, role: "backup", backupRank: 1 });
    const rewards: Record<string, { rewardLmr: bigint; final: boolean }> = { TaskOld: { rewardLmr: 500_000n, final: true }, TaskBackup: { rewardLmr: 250_000n, final: false } };
    const { tasks } = localStatus({ state, ...base, taskReward: (id) => rewards[id] });
    expect(tasks.map((t) => [t.id, t.role, t.phase, t.reason, t.rewardLmr, t.rewardFinal])).to.deep.equal([
      ["TaskBackup", "backup", "assigned", null, 250_000n, false],
      ["TaskFailed", "assignee", "failed", "the result is 0 bytes", null, false],
      ["TaskOld", "assignee", "assigned", null, 500_000n, true],
    ]);
    expect(statusToJson({ ...emptyStatus(), tasks }).tasks[0]!.rewardLmr).to.equal("250000");
  });

  it("pending earnings: credited epochs without a booked claim; claimed LMR summed", () => {
    state.addMetric(5, { bytesCredited: 1_000n, earningsClaimed: 7_000_000n });
    state.addMetric(6, { bytesCredited: 2_000n });
    state.addMetric(7, { bytesCredited: 3_000n });
    state.addMetric(8, { bytesServed: 9n }); // no credit: nothing pending
    const { earnings } = localStatus({ state, ...base });
    expect(earnings.pending).to.deep.equal([
      { epoch: 6, bytesCredited: 2_000n },
      { epoch: 7, bytesCredited: 3_000n },
    ]);
    expect(earnings.claimedLmr).to.equal(7_000_000n);
  });

  it("the epoch's end and the previous epoch's credit deadline come from the config's lengths", () => {
    // now 1 000 123 s, epochs of 3 600 s: epoch 277 runs [997 200, 1 000 800); epoch 276's credit window closes at 997 200 + 600
    const { earnings } = localStatus({ state, ...base });
    expect(earnings.now).to.equal(1_000_123);
    expect(earnings.epochEndsAt).to.equal(1_000_800);
    expect(earnings.creditWindow).to.deep.equal({ epoch: 276, closesAt: 997_800 });
    expect(localStatus({ state, ...base, now: 100n }).earnings.creditWindow).to.equal(null);
  });
});

function emptyStatus() {
  return { nodeKey: "N", operator: "O", roles: [], active: true, jailed: false, reputation: 0, stakeLmr: 0n, limitKbps: 1, currentEpoch: 0, epochs: [], peers: 0, updatedAt: 0 };
}
