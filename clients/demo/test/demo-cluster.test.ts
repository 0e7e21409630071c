/**
 * The demo's cluster path (`--rpc URL --keys DIR`): the same scenario against a chain the demo did not
 * start and cannot warp — here a separately started embedded chain with two-minute epochs and a 20 s
 * credit window standing in for a cluster, with funded keypairs in a folder. The demo must wait for the
 * epoch and its credit window to end in real time, credit, close and claim it, and report (not fail)
 * that the claim window is too far away to sweep.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type Localnet, startLocalnet } from "../../../tools/chain/localnet.js";
import { type DemoReport, runDemo } from "../src/demo.js";

describe("the demo against an RPC URL with funded keys (cluster path)", function () {
  this.timeout(420_000);
  let net: Localnet;
  let keys: string;
  let r: DemoReport;

  before(async () => {
    net = await startLocalnet({ params: { epochLengthSecs: 120, verifierDraws: 16, creditQuorum: 2, creditWindowSecs: 20 } });
    keys = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-demo-keys-"));
    for (const name of ["funder", "consumer", "buyer", "paris-exec-verifier", "berlin-exec-verifier", "london-provider"]) await net.fundedKeypair(path.join(keys, `${name}.json`));
  });
  after(async () => {
    await net?.close();
    fs.rmSync(keys, { recursive: true, force: true });
  });

  it("refuses a keys folder without the keypairs it needs, naming the file", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-demo-nokeys-"));
    let err: unknown;
    await runDemo({ nodes: 3, tasks: 1, redundancy: 2, rpc: net.rpc.url, keysDir: empty, log: () => undefined }).catch((e) => (err = e));
    expect((err as Error).message).to.match(/missing .*funder\.json/);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it("runs the scenario through the same code path, waiting for the epoch instead of warping", async () => {
    r = await runDemo({ nodes: 3, tasks: 1, redundancy: 2, rpc: net.rpc.url, keysDir: keys, maxEpochWaitSecs: 180, log: () => undefined });
    expect(r.chain.kind).to.equal("cluster");
    expect(r.errors).to.deep.equal([]);
    expect(r.tasks.every((t) => t.status === "settled" && t.decryptedMatchesSite)).to.equal(true);
    expect(r.dataset?.decryptedMatchesSite).to.equal(true);
    // the provider was credited from both verifiers' roots, and paid
    expect(r.credits.map((c) => [c.provider, c.credited, c.verifiers.length])).to.deep.equal([["london-provider", true, 2]]);
    expect(r.epoch.payouts.map((p) => p.node)).to.deep.equal(["london-provider"]);
    for (const p of r.epoch.payouts) expect(p.claimed).to.equal(p.expected);
    expect(BigInt(r.epoch.sumPayouts) <= BigInt(r.epoch.rTotal)).to.equal(true);
    // one-hour claim window (the config's minimum): the sweep is reported as skipped, not faked
    expect(r.epoch.dustSweptTo).to.equal(null);
    expect(r.epoch.skipped.join(" ")).to.match(/claim window/);
  });
});
