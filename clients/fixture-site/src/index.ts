/**
 * `@lumora/fixture-site` — a deterministic local website on loopback for the executor's scraper tests
 * (clients/node) and the end-to-end demo (clients/consumer). Four virtual hosts, each its own
 * `node:http` server on 127.0.0.1 with a random port, so every URL is real and fetchable:
 *
 * - `catalogue` — `pages` product list pages (`/products/page/<n>`), detail pages, a robots.txt with a
 *   group for `LumoraNode` (Allow/Disallow with `*` and `$`, Crawl-delay) and a stricter `*` group,
 *   redirect chains, redirects to private and metadata addresses, an oversized page (streamed, with and
 *   without Content-Length), a wrong content type, JSON and plain-text endpoints.
 * - `slow` — answers after `slowMs` (robots.txt is 404 and immediate); `/drip` trickles its body.
 * - `failing` — `/error` is a 500, `/reset` drops the connection, `/ok.html` works; robots.txt is 404.
 * - `blocked` — robots.txt answers 503 (a crawler must then treat the whole host as disallowed).
 *
 * The ground truth is exposed ({@link FixtureSite.catalogue}, {@link FixtureSite.expectedRecords}) so a
 * test or the demo can check scraped records exactly; every request is logged with its time
 * ({@link FixtureSite.requests}) so rate limits and refusals can be checked from the server side.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type Catalogue, generateCatalogue, renderDetailPage, renderListPage } from "./data.js";

export { type Catalogue, type CataloguePage, type Product, generateCatalogue, prng } from "./data.js";

export const FIXTURE_HOSTS = ["catalogue", "slow", "failing", "blocked"] as const;
export type FixtureHost = (typeof FIXTURE_HOSTS)[number];

/** Options of {@link startFixtureSite}; every field is optional. */
export interface FixtureSiteOptions {
  /** Seed of the generated catalogue (default `"lumora"`). */
  seed?: string;
  /** Number of product list pages (default 40). */
  pages?: number;
  /** Products per list page (default 12). */
  perPage?: number;
  /** `Crawl-delay` (seconds) declared for `LumoraNode` in the catalogue's robots.txt (default 0.1). */
  crawlDelaySec?: number;
  /** Delay of the slow host before it answers, ms (default 2000). */
  slowMs?: number;
  /** Size of the oversized pages `/big.html` and `/big-declared.html`, bytes (default 16 MiB). */
  bigBytes?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
}

/** One request as the fixture saw it. */
export interface FixtureRequest {
  host: FixtureHost;
  /** Path and query as requested. */
  path: string;
  /** `performance.now()` when the request arrived, ms. */
  at: number;
  userAgent: string | undefined;
  /** Status sent (0 when the connection was dropped on purpose). */
  status: number;
  /** Whether the whole response was written before the connection closed (false: the client aborted). */
  completed: boolean;
  /** Body bytes written so far by streamed responses (`/big.html`, `/big-declared.html`, `/drip`). */
  bytesWritten: number;
}

/** A scraping spec as `@lumora/sdk`'s `TaskSpec` defines it (kept structural: the fixture has no dependencies). */
export interface FixtureSpec {
  version: 1;
  urls: string[];
  contentType: "text/html" | "application/json" | "text/plain";
  format: "jsonl" | "csv";
  item?: string;
  fields: Record<string, { selector: string; attr?: string }>;
}

/** A record as the executor's scraper normalises it: the page URL, then the field values. */
export type FixtureRecord = { url: string } & Record<string, unknown>;

