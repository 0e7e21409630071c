/**
 * The dashboard of a real lumora-node daemon in headless Chromium (Debian's `chromium` through
 * playwright-core), issue 10: the embedded chain (LiteSVM behind its JSON-RPC server), `lumora-node
 * init` through the CLI, one executor + coordinator daemon that completes a task and serves its chunks
 * to a consumer peer. The page's figures must equal the chain's (reputation, stake) and the daemon's
 * SQLite state (per-epoch metrics, limit); a limit set from the page must reach the daemon, its token
 * bucket, its database and the page again, and must throttle what the node serves; a `lumora-node
 * set-limit` from another "process" must be applied by the running daemon and shown by the page.
 * Nothing is mocked.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import type { Browser } from "playwright-core";
import { KeypairWallet, LumoraClient, RESULT_STATUS, TASK_STATUS, parseTaskSpec, taskSpecBytes, taskSpecHash } from "@lumora/sdk";
import { LumoraNode, StaticRegistry, fetchDataset } from "@lumora/network";
import { peerIdFromString } from "@libp2p/peer-id";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { launchChromium } from "../../../tools/browser/chromium.js";
import { type OpenedDashboard, type ShownDashboard, openDashboard, readDashboard, setLimitFromPage, waitForText } from "../../../tools/browser/dashboard.js";
import { main as cli } from "../src/cli.js";
import { loadConfig } from "../src/config.js";
import { Daemon } from "../src/daemon.js";
import { startNodeDashboard } from "../src/dashboard-source.js";
import { type DashboardHandle, type DashboardEpoch, formatLmr, formatReputation, groupDigits } from "../src/dashboard/index.js";
import { defaultExecutor } from "../src/executor.js";
import { type Localnet, startLocalnet } from "../../../tools/chain/localnet.js";
import { openState } from "../src/state.js";
import { until } from "./helpers.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { BN, AnchorProvider } = anchor;

/** Runs the CLI in-process and returns its exit code and the JSON it printed (`--json`). */
async function cliJson(argv: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    const code = await cli([...argv, "--json"]);
    return { code, json: JSON.parse(lines.join("\n")) as Record<string, unknown> };
  } finally {
    console.log = log;
  }
}

/** The page's text for a limit, exactly as an operator reads it. */
const shownLimit = (kbps: number) => `${groupDigits(String(kbps))} kbps`;

/** What the page must show for these figures (table newest first, as displayed). */
function expectedShown(f: { reputation: number; stake: bigint; limitKbps: number; epochs: DashboardEpoch[] }): Pick<ShownDashboard, "reputation" | "stake" | "limit" | "epochs"> {
  return {
    reputation: formatReputation(f.reputation),
    stake: `${formatLmr(f.stake)} LMR`,
    limit: shownLimit(f.limitKbps),
    epochs: [...f.epochs]
      .sort((a, b) => b.epoch - a.epoch)
      .map((e) => ({
        epoch: String(e.epoch),
        bytesServed: groupDigits(e.bytesServed.toString()),
        bytesFetched: groupDigits(e.bytesFetched.toString()),
        tasksDone: String(e.tasksDone),
        probesMade: String(e.probesMade),
        totalsReceived: String(e.totalsReceived),
        earned: formatLmr(e.earnedLmr),
      })),
  };
}

