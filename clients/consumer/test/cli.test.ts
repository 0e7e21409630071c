/**
 * lumora-consumer end to end on the embedded chain (LiteSVM behind its JSON-RPC server), the loopback
 * fixture site and two real lumora-node daemons in process (one the coordinator): every command's
 * `--json` output on a real flow, and the bad-input paths (malformed spec, unknown dataset,
 * insufficient funds, unreachable RPC). The CLI's `main(argv)` runs in process; stdout is captured per
 * call (AsyncLocalStorage), so a seller's `dataset deliver` can run while a buyer's `dataset buy` waits.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Keypair } from "@solana/web3.js";
import { expect } from "chai";
import { parseTaskSpec } from "@lumora/sdk";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { main as nodeCli } from "../../node/src/cli.js";
import { loadConfig } from "../../node/src/config.js";
import { Daemon } from "../../node/src/daemon.js";
import { defaultExecutor } from "../../node/src/executor.js";
import { recordsToCsv, recordsToJsonl } from "../../node/src/scrape/index.js";
import { openState } from "../../node/src/state.js";
import { type Localnet, startLocalnet } from "../../../tools/chain/localnet.js";
import { main } from "../src/cli.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, any>;
}

const captured = new AsyncLocalStorage<{ out: string[]; err: string[] }>();
const realLog = console.log;
const realErr = console.error;
const realWrite = process.stderr.write.bind(process.stderr);

/** Runs `lumora-consumer argv` in process; stdout and stderr of this call only. */
async function cli(argv: string[]): Promise<Run> {
  const buf = { out: [] as string[], err: [] as string[] };
  const code = await captured.run(buf, () => main(argv));
  const stdout = buf.out.join("\n");
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(stdout);
  } catch {
    /* not JSON */
  }
  // CONSUMER_SAMPLES=dir keeps every call's argv and output (the examples of docs/consumer.md)
  if (process.env.CONSUMER_SAMPLES) fs.appendFileSync(process.env.CONSUMER_SAMPLES, `$ lumora-consumer ${argv.filter((x) => !x.startsWith("--bootstrap") && !x.startsWith("/ip4")).join(" ")}\n[exit ${code}]\n${buf.err.join("")}${stdout}\n\n`);
  return { code, stdout, stderr: buf.err.join(""), json };
}

