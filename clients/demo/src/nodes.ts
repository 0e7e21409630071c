/**
 * Starting `lumora-node` daemons for a local network, shared by `./lumora demo` (demo.ts) and
 * `./lumora app` (app/server/env.ts): each node is registered with `lumora-node init` (in process, its
 * JSON output captured) and run as its own `lumora-node start` process on a free loopback port, its
 * stdout and stderr in `<work>/<name>.log`, ready once it prints its `ready` event.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { main as nodeCli } from "../../node/src/cli.js";
import { loadConfig } from "../../node/src/config.js";
import { openState } from "../../node/src/state.js";

const NODE_CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", "node", "src", "cli.ts");

/** A node to register: its name (its home folder), roles (comma-separated), place (µ°), bandwidth (kbps). */
export interface NodeTemplate {
  name: string;
  roles: string;
  coordinator?: boolean;
  lat: number;
  lon: number;
  declared: number;
  cap: number;
}

/** A running `lumora-node start` process. */
export interface NodeProc {
  name: string;
  /** Its node.json. */
  config: string;
  child: ChildProcess;
  /** Its libp2p multiaddrs (with /p2p/), from its `ready` event. */
  multiaddrs: string[];
  logFile: string;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Polls `fn` every `everyMs` until it returns something truthy; throws after `timeoutMs` naming `what`. */
export function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 180_000, everyMs = 500): Promise<T> {
  const t0 = Date.now();
  return (async () => {
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
}

/**
 * `lumora-node init` for one node (its operator keypair already at `<home>/operator.json`): registers it
 * on chain and writes `<home>/node.json`. Test settings: loopback allowed, 400 ms ticks, 3 s probes.
 * Returns the config's path.
 */
export async function initNode(args: { template: NodeTemplate; home: string; rpc: string }): Promise<string> {
  const t = args.template;
  const config = path.join(args.home, "node.json");
  const port = await freePort();
  const argv = ["init", "--config", config, "--rpc", args.rpc, "--allow-loopback", "--tick-ms", "400", "--probe-secs", "3", "--roles", t.roles, "--lat-e6", String(t.lat), "--lon-e6", String(t.lon), "--declared-kbps", String(t.declared), "--cap-kbps", String(t.cap), "--listen", `/ip4/127.0.0.1/tcp/${port}`, "--json"];
  if (t.coordinator) argv.push("--coordinator");
  const out: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  let code: number;
  try {
    code = await nodeCli(argv);
  } finally {
    console.log = orig;
  }
  if (code !== 0) throw new Error(`lumora-node init ${t.name} failed: ${out.join("\n")}`);
  return config;
}

/** Starts `lumora-node start --config <config>` as a process; resolves once it is ready (appends to `<work>/<name>.log`). */
export async function startNode(args: { name: string; config: string; work: string }): Promise<NodeProc> {
  const logFile = path.join(args.work, `${args.name}.log`);
  const fd = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, ["--import", "tsx", "--no-warnings=ExperimentalWarning", NODE_CLI, "start", "--config", args.config], { stdio: ["ignore", "pipe", fd] });
  const ready = await new Promise<{ multiaddrs: string[] }>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      fs.appendFileSync(logFile, d);
      buf += d.toString();
      const line = buf.split("\n").find((l) => l.includes('"event":"ready"'));
      if (line) resolve(JSON.parse(line) as { multiaddrs: string[] });
    });
    child.once("exit", (c) => reject(new Error(`${args.name} exited (${c}) before it was ready; see ${logFile}`)));
  });
  return { name: args.name, config: args.config, child, multiaddrs: ready.multiaddrs, logFile };
}

/** Stops one node process (SIGTERM) and waits for it to exit. */
export async function stopNode(p: NodeProc): Promise<void> {
  if (p.child.exitCode === null) p.child.kill("SIGTERM");
  await new Promise((r) => (p.child.exitCode !== null ? r(null) : p.child.once("exit", r)));
}

/** Stops every node process and waits for all of them. */
export async function stopNodes(procs: readonly NodeProc[]): Promise<void> {
  await Promise.all(procs.map(stopNode));
}

/** The signed totals a (provider) node holds for an epoch, read from its store. */
export function heldTotals(config: string, epoch: bigint): number {
  const st = openState(loadConfig(config).dataDir);
  try {
    return st.heldTotals(epoch).length;
  } finally {
    st.close();
  }
}