export interface FixtureSite {
  /** Base URL of each host, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  hosts: Record<FixtureHost, string>;
  /** Port of each host (to build URLs with other host names that a test DNS hook maps to loopback). */
  ports: Record<FixtureHost, number>;
  /** The generated catalogue (the ground truth). */
  catalogue: Catalogue;
  /** Every request received so far, in arrival order. */
  requests: FixtureRequest[];
  /** The `LumoraNode` crawl delay declared in the catalogue's robots.txt, seconds. */
  crawlDelaySec: number;
  /** URL of catalogue list page `n` (1-based), on `base` (default the catalogue host). */
  pageUrl(n: number, base?: string): string;
  /** The spec that extracts products from list pages: item `li.product`, fields title, price, link. */
  productSpec(urls: string[], format?: "jsonl" | "csv"): FixtureSpec;
  /**
   * The records an honest executor extracts from `url` (a list page with {@link productSpec}, a
   * `/api/page/<n>.json` page with a JSON spec, or `/notes.txt` with a text spec). Links resolve against
   * `url` itself, so a list page requested under another host name yields links under that name.
   */
  expectedRecords(url: string): FixtureRecord[];
  close(): Promise<void>;
}

const LIST = /^\/products\/page\/(\d+)$/;
const DETAIL = /^\/products\/item\/(p\d{4})$/;
const API = /^\/api\/page\/(\d+)\.json$/;

/** The plain-text page served at `/notes.txt`. */
export const NOTES_TXT = "Lumora fixture notes\n\nThis host is a test fixture.\r\nLines   keep   their spacing.\n";

function robotsTxt(crawlDelaySec: number): string {
  return `# Lumora fixture site. The LumoraNode group is the one our crawler must use; the * group is
# stricter (and slower) so a crawler that falls back to it, or merges it, is caught by the tests.
User-agent: *
Disallow: /private/
Disallow: /products/
Crawl-delay: 5

User-agent: OtherBot
User-agent: LumoraNode
Disallow: /private/
Allow: /private/open/
Disallow: /*.pdf$
Disallow: /search?
Disallow: /redirect/to-private-page
Crawl-delay: ${crawlDelaySec}

Sitemap: /sitemap.xml
`;
}

function jsonProduct(p: { id: string; title: string; price: string | null; path: string }) {
  // keys in sorted order: the scraper emits JSON data with sorted keys
  return { id: p.id, link: p.path, price: p.price, title: p.title };
}

