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

describe("resultCommitment (the same vector as programs/lumora_tasks/src/math.rs commitment_tests)", () => {
  it("binds content hash, Merkle root, byte count (u64 LE), key hash and node key, in that order", async () => {
    const { resultCommitment } = await import("../src/tasks.js");
    const c = resultCommitment({ contentHash: new Uint8Array(32).fill(1), merkleRoot: new Uint8Array(32).fill(2), byteCount: 0x0102030405060708n, keyHash: new Uint8Array(32).fill(3), nodeKey: new Uint8Array(32).fill(4) });
    expect(Buffer.from(c).toString("hex")).to.equal("208d0bc1ee56ed642c4e2cf4810a76f0d892e84995712e7bd2a4448a5bfe53b8");
  });
});
