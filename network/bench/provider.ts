// The provider side of the chunk-transfer benchmark, in its own process (bench/run.ts forks it): a real
// provider is another machine, so it gets its own event loop and core. It serves the same bytes three
// ways: `/lumora/chunks/1`, a raw libp2p stream, and a plain TCP socket (the baseline).
// Input: argv[2] = a folder with manifest.bin, chunks.bin and sizes.json (written by run.ts).
// Output (IPC): { multiaddr, tcpPort } once listening; { cpuUs } (its CPU time so far) on "cpu"; exits on "stop".
import fs from "node:fs";
import path from "node:path";
import { ROLES, StaticRegistry } from "../src/registry.js";
import { generateNodeKey } from "../src/identity.js";
import { LumoraNode } from "../src/node.js";
import { ChunkServer, memoryChunkSource } from "../src/chunks.js";
import { serveRaw, startTcpServer } from "./common.js";

async function main() {
  const dir = process.argv[2]!;
  const manifestBytes = new Uint8Array(fs.readFileSync(path.join(dir, "manifest.bin")));
  const all = fs.readFileSync(path.join(dir, "chunks.bin"));
  const sizes = JSON.parse(fs.readFileSync(path.join(dir, "sizes.json"), "utf8")) as number[];
  const chunks: Uint8Array[] = [];
  let off = 0;
  for (const n of sizes) (chunks.push(new Uint8Array(all.buffer, all.byteOffset + off, n)), (off += n));

  const registry = new StaticRegistry();
  const key = generateNodeKey();
  registry.set(key.publicKey, { roles: ROLES.PROVIDER | ROLES.VERIFIER, shard: 0, multiaddrs: [], active: true });
  const node = await LumoraNode.create({ nodeKey: key, registry, allowPrivateAddresses: true, rttIntervalMs: 0 });
  const server = await ChunkServer.start(node);
  server.add(memoryChunkSource({ manifestBytes, chunks }));
  await serveRaw(node, chunks);
  const tcp = await startTcpServer(chunks);
  process.send!({ multiaddr: node.multiaddrs()[0]!.toString(), tcpPort: tcp.port });
  process.on("message", async (m) => {
    if (m === "cpu") {
      const u = process.cpuUsage();
      process.send!({ cpuUs: u.user + u.system });
      return;
    }
    if (m !== "stop") return;
    tcp.server.close();
    await node.stop();
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