/** Starts the fixture site; resolves when every host listens. */
export async function startFixtureSite(opts: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const seed = opts.seed ?? "lumora";
  const pages = opts.pages ?? 40;
  const perPage = opts.perPage ?? 12;
  const crawlDelaySec = opts.crawlDelaySec ?? 0.1;
  const slowMs = opts.slowMs ?? 2000;
  const bigBytes = opts.bigBytes ?? 16 * 1024 * 1024;
  const listen = opts.host ?? "127.0.0.1";
  const catalogue = generateCatalogue(seed, pages, perPage);
  const byId = new Map(catalogue.pages.flatMap((p) => p.products.map((x) => [x.id, x] as const)));
  const requests: FixtureRequest[] = [];
  const hosts = {} as Record<FixtureHost, string>;
  const ports = {} as Record<FixtureHost, number>;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = (res: ServerResponse, status: number, type: string | null, body: string | Buffer, extra: Record<string, string> = {}) => {
    const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    const headers: Record<string, string | number> = { "content-length": buf.length, ...extra };
    if (type) headers["content-type"] = type;
    res.writeHead(status, headers);
    res.end(buf);
  };
  const html = (res: ServerResponse, body: string, status = 200) => send(res, status, "text/html; charset=utf-8", body);
  const redirect = (res: ServerResponse, status: number, location: string) => send(res, status, "text/html; charset=utf-8", `<a href="${location}">moved</a>`, { location });
  const notFound = (res: ServerResponse) => html(res, "<!doctype html><title>404</title><p>not found</p>", 404);

  /** Streams `total` bytes of HTML in 64 KiB chunks, honouring backpressure, stopping if the client goes away. */
  const streamBig = (res: ServerResponse, total: number, declared: boolean) => {
    res.writeHead(200, declared ? { "content-type": "text/html; charset=utf-8", "content-length": total } : { "content-type": "text/html; charset=utf-8" });
    const chunk = Buffer.alloc(64 * 1024, "<p>lorem ipsum dolor sit amet</p>\n");
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };

  const handlers: Record<FixtureHost, (req: IncomingMessage, res: ServerResponse, url: URL) => void> = {
    catalogue: (_req, res, url) => {
      const p = url.pathname;
      let m: RegExpMatchArray | null;
      if (p === "/robots.txt") return send(res, 200, "text/plain; charset=utf-8", robotsTxt(crawlDelaySec));
      if (p === "/") {
        const links = catalogue.pages.map((pg) => `<li><a href="${pg.path}">page ${pg.n}</a></li>`).join("\n");
        return html(res, `<!doctype html><html><head><meta charset="utf-8"><title>Catalogue</title></head><body><ul>\n${links}\n</ul></body></html>\n`);
      }
      if ((m = p.match(LIST))) {
        const page = catalogue.pages[Number(m[1]) - 1];
        return page ? html(res, renderListPage(page, pages)) : notFound(res);
      }
      if ((m = p.match(DETAIL))) {
        const prod = byId.get(m[1]!);
        return prod ? html(res, renderDetailPage(prod)) : notFound(res);
      }
      if ((m = p.match(API))) {
        const page = catalogue.pages[Number(m[1]) - 1];
        if (!page) return send(res, 404, "application/json", '{"error":"not found"}');
        return send(res, 200, "application/json; charset=utf-8", JSON.stringify(page.products.map(jsonProduct), null, 2));
      }
      switch (p) {
        case "/api/summary.json":
          return send(res, 200, "application/json", JSON.stringify({ seed, pages, products: pages * perPage }));
        case "/notes.txt":
          return send(res, 200, "text/plain; charset=utf-8", NOTES_TXT);
        case "/private/secret.html":
          return html(res, "<!doctype html><title>secret</title><p class='secret'>a crawler obeying robots.txt never reads this</p>");
        case "/private/open/note.html":
          return html(res, "<!doctype html><title>open note</title><p class='note'>  allowed by the longer Allow rule  </p>");
        case "/docs/manual.pdf":
          return send(res, 200, "application/pdf", "%PDF-1.4 fixture");
        case "/search":
          return html(res, "<!doctype html><title>search</title><p>results</p>");
        case "/image.png":
          return send(res, 200, "image/png", Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
        case "/no-type":
          return send(res, 200, null, "<p>no content type</p>");
        case "/gzip.html":
          return send(res, 200, "text/html", Buffer.from("1f8b08000000000000ff", "hex"), { "content-encoding": "gzip" });
        case "/big.html":
          return streamBig(res, bigBytes, false);
        case "/big-declared.html":
          return streamBig(res, bigBytes, true);
        case "/redirect/chain/1":
          return redirect(res, 301, "/redirect/chain/2");
        case "/redirect/chain/2":
          return redirect(res, 302, `${hosts.catalogue}/redirect/chain/3`);
        case "/redirect/chain/3":
          return redirect(res, 307, "../../products/page/1");
        case "/redirect/private":
          return redirect(res, 302, "http://10.0.0.1/");
        case "/redirect/metadata":
          return redirect(res, 302, "http://169.254.169.254/latest/meta-data/");
        case "/redirect/ftp":
          return redirect(res, 302, "ftp://127.0.0.1/file.txt");
        case "/redirect/disallowed":
          return redirect(res, 302, "/private/secret.html");
        case "/redirect/blocked":
          return redirect(res, 302, `${hosts.blocked}/page.html`);
        case "/redirect/no-location":
          return send(res, 302, "text/html", "no location");
        case "/redirect/to": {
          const to = url.searchParams.get("url");
          return to ? redirect(res, 302, to) : notFound(res);
        }
      }
      const loop = p.match(/^\/redirect\/loop\/(\d+)$/);
      if (loop) return redirect(res, 302, `/redirect/loop/${Number(loop[1]) + 1}`);
      return notFound(res);
    },
    slow: (_req, res, url) => {
      if (url.pathname === "/robots.txt") return notFound(res);
      if (url.pathname === "/drip") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        let n = 0;
        const tick = () => {
          if (res.destroyed) return;
          if (n++ >= 100) return void res.end("</p>");
          res.write(n === 1 ? "<p>" : ".");
          later(Math.max(1, Math.floor(slowMs / 20)), tick);
        };
        return tick();
      }
      later(slowMs, () => {
        if (!res.destroyed) html(res, "<!doctype html><title>slow</title><p class='slow'>finally</p>");
      });
    },
    failing: (req, res, url) => {
      switch (url.pathname) {
        case "/robots.txt":
          return notFound(res);
        case "/error":
          return html(res, "<!doctype html><title>500</title><p>internal error</p>", 500);
        case "/unavailable":
          return html(res, "<!doctype html><title>503</title>", 503);
        case "/reset":
          (req.socket as Socket).resetAndDestroy();
          return;
        case "/ok.html":
          return html(res, "<!doctype html><title>ok</title><ul><li class='product'><h2 class='title'>Still here</h2></li></ul>");
      }
      return notFound(res);
    },
    blocked: (_req, res, url) => {
      if (url.pathname === "/robots.txt") return send(res, 503, "text/plain", "try later");
      return html(res, "<!doctype html><title>blocked</title><p>a crawler must not read this while robots.txt is 5xx</p>");
    },
  };

  const servers: Server[] = [];
  for (const name of FIXTURE_HOSTS) {
    const server = createServer((req, res) => {
      const entry: FixtureRequest = { host: name, path: req.url ?? "/", at: performance.now(), userAgent: req.headers["user-agent"], status: 0, completed: false, bytesWritten: 0 };
      requests.push(entry);
      const write = res.write.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (typeof chunk === "string" || chunk instanceof Uint8Array) entry.bytesWritten += Buffer.byteLength(chunk as string);
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      res.on("close", () => {
        entry.status = res.headersSent ? res.statusCode : 0;
        entry.completed = res.writableFinished;
      });
      const url = new URL(req.url ?? "/", "http://fixture.invalid");
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "GET only");
      handlers[name](req, res, url);
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, listen, () => resolve());
    });
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    ports[name] = port;
    hosts[name] = `http://${listen.includes(":") ? `[${listen}]` : listen}:${port}`;
  }

  const productSpec = (urls: string[], format: "jsonl" | "csv" = "jsonl"): FixtureSpec => ({
    version: 1,
    urls,
    contentType: "text/html",
    format,
    item: "li.product",
    fields: { title: { selector: "h2.title" }, price: { selector: ".price" }, link: { selector: "a.details", attr: "href" } },
  });

  const expectedRecords = (raw: string): FixtureRecord[] => {
    const url = new URL(raw);
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(LIST))) {
      const page = catalogue.pages[Number(m[1]) - 1];
      if (!page) throw new RangeError(`no list page ${m[1]}`);
      return page.products.map((p) => ({ url: url.href, title: p.title, price: p.price, link: new URL(p.path, url).href }));
    }
    if ((m = url.pathname.match(API))) {
      const page = catalogue.pages[Number(m[1]) - 1];
      if (!page) throw new RangeError(`no API page ${m[1]}`);
      return page.products.map((p) => ({ url: url.href, data: jsonProduct(p) }));
    }
    if (url.pathname === "/notes.txt") return [{ url: url.href, text: NOTES_TXT }];
    throw new RangeError(`no ground truth for ${raw}`);
  };

  return {
    hosts,
    ports,
    catalogue,
    requests,
    crawlDelaySec,
    pageUrl: (n, base = hosts.catalogue) => `${base}/products/page/${n}`,
    productSpec,
    expectedRecords,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
