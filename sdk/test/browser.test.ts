/**
 * The SDK in a real browser: Debian's Chromium (through playwright-core, tools/browser) runs the shared-vector
 * suites — the very spec files Node runs (score, registry math, rewards math and draws, market fee,
 * PoB v2 totals, seeds/PDAs, config bounds) plus test/browser/data-vectors.spec.ts against the BROWSER build of
 * the data layer (dist/index.browser.js: WebCrypto + the JavaScript zstd/brotli codec). The specs are
 * bundled by esbuild for `platform: "browser"`; `fs.readFileSync` of a vector file is answered from the
 * files embedded at bundle time (the browser has no file system); mocha runs them in the page. Every
 * browser test becomes one test here, so tools/test.sh counts them. Needs `npm run build -w @lumora/sdk`.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { execFileSync } from "node:child_process";
import os from "node:os";
import { expect } from "chai";
import { build, type Plugin } from "esbuild";
import Mocha from "mocha";
import { launchChromium } from "../../tools/browser/chromium.js";

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "../..");
const vectorsDir = path.join(root, "tests/vectors");
/** The spec files that read tests/vectors/*.json, run unchanged in the browser. */
export const SHARED_VECTOR_SPECS = [
  "task-math.test.ts",
  "registry-math.test.ts",
  "rewards.test.ts",
  "market-math.test.ts",
  "totals.test.ts",
  "pda.test.ts",
  "config.test.ts",
  "browser/data-vectors.spec.ts",
];

/** `node:fs` for the browser bundle: readFileSync of tests/vectors/<file> from the files embedded at bundle time. */
function vectorFs(): Plugin {
  const files = Object.fromEntries(fs.readdirSync(vectorsDir).filter((f) => f.endsWith(".json")).map((f) => [f, fs.readFileSync(path.join(vectorsDir, f), "utf8")]));
  const source = `const files = ${JSON.stringify(files)};
export function readFileSync(url) {
  const name = String(url instanceof URL ? url.pathname : url).split("/").pop();
  if (!(name in files)) throw new Error("vector file not embedded in the browser bundle: " + url);
  return files[name];
}
export default { readFileSync };`;
  return {
    name: "vector-fs",
    setup(b) {
      b.onResolve({ filter: /^(node:)?fs$/ }, () => ({ path: "vector-fs", namespace: "vector-fs" }));
      b.onLoad({ filter: /.*/, namespace: "vector-fs" }, () => ({ contents: source, loader: "js" }));
    },
  };
}

