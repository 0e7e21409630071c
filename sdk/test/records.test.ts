/** The records codec (JSONL and RFC 4180 CSV) the executors, the consumer and the dApp share. */
import { expect } from "chai";
import { RECORD_MEDIA_TYPES, RESULT_MEDIA_TYPE, convertRecords, detectRecordFormat, encodeCsv, encodeJsonl, encodeRecords, parseRecords } from "../src/data/records.js";

describe("records codec", () => {
  it("JSONL: one object per line in the given column order, nested keys sorted, missing values null", () => {
    expect(encodeJsonl([{ url: "https://a/", n: null, title: "T" }], { columns: ["url", "title", "n"] })).to.equal('{"url":"https://a/","title":"T","n":null}\n');
    expect(encodeJsonl([{ url: "u", data: { b: [{ d: 1, c: 2 }], a: true } }])).to.equal('{"url":"u","data":{"a":true,"b":[{"c":2,"d":1}]}}\n');
    expect(encodeJsonl([{ url: "u" }], { columns: ["url", "x"] })).to.equal('{"url":"u","x":null}\n');
    expect(encodeJsonl([])).to.equal("");
  });

  it("CSV: header, CRLF rows, RFC 4180 quoting, null empty, JSON values as sorted JSON text", () => {
    expect(encodeCsv([{ url: "u", data: { k: "v,w" } }])).to.equal('url,data\r\nu,"{""k"":""v,w""}"\r\n');
    expect(encodeCsv([{ url: "u", t: 'say "hi"\nbye', n: null }, { url: "v", extra: 1 }])).to.equal('url,t,n,extra\r\nu,"say ""hi""\nbye",,\r\nv,,,1\r\n');
    expect(encodeRecords([{ a: 1 }], "csv", { columns: ["a"] })).to.equal("a\r\n1\r\n");
  });

  it("parses both formats back (CSV rows end with CRLF or LF, quoted line breaks kept, empty cells null)", () => {
    const recs = [{ title: 'A "quoted", title', price: "1.00" }, { title: "line\nbreak", price: null }];
    const csv = encodeCsv(recs);
    expect(parseRecords(csv, "csv")).to.deep.equal(recs);
    expect(parseRecords(csv.replace(/\r\n/g, "\n"), "csv")).to.deep.equal(recs);
    expect(parseRecords(encodeJsonl(recs), "jsonl")).to.deep.equal(recs);
    expect(parseRecords("", "csv")).to.deep.equal([]);
  });

  it("converts between the formats and tells them apart from text or bytes", () => {
    const jsonl = '{"url":"u","t":"a,b"}\n{"url":"v","t":null}\n';
    const csv = 'url,t\r\nu,"a,b"\r\nv,\r\n';
    expect(convertRecords(jsonl, "jsonl", "csv")).to.equal(csv);
    expect(convertRecords(csv, "csv", "jsonl")).to.equal(jsonl);
    expect(convertRecords(jsonl, "jsonl", "jsonl")).to.equal(jsonl);
    expect(convertRecords("", "jsonl", "csv")).to.equal("url\r\n");
    expect(detectRecordFormat(jsonl)).to.equal("jsonl");
    expect(detectRecordFormat(csv)).to.equal("csv");
    expect(detectRecordFormat(new TextEncoder().encode(jsonl))).to.equal("jsonl");
    expect(detectRecordFormat(new TextEncoder().encode(csv))).to.equal("csv");
    expect(detectRecordFormat(new Uint8Array())).to.equal("jsonl");
    expect(RECORD_MEDIA_TYPES).to.deep.equal({ jsonl: "application/x-ndjson", csv: "text/csv" });
    expect(RESULT_MEDIA_TYPE).to.equal("application/x-ndjson");
  });
});
