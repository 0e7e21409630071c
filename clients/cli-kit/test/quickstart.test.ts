/**
 * docs/quickstart.md, run as written: every `sh` block in order (but the clone-and-build block marked
 * `quickstart-test: skip`, since this runs in the checkout itself) as one bash script with `set -e`, from
 * the repository's root, with HOME a fresh temporary folder (so `~/lumora-first-hour` starts empty) and
 * PORT a free port (the page's `PORT="${PORT:-8899}"`). A documented step that fails fails the test.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const PAGE = path.join(ROOT, "docs", "quickstart.md");

/** The page's sh blocks, in order, without those marked to skip. */
export function quickstartBlocks(md: string): string[] {
  const blocks: string[] = [];
  const re = /(<!-- quickstart-test: skip[^>]*-->\s*)?```sh\n([\s\S]*?)```/g;
  for (const m of md.matchAll(re)) if (!m[1]) blocks.push(m[2]!);
  return blocks;
}

async function freePort(): Promise<number> {
  // a port whose neighbour (the WebSocket, port + 1) is free too
  for (;;) {
    const p = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    if (p >= 65_000) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once("error", () => resolve(false)).listen(p + 1, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) return p;
  }
}

describe("docs/quickstart.md, run as written in a fresh home folder", function () {
  this.timeout(600_000);

  it("the page has the steps the test runs (keys, localnet, node, task)", () => {
    const blocks = quickstartBlocks(fs.readFileSync(PAGE, "utf8"));
    const all = blocks.join("\n");
    for (const step of ["lumora\" keygen", "lumora\" localnet", "lumora-node init", "lumora-node start", "lumora-consumer task create", "lumora-consumer data fetch"]) expect(all).to.include(step);
    expect(fs.readFileSync(PAGE, "utf8")).to.include("quickstart-test: skip");
  });

  it("every step succeeds: a registered node executes the consumer's task and the data is fetched", async function () {
    for (const so of ["lumora_registry", "lumora_tasks", "lumora_rewards", "lumora_market"])
      if (!fs.existsSync(path.join(ROOT, "target", "deploy", `${so}.so`))) throw new Error(`target/deploy/${so}.so is missing: build the programs first (./lumora build)`);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-quickstart-"));
    const script = [
      "set -euo pipefail",
      // whatever happens, the background processes the page started stop with the script
      "trap 'jobs -p | xargs -r kill 2>/dev/null; wait 2>/dev/null' EXIT",
      ...quickstartBlocks(fs.readFileSync(PAGE, "utf8")).map((b, i) => `echo "### quickstart block ${i + 1}"\n${b}`),
      'echo "### quickstart done"',
    ].join("\n");
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PORT: String(await freePort()) };
    delete env.LUMORA_RPC;
    const child = spawn("bash", ["-c", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (process.env.LUMORA_QUICKSTART_SHOW === "1") console.log(out); // what a user would see, for the page's maintainers
    const work = path.join(home, "lumora-first-hour");
    const logs = ["localnet.log", "node.log"].map((f) => (fs.existsSync(path.join(work, f)) ? `--- ${f}\n${fs.readFileSync(path.join(work, f), "utf8").slice(-3000)}` : "")).join("\n");
    try {
      expect(code, `${out.slice(-6000)}\n${logs}`).to.equal(0);
      expect(out).to.include("### quickstart done");
      expect(fs.readFileSync(path.join(work, "node.json"), "utf8")).to.include('"roles"');
      const records = fs.readFileSync(path.join(work, "data.jsonl"), "utf8").trim().split("\n");
      expect(records.length).to.be.greaterThan(0);
      expect(JSON.parse(records[0]!)).to.have.property("title");
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
