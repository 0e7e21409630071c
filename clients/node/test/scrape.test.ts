// The executor's scraper against the real fixture website on loopback (@lumora/fixture-site): scraping
// within the rules with exact records, robots.txt and SSRF refusals, rate limits measured on the server
// side, size and content-type caps, redirects, slow and failing hosts, JSONL/CSV output. The DNS hook is
// used only to give fixture hosts names (`*.lumora.test`) or to make a name resolve to a private address.
import { expect } from "chai";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { TokenBucket } from "@lumora/network";
import type { TaskSpec } from "@lumora/sdk";
import { type LookupHook, type PageResult, Scraper, type ScraperOptions, recordsToCsv, recordsToJsonl } from "../src/scrape/index.js";

const CRAWL_DELAY_SEC = 0.08;
const SLOW_MS = 1500;

/** Parses RFC 4180 CSV (the test's own reader, so the writer is not checked against itself). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += c;
  }
  expect(cell === "" && row.length === 0, "CSV ends with CRLF").to.equal(true);
  return rows;
}

describe("scraper on the loopback fixture site", () => {
  let site: FixtureSite;
  const scrapers: Scraper[] = [];
  /** A scraper with the test flag (loopback allowed) unless overridden; closed after the suite. */
  const scraper = (o: ScraperOptions = {}) => {
    const s = new Scraper({ allowLoopback: true, perHostMinIntervalMs: 0, timeoutMs: 5000, ...o });
    scrapers.push(s);
    return s;
  };
  const spec = (urls: string[], format: "jsonl" | "csv" = "jsonl") => site.productSpec(urls, format) as TaskSpec;
  const err = (p: PageResult | undefined) => {
    expect(p, "page result").to.not.equal(undefined);
    if (p!.ok) expect.fail(`expected ${p!.url} to fail, it gave ${p!.records.length} records`);
    return (p as Extract<PageResult, { ok: false }>).error;
  };
  /** Requests the fixture received since `from` (an index into site.requests). */
  const since = (from: number) => site.requests.slice(from);
  const c = () => site.hosts.catalogue;

  before(async () => {
    site = await startFixtureSite({ crawlDelaySec: CRAWL_DELAY_SEC, slowMs: SLOW_MS });
  });
  after(async () => {
    await Promise.all(scrapers.map((s) => s.close()));
    await site.close();
  });

  it("scrapes all 40 catalogue pages within the rules: exact records, one robots.txt, our agent, Crawl-delay spacing", async () => {
    const urls = site.catalogue.pages.map((p) => site.pageUrl(p.n));
    expect(urls).to.have.length(40);
    const from = site.requests.length;
    const t0 = performance.now();
    const res = await scraper({ concurrency: 4 }).scrape(spec(urls));
    expect(res.pages.map((p) => p.ok)).to.deep.equal(urls.map(() => true));
    const expected = urls.flatMap((u) => site.expectedRecords(u));
    expect(expected).to.have.length(40 * 12);
    expect(expected.some((r) => r.price === null), "the fixture has products without a price").to.equal(true);
    expect(res.records).to.deep.equal(expected);
    expect(res.output).to.equal(expected.map((r) => JSON.stringify(r) + "\n").join(""));

    const reqs = since(from);
    expect(reqs.filter((r) => r.path === "/robots.txt")).to.have.length(1);
    expect(reqs[0]!.path).to.equal("/robots.txt");
    expect(new Set(reqs.map((r) => r.userAgent))).to.deep.equal(new Set(["LumoraNode/0.1"]));
    // one host, one request at a time, starts spaced by the robots Crawl-delay (0.08 s > perHostMinIntervalMs 0)
    const gaps = reqs.slice(1).map((r, i) => r.at - reqs[i]!.at);
    expect(Math.min(...gaps)).to.be.at.least(CRAWL_DELAY_SEC * 1000 - 2);
    expect(performance.now() - t0).to.be.at.least(40 * CRAWL_DELAY_SEC * 1000 - 5);
  });

  it("per-host rate limit: starts spaced by perHostMinIntervalMs when it exceeds the Crawl-delay", async () => {
    const from = site.requests.length;
    const res = await scraper({ perHostMinIntervalMs: 250 }).scrape(spec([1, 2, 3, 4].map((n) => site.pageUrl(n))));
    expect(res.pages.every((p) => p.ok)).to.equal(true);
    const reqs = since(from);
    expect(reqs.map((r) => r.path)).to.deep.equal(["/robots.txt", "/products/page/1", "/products/page/2", "/products/page/3", "/products/page/4"]);
    const gaps = reqs.slice(1).map((r, i) => r.at - reqs[i]!.at);
    expect(Math.min(...gaps)).to.be.at.least(248);
  });

  it("robots.txt: disallowed paths are refused without being requested; the longer Allow wins; 5xx robots.txt disallows the host", async () => {
    const from = site.requests.length;
    const urls = [`${c()}/private/secret.html`, `${c()}/docs/manual.pdf`, `${c()}/search?q=lamp`, `${c()}/private/open/note.html`, `${site.hosts.blocked}/page.html`];
    const res = await scraper().scrape({ ...spec(urls), item: undefined, fields: { note: { selector: "p" } } } as TaskSpec);
    for (const i of [0, 1, 2, 4]) expect(err(res.pages[i]).code, urls[i]).to.equal("RobotsDisallowed");
    expect(err(res.pages[4]).message).to.match(/unavailable/);
    expect(res.pages[3]!.ok).to.equal(true);
    expect(res.records).to.deep.equal([{ url: urls[3], note: "allowed by the longer Allow rule" }]);
    const paths = since(from).map((r) => `${r.host}${r.path}`);
    expect(paths.sort()).to.deep.equal(["blocked/robots.txt", "catalogue/private/open/note.html", "catalogue/robots.txt"]);
  });

  it("redirects are re-checked: a chain to an allowed page is followed, a hop robots.txt disallows (same or another host) is refused", async () => {
    const from = site.requests.length;
    const urls = [`${c()}/redirect/chain/1`, `${c()}/redirect/disallowed`, `${c()}/redirect/blocked`];
    const res = await scraper().scrape(spec(urls));
    const ok = res.pages[0]!;
    if (!ok.ok) expect.fail(ok.error.message);
    expect(ok.finalUrl).to.equal(site.pageUrl(1));
    expect(ok.redirects).to.deep.equal([`${c()}/redirect/chain/2`, `${c()}/redirect/chain/3`, site.pageUrl(1)]);
    // records carry the spec URL; links resolve against the final URL
    expect(ok.records).to.deep.equal(site.expectedRecords(site.pageUrl(1)).map((r) => ({ ...r, url: urls[0] })));
    expect(err(res.pages[1]).code).to.equal("RobotsDisallowed");
    expect(err(res.pages[1]).url).to.equal(`${c()}/private/secret.html`);
    expect(err(res.pages[2]).code).to.equal("RobotsDisallowed");
    const paths = since(from).map((r) => `${r.host}${r.path}`);
    expect(paths).to.not.include("catalogue/private/secret.html");
    expect(paths).to.not.include("blocked/page.html");
  });

  it("redirect budget, non-http schemes and a redirect without Location are refused", async () => {
    const urls = [`${c()}/redirect/loop/1`, `${c()}/redirect/ftp`, `${c()}/redirect/no-location`];
    const res = await scraper().scrape(spec(urls));
    expect(err(res.pages[0]).code).to.equal("TooManyRedirects");
    expect(err(res.pages[1]).code).to.equal("SchemeRefused");
    expect(err(res.pages[2]).code).to.equal("TooManyRedirects");
    const short = await scraper({ maxRedirects: 2 }).scrape(spec([`${c()}/redirect/chain/1`]));
    expect(err(short.pages[0]).code).to.equal("TooManyRedirects");
  });

  it("SSRF: redirects to 10.0.0.1 and to the metadata address are refused (before any connection), even with the loopback test flag", async () => {
    const res = await scraper().scrape(spec([`${c()}/redirect/private`, `${c()}/redirect/metadata`]));
    const [a, b] = [err(res.pages[0]), err(res.pages[1])];
    expect([a.code, a.url]).to.deep.equal(["ForbiddenAddress", "http://10.0.0.1/"]);
    expect([b.code, b.url]).to.deep.equal(["ForbiddenAddress", "http://169.254.169.254/latest/meta-data/"]);
    expect(b.message).to.match(/link-local/);
  });

  it("SSRF after DNS: a name resolving to a private or metadata address is refused, directly or as a redirect target; one bad address in the answer is enough", async () => {
    const seen: string[] = [];
    const lookup: LookupHook = async (host) => {
      seen.push(host);
      if (host === "intranet.lumora.test") return [{ address: "10.1.2.3", family: 4 }];
      if (host === "metadata.lumora.test") return [{ address: "169.254.169.254", family: 4 }];
      if (host === "v6meta.lumora.test") return [{ address: "fd00:ec2::254", family: 6 }];
      if (host === "mapped.lumora.test") return [{ address: "::ffff:192.168.0.1", family: 6 }];
      if (host === "mixed.lumora.test") return [{ address: "127.0.0.1", family: 4 }, { address: "10.0.0.1", family: 4 }];
      throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    };
    const port = site.ports.catalogue;
    const urls = [
      `http://intranet.lumora.test:${port}/products/page/1`,
      `http://metadata.lumora.test/latest/meta-data/`,
      `http://v6meta.lumora.test/`,
      `http://mapped.lumora.test:${port}/`,
      `http://mixed.lumora.test:${port}/products/page/1`,
      `${c()}/redirect/to?url=${encodeURIComponent("http://intranet.lumora.test/admin")}`,
      `http://nowhere.lumora.test/`,
    ];
    const from = site.requests.length;
    const res = await scraper({ lookup }).scrape(spec(urls));
    expect(res.pages.map((p) => (p.ok ? "ok" : p.error.code))).to.deep.equal(["ForbiddenAddress", "ForbiddenAddress", "ForbiddenAddress", "ForbiddenAddress", "ForbiddenAddress", "ForbiddenAddress", "DnsFailed"]);
    expect(err(res.pages[4]).message).to.match(/10\.0\.0\.1/);
    expect(err(res.pages[5]).url).to.equal("http://intranet.lumora.test/admin");
    expect(seen).to.include.members(["intranet.lumora.test", "metadata.lumora.test", "mixed.lumora.test"]);
    // nothing but the catalogue's robots.txt and the redirect itself reached the fixture
    expect(since(from).map((r) => r.path)).to.deep.equal(["/robots.txt", `/redirect/to?url=${encodeURIComponent("http://intranet.lumora.test/admin")}`]);
  });

  it("SSRF: without the test flag, loopback is refused (literal and by name), and nothing reaches the server", async () => {
    const from = site.requests.length;
    const res = await scraper({ allowLoopback: false }).scrape(spec([site.pageUrl(1), `http://localhost:${site.ports.catalogue}/products/page/1`, `http://[::1]:${site.ports.catalogue}/`]));
    expect(res.pages.map((p) => (p.ok ? "ok" : p.error.code))).to.deep.equal(["ForbiddenAddress", "ForbiddenAddress", "ForbiddenAddress"]);
    expect(err(res.pages[0]).message).to.match(/loopback/);
    expect(since(from)).to.deep.equal([]);
  });

  it("the connection is pinned to the vetted address: a name only the hook knows is fetched, with its links under that name", async () => {
    let calls = 0;
    const lookup: LookupHook = async (host) => {
      if (host !== "shop.lumora.test") throw new Error(`ENOTFOUND ${host}`);
      calls++;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    // undici never resolves shop.lumora.test itself (the system resolver does not know it): it connects to
    // the address the SSRF check vetted
    const url = `http://shop.lumora.test:${site.ports.catalogue}/products/page/7`;
    const res = await scraper({ lookup }).scrape(spec([url]));
    const page = res.pages[0]!;
    if (!page.ok) expect.fail(page.error.message);
    expect(res.records).to.deep.equal(site.expectedRecords(url));
    expect((res.records[0]!.link as string).startsWith("http://shop.lumora.test:")).to.equal(true);
    expect(calls).to.equal(2); // robots.txt and the page, each vetted
  });

  it("size cap: a streamed body is aborted as soon as it passes the cap, a declared Content-Length is refused before reading; bytes go through the bandwidth bucket", async () => {
    const cap = 256 * 1024;
    const bucket = new TokenBucket({ rateBytesPerSec: Infinity });
    const s = scraper({ maxResponseBytes: cap, bandwidth: bucket });
    const from = site.requests.length;
    const streamed = await s.scrape(spec([`${c()}/big.html`]));
    expect(err(streamed.pages[0]).code).to.equal("TooLarge");
    expect(bucket.released).to.be.greaterThan(cap).and.at.most(cap + 128 * 1024); // robots.txt + at most one chunk past the cap
    await new Promise((r) => setTimeout(r, 100));
    const big = since(from).find((r) => r.path === "/big.html")!;
    expect(big.completed, "the server saw the client abort").to.equal(false);
    expect(big.bytesWritten).to.be.below(8 * 1024 * 1024); // of 16 MiB: the body was not downloaded first

    const before = bucket.released;
    const declared = await s.scrape(spec([`${c()}/big-declared.html`]));
    expect(err(declared.pages[0]).code).to.equal("TooLarge");
    expect(err(declared.pages[0]).message).to.match(/Content-Length/);
    expect(bucket.released - before).to.equal(0);

    const pages = await s.scrape(spec([site.pageUrl(1), site.pageUrl(2)]));
    const ok = pages.pages.filter((p) => p.ok);
    expect(ok).to.have.length(2);
    expect(bucket.released - before).to.equal(ok.reduce((n, p) => n + (p.ok ? p.bytes : 0), 0));
  });

  it("a finite bandwidth bucket slows the fetch to the operator's rate", async () => {
    const bucket = new TokenBucket({ rateBytesPerSec: 200 * 1024, burstBytes: 16 * 1024 });
    const t0 = performance.now();
    const res = await scraper({ maxResponseBytes: 96 * 1024, bandwidth: bucket }).scrape(spec([`${c()}/big.html`]));
    expect(err(res.pages[0]).code).to.equal("TooLarge");
    // ≥ 96 KiB through a 16 KiB burst at 200 KiB/s: at least (96-16)/200 s
    expect(performance.now() - t0).to.be.at.least(((96 - 16) / 200) * 1000 - 20);
  });

  it("content types: refused from the header (wrong type, none, non-identity encoding); JSON and text specs extract their pages exactly", async () => {
    const res = await scraper().scrape(spec([`${c()}/image.png`, `${c()}/no-type`, `${c()}/api/page/1.json`, `${c()}/gzip.html`]));
    expect(res.pages.map((p) => (p.ok ? "ok" : p.error.code))).to.deep.equal(["ContentTypeRefused", "ContentTypeRefused", "ContentTypeRefused", "EncodingRefused"]);

    const jsonUrls = [`${c()}/api/page/1.json`, `${c()}/api/page/2.json`];
    const json = await scraper().scrape({ version: 1, urls: jsonUrls, contentType: "application/json", format: "jsonl", fields: {} });
    expect(json.records).to.deep.equal(jsonUrls.flatMap((u) => site.expectedRecords(u)));
    expect(json.output.split("\n")[0]).to.equal(JSON.stringify(site.expectedRecords(jsonUrls[0]!)[0]));

    const text = await scraper().scrape({ version: 1, urls: [`${c()}/notes.txt`, site.pageUrl(1)], contentType: "text/plain", format: "jsonl", fields: {} });
    expect(text.records).to.deep.equal(site.expectedRecords(`${c()}/notes.txt`));
    expect(err(text.pages[1]).code).to.equal("ContentTypeRefused");
  });

  it("slow host: a response later than timeoutMs is a Timeout (headers or a trickling body), well before the host answers", async () => {
    const t0 = performance.now();
    const res = await scraper({ timeoutMs: 300 }).scrape(spec([`${site.hosts.slow}/page.html`, `${site.hosts.slow}/drip`]));
    expect(res.pages.map((p) => (p.ok ? "ok" : p.error.code))).to.deep.equal(["Timeout", "Timeout"]);
    expect(performance.now() - t0).to.be.below(SLOW_MS);
  });

  it("failing host: 500 and a reset connection fail those pages only; the other pages keep their records", async () => {
    const urls = [site.pageUrl(3), `${site.hosts.failing}/error`, `${site.hosts.failing}/reset`, `${site.hosts.failing}/ok.html`, site.pageUrl(4)];
    const res = await scraper().scrape(spec(urls));
    expect(res.pages.map((p) => (p.ok ? "ok" : p.error.code))).to.deep.equal(["ok", "HttpStatus", "Network", "ok", "ok"]);
    expect(err(res.pages[1]).status).to.equal(500);
    expect(res.records).to.deep.equal([
      ...site.expectedRecords(urls[0]!),
      { url: urls[3], title: "Still here", price: null, link: null },
      ...site.expectedRecords(urls[4]!),
    ]);
  });

  it("CSV and JSONL outputs: RFC 4180 rows equal the ground truth; two executors produce byte-identical output", async () => {
    const urls = [5, 6, 7].map((n) => site.pageUrl(n));
    const [a, b] = await Promise.all([scraper().scrape(spec(urls, "csv")), scraper({ concurrency: 1 }).scrape(spec(urls, "csv"))]);
    expect(a.output).to.equal(b.output);
    const rows = parseCsv(a.output);
    expect(rows[0]).to.deep.equal(["url", "title", "price", "link"]);
    const expected = urls.flatMap((u) => site.expectedRecords(u));
    expect(rows.slice(1)).to.deep.equal(expected.map((r) => [r.url, r.title, r.price ?? "", r.link]));
    expect(rows.slice(1).some((r) => r[1]!.includes('"')), "the data exercises quoting").to.equal(true);
    expect(recordsToCsv(spec(urls), a.records)).to.equal(a.output);
    const jsonl = recordsToJsonl(spec(urls), b.records);
    expect(jsonl.trimEnd().split("\n").map((l) => JSON.parse(l))).to.deep.equal(expected);
  });
});
