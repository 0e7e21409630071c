/** `validateConfigParams` against tests/vectors/config_bounds.json — the table the program's own
 * `cargo test` checks `ConfigParams::validate` with. */
import fs from "node:fs";
import { BN } from "@coral-xyz/anchor";
import { expect } from "chai";
import { ConfigParamError, type ConfigParams, validateConfigParams, validateShardCount } from "../src/config.js";

const V = JSON.parse(fs.readFileSync(new URL("../../tests/vectors/config_bounds.json", import.meta.url), "utf8"));
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const U64_FIELDS = new Set(["bMaxKbps", "minStake"]);

function build(set: Record<string, number | string>): ConfigParams {
  const p: Record<string, unknown> = { weights: {} };
  const put = (key: string, v: number | string) => {
    const [a, b] = key.split(".");
    if (b) (p.weights as Record<string, number>)[camel(b)] = Number(v);
    else p[camel(a!)] = U64_FIELDS.has(camel(a!)) ? new BN(String(v)) : Number(v);
  };
  for (const [k, v] of Object.entries(V.base)) {
    if (k === "weights") for (const [wk, wv] of Object.entries(v as object)) put(`weights.${wk}`, wv as number);
    else put(k, v as number);
  }
  for (const [k, v] of Object.entries(set)) put(k, v);
  return p as unknown as ConfigParams;
}

describe("config bounds (shared vectors with the registry program)", () => {
  it("has the full table", () => expect(V.cases.length).to.be.greaterThanOrEqual(30));
  for (const c of V.cases as { name: string; set: Record<string, number | string>; error: string | null }[]) {
    it(`${c.name} → ${c.error ?? "ok"}`, () => {
      let got: string | null = null;
      try {
        validateConfigParams(build(c.set));
      } catch (e) {
        expect(e).to.be.instanceOf(ConfigParamError);
        got = (e as ConfigParamError).errorName;
      }
      expect(got).to.equal(c.error);
    });
  }
  it("shard count bounds", () => {
    validateShardCount(V.shard_count.min);
    validateShardCount(V.shard_count.max);
    for (const bad of [V.shard_count.min - 1, V.shard_count.max + 1, 1.5])
      expect(() => validateShardCount(bad)).to.throw(ConfigParamError, /ShardCountOutOfBounds/);
  });
});
