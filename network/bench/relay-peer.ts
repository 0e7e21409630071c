// A process of the relay benchmark (bench/relay.ts forks two): `site` serves the pages over HTTP on
// loopback; `provider` runs a libp2p node with `/lumora/relay/1` (uncapped, loopback opted in for the
// benchmark). Each in its own process so its CPU is its own.
// IPC out: { port } (site) or { multiaddr } (provider) once listening; { cpuUs } on "cpu"; exits on "stop".
import http from "node:http";
import { ROLES, StaticRegistry } from "../src/registry.js";
import { generateNodeKey } from "../src/identity.js";
import { LumoraNode } from "../src/node.js";
import { RelayProvider } from "../src/relay/index.js";

async function main() {
  const role = process.argv[2];
  if (role === "site") {
    const sizes = JSON.parse(process.argv[3]!) as number[];
    const pages = new Map(sizes.map((n) => [`/page/${n}`, Buffer.alloc(n, 0x61)]));
    const server = http.createServer((req, res) => {
      const body = pages.get(req.url ?? "");
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "text/html", "content-length": body.length });
      res.end(body);
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    process.send!({ port: (server.address() as import("node:net").AddressInfo).port });
  } else {
    const sitePort = Number(process.argv[3]);
    const executorKey = process.argv[4]!;
    const registry = new StaticRegistry();
    const key = generateNodeKey();
    registry.set(key.publicKey, { roles: ROLES.PROVIDER, shard: 0, multiaddrs: [], active: true });
    registry.set(Uint8Array.from(Buffer.from(executorKey, "hex")), { roles: ROLES.EXECUTOR, shard: 0, multiaddrs: [], active: true });
    const node = await LumoraNode.create({ nodeKey: key, registry, allowPrivateAddresses: true, rttIntervalMs: 0 });
    await RelayProvider.start(node, { allowLoopbackForTests: true, ports: [sitePort] });
    process.send!({ multiaddr: node.multiaddrs()[0]!.toString() });
  }
  process.on("message", (m) => {
    if (m === "cpu") {
      const u = process.cpuUsage();
      process.send!({ cpuUs: u.user + u.system });
    } else if (m === "stop") process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