async function bundleSpecs(): Promise<string> {
  const entry = SHARED_VECTOR_SPECS.map((f) => `import ${JSON.stringify(path.join(here, f))};`).join("\n");
  const r = await build({
    stdin: { contents: entry, resolveDir: here, loader: "ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["browser"],
    inject: [path.join(root, "sdk/src/buffer-shim.ts")],
    define: { global: "globalThis", "process.env.NODE_ENV": '"test"' },
    plugins: [vectorFs()],
    // the specs live in this package, whose package.json says `sideEffects: false`: keep their describe() calls
    ignoreAnnotations: true,
    logLevel: "silent",
  });
  return r.outputFiles[0]!.text;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>@lumora/sdk in Chromium</title></head><body>
<div id="mocha"></div>
<script src="/mocha.js"></script>
<script>mocha.setup({ ui: "bdd", timeout: 60000 }); window.__results = []; window.__done = false;</script>
<script type="module">
  try { await import("/specs.js"); } catch (e) { window.__loadError = String(e && e.stack || e); window.__done = true; }
  if (!window.__loadError) {
    const runner = mocha.run();
    runner.on("pass", (t) => window.__results.push({ title: t.fullTitle(), state: "passed" }));
    runner.on("fail", (t, err) => window.__results.push({ title: t.fullTitle(), state: "failed", error: String(err && err.stack || err) }));
    runner.on("pending", (t) => window.__results.push({ title: t.fullTitle(), state: "pending" }));
    runner.on("end", () => { window.__done = true; });
  }
</script></body></html>`;

interface BrowserResult {
  title: string;
  state: "passed" | "failed" | "pending";
  error?: string;
}

describe("@lumora/sdk in headless Chromium: the shared vectors (tests/vectors/*.json)", function () {
  this.timeout(240_000);
  const results: BrowserResult[] = [];
  let userAgent = "";

  before(async function () {
    if (!fs.existsSync(path.join(root, "sdk/dist/index.browser.js"))) throw new Error("sdk/dist/index.browser.js missing: run `npm run build -w @lumora/sdk`");
    const specs = await bundleSpecs();
    const mochaJs = fs.readFileSync(path.join(root, "node_modules/mocha/mocha.js"));
    const server = http.createServer((req, res) => {
      const body = req.url === "/" ? PAGE : req.url === "/mocha.js" ? mochaJs : req.url === "/specs.js" ? specs : null;
      if (body === null) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": req.url === "/" ? "text/html" : "text/javascript" }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      if (process.env.DEBUG_BROWSER) page.on("console", (m) => console.log("[page]", m.text()));
      // 127.0.0.1 is a secure context: crypto.subtle exists there, as on https
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => (window as unknown as { __done: boolean }).__done, undefined, { timeout: 200_000 });
      const loadError = await page.evaluate(() => (window as unknown as { __loadError?: string }).__loadError);
      if (loadError) throw new Error(`the spec bundle failed to load in Chromium: ${loadError}`);
      results.push(...(await page.evaluate(() => (window as unknown as { __results: BrowserResult[] }).__results)));
      userAgent = await page.evaluate(() => navigator.userAgent);
      if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join("; ")}`);
    } finally {
      await browser.close();
      server.close();
    }
    // one Node test per browser test, so the counts of tools/test.sh include them
    const suite = this.test!.parent!;
    for (const r of results) {
      const t = new Mocha.Test(`[chromium] ${r.title}`, function (this: Mocha.Context) {
        if (r.state === "pending") this.skip();
        if (r.state === "failed") throw new Error(r.error);
      });
      suite.addTest(t);
    }
  });

  it("ran every shared-vector suite in Chromium, with no failure", () => {
    expect(userAgent).to.match(/HeadlessChrome|Chromium|Chrome/);
    const suites = ["task score", "registry math", "reward", "market fee", "totals", "PDAs", "config bounds", "data in the browser"];
    for (const s of suites) expect(results.some((r) => r.title.includes(s)), `no browser test from "${s}"`).to.equal(true);
    expect(results.filter((r) => r.state === "failed").map((r) => r.title)).to.deep.equal([]);
    expect(results.length).to.be.greaterThan(100);
  });
});

describe("@lumora/sdk browser build gate (scripts/check-browser.mjs)", () => {
  const gate = path.join(root, "sdk/scripts/check-browser.mjs");
  const run = (file: string) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [gate, file], { encoding: "utf8", stdio: "pipe" }) };
    } catch (e) {
      const x = e as { status: number; stderr: string };
      return { code: x.status, out: x.stderr };
    }
  };

  it("the browser entry exports what the Node entry exports (the data layer: a superset)", async () => {
    const node = await import("../src/index.js");
    const web = await import("../src/index.browser.js");
    expect(Object.keys(web).sort()).to.deep.equal(Object.keys(node).sort());
    expect(Object.keys(web.data)).to.include.members(Object.keys(node.data));
  });

  it("resolves to dist/index.browser.js under the `browser` condition of the exports map", () => {
    const out = execFileSync(process.execPath, ["--conditions=browser", "--input-type=module", "-e",
      'import * as m from "@lumora/sdk"; console.log(JSON.stringify({ url: import.meta.resolve("@lumora/sdk"), promise: m.data.openManifest.constructor.name, decompression: typeof m.data.decompressionAvailable }));'],
      { cwd: path.join(root, "sdk"), encoding: "utf8" });
    const r = JSON.parse(out);
    expect(r.url).to.match(/dist\/index\.browser\.js$/);
    expect(r.promise).to.equal("AsyncFunction");
    expect(r.decompression).to.equal("function");
  });

  it("passes the built dist/index.browser.js and reports its size", () => {
    const r = run(path.join(root, "sdk/dist/index.browser.js"));
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/no Node built-in in the browser build\. First load: SDK alone [\d.]+ KiB min, [\d.]+ KiB min\+gzip/);
  });

  for (const [what, code] of [
    ["node:zlib", 'import { gzipSync } from "node:zlib"; export const z = gzipSync;'],
    ["crypto (bare)", 'import { createHash } from "crypto"; export const h = createHash;'],
    ["worker_threads through a dynamic import", 'export const w = () => import("worker_threads");'],
  ]) {
    it(`fails the build when ${what} reaches the browser bundle`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-gate-"));
      const file = path.join(dir, "bad.js");
      fs.writeFileSync(file, code);
      const r = run(file);
      fs.rmSync(dir, { recursive: true, force: true });
      expect(r.code).to.equal(1);
      expect(r.out).to.match(/Node built-ins|Node-only APIs/);
    });
  }
});
