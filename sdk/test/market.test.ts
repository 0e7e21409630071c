/** The provenance reader's folding of a task's events (assignee promotions, results, settlement). */
import { expect } from "chai";
import { PublicKey } from "@solana/web3.js";
import { provenanceTask } from "../src/market.js";
import type { TaskLogEntry } from "../src/events.js";

const k = (i: number) => new PublicKey(Uint8Array.from({ length: 32 }, () => i));
const task = k(1);
const [a, b, c, d] = [k(2), k(3), k(4), k(5)];
const e = (name: string, data: Record<string, unknown>): TaskLogEntry => ({ signature: name, event: { program: "tasks", name, data: { task, ...data } } });

describe("market provenance reader", () => {
  it("follows promotions and removals, collects reveals and the settlement, ignores other tasks' events", () => {
    const log: TaskLogEntry[] = [
      e("TaskCreated", { consumer: d, spec_hash: Array(32).fill(7) }),
      e("TaskAssigned", { assignees: [a, b], backups: [c], scores: [] }),
      e("AssigneeExpired", { expired: a, promoted: c }),
      e("AssigneeExpired", { expired: b, promoted: null }),
      e("ResultRevealed", { node: c, content_hash: Array(32).fill(9), merkle_root: Array(32).fill(8), byte_count: 42n, locator: "/x", matches_commitment: true }),
      { signature: "other", event: { program: "tasks", name: "ResultRevealed", data: { task: k(9), node: a, content_hash: [], merkle_root: [], byte_count: 1n, locator: "", matches_commitment: false } } },
      e("TaskSettled", { success: true, winning_hash: Array(32).fill(9) }),
    ];
    const p = provenanceTask({ task, log });
    expect(p.consumer!.equals(d)).to.equal(true);
    expect(p.assignees.map((x) => x.toBase58())).to.deep.equal([c.toBase58()]);
    expect(p.results).to.have.length(1);
    expect(p.results[0]!.node.equals(c)).to.equal(true);
    expect(p.results[0]!.byteCount).to.equal(42n);
    expect(p.settlement!.success).to.equal(true);
    expect(Array.from(p.settlement!.winningHash)).to.deep.equal(Array(32).fill(9));
  });
  it("a task without events has no consumer, assignees or settlement", () => {
    const p = provenanceTask({ task, log: [] });
    expect([p.consumer, p.settlement, p.assignees.length, p.results.length]).to.deep.equal([null, null, 0, 0]);
  });
});
