/**
 * `./lumora app` — the dApp on localhost: the embedded chain, demo nodes and the page, one command
 * (env.ts, http.ts). Prints the URL at once, then the environment's progress; runs until Ctrl-C.
 *   tsx app/server/main.ts [--port 5180] [--host 127.0.0.1] [--nodes 3] [--work DIR] [--rpc-port N]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type ProgramSpec, UsageError, int, runCommand } from "@lumora/cli-kit";
import { NODES, startAppEnv } from "./env.js";
import { startAppServer } from "./http.js";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export const PROGRAM: ProgramSpec = {
  name: "./lumora app",
  summary: "app",
  single: true,
  commands: [
    {
      name: "app",
      summary:
        "The Lumora dApp on localhost: starts the embedded chain, demo nodes (lumora-node processes), a seller with a listed dataset and a reward to claim, serves the app and prints its URL (docs/app.md). Runs until interrupted.",
      flags: {
        port: { type: "string", value: "N", help: "HTTP port of the app (0: any free port)", accepts: int(0, 65_535), default: "5180" },
        host: { type: "string", value: "ADDR", help: "address to listen on (keep loopback: the faucet mints to anyone who asks)", default: "127.0.0.1" },
        nodes: { type: "string", value: "N", help: `lumora-node processes to start (the first N of ${NODES.map((n) => n.name).join(", ")})`, accepts: int(3, NODES.length), default: "3" },
        work: { type: "string", value: "DIR", help: "folder for the wallet, the nodes' homes and logs", defaultText: "a new temporary folder" },
        "rpc-port": { type: "string", value: "N", help: "JSON-RPC port of the embedded chain (WebSocket on N + 1)", accepts: int(1, 65_534), defaultText: "any free port" },
      },
      notes: [
        "The browser's wallet is <work>/wallet.json (SOL and LMR; the operator of london-provider): import it into a Wallet Standard wallet,",
        "or connect your own and fund it with: curl -XPOST <url>api/faucet -d '{\"address\":\"<your address>\"}'.",
      ],
    },
  ],
};

async function run(): Promise<number> {
  return runCommand(PROGRAM, process.argv.slice(2), async (a) => {
    // `./lumora app` checks the flags first (LUMORA_APP_CHECK_ARGS=1), so a bad flag costs no build
    if (process.env.LUMORA_APP_CHECK_ARGS === "1") return 0;
    const dist = path.join(ROOT, "app/dist");
    if (!fs.existsSync(path.join(dist, "index.html"))) throw new UsageError("app/dist is missing: build the page first (`npm run build -w @lumora/app`, which `./lumora app` does)");
    const work = a.str("work") ?? fs.mkdtempSync(path.join(os.tmpdir(), "lumora-app-"));
    const t0 = Date.now();
    const stamp = () => `[app ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
    const env = await startAppEnv({ work, nodes: a.int("nodes")!, ...(a.has("rpc-port") ? { rpcPort: a.int("rpc-port")! } : {}), log: (l) => console.error(`${stamp()} ${l}`) });
    const server = await startAppServer({ env, dist, host: a.str("host")!, port: a.int("port")! });
    console.log(`Lumora app: ${server.url}`);
    console.log(`  chain JSON-RPC ${env.ln.rpc.url} (also ${server.url}rpc); wallet ${env.status.wallet} in ${env.status.walletFile}`);
    let closing = false;
    const stop = async () => {
      if (closing) return;
      closing = true;
      console.error(`${stamp()} stopping`);
      await server.close().catch(() => undefined);
      await env.close().catch(() => undefined);
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    env.ready.then(
      () => console.log(`ready: ${server.url} (dataset ${env.status.dataset}; claimable epoch ${env.status.claimableEpoch})`),
      (e: Error) => console.error(`${stamp()} the demo history failed: ${e.message} (the app still serves the chain)`),
    );
    return -1;
  });
}

const code = await run();
if (code !== -1) process.exit(code);
