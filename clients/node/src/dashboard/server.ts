// The dashboard's HTTP server (node:http, no framework). Routes:
//   GET  /             the page (self-contained, CSP with a per-response nonce)
//   GET  /api/status   the status as JSON (bigints as decimal strings)
//   GET  /api/events   server-sent events: `status` on connect, on every change and after a limit change;
//                      `problem` when the source fails
//   POST /api/limit    {"kbps": integer 1..10 000 000} with the per-run token in `X-Lumora-Token`
// Every request must carry the bound address:port as its Host (DNS-rebinding protection); POSTs also
// need the token the page embeds and, when the browser sends one, a same-origin Origin (CSRF).
import { randomBytes, timingSafeEqual } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { type DashboardStatusJson, limitError, statusToJson } from "./format.js";
import { renderPage } from "./page.js";
import type { DashboardSource } from "./types.js";

/** Header that carries the per-run token on POST requests. */
export const TOKEN_HEADER = "x-lumora-token";
/** Largest request body accepted (the only body is `{"kbps": n}`). */
const MAX_BODY_BYTES = 1024;
/** Most concurrent event streams (each costs a socket; the dashboard is for one operator). */
const MAX_EVENT_CLIENTS = 32;
/** Comment line sent on quiet streams so proxies and browsers keep them open. */
const KEEPALIVE_MS = 15_000;

export interface StartDashboardOptions {
  /** Where the figures come from and where limit changes go. */
  source: DashboardSource;
  /** TCP port; 0 (default) picks a free one, see `url`. */
  port?: number;
  /**
   * Address to bind, default `127.0.0.1`. Loopback addresses only (127.0.0.0/8, ::1) unless
   * `allowNonLoopback` is set; never a wildcard (the Host check needs the real address).
   */
  host?: string;
  /** Allows a non-loopback `host`: the page and its token are then reachable from that network. */
  allowNonLoopback?: boolean;
  /** How often the status is read for the event streams, in ms (default 1000). */
  intervalMs?: number;
  /** Per-run token; random 32 bytes (hex) when omitted. */
  token?: string;
}

export interface DashboardHandle {
  /** `http://host:port/` of the page. */
  url: string;
  /** The per-run token POSTs must carry in `X-Lumora-Token` (the page has it embedded). */
  token: string;
  /** Reads the status now and pushes it to every open stream (the daemon calls this on changes). */
  refresh(): Promise<void>;
  /** Ends the event streams and stops the server. */
  close(): Promise<void>;
}

/** True for 127.0.0.0/8 and ::1 (and their IPv4-mapped form). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h.startsWith("::ffff:127.");
  return false;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function securityHeaders(nonce?: string): Record<string, string> {
  const src = nonce ? `'nonce-${nonce}'` : "'none'";
  return {
    "content-security-policy":
      `default-src 'none'; script-src ${src}; style-src ${src}; connect-src 'self'; img-src 'self'; ` +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...securityHeaders(),
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sameToken(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the dashboard. Resolves once it listens; `url` then has the real port.
 * Rejects a non-loopback `host` unless `allowNonLoopback` is set.
 */
