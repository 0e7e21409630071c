/**
 * SDK hot paths, each against a baseline measured in the same run (issue 12).
 *
 *   npx tsx bench/sdk.bench.ts [--quick] [--json]
 *
 * score:    rank 10⁵ nodes for one task with the SDK's exact integer math — `distanceKm` + `scoreNode`,
 *           BigInt, bit-identical to the program (tests/vectors/score.json) — vs a plain loop of the
 *           same formula in f64 (haversine + α·B/B_max + β/P + γ/L). Nodes/s and the ratio.
 * totals:   `totals.signTotal` / `totals.verifySigned` (encode with range checks, ed25519) vs raw
 *           `nacl.sign.detached` / `nacl.sign.detached.verify` on the same 140-byte message — what a
 *           verifier does after every measurement (docs/rewards.md §3.2).
 * Reports medians; `--json` prints one JSON line at the end (bench/report.ts reads it).
 */
import os from "node:os";
import { Keypair, PublicKey } from "@solana/web3.js";
import nacl from "tweetnacl";
import { distanceKm, scoreNode, totals } from "../sdk/src/index.js";

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const seconds = (fn: () => unknown) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};

/**
 * Median seconds of `sdk` and of `base` over `runs` interleaved runs (sdk, base, sdk, base, …) after
 * `warmup` unmeasured rounds, so JIT warm-up and a shared machine's load hit both sides alike.
 */
function pair(sdk: () => unknown, base: () => unknown, runs: number, warmup = 2): [number, number] {
  for (let i = 0; i < warmup; i++) (sdk(), base());
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) (a.push(seconds(sdk)), b.push(seconds(base)));
  return [median(a), median(b)];
}

/** Deterministic pseudo-random nodes (xorshift32), spread over the globe. */
function nodes(n: number) {
  let s = 0x9e3779b9;
  const r = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => ({
    latE6: Math.round((r() * 180 - 90) * 1e6),
    lonE6: Math.round((r() * 360 - 180) * 1e6),
    declared: BigInt(Math.round(1_000 + r() * 1_500_000)),
    verified: BigInt(Math.round(r() * 1_200_000)),
    latencyMs: Math.round(r() * 400),
  }));
}

const W = { alphaBps: 5_000, betaBps: 3_000, gammaBps: 2_000 };
const B_MAX = 1_000_000n;
const TASK = { latE6: 52_520_008, lonE6: 13_404_954 };

function scoreSdk(ns: ReturnType<typeof nodes>): bigint {
  let best = -1n;
  for (const n of ns) {
    const d = distanceKm({ lat1E6: TASK.latE6, lon1E6: TASK.lonE6, lat2E6: n.latE6, lon2E6: n.lonE6 });
    const s = scoreNode({ ...W, bMaxKbps: B_MAX, declaredBandwidthKbps: n.declared, verifiedBandwidthKbps: n.verified, distanceKm: d, verifiedLatencyMs: n.latencyMs });
    if (s > best) best = s;
  }
  return best;
}

function scoreFloat(ns: { lat: number; lon: number; b: number; l: number }[]): number {
  const rad = Math.PI / 180;
  const lat1 = TASK.latE6 / 1e6 * rad, lon1 = TASK.lonE6 / 1e6 * rad, bMax = Number(B_MAX);
  let best = -1;
  for (const n of ns) {
    const dLat = n.lat - lat1, dLon = n.lon - lon1;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(n.lat) * Math.sin(dLon / 2) ** 2;
    const d = 2 * 6371 * Math.asin(Math.sqrt(h));
    const s = (W.alphaBps * Math.min(n.b, bMax) / bMax + W.betaBps / Math.max(d, 1) + (n.l ? W.gammaBps / n.l : 0)) / 1e4;
    if (s > best) best = s;
  }
  return best;
}

function main() {
  const out: Record<string, unknown> = { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version };
  const N = 100_000;
  const ns = nodes(N);
  const fl = ns.map((n) => ({ lat: (n.latE6 / 1e6) * (Math.PI / 180), lon: (n.lonE6 / 1e6) * (Math.PI / 180), b: Number(n.declared < n.verified ? n.declared : n.verified), l: n.latencyMs }));
  const runs = quick ? 3 : 7;
  const [tSdk, tFloat] = pair(() => scoreSdk(ns), () => scoreFloat(fl), runs);
  out.score = { nodes: N, sdkSeconds: tSdk, floatSeconds: tFloat, sdkNodesPerSec: N / tSdk, floatNodesPerSec: N / tFloat, slowdown: tSdk / tFloat, runs };

  const verifier = Keypair.fromSeed(new Uint8Array(32).fill(7));
  const programId = new PublicKey("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");
  const provider = Keypair.fromSeed(new Uint8Array(32).fill(9)).publicKey;
  const total = { programId, epoch: 3n, provider, verifier: verifier.publicKey, total: { liveMs: 3_600_000, capacityKbps: 50_000, rttMs: 35, bytes: 50_000_000n }, nodeSecretKey: verifier.secretKey };
  const K = quick ? 100 : 300;
  const signed = totals.signTotal(total);
  const msg = signed.message;
  const pub = verifier.publicKey.toBytes();
  const [tSign, tSignRaw] = pair(
    () => { for (let i = 0; i < K; i++) totals.signTotal(total); },
    () => { for (let i = 0; i < K; i++) nacl.sign.detached(msg, verifier.secretKey); },
    runs,
  );
  const [tVer, tVerRaw] = pair(
    () => { for (let i = 0; i < K; i++) if (!totals.verifySigned(signed)) throw new Error("verify"); },
    () => { for (let i = 0; i < K; i++) if (!nacl.sign.detached.verify(msg, signed.signature, pub)) throw new Error("verify"); },
    runs,
  );
  out.totals = {
    batch: K, runs,
    signPerSec: K / tSign, rawSignPerSec: K / tSignRaw, signSlowdown: tSign / tSignRaw,
    verifyPerSec: K / tVer, rawVerifyPerSec: K / tVerRaw, verifySlowdown: tVer / tVerRaw,
  };

  const sc = out.score as { sdkNodesPerSec: number; floatNodesPerSec: number; slowdown: number };
  const rc = out.totals as Record<string, number>;
  const f = (x: number) => Math.round(x).toLocaleString("en");
  console.log(`# SDK hot paths — ${out.cpu}, ${out.cores} cores, Node ${out.node}`);
  console.log("| path | SDK /s | baseline /s | SDK time / baseline time |");
  console.log("|---|---:|---:|---:|");
  console.log(`| score 10⁵ nodes (nodes/s; baseline f64 loop) | ${f(sc.sdkNodesPerSec)} | ${f(sc.floatNodesPerSec)} | ${sc.slowdown.toFixed(1)} |`);
  console.log(`| signed total sign (baseline raw tweetnacl) | ${f(rc.signPerSec!)} | ${f(rc.rawSignPerSec!)} | ${rc.signSlowdown!.toFixed(2)} |`);
  console.log(`| signed total verify (baseline raw tweetnacl) | ${f(rc.verifyPerSec!)} | ${f(rc.rawVerifyPerSec!)} | ${rc.verifySlowdown!.toFixed(2)} |`);
  if (json) console.log(JSON.stringify(out));
}

main();
