/**
 * The demo at its CI size on agave: three `lumora-node` daemons as separate processes and the consumer, against
 * a localnet of engine agave (the real validator; the four programs upgradeable at genesis, the migrations run)
 * with one-minute reward epochs, so no warp is needed. The demo's cluster path (`--rpc URL --keys DIR`): tasks
 * bid, executed, verified and settled, receipts submitted, the epoch closed in real time and every node's
 * payout claimed, a dataset sold and decrypted by a second consumer.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type Localnet, startLocalnet } from "../../tools/chain/localnet.js";
import { type DemoReport, runDemo } from "../../clients/demo/src/demo.js";

describe("validator: the demo (3 daemons + consumers) on agave, real time", function () {
  this.timeout(600_000);
  let net: Localnet;
  let keys: string;
  let r: DemoReport;

  before(async () => {
    // two-minute epochs and a 20 s credit window (no warp on agave); q = 2 of k = 16 draws over the demo's two verifiers
    net = await startLocalnet({ engine: "agave", params: { epochLengthSecs: 120, verifierDraws: 16, creditQuorum: 2, creditWindowSecs: 20 } });
    keys = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-agave-demo-keys-"));
    for (const name of ["funder", "consumer", "buyer", "paris-exec-verifier", "berlin-exec-verifier", "london-provider"]) await net.fundedKeypair(path.join(keys, `${name}.json`));
  });
  after(async () => {
    await net?.close();
    if (keys) fs.rmSync(keys, { recursive: true, force: true });
  });

  it("tasks settled, the provider credited from its drawn verifiers' roots, the epoch closed and claimed, a dataset sold — no warp", async () => {
    const t0 = Date.now();
    r = await runDemo({ nodes: 3, tasks: 1, redundancy: 2, rpc: net.rpc.url, keysDir: keys, maxEpochWaitSecs: 180, log: () => undefined });
    console.log(`      demo on agave ${net.agave!.version}: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${r.tasks.length} task(s), payouts ${r.epoch.payouts.map((p) => p.claimed).join(", ")}`);
    expect(r.chain.kind).to.equal("cluster");
    expect(r.errors).to.deep.equal([]);
    expect(r.tasks.every((t) => t.status === "settled" && t.decryptedMatchesSite)).to.equal(true);
    expect(r.dataset?.decryptedMatchesSite).to.equal(true);
    expect(r.credits.length).to.be.greaterThan(0);
    expect(r.credits.every((x) => x.credited && x.verifiers.length === 2)).to.equal(true);
    expect(r.epoch.payouts.length).to.be.greaterThan(0);
    for (const p of r.epoch.payouts) expect(p.claimed).to.equal(p.expected);
    expect(r.epoch.payouts.some((p) => BigInt(p.claimed) > 0n)).to.equal(true);
    expect(BigInt(r.epoch.sumPayouts) <= BigInt(r.epoch.rTotal)).to.equal(true);
  });
});
