/**
 * Five `lumora-node start` processes against one embedded chain (its JSON-RPC server in this process),
 * three of them killed with SIGKILL at the worst moments and restarted:
 *   exec-b  during its commit  (signed transaction on disk, not yet sent)
 *   exec-c  during its reveal  (sent, not yet confirmed)
 *   prov-d  during its epoch credit (signed, not yet sent)
 * Afterwards: the redundancy-3 task is settled with all three assignees agreeing and paid, the
 * provider is credited once for the epoch from the root its drawn verifier posted, and every journaled
 * step of the killed nodes was signed exactly once (one attempt, no expired re-signs): nothing lost,
 * nothing sent twice.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import { KeypairWallet, LumoraClient, TASK_STATUS, parseTaskSpec, taskSpecBytes, taskSpecHash } from "@lumora/sdk";
import { LumoraNode, StaticRegistry } from "@lumora/network";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { main as cli } from "../src/cli.js";
import { loadConfig, readKeypair } from "../src/config.js";
import { type Localnet, startLocalnet } from "../../../tools/chain/localnet.js";
import { openState } from "../src/state.js";
import { freePort, until } from "./helpers.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider, BN } = anchor;
const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "src", "cli.ts");

interface Proc {
  name: string;
  config: string;
  child: ChildProcess;
  ready: Promise<{ multiaddrs: string[] }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log: string[];
}

function startProc(name: string, config: string, crash?: string): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", "--no-warnings=ExperimentalWarning", CLI, "start", "--config", config], {
    env: { ...process.env, ...(crash ? { LUMORA_NODE_CRASH: crash } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  let buf = "";
  const ready = new Promise<{ multiaddrs: string[] }>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        log.push(line);
        if (line.includes('"event":"ready"')) resolve(JSON.parse(line) as { multiaddrs: string[] });
      }
    });
    child.once("exit", () => reject(new Error(`${name} exited before it was ready:\n${log.join("\n")}`)));
  });
  ready.catch(() => undefined);
  child.stderr!.on("data", (d: Buffer) => log.push(`[stderr] ${d.toString().trimEnd()}`));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
  return { name, config, child, ready, exited, log };
}

describe("lumora-node: five daemon processes, kill -9 and restart", function () {
  this.timeout(300_000);
  let localnet: Localnet;
  let site: FixtureSite;
  let dir: string;
  const procs = new Map<string, Proc>();
  const restarts: { name: string; signal: NodeJS.Signals | null }[] = [];
  let consumerNode: LumoraNode | undefined;
  let stopping = false;
  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-node-procs-"));
    [localnet, site] = await Promise.all([startLocalnet({ params: { verifierDraws: 16, creditQuorum: 1, creditWindowSecs: 600 } }), startFixtureSite({ crawlDelaySec: 0.05 })]);
  });
  after(async () => {
    stopping = true;
    for (const p of procs.values()) p.child.kill("SIGTERM");
    await Promise.all([...procs.values()].map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 5_000))])));
    for (const p of procs.values()) p.child.kill("SIGKILL");
    await consumerNode?.stop().catch(() => undefined);
    await site?.close();
    await localnet?.close();
    if (failed || process.env.LUMORA_NODE_LOGS) for (const p of procs.values()) fs.writeFileSync(path.join(process.env.LUMORA_NODE_LOGS ?? os.tmpdir(), `lumora-${p.name}.log`), p.log.join("\n"));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a daemon process; when it is SIGKILLed by its crash hook, starts it again (no crash hook). */
  function run(name: string, config: string, crash?: string): Proc {
    const p = startProc(name, config, crash);
    procs.set(name, p);
    void p.exited.then(({ signal }) => {
      if (stopping || signal !== "SIGKILL") return;
      restarts.push({ name, signal });
      run(name, config);
    });
    return p;
  }

  it("settles a redundancy-3 task and credits the provider's epoch exactly once although three nodes were killed mid-step", async () => {
    // five nodes, operators: exec-a..c and verifier-e one each, the provider its own (≠ the verifier's)
    const nodes: { name: string; args: string[]; crash?: string }[] = [
      { name: "exec-a", args: ["--roles", "executor", "--coordinator", "--lat-e6", "48856613", "--lon-e6", "2352222"] },
      { name: "exec-b", args: ["--roles", "executor", "--lat-e6", "48900000", "--lon-e6", "2400000"], crash: "commit:afterPersist" },
      { name: "exec-c", args: ["--roles", "executor", "--lat-e6", "48800000", "--lon-e6", "2300000"], crash: "reveal:afterSend" },
      { name: "prov-d", args: ["--roles", "provider", "--declared-kbps", "1000000", "--cap-kbps", "800000"], crash: "credit:afterPersist" },
      { name: "verif-e", args: ["--roles", "verifier,executor", "--lat-e6", "35676192", "--lon-e6", "139650311", "--probe-secs", "2"] },
    ];
    const configs = new Map<string, string>();
    for (const n of nodes) {
      const home = path.join(dir, n.name);
      await localnet.fundedKeypair(path.join(home, "operator.json"));
      const port = await freePort();
      const config = path.join(home, "node.json");
      const listen = `/ip4/127.0.0.1/tcp/${port}`;
      const code = await cli(["init", "--config", config, "--rpc", localnet.rpc.url, "--allow-loopback", "--tick-ms", "400", "--heartbeat-secs", "60", "--listen", listen, "--json", ...n.args]);
      expect(code, `init ${n.name}`).to.equal(0);
      configs.set(n.name, config);
    }
    // one chain second after the registrations: the coordinator's epoch opens after every node registered
    await localnet.warp(1);
    for (const n of nodes) run(n.name, configs.get(n.name)!, n.crash);
    const ready = await Promise.all(nodes.map((n) => procs.get(n.name)!.ready));
    // a second daemon on a running node's data folder is refused (it would send the same steps twice);
    // the restarts below take over the locks their SIGKILLed predecessors left
    const second = startProc("exec-a-twice", configs.get("exec-a")!);
    const refused = await second.exited;
    expect(refused.code, second.log.join("\n")).to.equal(1);
    expect(second.log.join("\n")).to.match(/another lumora-node \(pid \d+\) runs on/);

    // the consumer publishes the spec to the DHT and creates the task
    const consumer = await localnet.fundedKeypair(path.join(dir, "consumer.json"));
    const client = new LumoraClient({ provider: new AnchorProvider(localnet.connection, new KeypairWallet(consumer), { commitment: "confirmed" }) });
    consumerNode = await LumoraNode.create({ registry: new StaticRegistry(), allowPrivateAddresses: true, bootstrap: ready.map((r) => r.multiaddrs[0]!), rttIntervalMs: 0 });
    await consumerNode.waitForDhtPeers(2);
    const spec = parseTaskSpec(site.productSpec([site.pageUrl(4), site.pageUrl(5)]));
    await consumerNode.putSpec(taskSpecBytes(spec));
    const clock = (await localnet.connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111")))!;
    const now = Buffer.from(clock.data).readBigInt64LE(32);
    const { task } = await client.tasks.createTask({
      consumer,
      taskId: 7n,
      specHash: taskSpecHash(spec),
      consumerX25519: nacl.box.keyPair().publicKey,
      latE6: 48_860_000,
      lonE6: 2_350_000,
      redundancy: 3,
      maxBackups: 1,
      bidWindowEnd: now + 10n,
      commitDeadline: now + 150n,
      revealDeadline: now + 300n,
      payment: new BN(3_000_000),
    });

    const settled = await until("all three assignees settled", async () => {
      const t = await client.tasks.fetchTask(task);
      return t && t.status === TASK_STATUS.SETTLED && t.settledMask === 0b111 ? t : null;
    });
    expect(settled.agreeMask, "all three reveals agree").to.equal(0b111);
    const slots = (settled.slots as { node: PublicKey }[]).slice(0, 3).map((s) => s.node.toBase58());
    for (const name of ["exec-a", "exec-b", "exec-c"]) {
      const key = readKeypair(loadConfig(configs.get(name)!).nodeKeypair);
      expect(slots, `${name} is an assignee`).to.include(client.registry.nodeAddress(key.publicKey).toBase58());
    }

    // the provider: probed by verif-e during the epoch (it holds its signed totals); at the epoch's end
    // verif-e posts its root and prov-d credits the epoch from its proof, through the crash, once
    const provKey = readKeypair(loadConfig(configs.get("prov-d")!).nodeKeypair).publicKey;
    const verifKey = readKeypair(loadConfig(configs.get("verif-e")!).nodeKeypair).publicKey;
    const config = (await client.registry.fetchConfig())!;
    const epoch = BigInt(Math.floor(Number(now) / config.params.epochLengthSecs));
    await until("prov-d holds a signed total from verif-e", async () => {
      const st = openState(loadConfig(configs.get("prov-d")!).dataDir);
      try {
        return st.latestTotal(epoch, verifKey.toBase58());
      } finally {
        st.close();
      }
    });
    const e = (await client.rewards.fetchEpoch(epoch))!;
    const chainNow = Buffer.from((await localnet.connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111")))!.data).readBigInt64LE(32);
    await localnet.warp(Number(BigInt(e.endTs.toString()) - chainNow) + 2);
    const contribution = await until("the provider credited", async () => {
      const c = await client.rewards.fetchContribution({ nodeKey: provKey, epochIndex: epoch });
      return c && BigInt(c.contribution.toString()) > 0n && fs.existsSync(path.join(loadConfig(configs.get("prov-d")!).dataDir, "crashed-credit-afterPersist")) ? c : null;
    });
    expect((contribution.verifiers as PublicKey[])[0]!.toBase58(), "from verif-e's root").to.equal(client.registry.nodeAddress(verifKey).toBase58());

    // every crash happened (the hook's marker, a SIGKILL exit) and each node was restarted
    for (const [name, marker] of [["exec-b", "crashed-commit-afterPersist"], ["exec-c", "crashed-reveal-afterSend"], ["prov-d", "crashed-credit-afterPersist"]] as const)
      expect(fs.existsSync(path.join(loadConfig(configs.get(name)!).dataDir, marker)), `${name} was killed at ${marker}`).to.equal(true);
    expect(restarts.map((r) => r.name).sort()).to.deep.equal(["exec-b", "exec-c", "prov-d"]);

    // gossip: the coordinator's network view reached the other daemons (read from exec-b's own SQLite)
    const view = await until("exec-b received the coordinator's network view", async () => {
      const st = openState(loadConfig(configs.get("exec-b")!).dataDir);
      try {
        const v = st.value("networkView");
        return v ? (JSON.parse(v) as { nodes: number; active: number; from: string }) : null;
      } finally {
        st.close();
      }
    }, 60_000);
    expect(view.nodes).to.equal(5);
    expect(view.active).to.equal(5);
    expect(view.from).to.equal(readKeypair(loadConfig(configs.get("exec-a")!).nodeKeypair).publicKey.toBase58());

    // the restarted processes are up and have run their start-up recovery; then stop everyone and read
    // their journals: each step signed once
    await Promise.all([...procs.values()].map((p) => p.ready));
    await new Promise((r) => setTimeout(r, 2_000));
    stopping = true;
    for (const p of procs.values()) p.child.kill("SIGTERM");
    await Promise.all([...procs.values()].map((p) => p.exited));
    const states = new Map([...configs].map(([n, c]) => [n, openState(loadConfig(c).dataDir)]));
    try {
      for (const name of ["exec-a", "exec-b", "exec-c"]) {
        const st = states.get(name)!;
        for (const kind of ["commit", "reveal"] as const) {
          const [intent, ...more] = st.outbox.list({ kind }).filter((i) => i.key === `${kind}:${task.toBase58()}`);
          expect(more, `${name} ${kind}: one journal entry`).to.deep.equal([]);
          expect(intent?.state, `${name} ${kind}`).to.equal("confirmed");
          expect(intent!.attempt, `${name} ${kind} signed once`).to.equal(1);
          expect(st.outbox.expiredAttempts(intent!.key), `${name} ${kind}: no dead attempt`).to.deep.equal([]);
        }
      }
      // the killed commit was never sent before the kill: the restart broadcast the stored bytes once
      expect(states.get("exec-b")!.outbox.get(`commit:${task.toBase58()}`)!.sendCount).to.equal(1);
      // the killed reveal had been sent: the restart found it on chain and did not send it again
      expect(states.get("exec-c")!.outbox.get(`reveal:${task.toBase58()}`)!.sendCount).to.equal(1);
      // the killed credit had been signed, not sent: the restart sent the stored bytes once
      const credits = states.get("prov-d")!.outbox.list({ kind: "credit_epoch" });
      expect(credits.map((c) => [c.key, c.state, c.attempt, c.sendCount])).to.deep.equal([[`credit:${epoch}`, "confirmed", 1, 1]]);
      const roots = states.get("verif-e")!.outbox.list({ kind: "post_root" });
      expect(roots.map((r) => [r.key, r.state, r.attempt])).to.deep.equal([[`post_root:${epoch}`, "confirmed", 1]]);
      // what the chain credited is what verif-e's tally says: its total for prov-d, capped by nothing here
      const tally = states.get("verif-e")!.tally(epoch, provKey.toBase58())!;
      expect(tally.probes).to.be.greaterThan(0);
      expect(contribution.liveMs).to.equal(tally.probes * 2_000);
    } finally {
      for (const s of states.values()) s.close();
    }
  });
});
