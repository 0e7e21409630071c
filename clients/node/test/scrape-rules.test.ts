// Scraper rules as pure functions: the SSRF address policy, robots.txt parsing and matching (RFC 9309's
// own examples), extraction and normalisation, JSONL/CSV output. The loopback integration suite is
// scrape.test.ts.
import { expect } from "chai";
import {
  type ScrapeRecord,
  ScrapeError,
  extractRecords,
  forbiddenReason,
  parseContentType,
  parseIp,
  parseRobots,
  recordsToCsv,
  recordsToJsonl,
  robotsAllows,
} from "../src/scrape/index.js";

const allows = (txt: string, path: string, agent = "LumoraNode") => robotsAllows(parseRobots(txt, agent), new URL(path, "http://h.example"));

describe("scrape rules: forbidden addresses (SSRF)", () => {
  const refused = [
    "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.8.9.10",
    "169.254.169.254", "169.254.0.1", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1",
    "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::", "::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:127.0.0.1", "::ffff:a9fe:a9fe", "::10.0.0.1",
    "64:ff9b::a00:1", "64:ff9b:1::1", "fc00::1", "fd00:ec2::254", "fe80::1", "fe80::1%eth0", "[fe80::abcd]", "fec0::1",
    "ff02::1", "2001:db8::1", "2001::1", "2002:a00:1::1", "3fff::1", "1::", "4000::1",
  ];
  const allowed = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "169.253.1.1", "192.169.0.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "[2001:4860:4860::8888]"];

  it("refuses every private, loopback, link-local, metadata, CGNAT, ULA, multicast and reserved address", () => {
    for (const a of refused) expect(forbiddenReason(a), a).to.be.a("string");
  });

  it("allows public unicast addresses, including IPv4-mapped public ones", () => {
    for (const a of allowed) expect(forbiddenReason(a), a).to.equal(null);
  });

  it("the test flag allows loopback only: 127/8, ::1 and mapped loopback; every other block stays refused", () => {
    for (const a of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) expect(forbiddenReason(a, { allowLoopback: true }), a).to.equal(null);
    for (const a of refused.filter((x) => !["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"].includes(x)))
      expect(forbiddenReason(a, { allowLoopback: true }), a).to.be.a("string");
  });

  it("parses IPv6 forms (compressed, embedded IPv4, zone ids) and refuses names", () => {
    expect([...parseIp("::ffff:10.0.0.1")!.bytes]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1]);
    expect([...parseIp("fd00:ec2::254")!.bytes]).to.deep.equal([0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]);
    expect([...parseIp("1::")!.bytes]).to.deep.equal([0, 1, ...Array(14).fill(0)]);
    expect(parseIp("10.0.0.1")!.family).to.equal(4);
    expect(parseIp("localhost")).to.equal(null);
    expect(forbiddenReason("metadata.google.internal")).to.equal("not an IP address");
  });
});

describe("scrape rules: robots.txt", () => {
  it("uses the groups naming our product token (case-insensitive), merged; `*` only when none names us", () => {
    const txt = "User-agent: *\nDisallow: /\n\nUser-agent: lumoranode/2.0\nDisallow: /a\n\nUser-agent: Other\nUser-agent: LUMORANODE\nDisallow: /b\n";
    expect(allows(txt, "/c")).to.equal(true);
    expect(allows(txt, "/a")).to.equal(false);
    expect(allows(txt, "/b")).to.equal(false);
    expect(allows(txt, "/c", "SomeBot")).to.equal(false); // falls back to *
    expect(allows("User-agent: Other\nDisallow: /\n", "/x")).to.equal(true); // no group applies: allow all
  });

  it("longest match wins, Allow wins a tie; `*` and `$` wildcards (RFC 9309 §2.2.2 examples)", () => {
    expect(allows("User-agent: *\nAllow: /p\nDisallow: /\n", "/page")).to.equal(true);
    expect(allows("User-agent: *\nAllow: /folder\nDisallow: /folder\n", "/folder/page")).to.equal(true);
    expect(allows("User-agent: *\nAllow: /page\nDisallow: /*.html\n", "/page.html")).to.equal(false);
    expect(allows("User-agent: *\nAllow: /$\nDisallow: /\n", "/")).to.equal(true);
    expect(allows("User-agent: *\nAllow: /$\nDisallow: /\n", "/page.html")).to.equal(false);
    expect(allows("User-agent: *\nDisallow: /*.pdf$\n", "/docs/a.pdf")).to.equal(false);
    expect(allows("User-agent: *\nDisallow: /*.pdf$\n", "/docs/a.pdf?x=1")).to.equal(true);
    expect(allows("User-agent: *\nDisallow: /search?\n", "/search?q=1")).to.equal(false);
    expect(allows("User-agent: *\nDisallow: /search?\n", "/search")).to.equal(true);
    expect(allows("User-agent: *\nDisallow: /fish*.php\n", "/fishheads/catfish.php?p=1")).to.equal(false);
  });

  it("empty Disallow allows, comments and BOM are ignored, percent-encoding compares alike, /robots.txt is always allowed", () => {
    expect(allows("\uFEFFUser-agent: *   # everyone\nDisallow:\n", "/anything")).to.equal(true);
    expect(allows("User-agent: *\nDisallow: /café\n", "/caf%C3%A9/x")).to.equal(false);
    expect(allows("User-agent: *\nDisallow: /%7ejoe/\n", "/~joe/index.html")).to.equal(false);
    expect(allows("User-agent: *\nDisallow: /\n", "/robots.txt")).to.equal(true);
    expect(allows("Disallow: /\nUser-agent: *\nAllow: /\n", "/x")).to.equal(true); // a rule before any group is ignored
  });

  it("Crawl-delay of the applying groups (the larger), fractions allowed; none when the group has none", () => {
    expect(parseRobots("User-agent: *\nCrawl-delay: 5\n\nUser-agent: LumoraNode\nCrawl-delay: 0.25\nDisallow: /x\n", "LumoraNode").crawlDelaySec).to.equal(0.25);
    expect(parseRobots("User-agent: LumoraNode\nCrawl-delay: 2\n\nUser-agent: lumoranode\nCrawl-delay: 3\n", "LumoraNode").crawlDelaySec).to.equal(3);
    expect(parseRobots("User-agent: *\nCrawl-delay: 5\n\nUser-agent: LumoraNode\nDisallow: /x\n", "LumoraNode").crawlDelaySec).to.equal(undefined);
  });
});

