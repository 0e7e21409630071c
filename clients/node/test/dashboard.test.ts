// The node's dashboard in a real browser (Debian's chromium through playwright-core) against a real
// source object backed by plain state: the figures shown equal the source's status, live updates
// arrive over SSE, the limit control reaches the source, and the HTTP guards (Host, token, Origin,
// validation, CSP, no external requests) hold.
import { expect } from "chai";
import { request as httpRequest } from "node:http";
import type { Browser } from "playwright-core";
import {
  openDashboard,
  readDashboard,
  setLimitFromPage,
  waitForText,
  type OpenedDashboard,
} from "../../../tools/browser/dashboard.js";
import { launchChromium } from "../../../tools/browser/chromium.js";
import {
  type DashboardHandle,
  type DashboardSource,
  type DashboardStatus,
  startDashboard,
  TOKEN_HEADER,
} from "../src/dashboard/index.js";

/** A DashboardSource over plain state, recording every limit it is asked for. */
class StateSource implements DashboardSource {
  readonly limitCalls: number[] = [];
  failWith: string | null = null;
  /** When set, the node applies this instead of what was asked (as a daemon clamping to its link). */
  appliedOverride: number | null = null;

  constructor(public state: DashboardStatus) {}

  async status(): Promise<DashboardStatus> {
    if (this.failWith !== null) throw new Error(this.failWith);
    return structuredClone(this.state);
  }

  async setLimit(kbps: number): Promise<void> {
    if (!Number.isInteger(kbps) || kbps < 1) throw new RangeError(`bad limit ${kbps}`);
    this.limitCalls.push(kbps);
    this.state.limitKbps = this.appliedOverride ?? kbps;
  }
}

function initialState(): DashboardStatus {
  return {
    nodeKey: "NodeKey1111111111111111111111111111111111111",
    operator: "Operator22222222222222222222222222222222222",
    roles: ["provider", "verifier"],
    active: true,
    jailed: false,
    reputation: 8750,
    stakeLmr: 1_234_500_000n,
    limitKbps: 1500,
    currentEpoch: 3,
    peers: 4,
    updatedAt: Date.UTC(2026, 10, 23, 3, 0, 0),
    trouble: [
      {
        source: "config",
        level: "error",
        id: "cap-zero",
        message: "declared bandwidth cap is 0",
        count: 1,
        lastAt: null,
        detail: "",
        meaning: "credit is min(measured rate, cap) × live time: with a cap of 0 every epoch's credit is zero (ZeroCredit)",
        fix: "register a bandwidthCapKbps above 0 (at most declaredBandwidthKbps)",
      },
      {
        source: "log",
        level: "warn",
        id: "RateAboveCap",
        message: "submit_receipts failed",
        count: 9,
        lastAt: Date.UTC(2026, 10, 23, 2, 59, 0),
        detail: "lumora_rewards: RateAboveCap (6024): the receipt's rate exceeds the provider's declared bandwidth cap",
        meaning: "a verifier measured this provider serving faster than its declared bandwidth cap, so the receipts were refused",
        fix: "keep the bandwidth limit below the declared cap (lumora-node set-limit), or register a higher bandwidthCapKbps",
      },
      { source: "log", level: "warn", message: "spec not found yet", count: 2, lastAt: Date.UTC(2026, 10, 23, 2, 58, 0), detail: "" },
    ],
    tasks: [
      { id: "TaskAAAA1111111111111111111111111111111111111", role: "assignee", phase: "revealed", reason: null, rewardLmr: 500_000n, rewardFinal: true, updatedAt: 3 },
      { id: "TaskBBBB2222222222222222222222222222222222222", role: "backup", phase: "committed", reason: null, rewardLmr: 250_000n, rewardFinal: false, updatedAt: 2 },
      { id: "TaskCCCC3333333333333333333333333333333333333", role: "assignee", phase: "failed", reason: "spec not found", rewardLmr: null, rewardFinal: false, updatedAt: 1 },
    ],
    earnings: {
      pending: [
        { epoch: 1, bytesCredited: 1_234_567n },
        { epoch: 2, bytesCredited: 89n },
      ],
      claimedLmr: 12_000_000_123n,
      // 2026-11-23 03:00:00 UTC; the epoch ends at 03:30, the previous one's credit window closed at 03:10 → open until 03:10
      now: Date.UTC(2026, 10, 23, 3, 0, 0) / 1000,
      epochEndsAt: Date.UTC(2026, 10, 23, 3, 30, 0) / 1000,
      creditWindow: { epoch: 2, closesAt: Date.UTC(2026, 10, 23, 3, 10, 0) / 1000 },
    },
    epochs: [
      // out of order on purpose: the page sorts
      { epoch: 2, bytesServed: 5_000_000n, bytesFetched: 700n, tasksDone: 7, probesMade: 12, totalsReceived: 11, earnedLmr: 250_000n },
      { epoch: 1, bytesServed: 1_048_576n, bytesFetched: 0n, tasksDone: 1, probesMade: 3, totalsReceived: 3, earnedLmr: 1n },
      // above 2^53: the JSON carries it as a string and the page must not round it
      {
        epoch: 3,
        bytesServed: 9_007_199_254_740_993n,
        bytesFetched: 42n,
        tasksDone: 0,
        probesMade: 0,
        totalsReceived: 0,
        earnedLmr: 12_000_000_123n,
      },
    ],
  };
}

