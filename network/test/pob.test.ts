// /lumora/pob/2, /lumora/totals/1 and the serving-bandwidth cap: real peers on loopback, signed totals
// and proofs checked with the SDK.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import bs58 from "bs58";
import { data, totals } from "@lumora/sdk";
import type { LumoraNode } from "../src/node.js";
import { ROLES } from "../src/registry.js";
import { PobProvider, TotalsLedger, TotalsServer, measureProvider, requestProof } from "../src/pob.js";
import { ChunkServer, fetchDataset, memoryChunkSource } from "../src/chunks.js";
import { TokenBucket } from "../src/bucket.js";
import { ALL_ROLES, startNetwork, stopAll } from "./helpers.js";

const MiB = 1024 * 1024;
const programId = bs58.decode("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");

describe("token bucket", () => {
  it("releases at most burst + rate·t, FIFO across concurrent takers", async () => {
    const b = new TokenBucket({ rateBytesPerSec: 1 * MiB, burstBytes: 64 * 1024 });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => (async () => { for (let i = 0; i < 8; i++) await b.take(16 * 1024); })()));
    const s = (performance.now() - t0) / 1000;
    // 512 KiB total, 64 KiB free: ≥ 448 KiB at 1 MiB/s = 0.4375 s
    expect(s).to.be.at.least(0.42).and.below(0.8);
    expect(b.released).to.equal(512 * 1024);
  });

  it("rejects a non-positive rate; Infinity means uncapped", async () => {
    expect(() => new TokenBucket({ rateBytesPerSec: 0 })).to.throw(RangeError);
    const b = new TokenBucket({ rateBytesPerSec: Infinity });
    await b.take(1e12);
  });
});