describe("lumora-consumer on the embedded chain with two lumora-node daemons", function () {
  this.timeout(240_000);
  let chain: Localnet;
  let site: FixtureSite;
  let dir: string;
  const daemons: Daemon[] = [];
  let base: string[];
  const urls: string[] = [];
  const created: Record<string, string> = {};
  let dataset = "";

  before(async () => {
    console.log = (...a: unknown[]) => {
      const c = captured.getStore();
      if (c) c.out.push(a.map(String).join(" "));
      else realLog(...a);
    };
    console.error = (...a: unknown[]) => {
      const c = captured.getStore();
      if (c) c.err.push(a.map(String).join(" ") + "\n");
      else realErr(...a);
    };
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const c = captured.getStore();
      if (c) {
        c.err.push(String(chunk));
        return true;
      }
      return (realWrite as (...x: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-consumer-"));
    [chain, site] = await Promise.all([startLocalnet({ params: { epochLengthSecs: 3_600 } }), startFixtureSite({ crawlDelaySec: 0.05 })]);
    urls.push(site.pageUrl(1), site.pageUrl(2));
    for (const [name, extra] of [
      ["exec-a", ["--coordinator", "--lat-e6", "48856613", "--lon-e6", "2352222"]],
      ["exec-b", ["--lat-e6", "52520008", "--lon-e6", "13404954"]],
    ] as const) {
      const home = path.join(dir, name);
      await chain.fundedKeypair(path.join(home, "operator.json"));
      const config = path.join(home, "node.json");
      const code = await captured.run({ out: [], err: [] }, () =>
        nodeCli(["init", "--config", config, "--rpc", chain.rpc.url, "--allow-loopback", "--tick-ms", "300", "--heartbeat-secs", "60", "--json", "--roles", "executor", ...extra]),
      );
      expect(code, `init ${name}`).to.equal(0);
      const cfg = loadConfig(config);
      const d = new Daemon(cfg, { state: openState(cfg.dataDir), execute: defaultExecutor });
      await d.start();
      daemons.push(d);
    }
    await chain.fundedKeypair(path.join(dir, "consumer", "id.json"));
    base = ["--rpc", chain.rpc.url, "--keypair", path.join(dir, "consumer", "id.json"), "--allow-loopback", ...daemons.flatMap((d) => ["--bootstrap", d.multiaddrs()[0]!])];
  });

  after(async () => {
    for (const d of daemons) await d.stop().catch(() => undefined);
    await site?.close();
    await chain?.close();
    console.log = realLog;
    console.error = realErr;
    process.stderr.write = realWrite as typeof process.stderr.write;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function specFile(name: string, format: "jsonl" | "csv", task: Record<string, unknown>): string {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ spec: site.productSpec(urls, format), task }));
    return file;
  }

  it("malformed spec: exit 2, the error names the field; nothing is sent", async () => {
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ spec: { ...site.productSpec(urls), urls: ["ftp://example.com/x"] }, task: { budget: "1000" } }));
    const r = await cli(["task", "create", "--spec", bad, "--json", ...base]);
    expect(r.code).to.equal(2);
    expect(r.json.error).to.equal("usage");
    expect(r.json.message).to.match(/spec\.urls\[0\]: only http and https/);
    fs.writeFileSync(bad, JSON.stringify({ spec: site.productSpec(urls), task: { budget: "1000", redundancy: 9 } }));
    const r2 = await cli(["task", "create", "--spec", bad, "--json", ...base]);
    expect(r2.code).to.equal(2);
    expect(r2.json.message).to.match(/task\.redundancy must be an integer in \[1, 5\]/);
    fs.writeFileSync(bad, "{ not json");
    const r3 = await cli(["task", "create", "--spec", bad, ...base]);
    expect(r3.code).to.equal(2);
    expect(r3.stderr).to.match(/--spec .*bad\.json/);
  });

  it("unreachable RPC: exit 1 with what to do", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await cli(["network", "--json", "--rpc", `http://127.0.0.1:${port}`, "--keypair", path.join(dir, "consumer", "id.json")]);
    expect(r.code).to.equal(1);
    expect(r.json.message).to.match(new RegExp(`cannot reach RPC at http://127.0.0.1:${port}: is the chain running\\? .*--rpc URL`));
  });

  it("insufficient funds: a consumer without LMR gets exit 2 and its balance", async () => {
    await chain.fundedKeypair(path.join(dir, "poor", "id.json"), 0n);
    const r = await cli(["task", "create", "--spec", specFile("poor", "jsonl", { budget: "2000000" }), "--json", ...base, "--keypair", path.join(dir, "poor", "id.json")]);
    expect(r.code).to.equal(2);
    expect(r.json.message).to.match(/^insufficient funds: payment 2\.000000 LMR, balance 0\.000000 LMR/);
  });

  it("network --json lists both nodes with roles, shard, reputation and the epoch", async () => {
    const r = await cli(["network", "--json", ...base]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.epoch).to.match(/^\d+$/);
    const keys = daemons.map((d) => d.nodeKey.publicKey.toBase58()).sort();
    expect(r.json.nodes.map((n: { nodeKey: string }) => n.nodeKey).sort()).to.deep.equal(keys);
    for (const n of r.json.nodes) {
      expect(n.roles).to.deep.equal(["executor"]);
      expect(n.active).to.equal(true);
      expect(n.jailed).to.equal(false);
      expect(n.reputation).to.be.a("number");
      expect(n.shard).to.be.a("number");
    }
  });

  it("task create (r = 2 and r = 1) → task watch → settled with both bidders' scores", async () => {
    const r2 = await cli(["task", "create", "--spec", specFile("r2", "jsonl", { latE6: 50_000_000, lonE6: 8_000_000, redundancy: 2, budget: "2000000", bidWindowSecs: 5, commitWindowSecs: 120, revealWindowSecs: 120 }), "--json", ...base]);
    expect(r2.code, r2.stdout + r2.stderr).to.equal(0);
    expect(r2.json.task).to.be.a("string");
    expect(r2.json.specHash).to.match(/^[0-9a-f]{64}$/);
    expect(r2.stderr).to.match(/publishing the spec/);
    expect(r2.stderr).to.match(/spec stored by [12] peers?/);
    created.r2 = r2.json.task;
    const r1 = await cli(["task", "create", "--spec", specFile("r1", "csv", { redundancy: 1, budget: "1000000", bidWindowSecs: 5 }), "--json", ...base]);
    expect(r1.code, r1.stdout + r1.stderr).to.equal(0);
    created.r1 = r1.json.task;

    const w2 = await cli(["task", "watch", created.r2, "--json", ...base]);
    expect(w2.code, w2.stdout + w2.stderr).to.equal(0);
    expect(w2.json.status).to.equal("settled");
    expect(w2.json.assignees).to.have.length(2);
    expect(w2.json.reveals).to.equal(2);
    expect(w2.json.agree).to.equal(2);
    expect(w2.json.settledAssignees).to.equal(2);
    expect(w2.json.bidders).to.have.length(2);
    for (const b of w2.json.bidders) expect(BigInt(b.score) > 0n, "a bidder's score").to.equal(true);
    expect(w2.json.bidders.map((b: { nodeKey: string }) => b.nodeKey).sort()).to.deep.equal(daemons.map((d) => d.nodeKey.publicKey.toBase58()).sort());
    // nodes are named by their node key everywhere (as in `network` and `lumora-node status`)
    expect([...w2.json.assignees].sort()).to.deep.equal(daemons.map((d) => d.nodeKey.publicKey.toBase58()).sort());
    expect(w2.json.history.map((h: { status: string }) => h.status)).to.include("settled");
    expect(w2.stderr, "live progress on stderr").to.match(/assigned +bids 2 .*assigned 2\/2/);
    expect(w2.stdout).to.not.include("…");

    // r = 1: no consumer verdict (there is no --accept): the coordinators settle it, the executor
    // releases its key, and it is paid — watching just follows
    const w1 = await cli(["task", "watch", created.r1, "--json", ...base]);
    expect(w1.code, w1.stdout + w1.stderr).to.equal(0);
    expect(w1.json.status).to.equal("settled");
    expect(w1.json.assignees).to.have.length(1);
    expect(w1.json.settledAssignees).to.equal(1);
    const bad = await cli(["task", "watch", created.r1, "--accept", ...base]);
    expect(bad.code, "--accept is gone: a usage error").to.equal(2);
  });

  it("data fetch writes exactly the fixture's records, as JSONL and as CSV", async () => {
    const spec = parseTaskSpec(site.productSpec(urls));
    const records = urls.flatMap((u) => site.expectedRecords(u)) as never;
    const jsonl = path.join(dir, "out", "r2.jsonl");
    const f = await cli(["data", "fetch", created.r2!, "--out", jsonl, "--json", ...base]);
    expect(f.code, f.stdout + f.stderr).to.equal(0);
    expect(fs.readFileSync(jsonl, "utf8")).to.equal(recordsToJsonl(spec, records));
    expect(f.json.records).to.equal((records as unknown[]).length);
    expect(f.json.format).to.equal("jsonl");
    expect(f.json.merkleRoot).to.match(/^[0-9a-f]{64}$/);
    expect(f.json).to.not.have.property("key");
    expect(f.stdout).to.not.include(f.json.key ?? "no key");
    // the r = 1 task's spec asked for CSV: the executor's own bytes
    const csv = path.join(dir, "out", "r1.csv");
    const g = await cli(["data", "fetch", created.r1!, "--out", csv, "--json", ...base]);
    expect(g.code, g.stdout + g.stderr).to.equal(0);
    expect(g.json.format).to.equal("csv");
    expect(fs.readFileSync(csv, "utf8")).to.equal(recordsToCsv(spec, records));
    // JSONL converted to CSV on request gives the same bytes
    const conv = path.join(dir, "out", "r2.csv");
    const h = await cli(["data", "fetch", created.r2!, "--out", conv, "--format", "csv", "--json", ...base]);
    expect(h.code).to.equal(0);
    expect(fs.readFileSync(conv, "utf8")).to.equal(recordsToCsv(spec, records));
  });

  it("dataset sell → list → a second consumer buys while the seller delivers → same bytes; provenance names the task and its assignees", async () => {
    const s = await cli(["dataset", "sell", created.r2!, "--price", "5000", "--json", ...base]);
    expect(s.code, s.stdout + s.stderr).to.equal(0);
    dataset = s.json.dataset;
    const keyStore = path.join(dir, "consumer", "x25519.datasets.json");
    expect(fs.statSync(keyStore).mode & 0o777).to.equal(0o600);
    expect(Object.keys(JSON.parse(fs.readFileSync(keyStore, "utf8")))).to.deep.equal([dataset]);

    const l = await cli(["dataset", "list", "--json", "--max-price", "5000", ...base]);
    expect(l.code).to.equal(0);
    const row = l.json.datasets.find((d: { dataset: string }) => d.dataset === dataset);
    expect(row.provenance).to.deep.equal([created.r2]);
    expect(row.price).to.equal("5000");
    expect(row.records).to.equal(String(urls.flatMap((u) => site.expectedRecords(u)).length));
    const cheap = await cli(["dataset", "list", "--json", "--max-price", "4999", ...base]);
    expect(cheap.json.datasets).to.deep.equal([]);

    const poor = await cli(["dataset", "buy", dataset, "--out", path.join(dir, "out", "poor.jsonl"), "--json", ...base, "--keypair", path.join(dir, "poor", "id.json")]);
    expect(poor.code).to.equal(2);
    expect(poor.json.message).to.match(/^insufficient funds: price 0\.005000 LMR, balance 0\.000000 LMR/);
    await chain.fundedKeypair(path.join(dir, "buyer", "id.json"));
    const buyerBase = [...base, "--keypair", path.join(dir, "buyer", "id.json")];
    const out = path.join(dir, "out", "bought.jsonl");
    const [b, d] = await Promise.all([
      cli(["dataset", "buy", dataset, "--out", out, "--max-price", "5000", "--json", ...buyerBase]),
      // the buyer verifies the listing, the manifest and every chunk before it pays (tasks v2): on a loaded
      // 2-core machine that can take longer than a few seconds, so the seller keeps delivering for 20
      cli(["dataset", "deliver", "--watch-secs", "20", "--json", ...base]),
    ]);
    expect(d.code, d.stdout + d.stderr).to.equal(0);
    expect(b.code, b.stdout + b.stderr).to.equal(0);
    expect(d.json.delivered.map((x: { dataset: string }) => x.dataset)).to.deep.equal([dataset]);
    expect(b.code, b.stdout + b.stderr).to.equal(0);
    expect(b.stderr).to.match(/waiting for the seller to deliver the sealed key/);
    expect(b.json.price).to.equal("5000");
    expect(fs.readFileSync(out, "utf8")).to.equal(fs.readFileSync(path.join(dir, "out", "r2.jsonl"), "utf8"));

    const p = await cli(["dataset", "provenance", dataset, "--json", ...base]);
    expect(p.code, p.stdout + p.stderr).to.equal(0);
    const w = await cli(["task", "watch", created.r2!, "--json", ...base]);
    expect(p.json.listing.provenance).to.deep.equal([created.r2]);
    expect(p.json.listing.price).to.equal("5000");
    expect(p.json.listing.merkle_root).to.equal(row.merkleRoot);
    expect(p.json.tasks).to.have.length(1);
    expect(p.json.tasks[0].task).to.equal(created.r2);
    expect(p.json.tasks[0].assignees.sort()).to.deep.equal([...w.json.assignees].sort());
    expect(p.json.tasks[0].results).to.have.length(2);
    expect(p.json.tasks[0].settlement.success).to.equal(true);
    // in chain order, also when the purchase and the delivery share a slot
    expect(p.json.ledger.map((x: { event: string }) => x.event)).to.deep.equal(["DatasetPurchased", "KeyDelivered"]);
  });

  it("the lumora-consumer binary: one JSON document on stdout, progress on stderr", async () => {
    const bin = path.resolve(import.meta.dirname, "..", "bin", "lumora-consumer.js");
    // the chain's RPC server runs in this process: the child is awaited, never waited for synchronously
    const run = (argv: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [bin, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("close", (status) => resolve({ status, stdout, stderr }));
      });
    const r = await run(["dataset", "list", "--json", ...base]);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).datasets.map((d: { dataset: string }) => d.dataset)).to.include(dataset);
    const bad = await run(["task", "create", "--json", ...base]);
    expect(bad.status).to.equal(2);
    expect(JSON.parse(bad.stdout)).to.deep.equal({ error: "usage", message: "lumora-consumer task create: --spec FILE is required (see `lumora-consumer task create --help`)" });
  });

  it("unknown dataset: exit 2 with what to do", async () => {
    const unknown = Keypair.generate().publicKey.toBase58();
    const r = await cli(["dataset", "buy", unknown, "--out", path.join(dir, "x.jsonl"), "--json", ...base]);
    expect(r.code).to.equal(2);
    expect(r.json.message).to.equal(`unknown dataset ${unknown}: list datasets with \`dataset list\``);
    const p = await cli(["dataset", "provenance", unknown, "--json", ...base]);
    expect(p.code).to.equal(2);
  });
});
