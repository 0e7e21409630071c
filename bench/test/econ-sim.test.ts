// The economic simulation (bench/econ-sim.ts): its rule and sampling pieces, determinism, and that the
// adversary's strategy is what the report says it is (it never earns less than honestly, withholding
// costs honest providers, the cap bounds the inflation).
import { expect } from "chai";
import { SIM_PARAMS, type SimParams, credit, kthLargest, poissonBinomial, simulateCase } from "../econ-sim.js";

const small: SimParams = { ...SIM_PARAMS, honestProviders: 1_000, honestVerifiers: 100, epochs: 10 };

describe("economic simulation (bench/econ-sim.ts)", () => {
  it("credit: the q-th largest report, 0 with fewer than q assigned; the majority rule needs ⌊n/2⌋+1", () => {
    expect(credit([5, 1, 4, 2, 3], "q-th largest", 3)).to.equal(3);
    expect(credit([9, 9], "q-th largest", 3)).to.equal(0);
    expect(credit([0, 0, 5], "majority of assigned", 3)).to.equal(0);
    expect(credit([0, 5, 5], "majority of assigned", 3)).to.equal(5);
    expect(kthLargest(Float64Array.from([0.2, 0.9, 0.5, 0.7]), 4, 2)).to.equal(0.7);
  });

  it("the assigned count's distribution is exact: sums to 1, mean Σp", () => {
    const ps = [0.1, 0.5, 0.9, 1, 0.02];
    const d = poissonBinomial(ps);
    expect(d.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    expect(d.reduce((a, p, i) => a + p * i, 0)).to.be.closeTo(ps.reduce((a, b) => a + b, 0), 1e-12);
  });

  it("is deterministic for a seed and moves with it", () => {
    const c = { s: 0.1, rule: "q-th largest" as const, capKbps: 1_000_000, sybilsPerProvider: 1 };
    expect(simulateCase(c, small)).to.deep.equal(simulateCase(c, small));
    expect(simulateCase(c, { ...small, seed: 23 }).attackShare).to.not.equal(simulateCase(c, small).attackShare);
  });

  it("honestly the adversary earns about its share s; attacking never earns it less, and withholding costs honest providers", () => {
    for (const s of [0.1, 0.33]) {
      const r = simulateCase({ s, rule: "q-th largest", capKbps: SIM_PARAMS.protocolMaxCapKbps, sybilsPerProvider: 0 }, small);
      expect(r.honestShare).to.be.closeTo(s, s * 0.25);
      expect(r.attackShare).to.be.greaterThan(r.honestShare);
      expect(r.honestKept).to.be.lessThan(1);
    }
  });

  it("a tighter cap bounds the excess (the inflation is cap × epoch against an honest median)", () => {
    const at = (capKbps: number) => simulateCase({ s: 0.1, rule: "q-th largest", capKbps, sybilsPerProvider: 0 }, small).attackShare;
    expect(at(1_000_000)).to.be.lessThan(at(SIM_PARAMS.protocolMaxCapKbps));
  });

  it("with no adversary stake nothing moves: the attack share equals the honest share (0)", () => {
    const r = simulateCase({ s: 0, rule: "q-th largest", capKbps: SIM_PARAMS.protocolMaxCapKbps, sybilsPerProvider: 1 }, small);
    expect([r.adversaryVerifiers, r.adversaryProviders, r.attackShare, r.honestKept]).to.deep.equal([0, 0, 0, 1]);
  });
});
