// Test driver for the lumora-node dashboard page: opens it in a fresh browser context, records every
// request and console error, reads the figures by their data-testid, and uses the limit control the
// way an operator would. Shared by the dashboard unit suite and the daemon's end-to-end test.
import type { Browser, BrowserContext, Page } from "playwright-core";

/** One per-epoch table row, as displayed. */
export interface ShownEpoch {
  epoch: string;
  bytesServed: string;
  bytesFetched: string;
  tasksDone: string;
  probesMade: string;
  totalsReceived: string;
  earned: string;
}

/** The dashboard's figures, as displayed (text, exactly as the operator reads it). */
export interface ShownDashboard {
  nodeKey: string;
  operator: string;
  roles: string;
  state: string;
  peers: string;
  currentEpoch: string;
  reputation: string;
  stake: string;
  limit: string;
  /** Newest first, as in the table. */
  epochs: ShownEpoch[];
}

export interface OpenedDashboard {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested, in order (the page itself, the event stream, the POSTs, …). */
  requests: string[];
  /** Console errors and page errors (CSP violations show up here). */
  errors: string[];
  close(): Promise<void>;
}

/** Opens the dashboard at `url` in a new context and waits until it rendered a first status. */
export async function openDashboard(browser: Browser, url: string): Promise<OpenedDashboard> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
  return { page, context, requests, errors, close: () => context.close() };
}

const text = async (page: Page, testid: string): Promise<string> =>
  ((await page.getByTestId(testid).first().textContent()) ?? "").trim();

const READ_EPOCHS = `(() => {
  const fields = { epoch: "epoch", bytesServed: "bytes-served", bytesFetched: "bytes-fetched", tasksDone: "tasks-done",
    probesMade: "probes-made", totalsReceived: "totals-received", earned: "earned" };
  return [...document.querySelectorAll('[data-testid="epochs-body"] tr[data-testid="epoch-row"]')].map((row) =>
    Object.fromEntries(Object.entries(fields).map(([key, id]) =>
      [key, (row.querySelector('[data-testid="' + id + '"]')?.textContent ?? "").trim()])));
})()`;

/** Reads every figure the page shows. */
export async function readDashboard(page: Page): Promise<ShownDashboard> {
  // a string, not a function: tsx (esbuild keepNames) would wrap inner functions in a `__name` helper
  // that does not exist in the page
  const epochs = (await page.evaluate(READ_EPOCHS)) as ShownEpoch[];
  return {
    nodeKey: await text(page, "node-key"),
    operator: await text(page, "operator"),
    roles: await text(page, "roles"),
    state: await text(page, "state"),
    peers: await text(page, "peers"),
    currentEpoch: await text(page, "current-epoch"),
    reputation: await text(page, "reputation"),
    stake: await text(page, "stake"),
    limit: await text(page, "limit"),
    epochs,
  };
}

/** Waits until the element with `testid` shows exactly `expected` (live updates arrive over SSE). */
export async function waitForText(page: Page, testid: string, expected: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === want,
    [testid, expected] as const,
    { timeout },
  );
}

/**
 * Types `value` into the limit input and presses the button; resolves with the outcome the page shows
 * (`ok` from the message's class, and its text) once the request finished.
 */
export async function setLimitFromPage(page: Page, value: string): Promise<{ ok: boolean; message: string }> {
  const message = page.getByTestId("limit-message");
  // forget the previous outcome so the wait below sees this request's
  await message.evaluate((el) => {
    el.setAttribute("class", "message");
    el.textContent = "";
  });
  await page.getByTestId("limit-input").fill(value);
  await page.getByTestId("limit-submit").click();
  await page.waitForFunction(
    () => /\b(ok|error)\b/.test(document.querySelector('[data-testid="limit-message"]')?.className ?? ""),
    undefined,
    { timeout: 10_000 },
  );
  const cls = (await message.getAttribute("class")) ?? "";
  return { ok: /\bok\b/.test(cls), message: ((await message.textContent()) ?? "").trim() };
}
