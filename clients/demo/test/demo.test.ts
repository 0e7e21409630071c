/**
 * The README's main command at reduced size (3 nodes, 1 task, redundancy 2), its JSON report asserted:
 * every task settled (or failed and refunded), the consumer's and the buyer's decrypted data equal the
 * fixture pages, every provider credited from its drawn verifiers' roots, Σ payouts ≤ R_total with the remainder swept, no error lines.
 */
import fs from "node:fs";
import { expect } from "chai";
import { type DemoReport, runDemo } from "../src/demo.js";

describe("the end-to-end demo (reduced: 3 nodes, 1 task, r = 2)", function () {
  this.timeout(360_000);
  let r: DemoReport;
  const lines: string[] = [];

  before(async () => {
    r = await runDemo({ nodes: 3, tasks: 1, redundancy: 2, log: (l) => lines.push(l) });
  });

  it("runs every step and reports no error", () => {
    expect(r.errors).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    expect(lines.filter((l) => /^\[\d\/9\]/.test(l))).to.have.length(9);
  });

  it("every task settled with its assignees agreeing, or failed and was refunded; the data decrypts to the pages", () => {
    expect(r.tasks).to.have.length(1);
    for (const t of r.tasks) {
      expect(["settled", "failed"]).to.include(t.status);
      if (t.status !== "settled") continue;
      expect(t.assignees).to.have.length(2);
      expect(t.assignees.every((a) => a.agreed && BigInt(a.payout) > 0n)).to.equal(true);
      expect(t.bidders.length).to.be.greaterThanOrEqual(2);
      expect(t.records).to.be.greaterThan(0);
      expect(t.decryptedMatchesSite).to.equal(true);
    }
  });

  it("the report shows what was scraped, every bidder, the nodes' warnings, and where the nodes' files were (removed without --keep)", () => {
    for (const t of r.tasks) {
      expect(t.pages).to.have.length(t.urls);
      expect(t.pages.every((u) => /^https?:\/\//.test(u))).to.equal(true);
      if (t.status === "settled") expect(t.pages).to.include(t.sample!.url as string);
      // every bid placed is listed; the assignees are among the kept ones
      const kept = t.bidders.filter((b) => b.kept).map((b) => b.node);
      for (const a of t.assignees) expect(kept).to.include(a.node);
      expect(new Set(t.bidders.map((b) => b.node)).size).to.equal(t.bidders.length);
    }
    expect(r.warnings.every((w) => w.count >= 1 && w.node !== "" && w.message !== "")).to.equal(true);
    expect(r.files.kept).to.equal(false);
    expect(r.files.nodes).to.have.length(3);
    expect(fs.existsSync(r.files.workDir), "the temporary folder is removed").to.equal(false);
  });

  it("every provider was credited once from q = 2 drawn verifiers' roots and the epoch paid floor(c_i·R_total/Σc) to every contributor; Σ ≤ R_total, the rest swept", () => {
    expect(r.credits.length).to.be.greaterThan(0);
    expect(r.credits.every((x) => x.credited && BigInt(x.contribution) > 0n && x.liveMs > 0 && x.totalsHeld >= 2)).to.equal(true);
    // each provider was measured by two distinct verifiers the protocol drew for it (never by itself)
    for (const x of r.credits) {
      expect(new Set(x.verifiers).size, `${x.provider}'s verifiers`).to.equal(2);
      expect(x.verifiers).to.not.include(x.provider);
    }
    // only providers earn emissions: every payout is a credited provider's
    expect(r.epoch.payouts.map((p) => p.node).sort()).to.deep.equal(r.credits.map((x) => x.provider).sort());
    const e = r.epoch;
    for (const p of e.payouts) expect(p.claimed).to.equal(p.expected);
    const sum = e.payouts.reduce((s, p) => s + BigInt(p.claimed), 0n);
    expect(sum.toString()).to.equal(e.sumPayouts);
    expect(sum <= BigInt(e.rTotal)).to.equal(true);
    expect(BigInt(e.dust)).to.equal(BigInt(e.rTotal) - sum);
    expect(e.dustSweptTo).to.not.equal(null);
  });

  it("the provider carried the executors' scraping connections over /lumora/relay/1, both ends signing each session", () => {
    expect(r.relay.length).to.be.greaterThan(0);
    for (const x of r.relay) {
      expect(x.sessions).to.be.greaterThan(0);
      expect(BigInt(x.bytesDown) > 0n).to.equal(true);
      expect(x.bothSigned).to.be.greaterThan(0);
    }
  });

  it("the dataset was sold: the buyer decrypted exactly the pages; the protocol fee went to the treasury", () => {
    expect(r.dataset).to.not.equal(null);
    expect(r.dataset!.decryptedMatchesSite).to.equal(true);
    expect(BigInt(r.dataset!.fee) > 0n).to.equal(true);
  });

  it("reports compute units for every instruction the scenario used", () => {
    const names = r.computeUnits.map((c) => `${c.program}.${c.instruction}`);
    for (const n of ["registry.register_node", "tasks.create_task", "tasks.bid", "tasks.finalize_assignment", "tasks.commit_result", "tasks.reveal_result", "tasks.settle", "tasks.settle_assignee", "tasks.release_key", "rewards.post_verifier_root", "rewards.credit_epoch", "rewards.close_epoch", "rewards.claim", "rewards.sweep_dust", "market.list_dataset", "market.purchase", "market.deliver_key"])
      expect(names, n).to.include(n);
    expect(r.computeUnits.every((c) => c.median > 0 && c.median <= 200_000)).to.equal(true);
  });
});
