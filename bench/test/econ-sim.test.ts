// The economic simulation (bench/econ-sim.ts): the credit rule (q-th largest of k exact draws, void = 0),
// the analytic capture probability against the simulated one, determinism, and that the bounds do what
// the report says (the stake bound removes the inflation, clips no honest provider who covers its capacity).
import { expect } from "chai";
import { type Case, SIM_PARAMS, type SimParams, binomialTail, captureExact, credit, creditTxBytes, maxDepthFor, qthLargest, rhoBase, simulateCase } from "../econ-sim.js";

const small: SimParams = { ...SIM_PARAMS, honestProviders: 1_000, honestVerifierSlots: 100, epochs: 20 };
const base: Case = { s: 0.1, k: 5, q: 3, bRefKbps: SIM_PARAMS.protocolMaxCapKbps, rhoMult: null, stakePolicy: "min", sybilsPerProvider: 0 };

describe("economic simulation (bench/econ-sim.ts)", () => {
  it("credit: the q-th largest of the k reports, void / withheld counting 0 — not the max, not the median of the valid ones", () => {
    expect(credit([5, 1, 4, 2, 3], 3)).to.equal(3);
    expect(credit([9, 0, 0, 9, 0], 3)).to.equal(0); // two colluders (or two valid draws) are not enough
    expect(credit([9, 9, 9, 1, 0], 3)).to.equal(9); // three are
    expect(credit([0, 0, 7, 8, 6], 3)).to.equal(6); // two withheld do not bite
    expect(qthLargest(Float64Array.from([0.2, 0.9, 0.5, 0.7]), 4, 2)).to.equal(0.7);
  });

  it("analytic capture: §3.4's binomial figures; the distinct-slot probability is below it and exact on small cases", () => {
    expect(binomialTail(5, 3, 0.01)).to.be.closeTo(9.85e-6, 1e-7);
    expect(binomialTail(5, 3, 0.1)).to.be.closeTo(0.0086, 0.0001);
    expect(binomialTail(5, 3, 0.33)).to.be.closeTo(0.205, 0.001);
    expect(binomialTail(7, 4, 0.1)).to.be.closeTo(0.0027, 0.0001);
    expect(binomialTail(7, 4, 0.33)).to.be.closeTo(0.168, 0.001);
    expect(captureExact(5, 3, 2, 100)).to.equal(0); // 2 adversary slots cannot fill 3 ranks when a slot counts once
    expect(captureExact(5, 3, 50, 500)).to.be.lessThan(binomialTail(5, 3, 0.1));
    expect(captureExact(5, 3, 1e7, 1e8)).to.be.closeTo(binomialTail(5, 3, 0.1), 1e-8); // many slots: duplicates vanish
    // by enumeration: k = 3 draws over V = 4 slots, 2 of them adversarial, ≥ 2 distinct adversarial
    let hits = 0;
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) for (let c = 0; c < 4; c++) if (new Set([a, b, c].filter((x) => x < 2)).size >= 2) hits++;
    expect(captureExact(3, 2, 2, 4)).to.be.closeTo(hits / 64, 1e-12);
  });

  it("simulated capture matches the analytic probability (fails if the credit takes the max: P(≥ 1 of 5) ≈ 0.41)", () => {
    for (const [s, k, q] of [[0.1, 5, 3], [0.33, 5, 3], [0.33, 7, 4]] as const) {
      const r = simulateCase({ ...base, s, k, q }, small);
      const sd = Math.sqrt((r.captureExact * (1 - r.captureExact)) / r.providerEpochs);
      expect(Math.abs(r.captureSim - r.captureExact), `s ${s} k ${k}: ${r.captureSim} vs ${r.captureExact}`).to.be.lessThan(4 * sd);
      expect(r.captureSim).to.be.lessThan(binomialTail(k, 1, s) / 2);
    }
    // counting a twice-drawn slot every time gives the binomial
    const each = simulateCase({ ...base, s: 0.33 }, { ...small, duplicateSlots: "each" });
    expect(each.captureExact).to.equal(binomialTail(5, 3, each.adversarySlots / each.slots));
    expect(Math.abs(each.captureSim - each.captureExact)).to.be.lessThan(4 * Math.sqrt((each.captureExact * (1 - each.captureExact)) / each.providerEpochs));
  });

  it("withholding zeroes an honest provider only with ≥ k − q + 1 zero draws (fails if the credit takes the max)", () => {
    const r = simulateCase({ ...base, s: 0.33 }, { ...small, slotVoidFraction: 0 });
    // a zero draw: an adversarial slot, or a repeat of a slot already drawn; ≥ 3 of 5 ≈ the capture figure
    expect(r.honestZeroAttack).to.be.closeTo(binomialTail(5, 3, r.adversarySlots / r.slots), 0.02);
    expect(r.honestZeroNoAttack).to.be.lessThan(0.001);
  });

  it("is deterministic for a seed and moves with it", () => {
    const c = { ...base, bRefKbps: 1_000_000, rhoMult: 2, stakePolicy: "cover" as const, sybilsPerProvider: 1 };
    expect(simulateCase(c, small)).to.deep.equal(simulateCase(c, small));
    expect(simulateCase(c, { ...small, seed: 23 }).attackShare).to.not.equal(simulateCase(c, small).attackShare);
  });

  it("honestly the adversary earns about its share s; attacking earns it more and costs honest providers", () => {
    for (const s of [0.1, 0.33]) {
      const r = simulateCase({ ...base, s }, small);
      expect(r.honestShare).to.be.closeTo(s, s * 0.3);
      expect(r.attackShare).to.be.greaterThan(r.honestShare);
      expect(r.honestKept).to.be.lessThan(1);
    }
  });

  it("bounds: 1 Gbps cuts the inflation of 100 Gbps; the stake bound cuts it to < 1 point at s = 10 % and clips no covering honest provider", () => {
    const none = simulateCase(base, small), gbps1 = simulateCase({ ...base, bRefKbps: 1_000_000 }, small);
    const cover = simulateCase({ ...base, rhoMult: 1, stakePolicy: "cover" }, small);
    expect(gbps1.attackShare).to.be.lessThan(none.attackShare);
    expect(cover.attackShare).to.be.lessThan(gbps1.attackShare);
    expect(cover.attackShare - cover.honestShare).to.be.lessThan(0.01);
    expect(cover.honestPaid).to.equal(none.honestPaid); // same draws; a covering stake never binds an honest credit
    const allMin = simulateCase({ ...base, rhoMult: 1, stakePolicy: "min" }, small);
    expect(allMin.honestPaid).to.be.lessThan(0.6); // at min_stake everyone above the median capacity is clipped
  });

  it("a sybil earns at most its stake × ρ·m with a stake bound, B_ref × epoch without; per LMR well below an honest provider", () => {
    const m = 4, T = small.epochSecs;
    const r = simulateCase({ ...base, s: 0.33, rhoMult: m, stakePolicy: "cover", sybilsPerProvider: 1 }, small);
    expect(r.maxSybilCredit).to.equal(small.minStakeLmr * rhoBase(small) * m); // captured at least once, and bounded
    expect(r.sybilShare).to.be.greaterThan(0);
    expect(r.sybilPerLmrVsHonest).to.be.lessThan(1);
    const unbounded = simulateCase({ ...base, s: 0.33, sybilsPerProvider: 1 }, small);
    expect(unbounded.maxSybilCredit).to.equal(base.bRefKbps * T);
    expect(unbounded.sybilPerLmrVsHonest).to.be.greaterThan(10);
    expect(rhoBase(small)).to.equal((50_000 * 86_400) / 1_000);
  });

  it("with no adversary stake nothing moves", () => {
    const r = simulateCase({ ...base, s: 0, sybilsPerProvider: 1 }, small);
    expect([r.adversarySlots, r.adversaryProviders, r.attackShare, r.honestKept, r.captureSim]).to.deep.equal([0, 0, 0, 1, 0]);
  });

  it("credit_epoch size as built (creditEpochTxSize): q = 3 fits 1,232 bytes at depth 6 (1,198), not at 7 (1,294); q = 4 only at depth ≤ 4", () => {
    expect(creditTxBytes(3)).to.equal(1_198);
    expect(creditTxBytes(3, SIM_PARAMS, 7)).to.equal(1_294);
    expect(creditTxBytes(4)).to.equal(1_448);
    expect(maxDepthFor(3)).to.equal(6);
    expect(maxDepthFor(4)).to.equal(4);
    expect(creditTxBytes(4, SIM_PARAMS, 4)).to.be.lessThanOrEqual(SIM_PARAMS.txMaxBytes);
  });
});
