/** registry-math.ts against tests/vectors/registry_math.json (the file `cargo test` checks math.rs with). */
import fs from "node:fs";
import { expect } from "chai";
import { epochIndex, reputationAfter, shardOf, slashAmount } from "../src/registry-math.js";

const V = JSON.parse(fs.readFileSync(new URL("../../tests/vectors/registry_math.json", import.meta.url), "utf8"));

describe("registry math (shared vectors with the registry program)", () => {
  it("reputation: every edge case", () => {
    for (const c of V.reputation)
      expect(reputationAfter({ reputation: c.r, success: c.success, kUpBps: c.k_up_bps, kDownBps: c.k_down_bps }), JSON.stringify(c)).to.equal(c.out);
  });
  it("reputation: long runs reach the floor EMA's fixed points", () => {
    for (const c of V.reputation_runs) {
      let r = c.start;
      for (let i = 0; i < c.steps; i++)
        r = reputationAfter({ reputation: r, success: c.pattern[i % c.pattern.length] === "S", kUpBps: c.k_up_bps, kDownBps: c.k_down_bps });
      expect(r, JSON.stringify(c)).to.equal(c.out);
    }
  });
  it("shard of a node key", () => {
    for (const c of V.shard) expect(shardOf({ nodeKey: Buffer.from(c.node_key_hex, "hex"), shardCount: c.shard_count })).to.equal(c.shard);
  });
  it("epoch index and slash amount", () => {
    for (const c of V.epoch) expect(epochIndex({ unixTs: BigInt(c.ts), epochLengthSecs: c.epoch_length_secs }).toString()).to.equal(c.epoch);
    for (const c of V.slash) expect(slashAmount({ stake: BigInt(c.stake), slashBps: c.slash_bps }).toString()).to.equal(c.amount);
  });
});
