/**
 * The app's HTTP server (`./lumora app`): the built page (app/dist), and on the same origin
 *   /rpc                the chain's JSON-RPC (POST) and its WebSocket (upgrade), proxied — so the page needs
 *                       no CORS from the RPC server and web3.js finds its WebSocket on the same path;
 *   /gateway/spec       POST a task spec's canonical bytes → put into the DHT under their SHA-256;
 *   /gateway/spec/<h>   GET the spec with hash <h> (hex) from the DHT;
 *   /gateway/chunks     POST { root, locator } → the manifest and encrypted chunks from that node;
 *   /api/status         the environment's progress (env.ts), JSON;
 *   /api/faucet         POST { address } → SOL and LMR on the embedded chain, for a human's own wallet.
 * The gateway is one libp2p peer (@lumora/network, as lumora-consumer uses it); the page verifies what it
 * relays (app/src/gateway.ts). Nothing here holds a user's key.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { PublicKey } from "@solana/web3.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { LumoraNode, StaticRegistry, fetchDataset, specKey, validateSpecRecord } from "@lumora/network";
import { peerIdFromString } from "@libp2p/peer-id";
import type { AppEnv } from "./env.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};
const MAX_BODY = 64 * 1024;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function body(req: http.IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

/** The gateway's libp2p peer: a DHT client of the running nodes. */
export class Gateway {
  private nodeP: Promise<LumoraNode> | null = null;
  constructor(private readonly bootstrap: () => string[]) {}

  private p2p(): Promise<LumoraNode> {
    this.nodeP ??= LumoraNode.create({ registry: new StaticRegistry(), dhtClientMode: true, allowPrivateAddresses: true, bootstrap: this.bootstrap(), rttIntervalMs: 0 }).catch((e) => {
      this.nodeP = null;
      throw e;
    });
    return this.nodeP;
  }

