/**
 * Starts the fixture site and prints its base URLs as one JSON line, then serves until SIGINT/SIGTERM:
 *
 *   npx tsx clients/fixture-site/src/cli.ts [--seed S] [--pages N] [--per-page N] [--crawl-delay SEC] [--slow-ms MS]
 *   → {"catalogue":"http://127.0.0.1:40123","slow":"…","failing":"…","blocked":"…","seed":"lumora","pages":40}
 */
import { parseArgs } from "node:util";
import { startFixtureSite } from "./index.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    pages: { type: "string" },
    "per-page": { type: "string" },
    "crawl-delay": { type: "string" },
    "slow-ms": { type: "string" },
  },
});
const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
};

const site = await startFixtureSite({
  seed: values.seed,
  pages: num(values.pages, "pages"),
  perPage: num(values["per-page"], "per-page"),
  crawlDelaySec: num(values["crawl-delay"], "crawl-delay"),
  slowMs: num(values["slow-ms"], "slow-ms"),
});
process.stdout.write(JSON.stringify({ ...site.hosts, seed: site.catalogue.seed, pages: site.catalogue.pages.length }) + "\n");
const stop = () => void site.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
