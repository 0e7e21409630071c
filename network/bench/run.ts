// Benchmarks of the network layer on loopback (run: npm run bench -w @lumora/network).
// 1. /lumora/chunks/1 throughput against a plain TCP socket copy of the same bytes, in the same run (ratio),
//    with the provider in its own process (bench/provider.ts: a real provider is another machine) — both the
//    libp2p figures and the TCP baseline cross the same process boundary — and, for reference, with both
//    peers in this one process.
// 2. /lumora/pob/1 measurement error against the provider's known shaped rate (its token bucket).
// Env: BENCH_DATASET_MIB (64), BENCH_ROUNDS (5), BENCH_PARALLEL (fetchDataset's default), BENCH_RANGE (its default),
//      BENCH_POB=0 skips part 2, BENCH_INPROC=0 skips the one-process figures, BENCH_ONLY=chunks,raw,tcp picks
//      the transfers measured, BENCH_PROFILE=out.cpuprofile profiles the consumer over the separate-process rounds
//      (`node --cpu-prof --import tsx bench/run.ts` profiles both whole processes: the provider inherits the flags).
import { fork } from "node:child_process";
import { Session } from "node:inspector/promises";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import bs58 from "bs58";
import { peerIdFromString } from "@libp2p/peer-id";
import type { PeerId } from "@libp2p/interface";
import { data } from "@lumora/sdk";
import { LumoraNode } from "../src/node.js";
import { ROLES, StaticRegistry } from "../src/registry.js";
import { generateNodeKey } from "../src/identity.js";
import { ChunkServer, fetchDataset, memoryChunkSource } from "../src/chunks.js";
import { PobProvider, TotalsLedger } from "../src/pob.js";
import { MiB, RAW_PROTOCOL, serveRaw, startTcpServer, tcpCopy } from "./common.js";

