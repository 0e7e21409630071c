// Benchmarks of the network layer on loopback (run: npm run bench -w @lumora/network).
// 1. /lumora/chunks/1 throughput against a plain TCP socket copy of the same bytes, in the same run (ratio).
// 2. /lumora/pob/1 measurement error against the provider's known shaped rate (its token bucket).
import net from "node:net";
import os from "node:os";
import { randomBytes } from "node:crypto";
import bs58 from "bs58";
import { data } from "@lumora/sdk";
import { LumoraNode } from "../src/node.js";
import { ROLES, StaticRegistry } from "../src/registry.js";
import { generateNodeKey } from "../src/identity.js";
import { ChunkServer, fetchDataset, memoryChunkSource } from "../src/chunks.js";
import { PobProvider, measureProvider } from "../src/pob.js";

const MiB = 1024 * 1024;
const DATASET_MIB = Number(process.env.BENCH_DATASET_MIB ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 2);
const programId = bs58.decode("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function tcpCopy(chunks: Uint8Array[]): Promise<number> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const server = net.createServer((sock) => {
    let i = 0;
    const pump = () => {
      while (i < chunks.length) if (!sock.write(chunks[i++]!)) return void sock.once("drain", pump);
      sock.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let got = 0;
    const sock = net.connect(port, "127.0.0.1");
    sock.on("data", (d) => void (got += d.length));
    sock.on("end", () => (got === total ? resolve() : reject(new Error(`tcp copy got ${got}/${total}`))));
    sock.on("error", reject);
  });
  const secs = (performance.now() - t0) / 1000;
  server.close();
  return total / MiB / secs;
}

async function main() {
  const registry = new StaticRegistry();
  const mk = async (limit?: number) => {
    const key = generateNodeKey();
    registry.set(key.publicKey, { roles: ROLES.PROVIDER | ROLES.VERIFIER, shard: 0, multiaddrs: [], active: true });
    return LumoraNode.create({ nodeKey: key, registry, allowPrivateAddresses: true, rttIntervalMs: 0, bandwidthLimitBps: limit });
  };

  // ---- 1. chunk transfer vs plain TCP
  const plain = randomBytes(DATASET_MIB * MiB);
  const ds = await data.encrypt({ data: plain, compression: "none" }); // 1 MiB chunks (SDK default)
  const chunkBytes = ds.chunks.map((c) => c.data);
  const provider = await mk();
  const consumer = await mk();
  await consumer.dial(provider.multiaddrs()[0]!);
  const server = await ChunkServer.start(provider);
  server.add(memoryChunkSource({ manifestBytes: ds.manifestBytes, chunks: chunkBytes }));
  // the ceiling js-libp2p itself sets on this machine: one raw stream (noise + yamux), no Lumora framing
  await provider.libp2p.handle("/bench/raw/1", async (stream) => {
    for (const c of chunkBytes) if (!stream.send(c)) await stream.onDrain();
    await stream.close();
  });
  const raw: number[] = [];
  const p2p: number[] = [];
  const tcp: number[] = [];
  const total = chunkBytes.reduce((n, c) => n + c.length, 0);
  for (let r = 0; r < ROUNDS; r++) {
    tcp.push(await tcpCopy(chunkBytes));
    const s = await consumer.libp2p.dialProtocol(provider.peerId, "/bench/raw/1");
    const tr = performance.now();
    let got = 0;
    for await (const d of s) got += d.byteLength;
    if (got !== total) throw new Error("raw stream incomplete");
    raw.push(total / MiB / ((performance.now() - tr) / 1000));
    const t0 = performance.now();
    const res = await fetchDataset(consumer, { root: ds.manifest.merkleRoot, providers: [provider.peerId], parallel: PARALLEL, rangeChunks: 8, collect: false });
    const secs = (performance.now() - t0) / 1000;
    if (Object.values(res.perProvider).reduce((a, b) => a + b, 0) !== ds.chunks.length) throw new Error("incomplete transfer");
    p2p.push(total / MiB / secs);
  }
  const ratio = median(p2p) / median(tcp);

  // ---- 2. PoB error against shaped rates
  const pob: Array<{ shapedMiBs: number; challengeMiB: number; measuredMiBs: number; errorPct: number; rttMs: number; durationMs: number }> = [];
  for (const rateMiB of [2, 8, 32]) {
    const shaped = await mk(rateMiB * MiB);
    await PobProvider.start(shaped, { programId });
    const verifier = await mk();
    await verifier.dial(shaped.multiaddrs()[0]!);
    const challenge = Math.min(64 * MiB, rateMiB * 2 * MiB); // ~2 s of transfer
    const errs: number[] = [];
    let last: Awaited<ReturnType<typeof measureProvider>> | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      last = await measureProvider(verifier, { peer: shaped.peerId, epoch: 1n, bytes: challenge, programId });
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
  await provider.stop();
  await consumer.stop();

  const cpu = os.cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, node ${process.version}`);
  console.log(`chunk transfer: ${DATASET_MIB} MiB dataset (${ds.chunks.length} chunks of 1 MiB), parallel ${PARALLEL}, ranges of 8, ${ROUNDS} rounds (median)`);
  console.log(`  /lumora/chunks/1  ${median(p2p).toFixed(1)} MiB/s   (rounds: ${p2p.map((x) => x.toFixed(1)).join(", ")})`);
  console.log(`  raw libp2p stream ${median(raw).toFixed(1)} MiB/s   (rounds: ${raw.map((x) => x.toFixed(1)).join(", ")})`);
  console.log(`  plain TCP copy    ${median(tcp).toFixed(1)} MiB/s   (rounds: ${tcp.map((x) => x.toFixed(1)).join(", ")})`);
  console.log(`  ratio chunks/TCP  ${ratio.toFixed(3)}   (target ≥ 0.5)`);
  console.log(`  ratio chunks/raw libp2p ${(median(p2p) / median(raw)).toFixed(3)}   (Lumora framing, proofs and hashing on top of libp2p)`);
  console.log("PoB measurement vs shaped rate (median of rounds):");
  for (const p of pob) console.log(`  shaped ${p.shapedMiBs} MiB/s, challenge ${p.challengeMiB} MiB: measured ${p.measuredMiBs} MiB/s, error ${p.errorPct} %, rtt ${p.rttMs} ms`);
  console.log(JSON.stringify({ chunkMiBs: median(p2p), rawLibp2pMiBs: median(raw), tcpMiBs: median(tcp), ratio, pob }));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