/** Raw HTTP (node:http lets a test set any Host header, which fetch does not). */
function raw(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, method: opts.method ?? "GET", path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("node dashboard (headless chromium)", () => {
  let browser: Browser;
  let source: StateSource;
  let dash: DashboardHandle;
  let opened: OpenedDashboard | null = null;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    source = new StateSource(initialState());
    dash = await startDashboard({ source, intervalMs: 100 });
  });
  afterEach(async () => {
    await opened?.close();
    opened = null;
    await dash.close();
  });

  it("shows the source's figures: reputation, stake with 6 decimals, limit, identity and one row per epoch", async () => {
    opened = await openDashboard(browser, dash.url);
    const shown = await readDashboard(opened.page);
    expect(shown.reputation).to.equal("87.50 %");
    expect(shown.stake).to.equal("1,234.500000 LMR");
    expect(shown.limit).to.equal("1,500 kbps");
    expect(shown.nodeKey).to.equal(source.state.nodeKey);
    expect(shown.operator).to.equal(source.state.operator);
    expect(shown.roles).to.equal("provider, verifier");
    expect(shown.state).to.equal("active");
    expect(shown.peers).to.equal("4");
    expect(shown.currentEpoch).to.equal("3");
    expect(shown.epochs).to.deep.equal([
      {
        epoch: "3",
        bytesServed: "9,007,199,254,740,993",
        bytesFetched: "42",
        tasksDone: "0",
        probesMade: "0",
        totalsReceived: "0",
        earned: "12,000.000123",
      },
      {
        epoch: "2",
        bytesServed: "5,000,000",
        bytesFetched: "700",
        tasksDone: "7",
        probesMade: "12",
        totalsReceived: "11",
        earned: "0.250000",
      },
      {
        epoch: "1",
        bytesServed: "1,048,576",
        bytesFetched: "0",
        tasksDone: "1",
        probesMade: "3",
        totalsReceived: "3",
        earned: "0.000001",
      },
    ]);
    // charts: one bar per epoch and series, oldest first, the tallest where the value is largest
    const bars = await opened.page.$$eval('[data-testid="chart-tasks"] rect.bar', (rs) =>
      rs.map((r) => ({ epoch: r.getAttribute("data-epoch"), h: Number(r.getAttribute("height")) })),
    );
    expect(bars.map((b) => b.epoch)).to.deep.equal(["1", "2", "3"]);
    expect(bars[1]!.h).to.be.greaterThan(bars[0]!.h);
    expect(bars[2]!.h).to.equal(0);
    for (const [chart, series] of [
      ["chart-bytes", 2],
      ["chart-pob", 2],
      ["chart-earned", 1],
    ] as const) {
      expect(await opened.page.locator(`[data-testid="${chart}"] rect.bar`).count(), chart).to.equal(3 * series);
    }
  });

  it("shows refusals and warnings grouped, with a count and, for known ones, their meaning and fix", async () => {
    opened = await openDashboard(browser, dash.url);
    // no inner named functions in the page (tsx's keepNames would add a `__name` call the page lacks)
    const fields = ["trouble-message", "trouble-count", "trouble-meaning", "trouble-fix", "trouble-detail"];
    const items = (
      await opened.page.$$eval(
        '[data-testid="trouble-item"]',
        (lis, ids) => lis.map((li) => [li.getAttribute("data-id"), ...ids.map((id) => li.querySelector(`[data-testid="${id}"]`)?.textContent ?? null)]),
        fields,
      )
    ).map(([id, message, count, meaning, fix, detail]) => ({ id, message, count, meaning, fix, detail }));
    const [cap, rate, spec] = source.state.trouble!;
    expect(items).to.deep.equal([
      { id: "cap-zero", message: cap!.message, count: "× 1", meaning: cap!.meaning, fix: cap!.fix, detail: null },
      { id: "RateAboveCap", message: rate!.message, count: "× 9", meaning: rate!.meaning, fix: rate!.fix, detail: rate!.detail },
      { id: null, message: spec!.message, count: "× 2", meaning: null, fix: null, detail: null },
    ]);
    expect(await opened.page.getByTestId("trouble-empty").isHidden()).to.equal(true);
    // trouble cleared on the node: the page says so without a reload
    source.state.trouble = [];
    await waitForText(opened.page, "trouble-empty", "no refusals or warnings");
    await opened.page.getByTestId("trouble-empty").waitFor({ state: "visible" });
    expect(await opened.page.locator('[data-testid="trouble-item"]').count()).to.equal(0);
  });

  it("lists the recent tasks with id, role, phase and reward (≈ while not final, — when unknown)", async () => {
    opened = await openDashboard(browser, dash.url);
    const rows = await opened.page.$$eval('[data-testid="task-row"]', (trs) =>
      trs.map((tr) => ["task-id", "task-role", "task-phase", "task-reward"].map((id) => tr.querySelector(`[data-testid="${id}"]`)?.textContent ?? "")),
    );
    expect(rows).to.deep.equal([
      ["TaskAAAA1111111111111111111111111111111111111", "assignee", "revealed", "0.500000"],
      ["TaskBBBB2222222222222222222222222222222222222", "backup", "committed", "≈ 0.250000"],
      ["TaskCCCC3333333333333333333333333333333333333", "assignee", "failed (spec not found)", "—"],
    ]);
    expect(await opened.page.getByTestId("tasks-empty").isHidden()).to.equal(true);
  });

  it("shows pending earnings and when the epoch ends and the credit window closes", async () => {
    opened = await openDashboard(browser, dash.url);
    expect(await opened.page.getByTestId("pending-count").textContent()).to.equal("2 epochs credited, not claimed");
    expect(await opened.page.locator('[data-testid="pending-epoch"]').allTextContents()).to.deep.equal([
      "epoch 1: 1,234,567 B of capacity-time credited",
      "epoch 2: 89 B of capacity-time credited",
    ]);
    expect(await opened.page.getByTestId("claimed").textContent()).to.equal("12,000.000123 LMR");
    expect(await opened.page.getByTestId("clock-epoch").textContent()).to.equal("3");
    expect(await opened.page.getByTestId("epoch-ends").textContent()).to.equal("2026-11-23 03:30:00 UTC (in 30m 0s)");
    expect(await opened.page.getByTestId("credit-epoch").textContent()).to.equal("2");
    expect(await opened.page.getByTestId("credit-closes").textContent()).to.equal("closes 2026-11-23 03:10:00 UTC (in 10m 0s)");
    // the window passes: the page says it closed
    source.state.earnings!.now = Date.UTC(2026, 10, 23, 3, 11, 0) / 1000;
    source.state.earnings!.pending = [];
    await waitForText(opened.page, "credit-closes", "closed 2026-11-23 03:10:00 UTC");
    await waitForText(opened.page, "pending-count", "nothing pending");
    expect(await opened.page.getByTestId("epoch-ends").textContent()).to.equal("2026-11-23 03:30:00 UTC (in 19m 0s)");
  });

  it("fits a 390 px wide phone screen: no horizontal scroll, with long keys, tasks and relay rows shown", async () => {
    source.state.relay = {
      serving: true,
      using: true,
      activeSessions: 3,
      ownerBps: 1_000_000,
      relayBps: 200_000,
      headroomBps: 500_000,
      limitBps: 6_250_000,
      trafficSource: "/proc/net/dev (eth0, wlan0)",
      epochs: [{ epoch: 3, role: "provider", sessions: 12, bytesUp: "123456789012", bytesDown: "98765432109", attestedBoth: 11 }],
      refusals: [{ reason: "Busy", count: 4 }],
    };
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.goto(dash.url);
      await page.waitForSelector('body[data-loaded="true"]');
      expect(await page.locator('[data-testid="task-row"]').count()).to.equal(3);
      expect(await page.getByTestId("relay").isVisible()).to.equal(true);
      const widths = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, client: document.scrollingElement!.clientWidth }));
      expect(widths.client).to.equal(390);
      expect(widths.scroll, "document.scrollingElement.scrollWidth").to.be.at.most(390);
    } finally {
      await context.close();
    }
  });

  it("serves /api/status with bigints as exact decimal strings", async () => {
    const res = await fetch(`${dash.url}api/status`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, unknown> & { epochs: Record<string, unknown>[] };
    expect(body.stakeLmr).to.equal("1234500000");
    expect(body.reputation).to.equal(8750);
    const e3 = body.epochs.find((e) => e.epoch === 3)!;
    expect(e3.bytesServed).to.equal("9007199254740993");
    expect(e3.earnedLmr).to.equal("12000000123");
    expect((body.tasks as { rewardLmr: string | null }[]).map((t) => t.rewardLmr)).to.deep.equal(["500000", "250000", null]);
    expect((body.earnings as { claimedLmr: string; pending: unknown[] }).claimedLmr).to.equal("12000000123");
    expect((body.earnings as { pending: unknown[] }).pending).to.deep.equal([
      { epoch: 1, bytesCredited: "1234567" },
      { epoch: 2, bytesCredited: "89" },
    ]);
  });

  it("pushes state changes to the open page over SSE, without a reload", async () => {
    opened = await openDashboard(browser, dash.url);
    await opened.page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    source.state.reputation = 9001;
    source.state.stakeLmr = 5n;
    source.state.jailed = true;
    source.state.currentEpoch = 4;
    source.state.epochs.push({
      epoch: 4,
      bytesServed: 10n,
      bytesFetched: 20n,
      tasksDone: 30,
      probesMade: 40,
      totalsReceived: 50,
      earnedLmr: 60n,
    });
    await waitForText(opened.page, "reputation", "90.01 %");
    await waitForText(opened.page, "stake", "0.000005 LMR");
    await waitForText(opened.page, "state", "jailed");
    const shown = await readDashboard(opened.page);
    expect(shown.epochs[0]).to.deep.equal({
      epoch: "4",
      bytesServed: "10",
      bytesFetched: "20",
      tasksDone: "30",
      probesMade: "40",
      totalsReceived: "50",
      earned: "0.000060",
    });
    expect(shown.epochs).to.have.length(4);
    expect(await opened.page.evaluate(() => (window as unknown as { marker?: number }).marker)).to.equal(7);
  });

  it("changes the limit from the page: the source receives it and the page shows it after the SSE update", async () => {
    opened = await openDashboard(browser, dash.url);
    const outcome = await setLimitFromPage(opened.page, "2500");
    expect(outcome).to.deep.equal({ ok: true, message: "limit set to 2,500 kbps" });
    expect(source.limitCalls).to.deep.equal([2500]);
    expect(source.state.limitKbps).to.equal(2500);
    await waitForText(opened.page, "limit", "2,500 kbps");
  });

  it("shows the limit the node applied (from the status stream), not the one typed", async () => {
    source.appliedOverride = 2000;
    opened = await openDashboard(browser, dash.url);
    const outcome = await setLimitFromPage(opened.page, "9999");
    expect(outcome.ok).to.equal(true);
    expect(source.limitCalls).to.deep.equal([9999]);
    await waitForText(opened.page, "limit", "2,000 kbps");
  });

  for (const bad of ["0", "abc", "1.5", "-3", "10000001", ""]) {
    it(`refuses the limit ${JSON.stringify(bad)} with the server's message and leaves the source alone`, async () => {
      opened = await openDashboard(browser, dash.url);
      const outcome = await setLimitFromPage(opened.page, bad);
      expect(outcome.ok).to.equal(false);
      expect(outcome.message).to.match(/^kbps must be (an integer )?between 1 and 10000000/);
      expect(source.limitCalls).to.deep.equal([]);
      expect(source.state.limitKbps).to.equal(1500);
      expect((await readDashboard(opened.page)).limit).to.equal("1,500 kbps");
    });
  }

  it("refuses a POST without the token, with a wrong token, from a foreign Origin, or with a foreign Host (403)", async () => {
    const host = new URL(dash.url).host;
    const body = JSON.stringify({ kbps: 777 });
    const json = { "content-type": "application/json", host };
    const post = (headers: Record<string, string>) => raw(dash.url, { method: "POST", path: "/api/limit", headers, body });

    const noToken = await post(json);
    expect(noToken.status).to.equal(403);
    expect(JSON.parse(noToken.body).error).to.match(/token/);
    expect((await post({ ...json, [TOKEN_HEADER]: "0".repeat(64) })).status).to.equal(403);
    expect((await post({ ...json, [TOKEN_HEADER]: dash.token, origin: "http://evil.example" })).status).to.equal(403);
    const foreign = await post({ ...json, [TOKEN_HEADER]: dash.token, host: `evil.example:${new URL(dash.url).port}` });
    expect(foreign.status).to.equal(403);
    expect(JSON.parse(foreign.body).error).to.match(/Host/);
    // DNS rebinding: reads with a foreign Host are refused too
    for (const path of ["/", "/api/status", "/api/events"]) {
      const r = await raw(dash.url, { path, headers: { host: "evil.example" } });
      expect(r.status, path).to.equal(403);
    }
    expect(source.limitCalls).to.deep.equal([]);

    // the same request with the token, the right Host and a same-origin Origin goes through
    const ok = await post({ ...json, [TOKEN_HEADER]: dash.token, origin: `http://${host}` });
    expect(ok.status).to.equal(200);
    expect(source.limitCalls).to.deep.equal([777]);
  });

  it("validates the POST body: bad JSON 400, wrong content type 415, bad kbps 400; wrong method 405, unknown path 404", async () => {
    const headers = { "content-type": "application/json", [TOKEN_HEADER]: dash.token };
    const post = (body: string, h: Record<string, string> = headers) =>
      raw(dash.url, { method: "POST", path: "/api/limit", headers: h, body });
    expect((await post("{kbps: 5")).status).to.equal(400);
    expect((await post("[5]")).status).to.equal(400);
    expect((await post('{"kbps": "5"}')).status).to.equal(400);
    expect((await post('{"kbps": 5}', { ...headers, "content-type": "text/plain" })).status).to.equal(415);
    expect((await post(JSON.stringify({ kbps: 1, pad: "x".repeat(2000) }))).status).to.equal(413);
    expect((await raw(dash.url, { path: "/api/limit" })).status).to.equal(405);
    expect((await raw(dash.url, { path: "/nope" })).status).to.equal(404);
    expect(source.limitCalls).to.deep.equal([]);
    expect((await post('{"kbps": 10000000}')).status).to.equal(200);
    expect(source.limitCalls).to.deep.equal([10_000_000]);
  });

  it("loads nothing from outside its origin and runs under a nonce CSP without violations", async () => {
    const page = await raw(dash.url, { path: "/" });
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).to.match(/default-src 'none'/);
    expect(csp).to.match(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).to.match(/connect-src 'self'/);
    expect(page.body).to.not.match(/(src|href)=["']?(https?:)?\/\//i);

    opened = await openDashboard(browser, dash.url);
    await setLimitFromPage(opened.page, "3000");
    await setLimitFromPage(opened.page, "zero");
    await waitForText(opened.page, "limit", "3,000 kbps");
    const origin = new URL(dash.url).origin;
    expect(opened.requests).to.include(`${origin}/`);
    expect(opened.requests).to.include(`${origin}/api/events`);
    expect(opened.requests.filter((u) => u === `${origin}/api/limit`)).to.have.length(2);
    const foreign = opened.requests.filter((u) => new URL(u).origin !== origin);
    expect(foreign, "requests outside the dashboard origin").to.deep.equal([]);
    // a refused request logs a console error for the 400; anything else (a CSP violation) must not appear
    expect(opened.errors.filter((e) => !/status of 400/.test(e))).to.deep.equal([]);
  });

  it("tells the operator when the node's status cannot be read, and recovers", async () => {
    opened = await openDashboard(browser, dash.url);
    source.failWith = "store locked";
    await opened.page.getByTestId("source-error").waitFor({ state: "visible" });
    expect(await opened.page.getByTestId("source-error").textContent()).to.equal("node status unavailable: store locked");
    expect((await fetch(`${dash.url}api/status`)).status).to.equal(503);
    source.failWith = null;
    await opened.page.getByTestId("source-error").waitFor({ state: "hidden" });
  });

  it("binds loopback only unless told otherwise, and never a wildcard", async () => {
    expect(dash.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const refused = async (opts: Parameters<typeof startDashboard>[0]) => {
      try {
        const d = await startDashboard(opts);
        await d.close();
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error(`startDashboard(${JSON.stringify(opts.host)}) did not refuse`);
    };
    expect(await refused({ source, host: "192.0.2.1" })).to.match(/loopback only/);
    expect(await refused({ source, host: "0.0.0.0", allowNonLoopback: true })).to.match(/wildcard/);
    expect(await refused({ source, host: "::", allowNonLoopback: true })).to.match(/wildcard/);
    expect(await refused({ source, host: "example.com" })).to.match(/IP address/);
    const v6 = await startDashboard({ source, host: "::1" }).catch(() => null);
    if (v6) {
      expect(v6.url).to.match(/^http:\/\/\[::1\]:\d+\/$/);
      expect((await fetch(`${v6.url}api/status`)).status).to.equal(200);
      await v6.close();
    }
  });
});
