// Relayed fetch vs direct fetch on loopback (docs/relay.md, Measured). Three processes: this one is the
// executor, `relay-peer.ts site` the website, `relay-peer.ts provider` the relay provider. The same HTTP
// GETs (node:http, one new connection per fetch, so each relayed fetch also pays the relay's OPEN) are
// made direct and through `/lumora/relay/1`, in alternating order within each round; medians over the
// rounds after a warm-up. CPU is process.cpuUsage() of the executor and of the provider per MiB fetched.
// Timings are reported, never enforced.
//
//   npm run bench:relay -w @lumora/network          # BENCH_ROUNDS (default 7), BENCH_SIZES (KiB list, default 64,1024,16384)
import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import { peerIdFromString } from "@libp2p/peer-id";
import { ROLES, StaticRegistry } from "../src/registry.js";
import { generateNodeKey } from "../src/identity.js";
import { LumoraNode } from "../src/node.js";
import { openRelay } from "../src/relay/index.js";

const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SIZES = (process.env.BENCH_SIZES ?? "64,1024,16384").split(",").map((k) => Number(k) * 1024);

function start(args: string[]): Promise<{ child: ChildProcess; msg: Record<string, unknown> }> {
  const child = fork(path.join(import.meta.dirname, "relay-peer.ts"), args, {
    execArgv: process.execArgv.includes("tsx") ? process.execArgv : ["--import", "tsx", ...process.execArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve({ child, msg: m as Record<string, unknown> }));
    child.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}
const cpuOf = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    child.once("message", (m) => resolve((m as { cpuUs: number }).cpuUs));
    child.send("cpu");
  });
const cpuSelf = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

/** One GET of `size` bytes; `connection` makes the socket (direct when absent); `agent` to reuse a pooled connection. Returns ms. */
function get(port: number, size: number, connection?: () => Duplex, pooled?: http.Agent): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // node:http uses `createConnection` only through an agent: one fresh agent per fetch, no pooling
    const agent = pooled ?? new http.Agent({ keepAlive: false });
    if (connection && !pooled) agent.createConnection = connection as unknown as typeof agent.createConnection;
    const req = http.request({ host: "127.0.0.1", port, path: `/page/${size}`, agent, headers: pooled ? {} : { connection: "close" } }, (res) => {
      let got = 0;
      res.on("data", (c: Buffer) => (got += c.length));
      res.on("end", () => (got === size ? resolve(performance.now() - t0) : reject(new Error(`got ${got}/${size}`))));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function main() {
  const registry = new StaticRegistry();
  const key = generateNodeKey();
  registry.set(key.publicKey, { roles: ROLES.EXECUTOR, shard: 0, multiaddrs: [], active: true });
  const executor = await LumoraNode.create({ nodeKey: key, registry, allowPrivateAddresses: true, rttIntervalMs: 0 });
  const site = await start(["site", JSON.stringify(SIZES)]);
  const sitePort = site.msg.port as number;
  const prov = await start(["provider", String(sitePort), Buffer.from(key.publicKey).toString("hex")]);
  const multiaddr = prov.msg.multiaddr as string;
  await executor.dial(multiaddr);
  const peer = peerIdFromString(multiaddr.split("/p2p/")[1]!);
  console.log(`relay benchmark: ${ROUNDS} rounds after 1 warm-up, sizes ${SIZES.map((s) => `${s / 1024} KiB`).join(", ")}; node ${process.version}`);
  const rows: string[] = [];
  // keep-alive: the scraper's pooled case — one connection (one relay session) carries a round's fetches
  const modes = [...SIZES.map((size) => ({ size, pooled: false })), ...SIZES.filter((s) => s <= MiB).map((size) => ({ size, pooled: true }))];
  for (const { size, pooled } of modes) {
    const direct: number[] = [];
    const relay: number[] = [];
    const cpuDirect: number[] = [];
    const cpuExec: number[] = [];
    const cpuProv: number[] = [];
    // enough fetches per round for ≥ 16 MiB moved (small pages) or one fetch (large)
    const per = Math.max(1, Math.ceil((16 * MiB) / size / 4));
    for (let round = 0; round <= ROUNDS; round++) {
      const order = round % 2 === 0 ? ["direct", "relay"] : ["relay", "direct"];
      for (const how of order) {
        const c0 = cpuSelf();
        const p0 = await cpuOf(prov.child);
        const t0 = performance.now();
        if (pooled) {
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          let session: Awaited<ReturnType<typeof openRelay>> | null = null;
          if (how === "relay") {
            session = await openRelay(executor, { peer, host: "127.0.0.1", port: sitePort, epoch: 0n });
            const sock = session.socket;
            agent.createConnection = (() => sock) as unknown as typeof agent.createConnection;
          }
          for (let i = 0; i < per; i++) await get(sitePort, size, undefined, agent);
          agent.destroy();
          if (session) await session.done;
        } else
          {
            // the statements' exchange after each fetch is not waited for before the next (as the scraper
            // does not); the round's time includes them all
            const sessions: Promise<unknown>[] = [];
            for (let i = 0; i < per; i++) {
              if (how === "direct") await get(sitePort, size);
              else {
                const s = await openRelay(executor, { peer, host: "127.0.0.1", port: sitePort, epoch: 0n });
                await get(sitePort, size, () => s.socket);
                sessions.push(s.done);
              }
            }
            await Promise.all(sessions);
          }
        const ms = performance.now() - t0;
        const mib = (size * per) / MiB;
        const cpu = (cpuSelf() - c0) / 1000 / mib;
        const pcpu = ((await cpuOf(prov.child)) - p0) / 1000 / mib;
        if (round === 0) continue; // warm-up
        const rate = mib / (ms / 1000);
        if (how === "direct") (direct.push(rate), cpuDirect.push(cpu));
        else (relay.push(rate), cpuExec.push(cpu), cpuProv.push(pcpu));
      }
    }
    const ratios = direct.map((d, i) => relay[i]! / d);
    rows.push(
      `| ${size / 1024} KiB × ${per}${pooled ? ", one kept-alive connection" : ", a connection each"} | ${median(direct).toFixed(1)} | ${median(relay).toFixed(1)} | **${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${median(cpuDirect).toFixed(2)} | ${median(cpuExec).toFixed(2)} | ${median(cpuProv).toFixed(2)} |`,
    );
  }
  console.log("| fetch (size × per round) | direct MiB/s | relayed MiB/s | relayed / direct (min–max per round) | CPU ms/MiB executor, direct | executor, relayed | provider, relayed |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(r);
  site.child.send("stop");
  prov.child.send("stop");
  await executor.stop();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
