/**
 * The executor's fetcher (issue 10, docs/scraping.md). Every request — page, redirect hop or robots.txt
 * — goes through one path that enforces the rules in this order:
 *
 * 1. scheme http/https only, no credentials in the URL;
 * 2. SSRF: the host name is resolved (every address), the request is refused if ANY address is not a
 *    public unicast address (address.ts), and the connection is pinned to the vetted address through an
 *    undici `Agent` whose `connect.lookup` returns it, so a DNS answer cannot change between check and
 *    connect (no rebinding);
 * 3. robots.txt of the URL's origin (fetched once per origin and cached; 4xx → allow all, 5xx or
 *    unreachable → disallow all);
 * 4. per-host politeness: one request at a time per host — its vetted address and port, so two names
 *    of one server share a budget —, each starting at least
 *    max(`perHostMinIntervalMs`, robots Crawl-delay) after the previous one to that host finished;
 * 5. the response: redirects (manual) re-enter at step 1 with a budget of `maxRedirects`; other non-2xx
 *    statuses fail; the Content-Type must be in the allow-list and Content-Encoding identity, both read
 *    from the headers before any body byte; the body is streamed, counted against `maxResponseBytes`
 *    (aborted the moment it is exceeded) and against the shared bandwidth bucket.
 *
 * With a {@link Connector} (docs/relay.md) every connection is opened through it — a relay provider's
 * `/lumora/relay/1` session — instead of directly; TLS is then done here, over the relayed stream, so it
 * stays end to end. Every rule above applies unchanged (the executor still vets and resolves the name
 * itself: the spacing key and the SSRF refusal do not depend on the provider). A hop that fails with a
 * network error or a timeout while relaying is retried, whole, up to `relayRetries` times: the connector
 * then picks another provider, and a page's records come from one complete response only.
 * @module
 */
