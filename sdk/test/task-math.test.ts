/** task-math.ts against tests/vectors/score.json, written by the tasks program's host tests. */
import fs from "node:fs";
import { expect } from "chai";
import { distanceKm, scoreNode } from "../src/task-math.js";

const V = JSON.parse(fs.readFileSync(new URL("../../tests/vectors/score.json", import.meta.url), "utf8"));

describe("task score and distance (shared vectors with the tasks program)", () => {
  it("has the extremes and the random spread", () => expect(V.cases.length).to.be.greaterThanOrEqual(70));
  for (const c of V.cases as Record<string, string & number>[]) {
    it(`${c.name}: distance ${c.distance_km} km, score ${c.score}`, () => {
      const d = distanceKm({ lat1E6: c.node_lat_e6, lon1E6: c.node_lon_e6, lat2E6: c.task_lat_e6, lon2E6: c.task_lon_e6 });
      expect(d.toString()).to.equal(c.distance_km);
      const s = scoreNode({
        alphaBps: c.alpha_bps,
        betaBps: c.beta_bps,
        gammaBps: c.gamma_bps,
        bMaxKbps: BigInt(c.b_max_kbps),
        declaredBandwidthKbps: BigInt(c.declared_bandwidth_kbps),
        verifiedBandwidthKbps: BigInt(c.verified_bandwidth_kbps),
        distanceKm: d,
        verifiedLatencyMs: c.verified_latency_ms,
      });
      expect(s.toString()).to.equal(c.score);
    });
  }
});
