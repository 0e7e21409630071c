/**
 * lumora-node end to end on the embedded chain (LiteSVM behind its JSON-RPC server), the loopback
 * fixture site and real libp2p peers: `lumora-node init` registers each node over RPC, the daemons bid,
 * the coordinator finalizes, the executors scrape within the rules, commit, reveal and serve chunks,
 * the coordinator settles every assignee; the consumer fetches the chunks over /lumora/chunks/1, opens
 * the sealed key and gets exactly the fixture's records. Nothing is mocked.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import { KeypairWallet, LumoraClient, RESULT_STATUS, TASK_STATUS, data as sdkData, parseTaskSpec, rewardShare, taskSpecBytes, taskSpecHash } from "@lumora/sdk";
import { fundTokens } from "../../../tools/chain/spl.js";
import { LumoraNode, StaticRegistry, fetchDataset } from "@lumora/network";
import { peerIdFromString } from "@libp2p/peer-id";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { main as cli } from "../src/cli.js";
import { loadConfig } from "../src/config.js";
import { Daemon } from "../src/daemon.js";
import { claimEpoch } from "../src/duties/index.js";
import { loadSqlite } from "../src/store/sqlite.js";
import { defaultExecutor } from "../src/executor.js";
import { type Localnet, startLocalnet } from "../../../tools/chain/localnet.js";
import { recordsToJsonl } from "../src/scrape/index.js";
import { openState } from "../src/state.js";
import { until } from "./helpers.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { BN, AnchorProvider } = anchor;

describe("lumora-node daemons on the embedded chain", function () {
  this.timeout(240_000);
  let net: Localnet;
  let site: FixtureSite;
  let dir: string;
  const daemons: Daemon[] = [];
  let consumerNode: LumoraNode | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-node-e2e-"));
    // hour-long epochs: the settlement's epoch is still open when the test funds it, then a warp ends it
    [net, site] = await Promise.all([startLocalnet({ params: { epochLengthSecs: 3_600, verifierDraws: 32, creditQuorum: 1, creditWindowSecs: 600 } }), startFixtureSite({ crawlDelaySec: 0.05 })]);
  });
  after(async () => {
    for (const d of daemons) await d.stop().catch(() => undefined);
    await consumerNode?.stop().catch(() => undefined);
    await site?.close();
    await net?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function initNode(name: string, extra: string[]): Promise<string> {
    const home = path.join(dir, name);
    await net.fundedKeypair(path.join(home, "operator.json"));
    const config = path.join(home, "node.json");
    const code = await cli(["init", "--config", config, "--rpc", net.rpc.url, "--allow-loopback", "--tick-ms", "300", "--heartbeat-secs", "60", "--probe-secs", "2", "--json", ...extra]);
    expect(code, `init ${name}`).to.equal(0);
    return config;
  }

  it("init registers each node once; a second init finds it registered and sends nothing", async () => {
    const cfgA = await initNode("exec-a", ["--roles", "executor,provider,verifier", "--declared-kbps", "1000000", "--cap-kbps", "800000", "--coordinator", "--lat-e6", "48856613", "--lon-e6", "2352222"]);
    const again = await cli(["init", "--config", cfgA, "--json"]);
    expect(again).to.equal(0);
    const state = openState(loadConfig(cfgA).dataDir);
    try {
      const regs = state.outbox.list({ kind: "register" });
      expect(regs).to.have.length(1);
      expect(regs[0]!.state).to.equal("confirmed");
      expect(regs[0]!.sendCount).to.equal(1);
    } finally {
      state.close();
    }
    await initNode("exec-b", ["--roles", "executor,provider,verifier", "--declared-kbps", "1000000", "--cap-kbps", "800000", "--lat-e6", "52520008", "--lon-e6", "13404954"]);
  });

  it("two executors complete a redundancy-2 task: bid, finalize, scrape, commit, reveal, settle; the consumer decrypts exactly the fixture's records", async () => {
    // the coordinator opens the epoch on its first tick: one chain second after the registrations, so
    // that both providers registered before the epoch's draw seed was fixed (ProviderRegisteredAfterSeed)
    await net.warp(1);
    for (const name of ["exec-a", "exec-b"]) {
      const cfg = loadConfig(path.join(dir, name, "node.json"));
      const d = new Daemon(cfg, { state: openState(cfg.dataDir, { echo: process.env.LUMORA_NODE_ECHO === "1" }), execute: defaultExecutor });
      await d.start();
      daemons.push(d);
    }
    // the consumer: a wallet with LMR, an x25519 key, and a libp2p peer to publish the spec and fetch chunks
    const consumer = await net.fundedKeypair(path.join(dir, "consumer.json"));
    const client = new LumoraClient({ provider: new AnchorProvider(net.connection, new KeypairWallet(consumer), { commitment: "confirmed" }) });
    const x25519 = nacl.box.keyPair();
    consumerNode = await LumoraNode.create({ registry: new StaticRegistry(), allowPrivateAddresses: true, bootstrap: daemons.map((d) => d.multiaddrs()[0]!), rttIntervalMs: 0 });
    const urls = [site.pageUrl(1), site.pageUrl(2), site.pageUrl(3)];
    const spec = parseTaskSpec(site.productSpec(urls));
    await consumerNode.waitForDhtPeers(1);
    await consumerNode.putSpec(taskSpecBytes(spec));
    const clock = (await net.connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111")))!;
    const chainNow = Buffer.from(clock.data).readBigInt64LE(32);
    const { task } = await client.tasks.createTask({
      consumer,
      taskId: 1n,
      specHash: taskSpecHash(spec),
      consumerX25519: x25519.publicKey,
      latE6: 50_000_000,
      lonE6: 8_000_000,
      redundancy: 2,
      maxBackups: 0,
      bidWindowEnd: chainNow + 6n,
      commitDeadline: chainNow + 120n,
      revealDeadline: chainNow + 240n,
      payment: new BN(2_000_000) as never,
    });

    const settled = await until("both assignees settled", async () => {
      const t = await client.tasks.fetchTask(task);
      return t && t.status === TASK_STATUS.SETTLED && t.settledMask === 0b11 ? t : null;
    });
    expect(settled.revealCount).to.equal(2);

    // every step exactly once per node: the journal holds one confirmed entry per key, sent once
    for (const d of daemons) {
      for (const kind of ["bid", "commit", "reveal"] as const) {
        const entries = d.state.outbox.list({ kind }).filter((i) => i.key.endsWith(task.toBase58()));
        expect(entries, `${kind} of ${d.nodeKey.publicKey.toBase58()}`).to.have.length(1);
        expect(entries[0]!.state).to.equal("confirmed");
        expect(entries[0]!.sendCount).to.equal(1);
      }
      const rec = d.state.task(task.toBase58())!;
      expect(rec.phase).to.equal("revealed");
      expect(d.state.metrics().reduce((s, e) => s + e.tasksDone, 0)).to.equal(1);
    }

    // both results agree; fetch one over libp2p, verify, decrypt, compare with the ground truth
    const expected = recordsToJsonl(spec, urls.flatMap((u) => site.expectedRecords(u)) as never);
    for (const d of daemons) {
      const r = (await client.tasks.fetchResult({ task, nodeKey: d.nodeKey.publicKey }))!;
      expect(r.status).to.equal(RESULT_STATUS.REVEALED);
      const peer = peerIdFromString(r.locator.split("/p2p/")[1]!);
      await consumerNode.dial(r.locator);
      const got = await fetchDataset(consumerNode, { root: Uint8Array.from(r.merkleRoot as number[]), providers: [peer] });
      const key = sdkData.openKey({ sealed: Uint8Array.from(r.sealedKey), recipientSecretKey: x25519.secretKey, manifest: got.manifestBytes });
      const plain = await sdkData.decrypt({ manifest: got.manifestBytes, key, chunks: got.chunks.map((c) => c!), chunkHashes: got.chunks.map((c) => new Uint8Array(createHash("sha256").update(c!).digest())) });
      const text = new TextDecoder().decode(plain);
      expect(text).to.equal(expected);
    }
    // the scraper honoured robots.txt: nothing disallowed was requested
    expect(site.requests.filter((q) => q.host === "catalogue" && q.path.startsWith("/private"))).to.deep.equal([]);
  });

  it("at the epoch's end each verifier posts its root and each provider credits the epoch from it; after the credit window the coordinator closes it and both nodes claim exactly floor(c_i·R_total/Σc), once", async () => {
    const adminProvider = new AnchorProvider(net.connection, new KeypairWallet(net.deployer), { commitment: "confirmed" });
    const admin = new LumoraClient({ provider: adminProvider });
    const config = (await admin.registry.fetchConfig())!;
    const clock = (await net.connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111")))!;
    const epoch = Buffer.from(clock.data).readBigInt64LE(32) / BigInt(config.params.epochLengthSecs);
    // each node (provider and verifier of another operator) probes the other during the epoch: each
    // holds the other's signed totals
    await until("each node holds a signed total from the other", async () => (daemons.every((d) => d.state.heldTotals(epoch).length > 0) ? true : null));
    const rTotal = 1_000_000_007n;
    await fundTokens(adminProvider, { mint: net.lmrMint, mintAuthority: net.deployer, owner: net.deployer.publicKey, amount: rTotal });
    await admin.rewards.fundEpoch({ funder: net.deployer, index: epoch, amount: rTotal });
    // the epoch ends: each verifier posts one root over its tallies, each provider proves its leaf
    const e0 = (await admin.rewards.fetchEpoch(epoch))!;
    await net.warp(Number(BigInt(e0.endTs.toString()) - Buffer.from(clock.data).readBigInt64LE(32)) + 2);
    const contributions = await until("both nodes credited from the other's root", async () => {
      const cs = await Promise.all(daemons.map((d) => admin.rewards.fetchContribution({ nodeKey: d.nodeKey.publicKey, epochIndex: epoch })));
      return cs.every((c: unknown) => c !== null) ? cs : null;
    });
    for (const [i, c] of contributions.entries()) {
      const other = daemons[1 - i]!;
      // the credit is the other node's tally of this one (q = 1), the task they settled earned nothing
      const tally = other.state.tally(epoch, daemons[i]!.nodeKey.publicKey.toBase58())!;
      expect(c!.liveMs, "live time = answered probes × 2 s").to.equal(tally.probes * 2_000);
      expect(c!.verifiers[0]!.toBase58()).to.equal(other.client.registry.nodeAddress(other.nodeKey.publicKey).toBase58());
      expect(BigInt(c!.contribution.toString()) > 0n).to.equal(true);
    }
    // closing waits for the credit window
    await net.warp(config.params.creditWindowSecs + 2);
    // Claimed on chain, and booked by each daemon (it books after its claim confirms, so the chain shows
    // the claim a moment before the daemon's metrics do).
    const claimed = await until("both nodes claimed and booked it", async () => {
      const cs = await Promise.all(daemons.map((d) => admin.rewards.fetchContribution({ nodeKey: d.nodeKey.publicKey, epochIndex: epoch })));
      const booked = daemons.every((d) => d.state.claimedEarnings(epoch) > 0n);
      return cs.every((c: { claimed: boolean } | null) => c?.claimed) && booked ? cs : null;
    });
    const e = (await admin.rewards.fetchEpoch(epoch))!;
    expect(e.closed).to.equal(true);
    const sigma = BigInt(e.totalContribution.toString());
    let paid = 0n;
    for (const [i, d] of daemons.entries()) {
      const c = claimed[i]!;
      const expected = rewardShare({ contribution: BigInt(c.contribution.toString()), rTotal, totalContribution: sigma })!;
      expect(BigInt(c.claimedAmount.toString()), "R_i").to.equal(expected);
      paid += expected;
      // the daemon booked exactly what it claimed, and claimed once
      expect(d.state.claimedEarnings(epoch)).to.equal(expected);
      const claims = d.state.outbox.list({ kind: "claim" }).filter((x) => x.key === `claim:${epoch}`);
      expect(claims.map((x) => [x.state, x.attempt])).to.deep.equal([["confirmed", 1]]);
    }
    expect(paid <= rTotal, "Σ R_i ≤ R_total").to.equal(true);

    // A daemon that died after its claim confirmed but before booking it (simulated: the booked amount
    // wiped in its database) books it from the chain on its next pass, and only once.
    const d = daemons[0]!;
    const db = new (loadSqlite().DatabaseSync)(path.join(d.cfg.dataDir, "node.db"));
    db.prepare("UPDATE metrics SET earnings_claimed = 0 WHERE epoch = ?").run(epoch);
    db.close();
    expect(d.state.claimedEarnings(epoch)).to.equal(0n);
    const again = await claimEpoch(d.dutyContext(), epoch);
    expect(again.outcome).to.equal("already-claimed");
    const booked = BigInt(claimed[0]!.claimedAmount.toString());
    expect(d.state.claimedEarnings(epoch)).to.equal(booked);
    await claimEpoch(d.dutyContext(), epoch);
    expect(d.state.claimedEarnings(epoch), "booked once").to.equal(booked);
  });
});

