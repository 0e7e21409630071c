/**
 * Starts the fixture site and prints its base URLs as one JSON line, then serves until SIGINT/SIGTERM:
 *
 *   npx tsx clients/fixture-site/src/cli.ts [--seed S] [--pages N] [--per-page N] [--crawl-delay SEC] [--slow-ms MS]
 *   → {"catalogue":"http://127.0.0.1:40123","slow":"…","failing":"…","blocked":"…","seed":"lumora","pages":40}
 * `--help` lists every flag with its default and range (parsing follows @lumora/cli-kit).
 */
import { type Parsed, type ProgramSpec, int, runCommand } from "@lumora/cli-kit";
import { startFixtureSite } from "./index.js";

const decimal = (min: number, max: number) => ({ accepts: `a number in [${min}, ${max}]`, check: (v: string) => /^\d+(\.\d+)?$/.test(v) && Number(v) >= min && Number(v) <= max });

export const PROGRAM: ProgramSpec = {
  name: "tsx clients/fixture-site/src/cli.ts",
  summary: "fixture site",
  single: true,
  commands: [
    {
      name: "fixture-site",
      summary: "A deterministic website on loopback (a product catalogue, robots.txt, slow, failing and blocked hosts) to scrape in tests, the demo and docs/quickstart.md. Prints its base URLs as one JSON line, serves until SIGINT/SIGTERM.",
      flags: {
        seed: { type: "string", value: "S", help: "seed of the generated catalogue", default: "lumora" },
        pages: { type: "string", value: "N", help: "product list pages", accepts: int(1, 10_000), default: "40" },
        "per-page": { type: "string", value: "N", help: "products per list page", accepts: int(1, 1_000), default: "12" },
        "crawl-delay": { type: "string", value: "SEC", help: "Crawl-delay declared in robots.txt", accepts: decimal(0, 60), default: "0.1" },
        "slow-ms": { type: "string", value: "MS", help: "delay of the slow host", accepts: int(0, 600_000), default: "2000" },
      },
    },
  ],
};

async function serve(a: Parsed): Promise<number> {
  const site = await startFixtureSite({ seed: a.str("seed"), pages: a.int("pages"), perPage: a.int("per-page"), crawlDelaySec: Number(a.str("crawl-delay")), slowMs: a.int("slow-ms") });
  process.stdout.write(JSON.stringify({ ...site.hosts, seed: site.catalogue.seed, pages: site.catalogue.pages.length }) + "\n");
  const stop = () => void site.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return -1;
}

const code = await runCommand(PROGRAM, process.argv.slice(2), serve);
if (code >= 0) process.exit(code);