export async function startDashboard(opts: StartDashboardOptions): Promise<DashboardHandle> {
  const { source } = opts;
  const host = opts.host ?? "127.0.0.1";
  const intervalMs = opts.intervalMs ?? 1000;
  const token = opts.token ?? randomBytes(32).toString("hex");
  if (isIP(host.replace(/^\[|\]$/g, "")) === 0 && host !== "localhost") {
    throw new Error(`dashboard host must be an IP address (or localhost), got ${JSON.stringify(host)}`);
  }
  if (host === "0.0.0.0" || host === "::" || host === "[::]") {
    throw new Error("dashboard refuses to bind a wildcard address: pass the interface's address");
  }
  if (host !== "localhost" && !isLoopback(host) && !opts.allowNonLoopback) {
    throw new Error(`dashboard binds loopback only; ${host} needs allowNonLoopback: true`);
  }
  if (!Number.isInteger(intervalMs) || intervalMs < 50) throw new RangeError("intervalMs must be an integer ≥ 50");
  if (token.length < 16) throw new RangeError("token must be at least 16 characters");

  const streams = new Set<ServerResponse>();
  let lastSent = "";
  let lastWrite = 0;
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;

  let allowedHosts = new Set<string>();
  let origin = "";

  function writeEvent(res: ServerResponse, event: string, data: string): void {
    res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  async function readStatus(): Promise<{ json: DashboardStatusJson } | { error: string }> {
    try {
      return { json: statusToJson(await source.status()) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Reads the status and pushes it to every stream when it changed (or when `force`). */
  async function broadcast(force: boolean): Promise<void> {
    if (streams.size === 0) return;
    const r = await readStatus();
    const now = Date.now();
    if ("error" in r) {
      const data = JSON.stringify({ error: r.error });
      for (const res of streams) writeEvent(res, "problem", data);
      lastSent = "";
      lastWrite = now;
      return;
    }
    const data = JSON.stringify(r.json);
    if (force || data !== lastSent) {
      for (const res of streams) writeEvent(res, "status", data);
      lastSent = data;
      lastWrite = now;
    } else if (now - lastWrite >= KEEPALIVE_MS) {
      for (const res of streams) res.write(": keepalive\n\n");
      lastWrite = now;
    }
  }

  /** Queues a broadcast; timer ticks are skipped while one is already queued (a slow source). */
  function tick(force = false): Promise<void> {
    if (!force && queued > 0) return chain;
    queued += 1;
    chain = chain
      .then(() => broadcast(force))
      .catch(() => undefined)
      .finally(() => {
        queued -= 1;
      });
    return chain;
  }

  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();

  async function handleEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (streams.size >= MAX_EVENT_CLIENTS) throw new HttpError(503, "too many event streams");
    res.writeHead(200, {
      ...securityHeaders(),
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
    const r = await readStatus();
    if (res.writableEnded) return;
    if ("error" in r) writeEvent(res, "problem", JSON.stringify({ error: r.error }));
    else writeEvent(res, "status", JSON.stringify(r.json));
  }

  async function handleLimit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!sameToken(req.headers[TOKEN_HEADER], token)) throw new HttpError(403, "missing or wrong dashboard token");
    const reqOrigin = req.headers.origin?.toLowerCase();
    if (reqOrigin !== undefined && !(reqOrigin.startsWith("http://") && allowedHosts.has(reqOrigin.slice(7)))) {
      throw new HttpError(403, "cross-origin request refused");
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") throw new HttpError(415, "content-type must be application/json");
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, "body must be JSON: {\"kbps\": <integer>}");
    }
    const kbps = body !== null && typeof body === "object" ? (body as { kbps?: unknown }).kbps : undefined;
    const problem = limitError(kbps);
    if (problem !== null) throw new HttpError(400, problem);
    try {
      await source.setLimit(kbps as number);
    } catch (err) {
      if (err instanceof RangeError) throw new HttpError(400, err.message);
      throw err;
    }
    sendJson(res, 200, { limitKbps: kbps });
    void tick(true);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostHeader = (req.headers.host ?? "").toLowerCase();
    if (!allowedHosts.has(hostHeader)) throw new HttpError(403, "unexpected Host header");
    const path = new URL(req.url ?? "/", origin).pathname;
    const method = req.method ?? "GET";
    const route = `${method} ${path}`;
    switch (route) {
      case "GET /":
      case "GET /index.html": {
        const nonce = randomBytes(16).toString("base64");
        const html = renderPage({ nonce, token });
        res.writeHead(200, {
          ...securityHeaders(nonce),
          "content-type": "text/html; charset=utf-8",
          "content-length": Buffer.byteLength(html),
        });
        res.end(html);
        return;
      }
      case "GET /favicon.ico":
        res.writeHead(204, securityHeaders());
        res.end();
        return;
      case "GET /api/status": {
        const r = await readStatus();
        if ("error" in r) throw new HttpError(503, `node status unavailable: ${r.error}`);
        sendJson(res, 200, r.json);
        return;
      }
      case "GET /api/events":
        return handleEvents(req, res);
      case "POST /api/limit":
        return handleLimit(req, res);
    }
    if (["/", "/index.html", "/favicon.ico", "/api/status", "/api/events", "/api/limit"].includes(path)) {
      throw new HttpError(405, `${method} not allowed on ${path}`);
    }
    throw new HttpError(404, `no such page: ${path}`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : "internal error";
      if (!(err instanceof HttpError)) console.error("dashboard:", err);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // drain what is left of a refused body so the client reads the answer, not a reset
      req.resume();
      sendJson(res, status, { error: message });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host.replace(/^\[|\]$/g, ""), () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const bare = host.replace(/^\[|\]$/g, "");
  const urlHost = isIP(bare) === 6 ? `[${bare}]` : bare;
  origin = `http://${urlHost}:${port}`;
  allowedHosts = new Set([`${urlHost}:${port}`.toLowerCase()]);
  // `localhost` is resolved on this machine, never by an attacker's DNS, so it is as safe as the address
  if (isLoopback(bare) || bare === "localhost") allowedHosts.add(`localhost:${port}`);

  return {
    url: `${origin}/`,
    token,
    refresh: () => tick(true),
    async close() {
      clearInterval(timer);
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
