/** The page's pure modules: the task form's checks by field, LMR amounts, JSONL/CSV, the test wallet's signer. */
import { spawnSync } from "node:child_process";
import { Keypair, PublicKey, SystemProgram, Transaction } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import { formatLmr, parseLmr } from "../src/lmr.js";
import { detectFormat, formatRecords, parseRecords } from "../src/records.js";
import { initialTaskForm, validateTaskForm } from "../src/task-form.js";
import { bs58, signWireTransaction } from "./test-wallet.js";

const good = () => ({ ...initialTaskForm(), urls: "https://example.org/a\nhttps://example.org/b", item: "li.product", fields: "title=h2\nlink=a@href" });

describe("task form: one message per field", () => {
  it("accepts a complete form and builds the spec and the task's arguments", () => {
    const v = validateTaskForm({ ...good(), lat: "51.5", lon: "-0.12", redundancy: "2", budget: "4.5" });
    expect(v.errors).to.equal(null);
    if (v.errors !== null) return;
    expect(v.spec.urls).to.deep.equal(["https://example.org/a", "https://example.org/b"]);
    expect(v.spec.fields).to.deep.equal({ link: { selector: "a", attr: "href" }, title: { selector: "h2" } });
    expect(v).to.include({ latE6: 51_500_000, lonE6: -120_000, redundancy: 2, payment: 4_500_000n });
  });

  const cases: [string, Record<string, string>, string, RegExp][] = [
    ["no URL", { urls: "" }, "urls", /non-empty/],
    ["a URL that is not http(s)", { urls: "ftp://example.org/x" }, "urls", /http/],
    ["a duplicate URL", { urls: "https://a.example/x\nhttps://a.example/x" }, "urls", /duplicate/],
    ["a field line without =", { fields: "title h2" }, "fields", /name=selector/],
    ["a latitude out of range", { lat: "91" }, "lat", /latitude/],
    ["a longitude that is not a number", { lon: "east" }, "lon", /longitude/],
    ["redundancy 0", { redundancy: "0" }, "redundancy", /1 to/],
    ["redundancy 6", { redundancy: "6" }, "redundancy", /1 to 5/],
    ["a budget with 7 decimals", { budget: "1.0000001" }, "budget", /6 decimals/],
    ["a zero budget", { budget: "0" }, "budget", /more than 0/],
    ["a bid window of 1 s", { bidWindow: "1" }, "bidWindow", /2 to 3600/],
  ];
  for (const [what, patch, field, message] of cases) {
    it(`${what} → an error on ${field} only`, () => {
      const v = validateTaskForm({ ...good(), ...patch });
      expect(v.errors).to.not.equal(null);
      expect(Object.keys(v.errors!)).to.deep.equal([field]);
      expect(v.errors![field as keyof typeof v.errors]).to.match(message);
    });
  }

  it("reports every bad field at once", () => {
    const v = validateTaskForm({ ...good(), urls: "", lat: "x", budget: "-1" });
    expect(Object.keys(v.errors!).sort()).to.deep.equal(["budget", "lat", "urls"]);
  });
});

describe("LMR amounts and records", () => {
  it("formats and parses 6-decimal amounts", () => {
    expect(formatLmr(5_000_000n)).to.equal("5");
    expect(formatLmr(1_000_007n)).to.equal("1.000007");
    expect(parseLmr("0.5")).to.equal(500_000n);
    expect(() => parseLmr("1e3")).to.throw(/amount in LMR/);
  });

  it("converts JSONL to CSV and back (quotes, commas, newlines)", () => {
    const recs = [{ title: 'A "quoted", title', price: "1.00" }, { title: "line\nbreak", price: "2" }];
    const csv = formatRecords(recs, "csv");
    expect(detectFormat(csv)).to.equal("csv");
    expect(parseRecords(csv, "csv")).to.deep.equal(recs);
    const jsonl = formatRecords(recs, "jsonl");
    expect(detectFormat(jsonl)).to.equal("jsonl");
    expect(parseRecords(jsonl, "jsonl")).to.deep.equal(recs);
  });
});

describe("test wallet signer", () => {
  it("signs a web3.js transaction so that it verifies, and refuses one it is not a signer of", () => {
    const kp = Keypair.generate();
    const tx = new Transaction({ feePayer: kp.publicKey, recentBlockhash: new PublicKey(nacl.randomBytes(32)).toBase58() }).add(SystemProgram.transfer({ fromPubkey: kp.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1 }));
    const wire = tx.serialize({ requireAllSignatures: false, verifySignatures: false });
    const signed = Transaction.from(signWireTransaction(wire, nacl.sign.keyPair.fromSecretKey(kp.secretKey)));
    expect(signed.verifySignatures()).to.equal(true);
    expect(() => signWireTransaction(wire, nacl.sign.keyPair())).to.throw(/does not need/);
  });
});

describe("test wallet addresses", () => {
  it("writes base-58 addresses as web3.js does (leading zero bytes included)", () => {
    for (const bytes of [nacl.randomBytes(32), Uint8Array.from([0, 0, ...nacl.randomBytes(30)]), new Uint8Array(32)]) {
      expect(bs58.encode(bytes)).to.equal(new PublicKey(bytes).toBase58());
    }
  });
});

describe("./lumora app: flags checked before anything is built", () => {
  const ROOT = new URL("../../", import.meta.url).pathname;
  const run = (args: string[]) => {
    const r = spawnSync(`${ROOT}lumora`, ["app", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it("--help lists every flag with its default and range", () => {
    const h = run(["--help"]);
    expect(h.code, h.err).to.equal(0);
    for (const f of ["--port N", "--host ADDR", "--nodes N", "--work DIR", "--rpc-port N", "api/faucet"]) expect(h.out).to.include(f);
  });

  it("an unknown flag and an out-of-range value exit 2 naming them, without a build or a chain", () => {
    const t0 = Date.now();
    const bad = run(["--colour"]);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include("unknown flag --colour").and.not.include("    at ");
    const nodes = run(["--nodes", "9"]);
    expect(nodes.code).to.equal(2);
    expect(nodes.err).to.include('--nodes must be an integer in [3, 5], got "9"');
    expect(Date.now() - t0).to.be.lessThan(30_000);
  });
});