describe("scrape rules: extraction and output", () => {
  const html = `<!doctype html><html><head><base href="https://cdn.example/base/"></head><body>
    <div class="row"><b class="t">  Hello\n\t  <i>big</i>&nbsp;world  </b><a href="x/y?z=1#f">l</a><img src="//img.example/i.png"><span class="n" data-v="  raw  ">n</span></div>
    <div class="row"><b class="t">Second</b></div></body></html>`;
  const page = { url: "https://shop.example/list?p=1", finalUrl: "https://shop.example/list/final", text: html };
  const spec = {
    contentType: "text/html" as const,
    item: "div.row",
    fields: { title: { selector: ".t" }, link: { selector: "a", attr: "href" }, img: { selector: "img", attr: "src" }, raw: { selector: ".n", attr: "data-v" } },
  };

  it("one record per item, in page order: collapsed text, URL attributes absolute (against <base href>), other attributes raw, null when absent", () => {
    expect(extractRecords(page, spec)).to.deep.equal([
      { url: page.url, title: "Hello big world", link: "https://cdn.example/base/x/y?z=1#f", img: "https://img.example/i.png", raw: "  raw  " },
      { url: page.url, title: "Second", link: null, img: null, raw: null },
    ]);
  });

  it("without `item` the whole page is one record; relative links resolve against the final URL", () => {
    const recs = extractRecords({ ...page, text: `<h1> A </h1><a href="../up">u</a>` }, { contentType: "text/html", fields: { h: { selector: "h1" }, a: { selector: "a", attr: "href" } } });
    expect(recs).to.deep.equal([{ url: page.url, h: "A", a: "https://shop.example/up" }]);
  });

  it("JSON: one record per array element (or one for the document), keys sorted; invalid JSON is ParseFailed", () => {
    const json = { contentType: "application/json" as const, fields: {} };
    expect(extractRecords({ ...page, text: '[{"b":1,"a":{"d":2,"c":3}},7]' }, json)).to.deep.equal([
      { url: page.url, data: { a: { c: 3, d: 2 }, b: 1 } },
      { url: page.url, data: 7 },
    ]);
    expect(Object.keys((extractRecords({ ...page, text: '{"z":1,"a":2}' }, json)[0]!.data as object))).to.deep.equal(["a", "z"]);
    expect(() => extractRecords({ ...page, text: "{nope" }, json)).to.throw(ScrapeError).with.property("code", "ParseFailed");
  });

  it("text/plain is one record with the text as decoded; a field named `url` is SpecRefused", () => {
    expect(extractRecords({ ...page, text: " a  b\r\n" }, { contentType: "text/plain", fields: {} })).to.deep.equal([{ url: page.url, text: " a  b\r\n" }]);
    expect(() => extractRecords(page, { contentType: "text/html", fields: { url: { selector: "a" } } })).to.throw(ScrapeError).with.property("code", "SpecRefused");
  });

  it("JSONL: url first then the spec's field order, nested keys sorted, one line per record", () => {
    const recs: ScrapeRecord[] = [{ title: "T", url: "https://a/", n: null } as unknown as ScrapeRecord];
    expect(recordsToJsonl({ contentType: "text/html", fields: { title: { selector: "x" }, n: { selector: "y" } } }, recs)).to.equal('{"url":"https://a/","title":"T","n":null}\n');
    expect(recordsToJsonl({ contentType: "application/json", fields: {} }, [{ url: "u", data: { b: [{ d: 1, c: 2 }], a: true } }])).to.equal('{"url":"u","data":{"a":true,"b":[{"c":2,"d":1}]}}\n');
  });

  it("CSV (RFC 4180): header from the field order, CRLF rows, quotes doubled, fields with comma/quote/newline quoted, null empty", () => {
    const spec2 = { contentType: "text/html" as const, fields: { a: { selector: "a" }, b: { selector: "b" } } };
    const out = recordsToCsv(spec2, [
      { url: "https://x/?q=1,2", a: 'say "hi"', b: null },
      { url: "https://y/", a: "line1\nline2", b: "plain" },
    ]);
    expect(out).to.equal('url,a,b\r\n"https://x/?q=1,2","say ""hi""",\r\nhttps://y/,"line1\nline2",plain\r\n');
    expect(recordsToCsv({ contentType: "application/json", fields: {} }, [{ url: "u", data: { k: "v,w" } }])).to.equal('url,data\r\nu,"{""k"":""v,w""}"\r\n');
  });

  it("content types: media type and charset, lower-cased, parameters ignored", () => {
    expect(parseContentType("Text/HTML; Charset=\"ISO-8859-1\"")).to.deep.equal(["text/html", "iso-8859-1"]);
    expect(parseContentType(undefined)).to.deep.equal([undefined, undefined]);
  });
});
