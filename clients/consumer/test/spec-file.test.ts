/**
 * The spec file format of `task create` (no chain): defaults, flag overrides, errors naming the field;
 * and the JSONL ⇄ CSV conversion `data fetch --format` applies.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { convertRecords, formatOf, parseRecords } from "../src/consumer.js";
import { TASK_DEFAULTS, UsageError, readSpecFile } from "../src/cli.js";

const spec = { version: 1, urls: ["https://example.com/a"], contentType: "text/html", format: "jsonl", item: ".p", fields: { name: { selector: ".n" } } };

describe("lumora-consumer spec file", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-spec-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (v: unknown) => {
    const f = path.join(dir, `${Math.random()}.json`);
    fs.writeFileSync(f, typeof v === "string" ? v : JSON.stringify(v));
    return f;
  };
  const fails = (f: () => unknown, re: RegExp) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err, "must throw").to.be.instanceOf(UsageError);
    expect((err as Error).message).to.match(re);
  };

  it("{ spec, task }: task parameters from the file, defaults for the rest, flags override", () => {
    const a = readSpecFile(file({ spec, task: { redundancy: 3, budget: "123", latE6: 1 } }));
    expect(a).to.deep.include({ redundancy: 3, payment: 123n, latE6: 1, lonE6: 0, maxBackups: TASK_DEFAULTS.maxBackups, bidWindowSecs: TASK_DEFAULTS.bidWindowSecs });
    expect(a.spec).to.deep.equal(spec);
    const b = readSpecFile(file({ spec, task: { redundancy: 3, budget: 5 } }), ["--redundancy", "1", "--budget", "9"]);
    expect(b).to.deep.include({ redundancy: 1, payment: 9n });
  });

  it("a bare TaskSpec needs --budget", () => {
    fails(() => readSpecFile(file(spec)), /task\.budget is required/);
    expect(readSpecFile(file(spec), ["--budget", "7"]).payment).to.equal(7n);
  });

  it("errors name the field", () => {
    fails(() => readSpecFile(file({ spec: { ...spec, format: "xml" }, task: { budget: 1 } })), /spec\.format: must be one of jsonl, csv/);
    fails(() => readSpecFile(file({ spec: { ...spec, urls: [] }, task: { budget: 1 } })), /spec\.urls: must be a non-empty array/);
    fails(() => readSpecFile(file({ spec, task: { budget: 1, redundancy: 0 } })), /task\.redundancy must be an integer in \[1, 5\]/);
    fails(() => readSpecFile(file({ spec, task: { budget: "-1" } })), /task\.budget must be a positive integer/);
    fails(() => readSpecFile(file({ spec, task: { budget: 1, colour: "red" } })), /task\.colour: unknown key/);
    fails(() => readSpecFile(file({ spec, tasks: {} })), /unknown key "tasks"/);
    fails(() => readSpecFile(file("[1,2]")), /must be a JSON object/);
    fails(() => readSpecFile(path.join(dir, "missing.json")), /ENOENT/);
    fails(() => readSpecFile(file({ spec, task: { budget: 1 } }), ["--bid-window-secs", "soon"]), /--bid-window-secs must be an integer/);
  });
});

describe("lumora-consumer record formats", () => {
  const jsonl = '{"url":"https://x/1","name":"a, \\"b\\"","price":3}\n{"url":"https://x/2","name":null,"price":4}\n';
  const csv = 'url,name,price\r\nhttps://x/1,"a, ""b""",3\r\nhttps://x/2,,4\r\n';

  it("JSONL → CSV quotes as RFC 4180 and keeps the column order", () => {
    expect(convertRecords(jsonl, "jsonl", "csv")).to.equal(csv);
    expect(convertRecords(jsonl, "jsonl", "jsonl")).to.equal(jsonl);
  });

  it("CSV parses back to the same cells (as strings) and the format is told from the bytes", () => {
    expect(parseRecords(csv, "csv")).to.deep.equal([
      { url: "https://x/1", name: 'a, "b"', price: "3" },
      { url: "https://x/2", name: null, price: "4" },
    ]);
    expect(formatOf(new TextEncoder().encode(jsonl))).to.equal("jsonl");
    expect(formatOf(new TextEncoder().encode(csv))).to.equal("csv");
  });
});