import { lookup as dnsLookup } from "node:dns/promises";
import net, { isIP, type LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { Agent, type buildConnector, request } from "undici";
import type { TaskSpec } from "@lumora/sdk";
import { forbiddenReason } from "./address.js";
import { ScrapeError } from "./errors.js";
import { type ScrapeRecord, extractRecords, formatRecords } from "./extract.js";
import { ALLOW_ALL, DISALLOW_ALL, type Robots, parseRobots, robotsAllows } from "./robots.js";

export const DEFAULT_USER_AGENT = "LumoraNode/0.1";

/** A resolved address, as `dns.lookup(host, { all: true })` returns them. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (tests map fixture names with it). */
export type LookupHook = (hostname: string) => Promise<ResolvedAddress[]>;

/** Anything with the `take` of `@lumora/network`'s `TokenBucket`: bytes read consume tokens, waiting when the bucket is empty. */
export interface BandwidthLimiter {
  take(n: number, signal?: AbortSignal): Promise<void>;
}

/** Where a connection goes: the URL's host name and port, and the address the executor vetted. */
export interface ConnectTarget {
  /** Host name (or IP literal, no brackets) as in the URL. */
  host: string;
  port: number;
  /** The vetted address (the executor's resolution). */
  address: string;
  family: 4 | 6;
  protocol: "http:" | "https:";
}

/**
 * Opens the byte stream of one connection (before TLS): a relayed socket, or `null` to connect directly.
 * Throws to fail the request (a `Network` error of the page).
 */
export type Connector = (target: ConnectTarget, signal?: AbortSignal) => Promise<Duplex | null>;

/** Options of {@link Scraper}; every field is optional. */
export interface ScraperOptions {
  /** Sent as User-Agent; its product token (before `/`) selects our robots.txt group. Default `LumoraNode/0.1`. */
  userAgent?: string;
  /** Largest body accepted per response, bytes (default 5 MiB). */
  maxResponseBytes?: number;
  /** Largest robots.txt read, bytes; the rest is ignored (default 500 KiB, as Google). */
  maxRobotsBytes?: number;
  /** Smallest pause between the end of one request to a host and the start of the next, ms (default 1000); a larger robots Crawl-delay wins. */
  perHostMinIntervalMs?: number;
  /** Redirects followed per page (default 5). */
  maxRedirects?: number;
  /**
   * Time limit of one request (connect, headers and body of one hop), ms (default 15000). It includes
   * the waits for bandwidth tokens, so keep it above `maxResponseBytes` / the bucket's rate.
   */
  timeoutMs?: number;
  /** Pages fetched in parallel by {@link Scraper.scrape} (different hosts; one host is always serial). Default 4. */
  concurrency?: number;
  /** How long a fetched robots.txt is reused, ms (default 1 hour). */
  robotsCacheMs?: number;
  /** Shared bandwidth bucket (the operator's limit); every body byte read takes a token. */
  bandwidth?: BandwidthLimiter;
  /**
   * TEST ONLY: allow loopback addresses (127/8, ::1) so the loopback fixture site can be scraped. Every
   * other non-public address (private, link-local, metadata, CGNAT, ULA, …) stays refused. Default false.
   */
  allowLoopback?: boolean;
  /** Host name resolution (default `dns.lookup` with `all: true`). */
  lookup?: LookupHook;
  /** Opens connections (through relay providers); default: direct. */
  connector?: Connector;
  /** Retries of a hop that failed with a network error or a timeout while a connector is set (default 2). */
  relayRetries?: number;
  /** TEST ONLY: extra trusted CA certificates (PEM), added to Node's roots (the test site's own CA). */
  extraCaForTests?: string[];
}

/** A fetched page. */
export interface FetchedPage {
  /** The URL asked for. */
  url: string;
  /** The URL of the response read, after redirects. */
  finalUrl: string;
  /** The redirect targets followed, in order. */
  redirects: string[];
  status: number;
  /** The media type (lower case, no parameters). */
  contentType: string;
  charset: string | undefined;
  body: Uint8Array;
}

/** The outcome of one spec URL: its records, or the typed error that stopped it. */
export type PageResult =
  | { url: string; ok: true; finalUrl: string; redirects: string[]; status: number; bytes: number; records: ScrapeRecord[] }
  | { url: string; ok: false; error: ScrapeError };

export interface ScrapeResult {
  /** One entry per spec URL, in spec order. */
  pages: PageResult[];
  /** The records of every successful page, in spec order then page order. */
  records: ScrapeRecord[];
  /** `records` in the spec's format (JSONL or CSV). */
  output: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Connection pools kept open at once (one per origin and vetted address). */
const MAX_AGENTS = 64;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A vetted destination: the host's address that passed the SSRF check. */
interface Target {
  address: string;
  family: 4 | 6;
}

interface HostState {
  /** When the last request to the host finished (performance.now, ms): the next one starts `interval` later. */
  last: number;
  /** Resolves when the current holder of the host releases it. */
  tail: Promise<void>;
}

/** The executor's fetcher and extractor; one per node (or per task), {@link Scraper.close} when done. */
export class Scraper {
  readonly userAgent: string;
  private readonly product: string;
  private readonly maxResponseBytes: number;
  private readonly maxRobotsBytes: number;
  private readonly minIntervalMs: number;
  private readonly maxRedirects: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly robotsCacheMs: number;
  private readonly bandwidth: BandwidthLimiter | undefined;
  private readonly allowLoopback: boolean;
  private readonly lookup: LookupHook;
  private readonly connector: Connector | undefined;
  private readonly relayRetries: number;
  private readonly ca: string[] | undefined;
  private readonly agents = new Map<string, Agent>();
  private readonly robots = new Map<string, { at: number; robots: Promise<Robots> }>();
  private readonly hosts = new Map<string, HostState>();

  constructor(opts: ScraperOptions = {}) {
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.product = this.userAgent.split(/[/\s]/)[0]!;
    this.maxResponseBytes = opts.maxResponseBytes ?? 5 * 1024 * 1024;
    this.maxRobotsBytes = opts.maxRobotsBytes ?? 500 * 1024;
    this.minIntervalMs = opts.perHostMinIntervalMs ?? 1000;
    this.maxRedirects = opts.maxRedirects ?? 5;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.robotsCacheMs = opts.robotsCacheMs ?? 3_600_000;
    this.bandwidth = opts.bandwidth;
    this.allowLoopback = opts.allowLoopback ?? false;
    this.lookup = opts.lookup ?? ((host) => dnsLookup(host, { all: true, verbatim: true }));
    this.connector = opts.connector;
    this.relayRetries = opts.relayRetries ?? 2;
    this.ca = opts.extraCaForTests?.length ? [...tls.rootCertificates, ...opts.extraCaForTests] : undefined;
  }

  /**
   * Fetches every URL of `spec` within the rules and extracts its records. Never throws for a page: each
   * failure is that page's typed error and the other pages go on.
   */
  async scrape(spec: TaskSpec, opts: { signal?: AbortSignal } = {}): Promise<ScrapeResult> {
    const pages: PageResult[] = new Array(spec.urls.length);
    let next = 0;
    const worker = async () => {
      while (next < spec.urls.length) {
        const i = next++;
        const url = spec.urls[i]!;
        try {
          const page = await this.fetchPage(url, { contentTypes: [spec.contentType], signal: opts.signal });
          const text = decode(page.body, page.charset);
          const records = extractRecords({ url, finalUrl: page.finalUrl, text }, spec);
          pages[i] = { url, ok: true, finalUrl: page.finalUrl, redirects: page.redirects, status: page.status, bytes: page.body.length, records };
        } catch (e) {
          pages[i] = { url, ok: false, error: e instanceof ScrapeError ? e : new ScrapeError("Network", url, String((e as Error)?.message ?? e), undefined, { cause: e }) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, spec.urls.length) }, worker));
    const records = pages.flatMap((p) => (p.ok ? p.records : []));
    return { pages, records, output: formatRecords(spec, records) };
  }

  /**
   * Fetches one page under every rule (module doc), following redirects. `contentTypes` is the
   * allow-list of media types (e.g. the spec's `contentType`). Throws {@link ScrapeError}.
   */
  async fetchPage(input: string, opts: { contentTypes: readonly string[]; signal?: AbortSignal }): Promise<FetchedPage> {
    const allowed = opts.contentTypes.map((t) => t.toLowerCase());
    let url = checkUrl(input, input);
    const redirects: string[] = [];
    for (;;) {
      const target = await this.vet(url, opts.signal);
      const robots = await this.robotsFor(url, opts.signal);
      if (!robotsAllows(robots, url))
        throw new ScrapeError("RobotsDisallowed", url.href, robots.disallowAll ? "robots.txt is unavailable (5xx or unreachable): the whole origin is disallowed" : `robots.txt disallows ${url.pathname}${url.search} for ${this.product}`);
      const interval = Math.max(this.minIntervalMs, (robots.crawlDelaySec ?? 0) * 1000);
      const hop = await this.hop<{ redirect: URL } | { page: FetchedPage }>(url, target, { interval, accept: allowed.join(", "), signal: opts.signal }, async (res) => {
        if (REDIRECTS.has(res.status)) {
          const location = res.headers.location;
          if (typeof location !== "string" || location === "") throw new ScrapeError("TooManyRedirects", url.href, `${res.status} without a Location`);
          if (redirects.length >= this.maxRedirects) throw new ScrapeError("TooManyRedirects", url.href, `more than ${this.maxRedirects} redirects`);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new ScrapeError("SchemeRefused", url.href, `unusable Location ${JSON.stringify(location)}`);
          }
          return { redirect: checkUrl(next.href, url.href) };
        }
        if (res.status < 200 || res.status > 299) throw new ScrapeError("HttpStatus", url.href, `HTTP ${res.status}`, res.status);
        const [type, charset] = parseContentType(res.headers["content-type"]);
        if (type === undefined || !allowed.includes(type)) throw new ScrapeError("ContentTypeRefused", url.href, `content type ${type ?? "(none)"} is not one of ${allowed.join(", ")}`);
        const encoding = String(res.headers["content-encoding"] ?? "identity").toLowerCase().trim();
        if (encoding !== "identity" && encoding !== "") throw new ScrapeError("EncodingRefused", url.href, `content encoding ${encoding} (only identity is accepted)`);
        const body = await res.read(this.maxResponseBytes, "fail");
        return { page: { url: input, finalUrl: url.href, redirects, status: res.status, contentType: type, charset, body } };
      });
      if ("page" in hop) return hop.page;
      url = hop.redirect;
      redirects.push(url.href);
    }
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.destroy().catch(() => undefined)));
  }

  /** SSRF check: resolves the host, refuses if any address is forbidden, returns the address to pin. */
  private async vet(url: URL, signal?: AbortSignal): Promise<Target> {
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    const policy = { allowLoopback: this.allowLoopback };
    const literal = forbiddenReason(host, policy);
    if (literal !== "not an IP address") {
      if (literal) throw new ScrapeError("ForbiddenAddress", url.href, `${host} is ${literal}`);
      return { address: host, family: host.includes(":") ? 6 : 4 };
    }
    let addrs: ResolvedAddress[];
    try {
      addrs = await abortable(this.lookup(host), signal);
    } catch (e) {
      if (signal?.aborted) throw new ScrapeError("Aborted", url.href, "aborted", undefined, { cause: e });
      throw new ScrapeError("DnsFailed", url.href, `cannot resolve ${host}: ${(e as Error).message}`, undefined, { cause: e });
    }
    if (addrs.length === 0) throw new ScrapeError("DnsFailed", url.href, `${host} has no address`);
    for (const a of addrs) {
      const why = forbiddenReason(a.address, policy);
      if (why) throw new ScrapeError("ForbiddenAddress", url.href, `${host} resolves to ${a.address}, ${why}`);
    }
    const first = addrs[0]!;
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  /** An agent whose connections go to `target` only, whatever the URL's host name resolves to later. */
  private agentFor(url: URL, target: Target): Agent {
    const key = `${url.protocol}//${url.host}|${target.address}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const pinned: LookupFunction = (_hostname, options, callback) => {
        if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [{ address: target.address, family: target.family }]);
        else callback(null, target.address, target.family);
      };
      const connect = this.connector ? this.relayedConnect(url, target) : { lookup: pinned, timeout: this.timeoutMs, ...(this.ca ? { ca: this.ca } : {}) };
      agent = new Agent({ connect, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, connections: 2, keepAliveTimeout: 4000 });
      this.agents.set(key, agent);
      if (this.agents.size > MAX_AGENTS) {
        // a long-lived node visits many hosts: close the oldest pool (gracefully: in-flight requests finish)
        const [oldKey, old] = this.agents.entries().next().value!;
        this.agents.delete(oldKey);
        void old.close().catch(() => undefined);
      }
    }
    return agent;
  }

  /**
   * undici's `connect` for a connector: the connector's stream (or a direct socket to the vetted address
   * when it answers `null`), with TLS done here for https — end to end, the relay only moves ciphertext.
   */
  private relayedConnect(url: URL, target: Target): buildConnector.connector {
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    const https = url.protocol === "https:";
    const port = url.port ? Number(url.port) : https ? 443 : 80;
    return (_opts, cb) => {
      (async () => {
        const signal = AbortSignal.timeout(this.timeoutMs);
        const relayed = await this.connector!({ host, port, address: target.address, family: target.family, protocol: https ? "https:" : "http:" }, signal);
        const raw = relayed ?? (await direct(target, port, this.timeoutMs));
        if (!https) return raw;
        const t = tls.connect({ socket: raw, host, servername: isIP(host) ? undefined : host, ALPNProtocols: ["http/1.1"], ...(this.ca ? { ca: this.ca } : {}) });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => t.destroy(new Error(`TLS handshake not done within ${this.timeoutMs} ms`)), this.timeoutMs);
          t.once("secureConnect", () => (clearTimeout(timer), resolve()));
          t.once("error", (e) => (clearTimeout(timer), reject(e)));
        });
        return t as Duplex;
      })().then(
        // undici reads and writes the socket through the stream API only: a Duplex serves
        (sock) => cb(null, sock as unknown as import("node:net").Socket),
        (e: Error) => cb(e, null),
      );
    };
  }

  /** robots.txt of `url`'s origin, fetched once (per cache period) under the same SSRF rules. */
  private robotsFor(url: URL, signal?: AbortSignal): Promise<Robots> {
    const origin = url.origin;
    const cached = this.robots.get(origin);
    if (cached && performance.now() - cached.at < this.robotsCacheMs) return abortable(cached.robots, signal);
    const robots = this.fetchRobots(new URL("/robots.txt", origin));
    const now = performance.now();
    if (this.robots.size >= 1024) for (const [k, v] of this.robots) if (now - v.at >= this.robotsCacheMs) this.robots.delete(k);
    this.robots.set(origin, { at: now, robots });
    return abortable(robots, signal);
  }

  private async fetchRobots(start: URL): Promise<Robots> {
    let url = start;
    try {
      for (let hops = 0; ; hops++) {
        const target = await this.vet(url);
        const step = await this.hop<{ redirect: URL } | { robots: Robots }>(url, target, { interval: this.minIntervalMs, accept: "text/plain, */*" }, async (res) => {
          if (REDIRECTS.has(res.status) && typeof res.headers.location === "string" && hops < 5) return { redirect: checkUrl(new URL(res.headers.location, url).href, url.href) };
          if (res.status >= 200 && res.status <= 299) {
            const body = await res.read(this.maxRobotsBytes, "truncate");
            return { robots: parseRobots(new TextDecoder().decode(body), this.product) };
          }
          // RFC 9309 §2.3.1: 4xx "unavailable" → no restrictions; 5xx (and 429, and a redirect loop) "unreachable" → complete disallow
          return { robots: res.status >= 400 && res.status <= 499 && res.status !== 429 ? ALLOW_ALL : DISALLOW_ALL };
        });
        if ("robots" in step) return step.robots;
        url = step.redirect;
      }
    } catch {
      return DISALLOW_ALL; // unreachable (DNS, forbidden redirect, network, timeout): disallow all
    }
  }

  /**
   * Serialises requests per host and starts each one at least `interval` ms after the previous one
   * finished (so the server sees gaps of at least `interval`, whatever the latency). Returns the release
   * function, to call when the request is over.
   */
  private async acquireHost(host: string, interval: number, signal?: AbortSignal): Promise<() => void> {
    let st = this.hosts.get(host);
    if (!st) {
      st = { last: -Infinity, tail: Promise.resolve() };
      this.hosts.set(host, st);
    }
    const prev = st.tail;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    st.tail = prev.then(() => mine);
    try {
      await abortable(prev, signal);
      const wait = st.last + interval - performance.now();
      if (wait > 0) await sleep(wait, signal);
    } catch (e) {
      release(); // never started: the spacing still counts from the previous request
      throw e;
    }
    const state = st;
    return () => {
      state.last = performance.now();
      release();
    };
  }

  /**
   * One request to `url`, connected to `target`, under the host's rate limit and the hop's time limit;
   * `handle` reads the response (or not: an unread body is discarded without being downloaded).
   */
  private async hop<T>(url: URL, target: Target, o: { interval: number; accept: string; signal?: AbortSignal }, handle: (res: HopResponse) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.hopOnce(url, target, o, handle);
      } catch (e) {
        // through a relay, a broken or stalled connection is retried whole: the connector picks another provider
        const retry = this.connector && attempt < this.relayRetries && e instanceof ScrapeError && (e.code === "Network" || e.code === "Timeout") && !o.signal?.aborted;
        if (!retry) throw e;
        await this.dropAgent(url, target);
      }
    }
  }

  /** Closes the pool of (url's origin, target) so the next attempt opens a fresh connection. */
  private async dropAgent(url: URL, target: Target): Promise<void> {
    const key = `${url.protocol}//${url.host}|${target.address}`;
    const agent = this.agents.get(key);
    this.agents.delete(key);
    await agent?.destroy().catch(() => undefined);
  }

  private async hopOnce<T>(url: URL, target: Target, o: { interval: number; accept: string; signal?: AbortSignal }, handle: (res: HopResponse) => Promise<T>): Promise<T> {
    let release: () => void;
    try {
      release = await this.acquireHost(`${target.address}|${url.port || (url.protocol === "https:" ? 443 : 80)}`, o.interval, o.signal);
    } catch (e) {
      throw new ScrapeError("Aborted", url.href, "aborted while waiting for the host's rate limit", undefined, { cause: e });
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
    const fail = (e: unknown): ScrapeError => {
      if (e instanceof ScrapeError) return e;
      if (o.signal?.aborted) return new ScrapeError("Aborted", url.href, "aborted", undefined, { cause: e });
      const code = (e as { code?: string })?.code ?? "";
      if (timeout.aborted || /TIMEOUT/.test(code)) return new ScrapeError("Timeout", url.href, `no complete response within ${this.timeoutMs} ms`, undefined, { cause: e });
      return new ScrapeError("Network", url.href, `${code ? `${code}: ` : ""}${(e as Error)?.message ?? e}`, undefined, { cause: e });
    };
    let body: import("node:stream").Readable | undefined;
    try {
      const res = await request(url, {
        method: "GET",
        dispatcher: this.agentFor(url, target),
        headers: { "user-agent": this.userAgent, accept: o.accept, "accept-encoding": "identity" },
        signal,
      });
      body = res.body;
      const stream = res.body;
      stream.on("error", () => undefined); // destroying an unread or capped body is how we refuse it
      const read = async (cap: number, over: "fail" | "truncate"): Promise<Uint8Array> => {
        const declared = Number(res.headers["content-length"]);
        if (over === "fail" && Number.isFinite(declared) && declared > cap) throw new ScrapeError("TooLarge", url.href, `Content-Length ${declared} exceeds ${cap} bytes`);
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          if (this.bandwidth) await this.bandwidth.take(chunk.length, signal);
          if (total + chunk.length > cap) {
            stream.destroy();
            if (over === "fail") throw new ScrapeError("TooLarge", url.href, `body exceeds ${cap} bytes`);
            chunks.push(chunk.subarray(0, cap - total));
            total = cap;
            break;
          }
          chunks.push(chunk);
          total += chunk.length;
        }
        return new Uint8Array(Buffer.concat(chunks, total));
      };
      return await handle({ status: res.statusCode, headers: res.headers, read });
    } catch (e) {
      throw fail(e);
    } finally {
      if (body && !body.destroyed && !body.readableEnded) body.destroy();
      release();
    }
  }
}