const DATASET_MIB = Number(process.env.BENCH_DATASET_MIB ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PARALLEL = process.env.BENCH_PARALLEL === undefined ? undefined : Number(process.env.BENCH_PARALLEL);
const RANGE = process.env.BENCH_RANGE === undefined ? undefined : Number(process.env.BENCH_RANGE);
const ONLY = process.env.BENCH_ONLY?.split(",");
const programId = bs58.decode("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[], digits = 1) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

interface Target {
  peer: PeerId;
  tcpPort: number;
  /** CPU time used so far by the provider's process, µs (undefined when it is this process). */
  providerCpuUs?: () => Promise<number>;
}
type Kind = "chunks" | "raw" | "tcp";
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
interface Figures {
  chunks: number[];
  raw: number[];
  tcp: number[];
  /** chunks / TCP within each round (the two measured back to back). */
  ratio: number[];
  /** CPU ms per MiB moved, per transfer kind: this (consumer) process and the provider's process. */
  cpu: Record<Kind, { consumer: number[]; provider: number[] }>;
}

/** One warm-up round (discarded), then ROUNDS rounds; within a round the three transfers run in a rotating order. */
async function transferRounds(consumer: LumoraNode, t: Target, root: Uint8Array, chunkCount: number, total: number): Promise<Figures> {
  const f: Figures = { chunks: [], raw: [], tcp: [], ratio: [], cpu: { chunks: { consumer: [], provider: [] }, raw: { consumer: [], provider: [] }, tcp: { consumer: [], provider: [] } } };
  const runs = {
    tcp: () => tcpCopy(t.tcpPort, total),
    raw: async () => {
      const s = await consumer.libp2p.dialProtocol(t.peer, RAW_PROTOCOL);
      const t0 = performance.now();
      let got = 0;
      for await (const d of s) got += d.byteLength;
      if (got !== total) throw new Error("raw stream incomplete");
      return total / MiB / ((performance.now() - t0) / 1000);
    },
    chunks: async () => {
      const t0 = performance.now();
      const res = await fetchDataset(consumer, { root, providers: [t.peer], parallel: PARALLEL, rangeChunks: RANGE, collect: false });
      const secs = (performance.now() - t0) / 1000;
      if (Object.values(res.perProvider).reduce((a, b) => a + b, 0) !== chunkCount) throw new Error("incomplete transfer");
      return total / MiB / secs;
    },
  };
  const order = ["tcp", "raw", "chunks"] as const;
  for (let r = -1; r < ROUNDS; r++) {
    const got: Record<string, number> = { tcp: NaN, raw: NaN, chunks: NaN };
    for (let k = 0; k < 3; k++) {
      const name = order[(k + Math.max(r, 0)) % 3]!;
      if (ONLY !== undefined && !ONLY.includes(name)) continue;
      const [c0, p0] = [cpuUs(), await t.providerCpuUs?.()];
      got[name] = await runs[name]();
      const [c1, p1] = [cpuUs(), await t.providerCpuUs?.()];
      if (r >= 0) {
        f.cpu[name].consumer.push((c1 - c0) / 1000 / (total / MiB));
        if (p0 !== undefined && p1 !== undefined) f.cpu[name].provider.push((p1 - p0) / 1000 / (total / MiB));
      }
    }
    if (r < 0) continue; // warm-up: JIT, yamux windows, TCP buffers
    f.tcp.push(got.tcp!);
    f.raw.push(got.raw!);
    f.chunks.push(got.chunks!);
    f.ratio.push(got.chunks! / got.tcp!);
  }
  return f;
}

/**
 * The work no verified, encrypted transfer can skip on the consumer, alone on one core with nothing else
 * running: opening every noise message (ChaCha20-Poly1305 over ≤ 65 519-byte plaintexts, node:crypto as
 * @chainsafe/libp2p-noise uses for messages ≥ 1200 bytes) and SHA-256 of every chunk (its Merkle leaf).
 * No I/O, no framing: an upper bound on `/lumora/chunks/1` on this machine, not a transfer.
 */
function cryptoCeiling(chunks: Uint8Array[], rounds: number): number[] {
  const key = randomBytes(32);
  let counter = 0n;
  const nonce = () => {
    const n = Buffer.alloc(12);
    n.writeBigUInt64LE(counter++, 4);
    return n;
  };
  const NOISE_PLAINTEXT = 65535 - 16;
  const sealed = chunks.map((c) => {
    const msgs: Array<{ n: Buffer; ct: Buffer; tag: Buffer }> = [];
    for (let o = 0; o < c.length; o += NOISE_PLAINTEXT) {
      const n = nonce();
      const ci = createCipheriv("chacha20-poly1305", key, n, { authTagLength: 16 });
      const ct = Buffer.concat([ci.update(c.subarray(o, o + NOISE_PLAINTEXT)), ci.final()]);
      msgs.push({ n, ct, tag: ci.getAuthTag() });
    }
    return msgs;
  });
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const out: number[] = [];
  for (let r = -1; r < rounds; r++) {
    const t0 = performance.now();
    for (const msgs of sealed) {
      const h = createHash("sha256");
      for (const m of msgs) {
        const d = createDecipheriv("chacha20-poly1305", key, m.n, { authTagLength: 16 });
        d.setAuthTag(m.tag);
        h.update(d.update(m.ct));
        d.final();
      }
      h.digest();
    }
    if (r >= 0) out.push(total / MiB / ((performance.now() - t0) / 1000));
  }
  return out;
}

function report(label: string, f: Figures): void {
  const cpu = (k: Kind) => {
    const { consumer, provider } = f.cpu[k];
    if (consumer.length === 0) return "";
    const c = `CPU ms/MiB: ${provider.length > 0 ? "consumer" : "both peers"} ${median(consumer).toFixed(2)}`;
    return provider.length > 0 ? `${c}, provider ${median(provider).toFixed(2)}` : c;
  };
  const line = (name: string, k: Kind) => {
    const xs = f[k];
    console.log(`  ${name.padEnd(18)} ${median(xs).toFixed(1).padStart(7)} MiB/s  (${spread(xs)}; rounds ${xs.map((x) => x.toFixed(0)).join(", ")})  ${cpu(k)}`);
  };
  console.log(`${label}:`);
  line("/lumora/chunks/1", "chunks");
  line("raw libp2p stream", "raw");
  line("plain TCP copy", "tcp");
  console.log(`  chunks / TCP       ${(median(f.chunks) / median(f.tcp)).toFixed(3)} (ratio of medians; per round ${spread(f.ratio, 3)})   target ≥ 0.5`);
  console.log(`  chunks / raw libp2p ${(median(f.chunks) / median(f.raw)).toFixed(3)}`);
}

const summary = (f: Figures) => ({
  chunkMiBs: +median(f.chunks).toFixed(1),
  rawLibp2pMiBs: +median(f.raw).toFixed(1),
  tcpMiBs: +median(f.tcp).toFixed(1),
  ratio: +(median(f.chunks) / median(f.tcp)).toFixed(3),
  ratioPerRound: f.ratio.map((x) => +x.toFixed(3)),
  cpuMsPerMiB: Object.fromEntries(
    (["chunks", "raw", "tcp"] as const).map((k) => [k, { consumer: +median(f.cpu[k].consumer).toFixed(2), provider: f.cpu[k].provider.length > 0 ? +median(f.cpu[k].provider).toFixed(2) : null }]),
  ),
});

async function main() {
  const registry = new StaticRegistry();
  const mk = async (limit?: number) => {
    const key = generateNodeKey();
    registry.set(key.publicKey, { roles: ROLES.PROVIDER | ROLES.VERIFIER, shard: 0, multiaddrs: [], active: true });
    return LumoraNode.create({ nodeKey: key, registry, allowPrivateAddresses: true, rttIntervalMs: 0, bandwidthLimitBps: limit });
  };
  const out: Record<string, unknown> = {};

  // ---- 1. chunk transfer vs plain TCP
  const plain = randomBytes(DATASET_MIB * MiB);
  const ds = await data.encrypt({ data: plain, compression: "none" }); // 1 MiB chunks (SDK default)
  const chunkBytes = ds.chunks.map((c) => c.data);
  const total = chunkBytes.reduce((n, c) => n + c.length, 0);
  const root = ds.manifest.merkleRoot;
  const consumer = await mk();

  // 1a. the provider in its own process, given the very same bytes through a temp folder
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-bench-"));
  fs.writeFileSync(path.join(dir, "manifest.bin"), ds.manifestBytes);
  fs.writeFileSync(path.join(dir, "chunks.bin"), Buffer.concat(chunkBytes));
  fs.writeFileSync(path.join(dir, "sizes.json"), JSON.stringify(chunkBytes.map((c) => c.length)));
  const child = fork(path.join(import.meta.dirname, "provider.ts"), [dir], {
    execArgv: process.execArgv.includes("tsx") ? process.execArgv : ["--import", "tsx", ...process.execArgv], // same flags as ours
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const ready = await new Promise<{ multiaddr: string; tcpPort: number }>((resolve, reject) => {
      child.once("message", (m) => resolve(m as { multiaddr: string; tcpPort: number }));
      child.once("exit", (code) => reject(new Error(`provider process exited with ${code}`)));
    });
    await consumer.dial(ready.multiaddr);
    const peer = peerIdFromString(ready.multiaddr.split("/p2p/")[1]!);
    const providerCpuUs = () =>
      new Promise<number>((resolve) => {
        child.once("message", (m) => resolve((m as { cpuUs: number }).cpuUs));
        child.send("cpu");
      });
    // BENCH_PROFILE=file.cpuprofile: a CPU profile of this (consumer) process over these rounds only
    const profiler = process.env.BENCH_PROFILE === undefined ? undefined : new Session();
    profiler?.connect();
    await profiler?.post("Profiler.enable");
    await profiler?.post("Profiler.start");
    const sep = await transferRounds(consumer, { peer, tcpPort: ready.tcpPort, providerCpuUs }, root, ds.chunks.length, total);
    if (profiler !== undefined) fs.writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify((await profiler.post("Profiler.stop")).profile));
    out.separateProcesses = summary(sep);
    await consumer.libp2p.hangUp(peer);
    child.send("stop");
    await new Promise((r) => child.once("exit", r));
    report(`provider in its own process (${ROUNDS} rounds after 1 warm-up, median)`, sep);
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // 1b. both peers in this process (one core does noise encryption and decryption)
  if (process.env.BENCH_INPROC !== "0") {
    const provider = await mk();
    await consumer.dial(provider.multiaddrs()[0]!);
    const server = await ChunkServer.start(provider);
    server.add(memoryChunkSource({ manifestBytes: ds.manifestBytes, chunks: chunkBytes }));
    await serveRaw(provider, chunkBytes);
    const tcp = await startTcpServer(chunkBytes);
    const one = await transferRounds(consumer, { peer: provider.peerId, tcpPort: tcp.port }, root, ds.chunks.length, total);
    out.oneProcess = summary(one);
    tcp.server.close();
    await provider.stop();
    report(`both peers in one process (${ROUNDS} rounds after 1 warm-up, median)`, one);
  }
  await consumer.stop();

  // 1c. the consumer's mandatory crypto alone (an upper bound, see cryptoCeiling)
  const ceiling = cryptoCeiling(chunkBytes, ROUNDS);
  out.cryptoCeilingMiBs = +median(ceiling).toFixed(1);
  console.log(`consumer crypto alone, one core, no I/O (noise ChaCha20-Poly1305 open + SHA-256 per chunk): ${median(ceiling).toFixed(1)} MiB/s (${spread(ceiling)})`);
  const sepTcp = (out.separateProcesses as { tcpMiBs: number } | undefined)?.tcpMiBs;
  if (sepTcp !== undefined) {
    // a consumer must receive the bytes (what the TCP copy measures) *and* do this crypto; on one event loop the two add up
    const serial = 1 / (1 / sepTcp + 1 / median(ceiling));
    out.ceilingRatio = { cryptoOnly: +(median(ceiling) / sepTcp).toFixed(3), receivePlusCrypto: +(serial / sepTcp).toFixed(3) };
    console.log(`  → chunks / TCP (separate processes) cannot exceed ${(median(ceiling) / sepTcp).toFixed(3)} (crypto alone) or, receiving and verifying on one core, ${(serial / sepTcp).toFixed(3)} (1 / (1/TCP + 1/crypto) = ${serial.toFixed(0)} MiB/s)`);
  }

  // ---- 2. PoB error against shaped rates
  if (process.env.BENCH_POB !== "0") {
    const pob: Array<{ shapedMiBs: number; challengeMiB: number; measuredMiBs: number; errorPct: number; rttMs: number; durationMs: number }> = [];
    for (const rateMiB of [2, 8, 32]) {
      const shaped = await mk(rateMiB * MiB);
      await PobProvider.start(shaped, { programId, nodeAddress: (k) => k });
      const verifier = await mk();
      const ledger = new TotalsLedger(verifier, { programId, nodeAddress: (k) => k, probeIntervalMs: 15_000 });
      await verifier.dial(shaped.multiaddrs()[0]!);
      const challenge = Math.min(64 * MiB, rateMiB * 2 * MiB); // ~2 s of transfer
      const errs: number[] = [];
      let last: Awaited<ReturnType<TotalsLedger["measure"]>> | undefined;
      for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
        last = await ledger.measure({ peer: shaped.peerId, epoch: 1n, bytes: challenge });
        errs.push(last.measured.rateBps / (rateMiB * MiB) - 1);
      }
      const e = median(errs);
      pob.push({
        shapedMiBs: rateMiB,
        challengeMiB: challenge / MiB,
        measuredMiBs: +(rateMiB * (1 + e)).toFixed(3),
        errorPct: +(e * 100).toFixed(2),
        rttMs: last!.measured.rttMs,
        durationMs: last!.measured.durationMs,
      });
      await shaped.stop();
      await verifier.stop();
    }
    out.pob = pob;
    console.log("PoB measurement vs shaped rate (median of rounds):");
    for (const p of pob) console.log(`  shaped ${p.shapedMiBs} MiB/s, challenge ${p.challengeMiB} MiB: measured ${p.measuredMiBs} MiB/s, error ${p.errorPct} %, rtt ${p.rttMs} ms`);
  }

  const cpu = os.cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`dataset: ${DATASET_MIB} MiB in ${ds.chunks.length} chunks of 1 MiB; fetchDataset parallel ${PARALLEL ?? "default"}, range ${RANGE ?? "default"}`);
  console.log(JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
