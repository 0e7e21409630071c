/**
 * The dApp end to end in a real browser: `./lumora app`'s server (app/server/main.ts, as a child process:
 * the embedded chain, lumora-node processes, a seller, the gateway) and Debian's Chromium through
 * playwright-core. A Wallet Standard test wallet (tests/test-wallet.ts) registers in the page and signs
 * with the environment's wallet keypair. The path: first load (JS bytes gzipped, time to interactive) →
 * connect the wallet → the task form's errors by field → create a task, watch it settle in the task log,
 * fetch, verify and decrypt the result in the browser, download JSONL and CSV → buy a dataset, receive
 * the sealed key, decrypt it → claim the operator's reward → the network view → 390 px and 1280 px, the
 * keyboard. Screenshots and the measurements go to target/app/.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import anchor from "@coral-xyz/anchor";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Connection, PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import { LumoraClient } from "@lumora/sdk";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../tools/browser/chromium.js";
import { startFixtureSite } from "@lumora/fixture-site";
import { parseTaskSpec } from "@lumora/sdk";
import { recordsToJsonl } from "../../clients/node/src/scrape/index.js";
import type { EnvStatus } from "../server/env.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const OUT = path.join(ROOT, "target/app");
const BIN = path.join(ROOT, "node_modules/.bin");

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 1000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe("the Lumora dApp in headless Chromium against `./lumora app`", function () {
  let server: ChildProcess;
  let url = "";
  let status: EnvStatus;
  let browser: Browser;
  let page: Page;
  let connection: Connection;
  let walletSecret: number[];
  let stderr = "";
  const metrics: Record<string, unknown> = {};
  const t0 = Date.now();

  let lmrMint: PublicKey;
  const lmrOf = async (owner: string) => {
    const b = await connection.getTokenAccountBalance(getAssociatedTokenAddressSync(lmrMint, new PublicKey(owner), true)).catch(() => null);
    return b ? BigInt(b.value.amount) : 0n;
  };
  const shot = (name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  const tab = async (id: string) => {
    await page.getByTestId(`tab-${id}`).click();
    await page.waitForFunction((x) => document.querySelector(`#tab-${x}`)?.getAttribute("aria-selected") === "true", id);
  };

  before(async function () {
    fs.mkdirSync(OUT, { recursive: true });
    // the page, built as `./lumora app` builds it
    const b0 = Date.now();
    execFileSync(path.join(BIN, "vite"), ["build", "--logLevel", "warn"], { cwd: path.join(ROOT, "app"), stdio: "inherit" });
    metrics.buildMs = Date.now() - b0;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-app-test-"));
    server = spawn(path.join(BIN, "tsx"), [path.join(ROOT, "app/server/main.ts"), "--port", "0", "--work", work], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    server.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (process.env.LUMORA_APP_TEST_LOG) process.stderr.write(d);
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = out.match(/Lumora app: (http:\/\/\S+)/);
        if (m) resolve(m[1]!);
      });
      server.once("exit", (c) => reject(new Error(`./lumora app exited (${c}) before serving:\n${stderr.slice(-3000)}`)));
    });
    metrics.serverUpMs = Date.now() - t0;
    // the environment's history: a dataset listed, a reward waiting to be claimed
    status = await until(
      "the environment to be ready",
      async () => {
        const s = (await (await fetch(`${url}api/status`)).json()) as EnvStatus;
        if (s.phase === "failed") throw new Error(`the environment failed: ${s.error}\n${stderr.slice(-3000)}`);
        return s.phase === "ready" ? s : null;
      },
      480_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${stderr.slice(-3000)}`);
    });
    metrics.envReadyMs = Date.now() - t0;
    connection = new Connection(status.rpc, "confirmed");
    walletSecret = JSON.parse(fs.readFileSync(status.walletFile, "utf8")) as number[];
    // the config's LMR mint, read as the app reads it (through the SDK)
    const ro = new LumoraClient({ provider: new AnchorProvider(connection, { publicKey: PublicKey.default } as never, {}) });
    lmrMint = (await ro.registry.fetchConfig())!.lmrMint;
    const wallet = await build({ entryPoints: [path.join(ROOT, "app/tests/test-wallet.ts")], bundle: true, write: false, format: "iife", platform: "browser", target: "es2022", logLevel: "silent" });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.addInitScript({ content: `window.__LUMORA_TEST_WALLET__ = ${JSON.stringify(walletSecret)};\n${wallet.outputFiles[0]!.text}` });
    page = await context.newPage();
    page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  });

  after(async () => {
    metrics.suiteMs = Date.now() - t0;
    if (Object.keys(metrics).length > 0) fs.writeFileSync(path.join(OUT, "metrics.json"), JSON.stringify(metrics, null, 2) + "\n");
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    }
  });

  it("first load: JavaScript bytes (gzipped) and time to interactive on the embedded chain", async () => {
    const js: string[] = [];
    page.on("response", (r) => {
      if (r.url().endsWith(".js")) js.push(r.url());
    });
    const start = Date.now();
    await page.goto(url);
    // interactive: the page rendered, read the protocol config and the network through /rpc, and a
    // wallet button answers
    await page.getByTestId(`connect-Lumora Test Wallet`).waitFor({ state: "visible" });
    await tab("network");
    await page.getByTestId("network-summary").waitFor();
    const tti = Date.now() - start;
    const nav = await page.evaluate(() => JSON.stringify(performance.getEntriesByType("navigation")[0]));
    let raw = 0;
    let gz = 0;
    for (const u of js) {
      const bytes = Buffer.from(await (await fetch(u)).arrayBuffer());
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
    }
    metrics.firstLoad = { jsFiles: js.length, jsBytes: raw, jsGzipBytes: gz, timeToInteractiveMs: tti, domContentLoadedMs: Math.round(JSON.parse(nav).domContentLoadedEventEnd) };
    console.log(`      first load: ${js.length} JS file(s), ${(raw / 1024).toFixed(0)} KiB, ${(gz / 1024).toFixed(0)} KiB gzipped; interactive (config + network read over /rpc) in ${tti} ms`);
    expect(js.length).to.be.greaterThan(0);
    expect(js.some((u) => u.includes("decompress"))).to.equal(false); // the brotli decoder loads only when needed
    // no Node built-in reached the page: Vite replaces one it cannot resolve by this stub module
    for (const f of fs.readdirSync(path.join(ROOT, "app/dist/assets")).filter((x) => x.endsWith(".js"))) {
      expect(fs.readFileSync(path.join(ROOT, "app/dist/assets", f), "utf8"), f).to.not.include("__vite-browser-external");
    }
    await shot("network-1280");
  });

  it("connects the test wallet through the Wallet Standard", async () => {
    await tab("operator");
    await page.getByTestId("connect-Lumora Test Wallet").click();
    await expect(await page.getByTestId("wallet-address").getAttribute("title")).to.equal(status.wallet);
    await page.getByTestId("current-epoch").waitFor();
    await shot("operator-1280");
  });

  it("the task form shows an error on each bad field and creates nothing", async () => {
    await tab("consumer");
    const before = await lmrOf(status.wallet);
    await page.fill("#task-urls", "");
    await page.fill("#task-lat", "123");
    await page.fill("#task-budget", "abc");
    await page.getByTestId("task-submit").click();
    await page.getByTestId("error-task-urls").waitFor();
    expect(await page.getByTestId("error-task-lat").textContent()).to.match(/latitude/);
    expect(await page.getByTestId("error-task-budget").textContent()).to.match(/amount in LMR/);
    expect(await page.locator("#task-urls").getAttribute("aria-invalid")).to.equal("true");
    // focus went to the first bad field
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("task-urls");
    expect(await page.getByTestId("task-panel").count()).to.equal(0);
    expect(await lmrOf(status.wallet)).to.equal(before);
    await shot("consumer-errors-1280");
  });

  let expectedJsonl = "";
  let expectedRecords = 0;

  it("creates a task, watches it settle through the program events, decrypts the result in the browser and downloads JSONL and CSV", async function () {
    const pages = [4, 5].map((n) => `${status.fixture}/products/page/${n}`);
    // the ground truth: the fixture catalogue is deterministic, so a second site in this process knows what
    // an honest executor extracts from the server's pages (as the demo checks its results)
    const truth = await startFixtureSite({ crawlDelaySec: 0.05 });
    const spec = parseTaskSpec(truth.productSpec(pages));
    expectedJsonl = recordsToJsonl(spec, pages.flatMap((u) => truth.expectedRecords(u)) as never);
    await truth.close();
    expectedRecords = expectedJsonl.trim().split("\n").length;
    expect(expectedRecords).to.be.greaterThan(0);
    const before = await lmrOf(status.wallet);
    await page.fill("#task-urls", pages.join("\n"));
    await page.fill("#task-item", "li.product");
    await page.fill("#task-fields", "title=h2.title\nprice=.price\nlink=a.details@href");
    // the target location by clicking the map (Paris is near x = 182/360, y = 41/180)
    const map = page.getByTestId("task-map");
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: (box.width * 182.35) / 360, y: (box.height * 41.14) / 180 } });
    expect(Number(await page.inputValue("#task-lat"))).to.be.closeTo(48.86, 1);
    expect(Number(await page.inputValue("#task-lon"))).to.be.closeTo(2.35, 1);
    await page.fill("#task-redundancy", "2");
    await page.fill("#task-budget", "4");
    await page.getByTestId("task-submit").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="task-panel"]') || document.querySelector('[data-testid="task-status"].error'), undefined, { timeout: 120_000 });
    if ((await page.locator('[data-testid="task-status"].error').count()) > 0) throw new Error(`the task was not created: ${await page.getByTestId("task-status").textContent()}`);
    expect(await page.getByTestId("task-status").textContent()).to.match(/created/);
    const c0 = Date.now();
    await page.waitForFunction(() => document.querySelector('[data-testid="task-state"]')?.textContent === "settled", undefined, { timeout: 300_000 });
    metrics.taskSettleMs = Date.now() - c0;
    const log = await page.getByTestId("task-log").textContent();
    for (const ev of ["TaskCreated", "TaskAssigned", "ResultCommitted", "ResultRevealed", "TaskSettled"]) expect(log, ev).to.include(ev);
    expect(await lmrOf(status.wallet)).to.equal(before - 4_000_000n);
    await shot("consumer-settled-1280");
    await page.getByTestId("fetch-result").click();
    await page.waitForFunction(() => /Verified and decrypted/.test(document.querySelector('[data-testid="fetch-status"]')?.textContent ?? "") || /error|no result/i.test(document.querySelector('[data-testid="fetch-status"]')?.className ?? ""), undefined, { timeout: 120_000 });
    expect(await page.getByTestId("fetch-status").textContent()).to.match(/Verified and decrypted [\d,]+ bytes \(\d+ records/);
    for (const fmt of ["jsonl", "csv"] as const) {
      const [dl] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`download-${fmt}`).click()]);
      const file = path.join(OUT, `task.${fmt}`);
      await dl.saveAs(file);
      const text = fs.readFileSync(file, "utf8");
      if (fmt === "jsonl") expect(text).to.equal(expectedJsonl);
      else {
        // the SDK's records codec, as the executors and lumora-consumer write CSV: RFC 4180, CRLF after every row
        expect(text.split("\r\n")[0]).to.equal("url,link,price,title"); // the JSONL key order: url, then the fields sorted
        expect(text.endsWith("\r\n")).to.equal(true);
        expect(text.trim().split("\r\n").length).to.equal(expectedRecords + 1);
      }
    }
    await shot("consumer-result-1280");
  });

  it("refuses what a lying gateway serves: a chunk with one flipped bit is reported, nothing is shown", async () => {
    // the gateway is untrusted (docs/app.md): tamper with its answer in flight and fetch again
    await page.route("**/gateway/chunks", async (route) => {
      const res = await route.fetch();
      const j = (await res.json()) as { chunks: string[] };
      const c = Buffer.from(j.chunks[0]!, "base64");
      c[c.length >> 1] ^= 0x01;
      j.chunks[0] = c.toString("base64");
      await route.fulfill({ response: res, json: j });
    });
    try {
      await page.getByTestId("fetch-result").click();
      await page.waitForFunction(() => document.querySelector('[data-testid="fetch-status"]')?.classList.contains("error"), undefined, { timeout: 120_000 });
      expect(await page.getByTestId("fetch-status").textContent()).to.match(/no result could be fetched and decrypted: .*(Merkle root|does not match)/);
      expect(await page.getByTestId("result-preview").count()).to.equal(0);
    } finally {
      await page.unroute("**/gateway/chunks");
    }
  });

  it("buys the dataset: escrow, the sealed key from the seller, chunks verified and decrypted in the browser", async () => {
    await tab("marketplace");
    const card = page.getByTestId(`dataset-${status.dataset}`);
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole("button", { name: /provenance/ }).click();
    await card.getByTestId("provenance-sources").waitFor({ timeout: 60_000 });
    expect(await card.getByTestId("provenance-sources").textContent()).to.include(`${status.fixture}/products/page/1`);
    const before = await lmrOf(status.wallet);
    await card.getByTestId("buy").click();
    await page.waitForFunction((ds) => {
      const s = document.querySelector(`[data-testid="dataset-${ds}"] [data-testid="buy-status"]`);
      return /decrypted in this browser/.test(s?.textContent ?? "") || s?.classList.contains("error");
    }, status.dataset, { timeout: 240_000 });
    expect(await card.getByTestId("buy-status").textContent()).to.match(/Key received and checked; [\d,]+ bytes \(\d+ records\) verified and decrypted/);
    expect(await card.getByTestId("dataset-preview").textContent()).to.match(/"title"/);
    expect(await lmrOf(status.wallet)).to.equal(before - 5_000_000n);
    await shot("marketplace-1280");
  });

  it("claims the operator's reward for the closed epoch", async () => {
    await tab("operator");
    const epoch = status.claimableEpoch!;
    expect(epoch).to.be.a("string");
    const button = page.getByTestId(`claim-${epoch}`);
    await button.waitFor({ timeout: 30_000 });
    const shown = await page.getByTestId(`epoch-${epoch}`).getByTestId("reward").textContent();
    const before = await lmrOf(status.wallet);
    await button.click();
    await page.waitForFunction(() => /Claimed|error/i.test(document.querySelector('[data-testid="claim-status"]')?.textContent ?? ""), undefined, { timeout: 60_000 });
    expect(await page.getByTestId("claim-status").textContent()).to.match(/^Claimed/);
    const gained = (await lmrOf(status.wallet)) - before;
    expect(gained > 0n).to.equal(true);
    const whole = gained / 1_000_000n;
    const frac = (gained % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
    expect(shown).to.equal(`${whole}${frac ? `.${frac}` : ""}`);
    await page.waitForFunction((e) => document.querySelector(`[data-testid="epoch-${e}"]`)?.textContent?.includes("claimed"), epoch);
    await shot("operator-claimed-1280");
  });

  it("the network view shows the nodes by region, active and jailed, and the epoch's payouts", async () => {
    await tab("network");
    const summary = await page.getByTestId("network-summary").textContent();
    expect(summary).to.match(new RegExp(`${status.nodes.length} nodes registered: ${status.nodes.length} active, 0 jailed`));
    expect(await page.getByTestId("nodes-table").textContent()).to.include("Europe");
    expect(await page.getByTestId(`network-epoch-${status.claimableEpoch}`).textContent()).to.match(/claimed [\d.]+ LMR/);
    expect(await page.locator('[data-testid="network-map"] circle').count()).to.equal(status.nodes.length);
    await shot("network-after-1280");
  });

  for (const width of [390, 1280]) {
    it(`is readable at ${width} px: no view overflows sideways`, async () => {
      await page.setViewportSize({ width, height: 900 });
      for (const id of ["operator", "consumer", "marketplace", "network"]) {
        await tab(id);
        await page.waitForTimeout(300);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${id} at ${width} px overflows by ${overflow} px`).to.be.at.most(0);
        if (width === 390) await shot(`${id}-390`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    });
  }

  it("keyboard: the view tabs follow the arrow keys, Home and End; every form control has a label", async () => {
    await tab("operator");
    await page.focus("#tab-operator");
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("tab-consumer");
    expect(await page.getAttribute("#tab-consumer", "aria-selected")).to.equal("true");
    await page.keyboard.press("End");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("tab-network");
    await page.keyboard.press("Home");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("tab-operator");
    await page.keyboard.press("ArrowLeft");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("tab-network");
    await tab("consumer");
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea")].filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label")).map((el) => el.id || el.outerHTML.slice(0, 60)),
    );
    expect(unlabelled).to.deep.equal([]);
    // Tab from the tab list reaches the first form field
    await page.focus("#tab-consumer");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.tagName);
    expect(["TEXTAREA", "INPUT", "DIV", "A", "BUTTON"]).to.include(focused);
  });
});