interface HopResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Streams the body up to `cap` bytes: over it, `fail` throws TooLarge, `truncate` keeps the first `cap` bytes. */
  read(cap: number, over: "fail" | "truncate"): Promise<Uint8Array>;
}

/** A direct TCP connection to the vetted address (a connector that answered `null`). */
function direct(target: Target, port: number, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: target.address, port, family: target.family, noDelay: true });
    const timer = setTimeout(() => s.destroy(new Error(`connect timeout after ${timeoutMs} ms`)), timeoutMs);
    s.once("connect", () => (clearTimeout(timer), resolve(s)));
    s.once("error", (e) => (clearTimeout(timer), reject(e)));
  });
}

/** Parses and checks a URL: http(s) only, no credentials; the fragment is dropped. */
function checkUrl(raw: string, context: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ScrapeError("SchemeRefused", context, `not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ScrapeError("SchemeRefused", raw, `scheme ${url.protocol} is refused (http and https only)`);
  if (url.username || url.password) throw new ScrapeError("SchemeRefused", raw, "credentials in URLs are refused");
  url.hash = "";
  return url;
}

/** `[media type, charset]` of a Content-Type header (lower case), or `[undefined]` when absent. */
export function parseContentType(header: string | string[] | undefined): [string | undefined, string | undefined] {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return [undefined, undefined];
  const [type, ...params] = value.split(";");
  let charset: string | undefined;
  for (const p of params) {
    const [k, v] = p.split("=");
    if (k?.trim().toLowerCase() === "charset" && v) charset = v.trim().replace(/^"|"$/g, "").toLowerCase();
  }
  return [type!.trim().toLowerCase(), charset];
}

/** Decodes a body with its declared charset (UTF-8 when absent or unknown); invalid bytes become U+FFFD. */
export function decode(body: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}