describe("pob: /lumora/pob/2 and /lumora/totals/1 on loopback", function () {
  let nodes: LumoraNode[] = [];
  let providers: PobProvider[] = [];
  let ledger: TotalsLedger;
  // the tests name nodes by their keys (the daemon passes the registry Node address)
  const nodeAddress = (k: Uint8Array) => k;
  const errorOf = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (e) {
      return e as Error;
    }
    return undefined;
  };

  before(async () => {
    // 0: provider capped at 4 MiB/s; 1: verifier; 2: registered but PROVIDER only (not a verifier)
    ({ nodes } = await startNetwork(3, {
      mesh: true,
      roles: (i) => (i === 2 ? ROLES.PROVIDER : ALL_ROLES),
      init: (i) => (i === 0 ? { bandwidthLimitBps: 4 * MiB, bandwidthBurstBytes: 64 * 1024 } : {}),
    }));
    providers = await Promise.all(nodes.map((n) => PobProvider.start(n, { programId, nodeAddress })));
    ledger = new TotalsLedger(nodes[1]!, { programId, nodeAddress, probeIntervalMs: 15_000 });
  });
  after(async () => stopAll(nodes));

  it("measures a capped provider at its cap (≤ +10 %) and hands it a signed cumulative total that verifies with the SDK", async () => {
    const [p, v] = nodes as [LumoraNode, LumoraNode];
    const { signed, measured, total } = await ledger.measure({ peer: p.peerId, epoch: 9n, bytes: 4 * MiB });
    expect(totals.verifySigned(signed)).to.equal(true);
    const m = totals.decodeTotalMessage(signed.message);
    expect(bs58.encode(m.provider)).to.equal(p.nodeKeyBase58);
    expect(bs58.encode(m.verifier)).to.equal(v.nodeKeyBase58);
    expect(m.epoch).to.equal(9n);
    expect(m.total).to.deep.equal(total);
    expect(total.bytes).to.equal(BigInt(4 * MiB));
    expect(total.liveMs, "one answered probe vouches for one interval").to.equal(15_000);
    expect(total.capacityKbps).to.equal(Math.floor((measured.rateBps * 8) / 1000));
    expect(total.rttMs).to.equal(measured.rttMs);
    // the provider kept the same bytes
    expect(Buffer.from(providers[0]!.totals.at(-1)!.message).equals(Buffer.from(signed.message))).to.equal(true);
    // never above the cap by more than 10 %; below it only when a starved 2-core CI box cannot keep up
    const msg = `measured ${(measured.rateBps / MiB).toFixed(2)} MiB/s against a 4 MiB/s cap`;
    expect(measured.rateBps, msg).to.be.below(1.1 * 4 * MiB);
    expect(measured.rateBps, msg).to.be.above(0.75 * 4 * MiB);
  });

  it("totals accumulate per (epoch, provider): live time and bytes grow with each probe; another epoch starts at zero", async () => {
    const [p] = nodes as [LumoraNode];
    const before = ledger.total(9n, p.nodeKey.publicKey)!;
    const { total } = await ledger.measure({ peer: p.peerId, epoch: 9n, bytes: 64 * 1024 });
    expect(total.liveMs).to.equal(before.liveMs + 15_000);
    expect(total.bytes).to.equal(before.bytes + BigInt(64 * 1024));
    const other = await ledger.measure({ peer: p.peerId, epoch: 10n, bytes: 64 * 1024 });
    expect(other.total.liveMs).to.equal(15_000);
    expect(ledger.tally(9n, p.nodeKey.publicKey)!.probes).to.equal(2);
  });

  it("the provider refuses a total that goes back, skips the challenge, names other nodes or another program; the verifier's tally does not count a refused probe", async () => {
    const [p, v] = nodes as [LumoraNode, LumoraNode];
    const held = ledger.total(9n, p.nodeKey.publicKey)!;
    const sign = (over: Partial<Parameters<typeof totals.signTotal>[0]>) => () =>
      totals.signTotal({ programId, epoch: 9n, verifier: v.nodeKey.publicKey, provider: p.nodeKey.publicKey, total: held, nodeSecretKey: v.nodeKey.secretKey, ...over });
    const more = held.bytes + BigInt(64 * 1024);
    // the provider answers with the code of its refusal ("total" for a total it will not keep)
    const cases: [string, Partial<Parameters<typeof totals.signTotal>[0]>, string][] = [
      ["live time went back", { total: { ...held, liveMs: held.liveMs - 1, bytes: more } }, "total"],
      ["the challenge is not counted", {}, "total"],
      ["another provider", { total: { ...held, bytes: more }, provider: nodes[2]!.nodeKey.publicKey }, "total"],
      ["another program", { total: { ...held, bytes: more }, programId: new Uint8Array(32) }, "total"],
      ["another epoch", { total: { ...held, bytes: more }, epoch: 8n }, "total"],
      ["signed by another key", { total: { ...held, bytes: more }, nodeSecretKey: nodes[2]!.nodeKey.secretKey }, "signature"],
    ];
    for (const [what, over, code] of cases) {
      const err = await errorOf(() => measureProvider(v, { peer: p.peerId, epoch: 9n, bytes: 64 * 1024, total: sign(over) }));
      expect(err?.message, what).to.equal(`remote: peer error 1: ${code}`);
    }
    // the honest next total is still accepted
    const ok = await measureProvider(v, { peer: p.peerId, epoch: 9n, bytes: 64 * 1024, total: sign({ total: { ...held, liveMs: held.liveMs + 15_000, bytes: more } }) });
    expect(totals.decodeTotalMessage(ok.signed.message).total.bytes).to.equal(more);
    // measureProvider alone keeps no tally: the ledger still holds what it counted
    expect(ledger.total(9n, p.nodeKey.publicKey)).to.deep.equal(held);
  });

  it("a provider refuses challenges from a node without the VERIFIER role, and out-of-bounds sizes", async () => {
    const [p, , notVerifier] = nodes as [LumoraNode, LumoraNode, LumoraNode];
    const other = new TotalsLedger(notVerifier, { programId, nodeAddress, probeIntervalMs: 15_000 });
    expect((await errorOf(() => other.measure({ peer: p.peerId, epoch: 9n, bytes: 64 * 1024 })))?.message).to.match(/unauthorized/);
    expect((await errorOf(() => ledger.measure({ peer: p.peerId, epoch: 9n, bytes: 1024 })))?.name).to.equal("RangeError");
  });

  it("/lumora/totals/1: the provider fetches its leaf and path from the verifier's tree; they fold to the root; none for a provider never measured", async () => {
    const [p, v, c] = nodes as [LumoraNode, LumoraNode, LumoraNode];
    const tree = ledger.tree(9n, [p.nodeKey.publicKey, c.nodeKey.publicKey])!;
    expect(tree.leafCount, "c was never measured").to.equal(1);
    await TotalsServer.start(v, (epoch, provider) => (epoch === 9n ? tree.proof(nodeAddress(provider)) : null));
    const got = (await requestProof(p, { peer: v.peerId, epoch: 9n }))!;
    expect(got.total).to.deep.equal(ledger.total(9n, p.nodeKey.publicKey));
    expect(Buffer.from(totals.foldProof(totals.leafHash({ provider: p.nodeKey.publicKey, total: got.total }), got.path)).equals(Buffer.from(tree.root))).to.equal(true);
    expect(await requestProof(c, { peer: v.peerId, epoch: 9n })).to.equal(null);
    expect(await requestProof(p, { peer: v.peerId, epoch: 11n })).to.equal(null);
  });

  it("the bandwidth cap holds (≤ +10 %) with chunk transfers and a PoB challenge competing", async () => {
    const [p, v, c] = nodes as [LumoraNode, LumoraNode, LumoraNode];
    const ds = await data.encrypt({ data: randomBytes(3 * MiB), compression: "none", chunkSize: 128 * 1024 });
    const server = await ChunkServer.start(p);
    server.add(memoryChunkSource({ manifestBytes: ds.manifestBytes, chunks: ds.chunks.map((x) => x.data) }));
    let payload = 0;
    const count = (_i: number, d: Uint8Array) => void (payload += d.length);
    const t0 = performance.now();
    const [, , pob] = await Promise.all([
      fetchDataset(v, { root: ds.manifest.merkleRoot, providers: [p.peerId], parallel: 3, onChunk: count, collect: false }),
      fetchDataset(c, { root: ds.manifest.merkleRoot, providers: [p.peerId], parallel: 3, onChunk: count, collect: false }),
      ledger.measure({ peer: p.peerId, epoch: 12n, bytes: 4 * MiB }),
    ]);
    const secs = (performance.now() - t0) / 1000;
    const total = payload + pob.measured.bytes;
    const rate = total / secs;
    const msg = `served ${(rate / MiB).toFixed(2)} MiB/s against a 4 MiB/s cap over ${secs.toFixed(2)} s`;
    expect(total).to.be.at.least(10 * MiB);
    // the cap holds: never more than 10 % above it (the burst included); and the load does fill it
    expect(rate, msg).to.be.below(1.1 * 4 * MiB);
    expect(rate, msg).to.be.above(0.75 * 4 * MiB);
  });
});
