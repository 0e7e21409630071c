// Task specs: validation with named errors, canonical JSON and the spec hash (checked against node:crypto
// over a hand-written canonical text, so the hash does not just repeat the code under test).
import { createHash } from "node:crypto";
import { expect } from "chai";
import { canonicalJson } from "../src/tasks.js";
import { TaskSpecError, decodeTaskSpec, parseTaskSpec, taskSpecBytes, taskSpecHash } from "../src/spec.js";

const good = {
  version: 1,
  urls: ["https://example.com/a", "http://example.org/b?q=1"],
  contentType: "text/html",
  format: "jsonl",
  item: "li.product",
  fields: { title: { selector: "h2" }, link: { selector: "a", attr: "href" } },
};

function rejects(value: unknown, path: string, msg: RegExp) {
  let err: unknown;
  try {
    parseTaskSpec(value);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${path} to be refused`).to.be.instanceOf(TaskSpecError);
  expect((err as TaskSpecError).path).to.equal(path);
  expect((err as Error).message).to.match(msg);
}

describe("task spec", () => {
  it("canonical form sorts keys at every level, drops whitespace; the hash is SHA-256 of it", () => {
    const spec = parseTaskSpec(good);
    const text =
      '{"contentType":"text/html","fields":{"link":{"attr":"href","selector":"a"},"title":{"selector":"h2"}},"format":"jsonl","item":"li.product",' +
      '"urls":["https://example.com/a","http://example.org/b?q=1"],"version":1}';
    expect(canonicalJson(spec as never)).to.equal(text);
    expect(Buffer.from(taskSpecHash(spec)).toString("hex")).to.equal(createHash("sha256").update(text).digest("hex"));
    // key order of the input does not matter
    const shuffled = { fields: { link: { attr: "href", selector: "a" }, title: { selector: "h2" } }, item: "li.product", format: "jsonl", contentType: "text/html", urls: good.urls, version: 1 };
    expect(Buffer.from(taskSpecHash(parseTaskSpec(shuffled)))).to.deep.equal(Buffer.from(taskSpecHash(spec)));
  });

  it("decodeTaskSpec round-trips, and refuses a wrong hash, non-canonical bytes and non-JSON", () => {
    const spec = parseTaskSpec(good);
    const bytes = taskSpecBytes(spec);
    expect(decodeTaskSpec(bytes, taskSpecHash(spec))).to.deep.equal(spec);
    const wrong = taskSpecHash(spec).slice();
    wrong[0]! ^= 1;
    expect(() => decodeTaskSpec(bytes, wrong)).to.throw(TaskSpecError, /do not hash/);
    expect(() => decodeTaskSpec(new TextEncoder().encode(JSON.stringify(spec, null, 1)))).to.throw(TaskSpecError, /canonical/);
    expect(() => decodeTaskSpec(new Uint8Array([0xff, 0x7b]))).to.throw(TaskSpecError, /UTF-8 JSON/);
  });

  it("refuses bad specs, naming the field", () => {
    rejects([], "$", /JSON object/);
    rejects({ ...good, extra: 1 }, "extra", /unknown key/);
    rejects({ ...good, version: 2 }, "version", /must be 1/);
    rejects({ ...good, urls: [] }, "urls", /non-empty/);
    rejects({ ...good, urls: Array.from({ length: 65 }, (_, i) => `https://e.com/${i}`) }, "urls", /at most 64/);
    rejects({ ...good, urls: ["https://a.com/", "ftp://a.com/x"] }, "urls[1]", /http and https/);
    rejects({ ...good, urls: ["not a url"] }, "urls[0]", /not a URL/);
    rejects({ ...good, urls: ["https://u:p@a.com/"] }, "urls[0]", /credentials/);
    rejects({ ...good, urls: ["https://a.com/x", "https://A.com/x"] }, "urls[1]", /duplicate/);
    rejects({ ...good, contentType: "image/png" }, "contentType", /one of/);
    rejects({ ...good, format: "xml" }, "format", /one of/);
    rejects({ ...good, item: "" }, "item", /non-empty/);
    rejects({ ...good, fields: {} }, "fields", /at least one/);
    rejects({ ...good, fields: { "1bad": { selector: "a" } } }, "fields.1bad", /identifiers/);
    rejects({ ...good, fields: { t: { selector: "a", css: 1 } } }, "fields.t.css", /unknown key/);
    rejects({ ...good, fields: { t: { selector: "a", attr: "on click" } } }, "fields.t.attr", /attribute/);
    rejects({ ...good, fields: { t: { selector: "x".repeat(257) } } }, "fields.t.selector", /256/);
  });

  it("fields come out in sorted order, whatever the input order (CSV columns and JSONL keys follow it)", () => {
    const spec = parseTaskSpec({ ...good, fields: { zeta: { selector: "z" }, alpha: { selector: "a" }, mid: { selector: "m" } } });
    expect(Object.keys(spec.fields)).to.deep.equal(["alpha", "mid", "zeta"]);
    expect(Object.keys(decodeTaskSpec(taskSpecBytes(spec)).fields)).to.deep.equal(["alpha", "mid", "zeta"]);
  });

  it("a JSON page spec needs no fields", () => {
    expect(parseTaskSpec({ version: 1, urls: ["https://api.example.com/x.json"], contentType: "application/json", format: "jsonl", fields: {} }).fields).to.deep.equal({});
  });
});
