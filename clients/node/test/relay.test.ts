// The executor scrapes through relay providers (docs/relay.md): the real fixture site over HTTP, an HTTPS
// copy of a page behind a test CA made with openssl, real libp2p peers, the relay duty on both sides with
// its SQLite store, a provider killed mid-scrape, and the direct fallback.
import { expect } from "chai";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { LumoraNode, ROLES, StaticRegistry, generateNodeKey, verifyRelayAttestation, type NodeKey } from "@lumora/network";
import type { TaskSpec } from "@lumora/sdk";
import { RELAY_DEFAULTS, RelayDuty, type RelayConfig, type RelayDirectoryEntry } from "../src/duties/relay.js";
import { ConfigError, parseConfig } from "../src/config.js";
import { statusToJson } from "../src/dashboard/index.js";
import { Scraper } from "../src/scrape/index.js";
import { NodeState } from "../src/state.js";
import { NodeStore } from "../src/store/index.js";
import { makeTestCa } from "../../../network/test/relay-tls.js";

const paris = { latE6: 48_856_600, lonE6: 2_352_200 };
const tokyo = { latE6: 35_676_200, lonE6: 139_650_300 };

describe("relay duty: the executor scrapes the fixture site through providers", function () {
  let site: FixtureSite;
  let secure: https.Server;
  let secureUrl: string;
  let ca: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-relay-node-"));
  const registry = new StaticRegistry();
  const nodes: LumoraNode[] = [];
  const duties: RelayDuty[] = [];
  const states: NodeState[] = [];
  const scrapers: Scraper[] = [];
  let exec: { node: LumoraNode; state: NodeState };
  let provA: { node: LumoraNode; state: NodeState; duty: RelayDuty };
  let provB: { node: LumoraNode; state: NodeState; duty: RelayDuty };
  let directory: RelayDirectoryEntry[] = [];

  const state = (name: string) => {
    const s = new NodeState(NodeStore.open(path.join(dir, `${name}.db`)));
    states.push(s);
    return s;
  };
  const mkNode = async (key: NodeKey) => {
    const n = await LumoraNode.create({ nodeKey: key, registry, allowPrivateAddresses: true, rttIntervalMs: 0, bootstrap: nodes.map((m) => m.multiaddrs()[0]!.toString()) });
    nodes.push(n);
    return n;
  };
  const relayConfig = (o: Partial<RelayConfig> = {}): RelayConfig => ({ ...RELAY_DEFAULTS, ports: [...Object.values(site.ports), Number(new URL(secureUrl).port)], ...o });
  const provider = async (name: string, limitBps: number) => {
    const key = generateNodeKey();
    registry.set(key.publicKey, { roles: ROLES.PROVIDER, shard: 0, multiaddrs: [], active: true });
    const node = await mkNode(key);
    const st = state(name);
    // the owner's traffic is injected (quiet): the relay gets limit / footprint
    const duty = new RelayDuty({ config: relayConfig({ serve: true }), state: st, registry, epoch: () => 5n, allowLoopbackForTests: true, limitBps, trafficSource: () => 0 });
    await duty.start(node);
    duties.push(duty);
    return { node, state: st, duty };
  };
  const executorDuty = (o: Partial<RelayConfig> = {}) => {
    const duty = new RelayDuty({ config: relayConfig({ use: true, ...o }), state: exec.state, registry, epoch: () => 5n, allowLoopbackForTests: true, limitBps: 1e9, loadDirectory: async () => directory });
    duties.push(duty);
    return duty;
  };
  const scraper = async (duty: RelayDuty, source?: { latE6: number; lonE6: number }, extra: Partial<ConstructorParameters<typeof Scraper>[0]> = {}) => {
    await duty.start(exec.node);
    const s = new Scraper({ allowLoopback: true, perHostMinIntervalMs: 0, timeoutMs: 8000, connector: duty.connector(source), ...extra });
    scrapers.push(s);
    return s;
  };
  const spec = (urls: string[]) => site.productSpec(urls, "jsonl") as TaskSpec;

  before(async () => {
    site = await startFixtureSite({ crawlDelaySec: 0.02, slowMs: 500 });
    const cert = makeTestCa(["shop.lumora.test", "127.0.0.1"]);
    ca = cert.ca;
    // an HTTPS copy of catalogue page 1 (and a robots.txt that allows it)
    const page1 = await (await fetch(site.pageUrl(1))).text();
    secure = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      if (req.url === "/robots.txt") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page1);
    });
    await new Promise<void>((r) => secure.listen(0, "127.0.0.1", r));
    secureUrl = `https://127.0.0.1:${(secure.address() as import("node:net").AddressInfo).port}`;
    const ek = generateNodeKey();
    registry.set(ek.publicKey, { roles: ROLES.EXECUTOR, shard: 0, multiaddrs: [], active: true });
    exec = { node: await mkNode(ek), state: state("executor") };
    provA = await provider("provider-a", 100 * 1024 * 1024);
    provB = await provider("provider-b", 100 * 1024 * 1024);
    for (const p of [provA, provB]) await exec.node.dial(p.node.multiaddrs()[0]!);
    directory = [
      { nodeKey: provA.node.nodeKey.publicKey, ...paris },
      { nodeKey: provB.node.nodeKey.publicKey, ...tokyo },
    ];
  });

  after(async () => {
    await Promise.all(scrapers.map((s) => s.close()));
    for (const d of duties) await d.stop().catch(() => undefined);
    await Promise.allSettled(nodes.map((n) => n.stop()));
    for (const s of states) s.close();
    secure.closeAllConnections();
    secure.close();
    await site.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("scrapes 8 catalogue pages through the nearest provider over HTTP: the same records as direct; both statements stored", async () => {
    const urls = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => site.pageUrl(n));
    const res = await (await scraper(executorDuty(), paris)).scrape(spec(urls));
    expect(res.pages.map((p) => p.ok)).to.deep.equal(urls.map(() => true));
    expect(res.records).to.deep.equal(urls.flatMap((u) => site.expectedRecords(u)));
    // Paris is nearer the source than Tokyo: provider A carried it all, B nothing
    await new Promise((r) => setTimeout(r, 5000)); // undici's idle keep-alive (4 s) closes the pooled sessions
    const a = provA.state.relay.sessions(5n, "provider");
    expect(a.length).to.be.at.least(1);
    expect(provB.state.relay.sessions(5n, "provider")).to.have.length(0);
    const closed = a.filter((s) => s.outcome === "closed");
    expect(closed.length).to.be.at.least(1);
    for (const s of closed) {
      expect(s.peer).to.equal(new (await import("@solana/web3.js")).PublicKey(exec.node.nodeKey.publicKey).toBase58());
      const p = verifyRelayAttestation(s.provider!)!;
      const e = verifyRelayAttestation(s.executor!)!;
      expect(p.bytesDown).to.equal(s.bytesDown);
      expect(e.bytesDown).to.equal(s.bytesDown);
      expect(p.epoch).to.equal(5n);
    }
    const down = a.reduce((n, s) => n + s.bytesDown, 0n);
    expect(Number(down)).to.be.greaterThan(res.records.length * 20);
    const summary = provA.state.relay.summary().find((x) => x.role === "provider" && x.epoch === 5n)!;
    expect(summary.sessions).to.equal(a.length);
    expect(summary.attestedBoth).to.equal(closed.length);
    // the executor keeps its own view of the same sessions
    expect(exec.state.relay.sessions(5n, "executor").length).to.be.at.least(1);
  });

  it("scrapes over HTTPS through the relay: TLS end to end, the site's certificate checked by the executor", async () => {
    const urls = [`${secureUrl}/products/page/1`];
    const ok = await (await scraper(executorDuty(), paris, { extraCaForTests: [ca] })).scrape(spec(urls));
    expect(ok.pages[0]!.ok, JSON.stringify(ok.pages[0])).to.equal(true);
    expect(ok.records.map((r) => r.title)).to.deep.equal(site.expectedRecords(site.pageUrl(1)).map((r) => r.title));
    // without the test CA the executor refuses the certificate (the provider cannot terminate TLS)
    const bad = await (await scraper(executorDuty(), paris, { relayRetries: 0 })).scrape(spec(urls));
    expect(bad.pages[0]!.ok).to.equal(false);
    expect(bad.records).to.have.length(0);
  });

  it("the provider refuses a private destination even when the executor's own rules would allow it (typed reason, counted per epoch)", async () => {
    // an executor that lets loopback through itself; provider C has the test opt-in off
    const key = generateNodeKey();
    registry.set(key.publicKey, { roles: ROLES.PROVIDER, shard: 0, multiaddrs: [], active: true });
    const node = await mkNode(key);
    const st = state("provider-c");
    const strict = new RelayDuty({ config: relayConfig({ serve: true }), state: st, registry, epoch: () => 5n, allowLoopbackForTests: false, limitBps: 1e8, trafficSource: () => 0 });
    await strict.start(node);
    duties.push(strict);
    await exec.node.dial(node.multiaddrs()[0]!);
    const saved = directory;
    directory = [{ nodeKey: key.publicKey }];
    try {
      const res = await (await scraper(executorDuty({ fallbackDirect: false }), undefined, { relayRetries: 0 })).scrape(spec([site.pageUrl(1)]));
      expect(res.pages[0]!.ok).to.equal(false);
      expect(st.relay.refusals(5n)).to.deep.equal([{ reason: "ForbiddenAddress", count: (st.relay.refusals(5n)[0]?.count ?? 0) }]);
      expect(st.relay.refusals(5n)[0]!.count).to.be.at.least(1);
      expect(st.relay.sessions(5n)).to.have.length(0);
    } finally {
      directory = saved;
    }
  });

  it("a provider killed mid-scrape: the executor resumes through the next one; no record lost or duplicated", async () => {
    // a slow provider A (≈ 8 KiB/s: the headroom floor) nearest, a fast B behind it
    const key = generateNodeKey();
    registry.set(key.publicKey, { roles: ROLES.PROVIDER, shard: 0, multiaddrs: [], active: true });
    const node = await mkNode(key);
    const st = state("provider-slow");
    const slow = new RelayDuty({ config: relayConfig({ serve: true }), state: st, registry, epoch: () => 5n, allowLoopbackForTests: true, limitBps: 1024, trafficSource: () => 0 });
    await slow.start(node);
    duties.push(slow);
    await exec.node.dial(node.multiaddrs()[0]!);
    const saved = directory;
    directory = [
      { nodeKey: key.publicKey, ...paris },
      { nodeKey: provB.node.nodeKey.publicKey, ...tokyo },
    ];
    try {
      const urls = [9, 10, 11, 12, 13, 14].map((n) => site.pageUrl(n));
      const s = await scraper(executorDuty(), paris);
      const run = s.scrape({ ...spec(urls) });
      // kill A once it has carried part of the scrape and holds a session open
      const t0 = Date.now();
      while (!(slow.provider!.carriedBytes > 4096 && slow.provider!.active > 0) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
      expect(slow.provider!.active).to.be.greaterThan(0);
      await node.stop();
      const res = await run;
      expect(res.pages.map((p) => (p.ok ? "ok" : p.error.code))).to.deep.equal(urls.map(() => "ok"));
      expect(res.records).to.deep.equal(urls.flatMap((u) => site.expectedRecords(u)));
      const keys = res.records.map((r) => JSON.stringify(r));
      expect(new Set(keys).size).to.equal(keys.length);
      // B carried the rest
      await new Promise((r) => setTimeout(r, 4500));
      expect(provB.state.relay.sessions(5n, "provider").length).to.be.at.least(1);
    } finally {
      directory = saved;
    }
  });

  it("the provider's dashboard card: sessions and bytes per epoch, refusals by reason, owner's traffic against the relay's share", () => {
    const card = provA.duty.dashboard();
    expect(card.serving).to.equal(true);
    const row = card.epochs.find((e) => e.epoch === 5 && e.role === "provider")!;
    expect(row.sessions).to.be.at.least(1);
    expect(Number(row.bytesDown)).to.be.greaterThan(0);
    expect(card.headroomBps).to.be.a("number");
    expect(card.ownerBps).to.equal(0);
    expect(card.trafficSource).to.equal("injected");
    // JSON-safe as the dashboard serves it
    const json = statusToJson({ nodeKey: "k", operator: "o", roles: ["provider"], active: true, jailed: false, reputation: 0, stakeLmr: 0n, limitKbps: 1, currentEpoch: 5, epochs: [], peers: 0, relay: card, updatedAt: 0 });
    expect(JSON.parse(JSON.stringify(json)).relay.epochs[0].bytesDown).to.be.a("string");
  });

  it("config: the relay section takes defaults, refuses unknown keys and roles that cannot serve it", () => {
    const base = { rpc: "http://127.0.0.1:8899", operatorKeypair: "op.json", nodeKeypair: "node.json", dataDir: "d" };
    expect(parseConfig(base, "/tmp").relay).to.deep.equal(RELAY_DEFAULTS);
    const c = parseConfig({ ...base, roles: ["provider", "executor"], relay: { serve: true, use: true, ports: [443], denyHosts: ["*.internal"] } }, "/tmp").relay;
    expect(c).to.include({ serve: true, use: true, fallbackDirect: true, footprint: 2.1 });
    expect(c.ports).to.deep.equal([443]);
    const bad = (relay: unknown, roles = ["provider", "executor"]) => () => parseConfig({ ...base, roles, relay }, "/tmp");
    expect(bad({ serv: true })).to.throw(ConfigError, /relay.serv/);
    expect(bad({ serve: true }, ["executor"])).to.throw(ConfigError, /needs the provider role/);
    expect(bad({ use: true }, ["provider"])).to.throw(ConfigError, /needs the executor role/);
    expect(bad({ ports: [0] })).to.throw(ConfigError, /relay.ports/);
    expect(bad({ footprint: 0.5 })).to.throw(ConfigError, /relay.footprint/);
    expect(bad({ allowHosts: ["a b"] })).to.throw(ConfigError, /relay.allowHosts/);
  });

  it("falls back to a direct connection with a logged reason when no provider is known; refuses when fallback is off", async () => {
    const saved = directory;
    directory = [];
    try {
      const res = await (await scraper(executorDuty())).scrape(spec([site.pageUrl(20)]));
      expect(res.pages[0]!.ok).to.equal(true);
      const logged = exec.state.recentEvents({ limit: 50 });
      expect(logged.some((e) => e.message === "relay: connecting directly" && JSON.stringify(e.data).includes("no relay provider known"))).to.equal(true);
      const off = await (await scraper(executorDuty({ fallbackDirect: false }), undefined, { relayRetries: 0 })).scrape(spec([site.pageUrl(21)]));
      expect(off.pages[0]!.ok).to.equal(false);
      expect((off.pages[0] as { error: { code: string } }).error.code).to.be.oneOf(["Network", "RobotsDisallowed"]);
    } finally {
      directory = saved;
    }
  });
});