describe("the dashboard of a running lumora-node daemon, in headless chromium", function () {
  this.timeout(240_000);
  let net: Localnet;
  let site: FixtureSite;
  let browser: Browser;
  let dir: string;
  let configFile: string;
  let d: Daemon;
  let dash: DashboardHandle | undefined;
  let opened: OpenedDashboard | undefined;
  let consumerNode: LumoraNode | undefined;
  /** The task's result as the consumer fetches it: root and the daemon's peer. */
  let result: { root: Uint8Array; locator: string };
  /** The task the daemon completed (base58). */
  let taskId: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-dash-e2e-"));
    // wide pages: a dataset of tens of KB, so a few fetches exceed the token bucket's 64 KiB burst
    [net, site, browser] = await Promise.all([startLocalnet(), startFixtureSite({ crawlDelaySec: 0.05, perPage: 150 }), launchChromium()]);
  });
  after(async () => {
    await opened?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await dash?.close().catch(() => undefined);
    await d?.stop().catch(() => undefined);
    await consumerNode?.stop().catch(() => undefined);
    await site?.close();
    await net?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Fetches the task's dataset `times` times from the daemon; returns ms taken, bytes received and chunk bytes among them. */
  async function fetchTimes(times: number): Promise<{ ms: number; bytes: number; chunkBytes: number }> {
    const peer = peerIdFromString(result.locator.split("/p2p/")[1]!);
    let bytes = 0;
    let chunkBytes = 0;
    const t0 = performance.now();
    for (let i = 0; i < times; i++) {
      // a generous frame bound: under a tiny limit one chunk frame waits seconds in the provider's bucket
      const got = await fetchDataset(consumerNode!, { root: result.root, providers: [peer], frameTimeoutMs: 60_000 });
      const chunks = got.chunks.reduce((s, c) => s + c!.length, 0);
      bytes += got.manifestBytes.length + chunks;
      chunkBytes += chunks;
    }
    return { ms: performance.now() - t0, bytes, chunkBytes };
  }

  /**
   * Waits until the page shows what the chain and the daemon say now (`want` is read again on every
   * poll: a daemon tick may book bytes meanwhile), then asserts equality (a failure shows the diff).
   */
  async function pageShows(want: () => Promise<ReturnType<typeof expectedShown>>): Promise<ShownDashboard> {
    const pick = (s: ShownDashboard) => ({ reputation: s.reputation, stake: s.stake, limit: s.limit, epochs: s.epochs });
    const t0 = Date.now();
    for (;;) {
      const w = await want();
      const shown = await readDashboard(opened!.page);
      if (JSON.stringify(pick(shown)) === JSON.stringify(w) || Date.now() - t0 > 15_000) {
        expect(pick(shown)).to.deep.equal(w);
        return shown;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The chain's and the daemon's figures, as the page must show them. */
  async function daemonFigures(): Promise<ReturnType<typeof expectedShown>> {
    const node = (await d.client.registry.fetchNode(d.nodeKey.publicKey))!;
    return expectedShown({ reputation: node.reputation, stake: BigInt(node.stake.toString()), limitKbps: d.limitKbps(), epochs: d.state.metrics() });
  }

  /**
   * The rate the daemon's shared token bucket enforces, read from the bucket itself (the daemon keeps
   * its libp2p node private): proves `setRate` ran, not only the daemon's own bookkeeping.
   */
  const bucketRate = (daemon: Daemon) => (daemon as unknown as { net: LumoraNode }).net.bucket.rateBytesPerSec;

  it("a single executor + coordinator daemon completes a task and serves it to a consumer", async () => {
    const home = path.join(dir, "node");
    await net.fundedKeypair(path.join(home, "operator.json"));
    configFile = path.join(home, "node.json");
    const init = await cliJson(["init", "--config", configFile, "--rpc", net.rpc.url, "--allow-loopback", "--tick-ms", "300", "--heartbeat-secs", "60", "--roles", "executor", "--coordinator"]);
    expect(init.code, "init").to.equal(0);
    const cfg = loadConfig(configFile);
    d = new Daemon(cfg, { state: openState(cfg.dataDir, { echo: process.env.LUMORA_NODE_ECHO === "1" }), execute: defaultExecutor });
    await d.start();

    const consumer = await net.fundedKeypair(path.join(dir, "consumer.json"));
    const client = new LumoraClient({ provider: new AnchorProvider(net.connection, new KeypairWallet(consumer), { commitment: "confirmed" }) });
    consumerNode = await LumoraNode.create({ registry: new StaticRegistry(), allowPrivateAddresses: true, bootstrap: [d.multiaddrs()[0]!], rttIntervalMs: 0 });
    const spec = parseTaskSpec(site.productSpec([site.pageUrl(1), site.pageUrl(2), site.pageUrl(3)]));
    await consumerNode.waitForDhtPeers(1);
    await consumerNode.putSpec(taskSpecBytes(spec));
    const clock = (await net.connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111")))!;
    const now = Buffer.from(clock.data).readBigInt64LE(32);
    const { task } = await client.tasks.createTask({
      consumer,
      taskId: 1n,
      specHash: taskSpecHash(spec),
      consumerX25519: nacl.box.keyPair().publicKey,
      latE6: 0,
      lonE6: 0,
      redundancy: 1,
      maxBackups: 0,
      bidWindowEnd: now + 4n,
      commitDeadline: now + 120n,
      revealDeadline: now + 240n,
      payment: new BN(1_000_000) as never,
    });
    // redundancy 1: the coordinator daemon settles it (no consumer verdict), the executor releases its key, the assignee is paid
    const r = await until("the result revealed", async () => {
      const res = await client.tasks.fetchResult({ task, nodeKey: d.nodeKey.publicKey });
      return res && res.status === RESULT_STATUS.REVEALED ? res : null;
    });
    result = { root: Uint8Array.from(r.merkleRoot as number[]), locator: r.locator };
    taskId = task.toBase58();
    await consumerNode.dial(r.locator);
    const { chunkBytes } = await fetchTimes(1);
    await until("the assignee settled", async () => {
      const t = await client.tasks.fetchTask(task);
      return t && t.status === TASK_STATUS.SETTLED && t.settledMask === 0b1 ? t : null;
    });
    // the daemon books the chunk bytes it served on its next tick
    const total = (k: "bytesServed" | "bytesFetched") => d.state.metrics().reduce((s, e) => s + e[k], 0n);
    await until("served bytes booked", () => total("bytesServed") >= BigInt(chunkBytes), 20_000);
    expect(total("bytesServed")).to.equal(BigInt(chunkBytes));
    expect(d.state.metrics().reduce((s, e) => s + e.tasksDone, 0)).to.equal(1);
    expect(total("bytesFetched") > 0n, "bytes fetched").to.equal(true);
  });

  it("the page shows the chain's reputation and stake, the daemon's per-epoch figures and limit", async () => {
    dash = await startNodeDashboard(d, 0);
    opened = await openDashboard(browser, dash.url);
    const node = (await d.client.registry.fetchNode(d.nodeKey.publicKey))!;
    const want = await daemonFigures();
    expect(want.epochs, "per-epoch rows").to.not.deep.equal([]);
    expect(want.stake).to.not.equal(formatLmr(0n) + " LMR"); // registered with the minimum stake
    expect(want.limit).to.equal(shownLimit(loadConfig(configFile).limitKbps)); // nothing set yet: the config's value
    const shown = await pageShows(daemonFigures);
    expect(shown.nodeKey).to.equal(d.nodeKey.publicKey.toBase58());
    expect(shown.operator).to.equal(d.operator.publicKey.toBase58());
    expect(shown.state).to.equal(node.status === 1 ? "active" : "inactive");
    expect(shown.roles).to.equal("executor");
    // the task from the daemon's store, with the pay the chain settled (1 LMR escrow, redundancy 1)
    const taskRow = opened.page.locator('[data-testid="task-row"]', { hasText: taskId });
    await taskRow.waitFor();
    expect(await taskRow.getByTestId("task-phase").textContent()).to.equal(d.state.task(taskId)!.phase);
    await until("the settled reward shown", async () => (await taskRow.getByTestId("task-reward").textContent()) === formatLmr(1_000_000n), 15_000);
    // the epoch's clock from the config the daemon holds; an executor has no provider configuration to flag
    const config = await d.load();
    const ends = await opened.page.getByTestId("epoch-ends").textContent();
    expect(ends).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const endTs = Date.parse(ends!.slice(0, 19).replace(" ", "T") + "Z") / 1000;
    expect(endTs % config.params.epochLengthSecs).to.equal(0);
    expect(await opened.page.locator('[data-testid="trouble-item"][data-source="config"]').count()).to.equal(0);
    expect(opened.errors, "console errors").to.deep.equal([]);
  });

  it("a limit set on the page reaches the daemon, its token bucket, SQLite and the page, and throttles serving", async () => {
    const kbps = 16; // 2 000 B/s
    const bps = (kbps * 1000) / 8;
    const burst = Math.max(64 * 1024, Math.floor(bps / 10)); // the bucket's burst at this rate (its 64 KiB floor)
    // enough fetches that, past the burst, the bucket must hold them back ≥ 10 s at the new limit
    const one = await fetchTimes(1);
    const rounds = Math.ceil((burst + bps * 10) / one.bytes);
    // before: the config's limit (50 000 kbps, a 625 kB burst) does not slow the same fetches
    const before = await fetchTimes(rounds);

    const outcome = await setLimitFromPage(opened!.page, String(kbps));
    expect(outcome, "page outcome").to.deep.equal({ ok: true, message: `limit set to ${shownLimit(kbps)}` });
    // (a) the daemon's live limit
    expect(d.limitKbps()).to.equal(kbps);
    // (b) the shared token bucket, as the daemon reports it and as the bucket itself holds it
    expect(d.appliedLimitBytesPerSec()).to.equal(bps);
    expect(bucketRate(d)).to.equal(bps);
    // (c) persisted: another connection to the database, and `lumora-node status` in-process
    const other = openState(loadConfig(configFile).dataDir);
    try {
      expect(other.limitKbps()).to.equal(kbps);
    } finally {
      other.close();
    }
    const st = await cliJson(["status", "--config", configFile]);
    expect(st.code).to.equal(0);
    expect(st.json.limitKbps).to.equal(kbps);
    // (d) the page shows it after the server-sent update
    await waitForText(opened!.page, "limit", shownLimit(kbps));

    // serving is throttled: over any window t the bucket releases ≤ burst + rate·t, so receiving
    // `bytes` takes at least (bytes − burst) / rate; the burst at this rate is the 64 KiB floor
    const after = await fetchTimes(rounds);
    const floorMs = ((after.bytes - burst) / bps) * 1000;
    console.log(`      ${rounds} fetches of ${after.bytes} B: ${before.ms.toFixed(0)} ms at the config's limit, ${after.ms.toFixed(0)} ms at ${kbps} kbps (bucket floor ${floorMs.toFixed(0)} ms)`);
    expect(after.bytes).to.equal(before.bytes);
    expect(floorMs, "the fetches must exceed the burst for the measurement to mean anything").to.be.greaterThan(5_000);
    expect(after.ms).to.be.at.least(floorMs - 50);
    expect(before.ms, "the config's limit did not throttle the same fetches").to.be.lessThan(floorMs);
  });

  it("`lumora-node set-limit` from another process is applied by the running daemon on its next ticks and shown by the page", async () => {
    const kbps = 12_345;
    const bps = (kbps * 1000) / 8;
    expect(d.appliedLimitBytesPerSec()).to.not.equal(bps);
    const ticks0 = d.ticks;
    const r = await cliJson(["set-limit", "--config", configFile, String(kbps)]);
    expect(r).to.deep.equal({ code: 0, json: { limitKbps: kbps } });
    await until("the daemon applied the new limit", () => d.appliedLimitBytesPerSec() === bps, 15_000);
    expect(d.ticks - ticks0, "ticks until applied").to.be.at.most(3);
    expect(bucketRate(d)).to.equal(bps);
    expect(d.limitKbps()).to.equal(kbps);
    await waitForText(opened!.page, "limit", shownLimit(kbps));
    // the whole page still agrees with the chain and the daemon (now with the throttled fetches booked)
    const shown = await pageShows(daemonFigures);
    expect(shown.limit).to.equal(shownLimit(kbps));
    expect(opened!.errors, "console errors").to.deep.equal([]);
  });
});
