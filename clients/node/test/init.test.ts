/**
 * `lumora-node init`, safe and repeatable, against the embedded chain: a refused registration writes
 * nothing and names the program's error (on the first run and on a rerun); paths given as flags resolve
 * from the working directory; a rerun applies new flags (and updates a registered node's profile);
 * unknown flags and an unreachable RPC are said plainly and write nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { main as cli } from "../src/cli.js";
import { type Localnet, startLocalnet } from "../../../tools/chain/localnet.js";
import { LumoraClient } from "@lumora/sdk";

/** Runs the CLI in process from `cwd`; returns its exit code and what it printed. */
async function run(cwd: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const prev = process.cwd();
  const [log, error] = [console.log, console.error];
  let out = "";
  let err = "";
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  process.chdir(cwd);
  try {
    return { code: await cli(argv), out, err };
  } finally {
    process.chdir(prev);
    console.log = log;
    console.error = error;
  }
}

describe("lumora-node init: nothing written until the chain accepts, reruns apply flags", function () {
  this.timeout(120_000);
  let net: Localnet;
  let work: string;
  let client: LumoraClient;

  before(async () => {
    net = await startLocalnet();
    client = new LumoraClient({ provider: net.provider });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-init-"));
    await net.fundedKeypair(path.join(work, "operator.json"));
  });
  after(async () => {
    await net?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const base = () => ["init", "--config", "node/node.json", "--rpc", net.rpc.url, "--operator-keypair", "operator.json", "--roles", "provider", "--declared-kbps", "100000", "--tick-ms", "300"];
  const written = () => ["node/node.json", "node/node-key.json", "node/data"].filter((f) => fs.existsSync(path.join(work, f)));

  it("a refused registration (cap above the declared bandwidth) writes nothing and names the program's error, on every run", async () => {
    for (let i = 0; i < 2; i++) {
      const r = await run(work, [...base(), "--cap-kbps", "200000"]);
      expect(r.code, r.err).to.equal(1);
      expect(r.err).to.include("InvalidBandwidthCap").and.not.include("0x").and.not.include("    at ");
      expect(written(), `run ${i + 1}`).to.deep.equal([]);
    }
  });

  it("with a valid cap it registers; the operator path was resolved from the working directory", async () => {
    const r = await run(work, [...base(), "--cap-kbps", "50000", "--json"]);
    expect(r.code, r.err + r.out).to.equal(0);
    const doc = JSON.parse(r.out) as { nodeKey: string; signature: string | null; configWritten: boolean };
    expect(doc.signature).to.be.a("string");
    expect(doc.configWritten).to.equal(true);
    expect(written()).to.deep.equal(["node/node.json", "node/node-key.json", "node/data"]);
    const cfg = JSON.parse(fs.readFileSync(path.join(work, "node/node.json"), "utf8")) as { operatorKeypair: string; bandwidthCapKbps: number };
    expect(cfg.operatorKeypair).to.equal(path.join("..", "operator.json")); // stored relative to the config
    expect(cfg.bandwidthCapKbps).to.equal(50_000);
    const node = await client.registry.fetchNode(new (await import("@solana/web3.js")).PublicKey(doc.nodeKey));
    expect(node!.bandwidthCapKbps.toString()).to.equal("50000");
  });

  it("a rerun without flags changes nothing; a rerun with new flags applies them (config and on-chain profile)", async () => {
    const same = await run(work, ["init", "--config", "node/node.json", "--json"]);
    expect(same.code, same.err).to.equal(0);
    expect(JSON.parse(same.out)).to.include({ signature: null, updated: null, configWritten: false });
    const moved = await run(work, ["init", "--config", "node/node.json", "--lat-e6", "-23550520", "--limit-kbps", "20000", "--json"]);
    expect(moved.code, moved.err).to.equal(0);
    const doc = JSON.parse(moved.out) as { nodeKey: string; updated: string | null; configWritten: boolean };
    expect(doc.updated).to.be.a("string");
    expect(doc.configWritten).to.equal(true);
    const cfg = JSON.parse(fs.readFileSync(path.join(work, "node/node.json"), "utf8")) as { latE6: number; limitKbps: number };
    expect(cfg).to.include({ latE6: -23_550_520, limitKbps: 20_000 });
    const node = await client.registry.fetchNode(new (await import("@solana/web3.js")).PublicKey(doc.nodeKey));
    expect(node!.latE6).to.equal(-23_550_520);
    // a refused update names the error and leaves the config as it was
    const before = fs.readFileSync(path.join(work, "node/node.json"), "utf8");
    const bad = await run(work, ["init", "--config", "node/node.json", "--cap-kbps", "0"]);
    expect(bad.code).to.equal(1);
    expect(bad.err).to.include("InvalidBandwidthCap");
    expect(fs.readFileSync(path.join(work, "node/node.json"), "utf8")).to.equal(before);
  });

  it("claim on a young chain lists no never-opened epochs; --epoch of an open or unknown epoch is refused", async () => {
    const none = await run(work, ["claim", "--config", "node/node.json"]);
    expect(none.code, none.err).to.equal(0);
    expect(none.out.trim()).to.equal("nothing to claim");
    const future = await run(work, ["claim", "--config", "node/node.json", "--epoch", "999999999"]);
    expect(future.code).to.equal(2);
    expect(future.err).to.include("epoch 999999999 has not ended");
    const never = await run(work, ["claim", "--config", "node/node.json", "--epoch", "3"]);
    expect(never.code).to.equal(1);
    expect(never.err).to.include("epoch 3 was never opened");
  });

  it("an unknown flag is a usage error (exit 2) and registers nothing", async () => {
    const r = await run(work, ["init", "--config", "other/node.json", "--rpc", net.rpc.url, "--operator-keypair", "operator.json", "--colour", "red"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.include("unknown flag --colour");
    expect(fs.existsSync(path.join(work, "other"))).to.equal(false);
  });

  it("an unreachable RPC says so and writes nothing; status and claim say so too", async () => {
    const r = await run(work, ["init", "--config", "other/node.json", "--rpc", "http://127.0.0.1:9", "--operator-keypair", "operator.json"]);
    expect(r.code).to.equal(1);
    expect(r.err).to.include("cannot reach the RPC at http://127.0.0.1:9").and.not.include("TypeError");
    expect(fs.existsSync(path.join(work, "other"))).to.equal(false);
    const cfg = JSON.parse(fs.readFileSync(path.join(work, "node/node.json"), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(path.join(work, "node/dead.json"), JSON.stringify({ ...cfg, rpc: "http://127.0.0.1:9" }));
    for (const cmd of ["status", "claim"]) {
      const s = await run(work, [cmd, "--config", "node/dead.json"]);
      expect(s.code, cmd).to.equal(1);
      expect(s.err, cmd).to.include("cannot reach the RPC at http://127.0.0.1:9").and.not.include("TypeError");
    }
  });
});