  /** Puts spec bytes into the DHT; the number of peers that stored them. */
  async putSpec(bytes: Uint8Array): Promise<{ stored: number; specHash: string }> {
    const hash = sha256(bytes);
    const key = specKey(hash);
    try {
      validateSpecRecord(key, bytes);
    } catch (e) {
      throw new HttpError(400, `not a valid task spec: ${(e as Error).message}`);
    }
    const node = await this.p2p();
    for (let attempt = 1; ; attempt++) {
      try {
        await node.waitForDhtPeers(1, 10_000);
        const dht = node.libp2p.services.dht as unknown as { put(k: Uint8Array, v: Uint8Array, o: { signal: AbortSignal }): AsyncIterable<{ name: string; record?: { value: Uint8Array } | null }> };
        let stored = 0;
        for await (const e of dht.put(key, bytes, { signal: AbortSignal.timeout(30_000) })) if (e.name === "PEER_RESPONSE" && e.record && Buffer.from(e.record.value).equals(Buffer.from(bytes))) stored++;
        if (stored > 0) return { stored, specHash: hex(hash) };
        throw new Error("no peer stored the spec");
      } catch (e) {
        if (attempt >= 4) throw new HttpError(502, `could not publish the spec to the DHT: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 800 * attempt));
      }
    }
  }

  async getSpec(hashHex: string): Promise<Uint8Array> {
    if (!/^[0-9a-f]{64}$/.test(hashHex)) throw new HttpError(400, "the spec hash must be 64 hex digits");
    const node = await this.p2p();
    await node.waitForDhtPeers(1, 10_000).catch(() => undefined);
    const bytes = await node.getSpec(Buffer.from(hashHex, "hex"), { signal: AbortSignal.timeout(20_000) });
    if (!bytes) throw new HttpError(404, `no spec ${hashHex} in the DHT`);
    return bytes;
  }

  async chunks(root: string, locator: string) {
    if (!/^[0-9a-f]{64}$/.test(root)) throw new HttpError(400, "root must be 64 hex digits");
    const id = locator.split("/p2p/")[1];
    if (!locator.startsWith("/") || !id) throw new HttpError(400, "locator must be a multiaddr ending in /p2p/<peer id>");
    const node = await this.p2p();
    try {
      await node.dial(locator);
    } catch (e) {
      throw new HttpError(502, `cannot dial ${locator}: ${(e as Error).message}`);
    }
    const res = await fetchDataset(node, { root: Buffer.from(root, "hex"), providers: [peerIdFromString(id)] });
    const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
    return { manifest: b64(res.manifestBytes), chunks: res.chunks.map((c) => b64(c!)), chunkHashes: res.chunkHashes.map((h) => b64(h!)), provider: id };
  }

  async close(): Promise<void> {
    const n = this.nodeP;
    this.nodeP = null;
    if (n) await (await n).stop().catch(() => undefined);
  }
}

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

export async function startAppServer(opts: { env: AppEnv; dist: string; host: string; port: number }): Promise<AppServer> {
  const { env } = opts;
  const rpc = new URL(env.ln.rpc.url);
  const gateway = new Gateway(() => env.bootstrap);
  const json = (res: http.ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(value));
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    try {
      if (url.pathname === "/rpc") {
        if (req.method !== "POST") throw new HttpError(405, "JSON-RPC takes POST");
        const r = await fetch(env.ln.rpc.url, { method: "POST", headers: { "content-type": "application/json" }, body: new Uint8Array(await body(req, 4 * 1024 * 1024)) });
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await r.arrayBuffer()));
        return;
      }
      if (url.pathname === "/gateway/spec" && req.method === "POST") return json(res, 200, await gateway.putSpec(await body(req)));
      if (url.pathname.startsWith("/gateway/spec/") && req.method === "GET") {
        const bytes = await gateway.getSpec(url.pathname.slice("/gateway/spec/".length));
        res.writeHead(200, { "content-type": "application/json" }).end(Buffer.from(bytes));
        return;
      }
      if (url.pathname === "/gateway/chunks" && req.method === "POST") {
        let a: { root?: unknown; locator?: unknown };
        try {
          a = JSON.parse((await body(req)).toString("utf8"));
        } catch {
          throw new HttpError(400, "the body must be JSON { root, locator }");
        }
        if (typeof a.root !== "string" || typeof a.locator !== "string") throw new HttpError(400, "the body must be JSON { root, locator }");
        return json(res, 200, await gateway.chunks(a.root, a.locator));
      }
      if (url.pathname === "/api/status") return json(res, 200, env.status);
      if (url.pathname === "/api/faucet" && req.method === "POST") {
        let owner: PublicKey;
        try {
          owner = new PublicKey((JSON.parse((await body(req)).toString("utf8")) as { address: string }).address);
        } catch {
          throw new HttpError(400, "the body must be JSON { address: <base-58 address> }");
        }
        await env.faucet(owner);
        return json(res, 200, { address: owner.toBase58(), sol: 10, lmr: 100 });
      }
      if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "method not allowed");
      // the page: files from app/dist, index.html for anything else (views are #fragments)
      const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, "");
      let file = path.join(opts.dist, rel);
      if (!file.startsWith(opts.dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(opts.dist, "index.html");
      const type = TYPES[path.extname(file)] ?? "application/octet-stream";
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.writeHead(200, { "content-type": type, "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" });
      fs.createReadStream(file).pipe(res);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      if (!res.headersSent) json(res, status, { error: (e as Error).message });
      else res.destroy();
    }
  });
  // /rpc WebSocket: the upgrade request goes on to the RPC server (which accepts upgrades on its HTTP port)
  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/rpc")) return void socket.destroy();
    const upstream = net.connect(Number(rpc.port), rpc.hostname, () => {
      const lines = [`GET / HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i]!;
        lines.push(`${k}: ${k.toLowerCase() === "host" ? rpc.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as net.AddressInfo;
  const host = addr.address.includes(":") ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${addr.port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await gateway.close();
    },
  };
}
