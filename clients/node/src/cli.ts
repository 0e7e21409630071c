/**
 * `lumora-node` — the reference node's command line: init, start, status, claim, set-limit, keygen.
 * Every command and flag is declared once in PROGRAM below (`lumora-node <cmd> --help` prints it, with
 * defaults and ranges); parsing, exit codes (0 ok, 1 failure, 2 usage) and `--json` / `--debug` follow
 * the convention of `@lumora/cli-kit`.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatLmr, type Parsed, type ProgramSpec, UsageError, bigint, httpUrl, int, listOf, multiaddr, runCommand } from "@lumora/cli-kit";
import { Keypair } from "@solana/web3.js";
import { LumoraError, epochIndex, fetchChainTime, isActive, isJailed } from "@lumora/sdk";
import { ConfigError, DEFAULTS, ROLES_ACCEPTED, loadConfig, writeKeypair } from "./config.js";
import type { JournalHooks } from "./chain.js";
import { Daemon } from "./daemon.js";
import { initNode, unreachable } from "./init.js";
import { claimEpoch } from "./duties/index.js";
import { DataDirLockedError, lockDataDir, openState } from "./state.js";
import { startNodeDashboard } from "./dashboard-source.js";
import { defaultExecutor } from "./executor.js";

const CONFIG_FLAG = { type: "string", value: "FILE", help: "the node's config (written by init)", required: true } as const;

/** The command line: every command and flag, with its help, default and range (`lumora-node <cmd> --help`). */
export const PROGRAM: ProgramSpec = {
  name: "lumora-node",
  summary: "The Lumora reference node: provider, verifier, executor and coordinator duties on one operator's stake (docs/node.md).",
  commands: [
    {
      name: "init",
      summary: "Create the config and the node key, register the node on chain (once; journaled, never twice).",
      flags: {
        config: CONFIG_FLAG,
        rpc: { type: "string", value: "URL", help: "JSON-RPC URL of the cluster or of `./lumora localnet` (required for a new config)", accepts: httpUrl },
        "operator-keypair": { type: "string", value: "FILE", help: "the operator's funded Solana CLI keypair: owns the node, pays, stakes, receives rewards", default: "operator.json" },
        "node-keypair": { type: "string", value: "FILE", help: "the node's hot key, created if missing", default: "node-key.json" },
        "data-dir": { type: "string", value: "DIR", help: "the node's state (SQLite, chunks)", default: "data" },
        roles: { type: "string", value: "LIST", help: "what the node does", accepts: listOf(...ROLES_ACCEPTED), default: DEFAULTS.roles.join(",") },
        coordinator: { type: "boolean", help: "also run the permissionless cranks (epochs, assignment, settlement) and publish the network view" },
        "lat-e6": { type: "string", value: "N", help: "latitude in micro-degrees", accepts: int(-90_000_000, 90_000_000), default: String(DEFAULTS.latE6) },
        "lon-e6": { type: "string", value: "N", help: "longitude in micro-degrees", accepts: int(-180_000_000, 180_000_000), default: String(DEFAULTS.lonE6) },
        "declared-kbps": { type: "string", value: "N", help: "declared bandwidth (registered on chain)", accepts: int(1, 100_000_000), default: String(DEFAULTS.declaredBandwidthKbps) },
        "cap-kbps": { type: "string", value: "N", help: "the provider's bandwidth cap (registered on chain; 0 = none)", accepts: int(0, 100_000_000), default: String(DEFAULTS.bandwidthCapKbps) },
        "limit-kbps": { type: "string", value: "N", help: "the operator's live limit on what the node serves and fetches", accepts: int(1, 10_000_000), default: String(DEFAULTS.limitKbps) },
        stake: { type: "string", value: "UNITS", help: "LMR base units staked at registration (0 = the config's minimum)", accepts: bigint(0n, 2n ** 64n - 1n, "LMR base units"), default: DEFAULTS.stake },
        listen: { type: "string", value: "MA", help: "libp2p listen address", accepts: multiaddr, multiple: true, default: DEFAULTS.listen[0] },
        announce: { type: "string", value: "MA", help: "the address registered on chain (default: the first --listen)", accepts: multiaddr },
        bootstrap: { type: "string", value: "MA", help: "extra bootstrap peer (with /p2p/)", accepts: multiaddr, multiple: true },
        "dashboard-port": { type: "string", value: "PORT", help: "dashboard on 127.0.0.1 (0 = any free port; absent = off)", accepts: int(0, 65_535) },
        "heartbeat-secs": { type: "string", value: "N", help: "seconds between heartbeats", accepts: int(60, 86_400), default: String(DEFAULTS.heartbeatSecs) },
        "tick-ms": { type: "string", value: "N", help: "milliseconds between duty ticks", accepts: int(50, 600_000), default: String(DEFAULTS.tickMs) },
        "probe-secs": { type: "string", value: "N", help: "verifier: seconds between probes of one drawn provider (each answered probe vouches for this much live time)", accepts: int(1, 86_400), default: String(DEFAULTS.probeSecs) },
        "allow-loopback": { type: "boolean", help: "TEST ONLY: scrape loopback targets and keep loopback peers (a local network)" },
      },
      notes: [
        "Nothing is written until the chain accepts the registration (it is simulated first; a refusal names the program's error).",
        "Paths given as flags resolve from the working directory; the config stores them relative to its own folder,",
        "where the defaults are. A rerun on an existing config applies the flags given (a registered node's profile is",
        "updated on chain with update_node; its stake is not changed).",
      ],
    },
    { name: "start", summary: "Run the daemon until SIGINT/SIGTERM (JSON log lines on stdout).", flags: { config: CONFIG_FLAG } },
    { name: "status", summary: "The node on chain and its local figures per epoch.", flags: { config: CONFIG_FLAG } },
    {
      name: "claim",
      summary: "Claim the rewards of closed epochs now (the daemon also does).",
      flags: { config: CONFIG_FLAG, epoch: { type: "string", value: "N", help: "only this epoch (default: the last 8 closed epochs)", accepts: int(0, Number.MAX_SAFE_INTEGER) } },
    },
    {
      name: "set-limit",
      summary: "Change the live bandwidth limit (a running daemon applies it on its next tick).",
      positionals: [{ name: "KBPS", help: "the new limit in kbps", accepts: int(1, 10_000_000) }],
      flags: { config: CONFIG_FLAG },
    },
    {
      name: "keygen",
      summary: "Write a new keypair file (Solana CLI format: a JSON array of 64 bytes, mode 0600; never overwrites) and print its address.",
      positionals: [{ name: "FILE", help: "where to write it" }],
    },
  ],
};

function configPath(a: Parsed): string {
  return path.resolve(a.str("config")!);
}

function out(a: Parsed, json: unknown, text: string): void {
  if (a.bool("json")) console.log(JSON.stringify(json, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
  else console.log(text);
}

async function init(a: Parsed): Promise<void> {
  const { result: r, cfg } = await initNode(a);
  const state = openState(cfg.dataDir);
  let node;
  try {
    node = await new Daemon(cfg, { state, execute: defaultExecutor }).client.registry.fetchNode(r.nodeKey);
  } finally {
    state.close();
  }
  const what = r.registered ? `registered in ${r.registered}` : r.updated ? `registered already; profile updated in ${r.updated}` : "registered already";
  out(
    a,
    { config: r.config, nodeKey: r.nodeKey.toBase58(), operator: r.operator.toBase58(), registered: true, signature: r.registered, updated: r.updated, configWritten: r.configWritten, shard: node?.shard, stake: node?.stake.toString() },
    `node ${r.nodeKey.toBase58()} ${what} (shard ${node?.shard}, stake ${node ? formatLmr(node.stake.toString()) : "none"})\nconfig: ${r.config}${r.configWritten ? " (written)" : " (unchanged)"}`,
  );
}

/**
 * TEST ONLY (`LUMORA_NODE_CRASH=<key prefix>:<afterPersist|afterSend>`): the process kills itself with
 * SIGKILL the first time a journaled step whose key starts with the prefix reaches that point — the
 * signed transaction on disk but not sent, or sent but not confirmed. A marker file in the data folder
 * makes it happen once, so the restarted daemon runs on (tests/daemon-processes.test.ts).
 */
function crashHooks(dataDir: string): JournalHooks | undefined {
  const spec = process.env.LUMORA_NODE_CRASH;
  if (!spec) return undefined;
  const [prefix, at] = spec.split(":") as [string, string];
  if (at !== "afterPersist" && at !== "afterSend") throw new UsageError(`LUMORA_NODE_CRASH must be <key prefix>:afterPersist|afterSend, got ${spec}`);
  const marker = path.join(dataDir, `crashed-${prefix}-${at}`);
  const hit = (key: string) => {
    if (!key.startsWith(`${prefix}:`) || fs.existsSync(marker)) return;
    fs.writeFileSync(marker, key);
    process.kill(process.pid, "SIGKILL");
  };
  return at === "afterPersist" ? { afterPersist: hit } : { afterSend: hit };
}

async function start(a: Parsed): Promise<void> {
  const cfg = loadConfig(configPath(a));
  const unlock = lockDataDir(cfg.dataDir);
  process.once("exit", unlock);
  const state = openState(cfg.dataDir, { echo: true });
  const d = new Daemon(cfg, { state, execute: defaultExecutor, hooks: crashHooks(cfg.dataDir) });
  await d.start();
  const dash = cfg.dashboardPort === null ? null : await startNodeDashboard(d, cfg.dashboardPort);
  console.log(JSON.stringify({ event: "ready", nodeKey: d.nodeKey.publicKey.toBase58(), multiaddrs: d.multiaddrs(), dashboard: dash?.url ?? null }));
  const stop = async () => {
    await dash?.close();
    await d.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

async function status(a: Parsed): Promise<void> {
  const cfg = loadConfig(configPath(a));
  const state = openState(cfg.dataDir);
  try {
    const d = new Daemon(cfg, { state, execute: defaultExecutor });
    const node = await d.client.registry.fetchNode(d.nodeKey.publicKey);
    const config = await d.client.registry.fetchConfig();
    const now = await fetchChainTime({ connection: d.provider.connection });
    const epoch = config ? epochIndex({ unixTs: now, epochLengthSecs: config.params.epochLengthSecs }) : null;
    const s = {
      nodeKey: d.nodeKey.publicKey.toBase58(),
      operator: d.operator.publicKey.toBase58(),
      registered: node !== null,
      active: node ? isActive(node) : false,
      jailed: node ? isJailed(node) : false,
      reputation: node?.reputation ?? null,
      stake: node?.stake.toString() ?? null,
      roles: cfg.roles,
      shard: node?.shard ?? null,
      limitKbps: d.limitKbps(),
      currentEpoch: epoch,
      epochs: state.metrics(),
      pendingSteps: state.pendingSteps(),
      announcementsSeen: Number(state.value("announcementsSeen") ?? 0),
      networkView: JSON.parse(state.value("networkView") ?? "null") as Record<string, unknown> | null,
    };
    out(
      a,
      s,
      [
        `node      ${s.nodeKey} (${s.registered ? (s.active ? "active" : "inactive") : "not registered"}${s.jailed ? ", jailed" : ""})`,
        `operator  ${s.operator}`,
        `roles     ${s.roles.join(", ")}   shard ${s.shard}   reputation ${s.reputation}   stake ${s.stake === null ? "none" : formatLmr(s.stake)}`,
        `limit     ${s.limitKbps} kbps   epoch ${s.currentEpoch}   pending steps ${s.pendingSteps}`,
        `network   ${s.networkView ? `${s.networkView.active}/${s.networkView.nodes} nodes active, ${s.networkView.stale} stale, ${s.networkView.openTasks} open tasks (view of ${s.networkView.from})` : "no coordinator view received yet"}`,
        ...s.epochs.map((e: (typeof s.epochs)[number]) => `epoch ${e.epoch}: served ${e.bytesServed} B, fetched ${e.bytesFetched} B, tasks ${e.tasksDone}, probes ${e.probesMade}, totals ${e.totalsReceived}, earned ${formatLmr(e.earnedLmr)}`),
      ].join("\n"),
    );
  } finally {
    state.close();
  }
}

async function claim(a: Parsed): Promise<void> {
  const cfg = loadConfig(configPath(a));
  const state = openState(cfg.dataDir);
  try {
    const d = new Daemon(cfg, { state, execute: defaultExecutor });
    const config = await d.load();
    const now = await fetchChainTime({ connection: d.provider.connection });
    const current = epochIndex({ unixTs: now, epochLengthSecs: config.params.epochLengthSecs });
    const e = a.int("epoch");
    if (e !== undefined && BigInt(e) >= current) throw new UsageError(`lumora-node claim: epoch ${e} has not ended (the current epoch is ${current}; its rewards are claimable once it closes)`);
    if (e !== undefined && !(await d.client.rewards.fetchEpoch(BigInt(e)))) throw new Error(`epoch ${e} was never opened on ${cfg.rpc}: nothing to claim`);
    // the last 8 ended epochs that exist on chain (a young chain has fewer: they are not listed as "not-closed")
    const recent = Array.from({ length: 8 }, (_, i) => current - BigInt(i + 1)).filter((x) => x >= 0n);
    const epochs = e !== undefined ? [BigInt(e)] : (await Promise.all(recent.map(async (x) => ((await d.client.rewards.fetchEpoch(x)) ? x : null)))).filter((x): x is bigint => x !== null);
    const results = [];
    for (const idx of epochs) results.push(await claimEpoch(d.dutyContext(), idx));
    out(a, { claims: results }, results.map((r) => `epoch ${r.epoch}: ${r.outcome}${r.amount !== undefined ? ` ${formatLmr(r.amount)}` : ""}`).join("\n") || "nothing to claim");
  } finally {
    state.close();
  }
}

async function setLimit(a: Parsed): Promise<void> {
  const cfg = loadConfig(configPath(a));
  const kbps = Number(a.positionals[0]);
  const state = openState(cfg.dataDir);
  try {
    state.setLimitKbps(kbps);
    out(a, { limitKbps: kbps }, `limit set to ${kbps} kbps (a running daemon applies it on its next tick)`);
  } finally {
    state.close();
  }
}

async function keygen(a: Parsed): Promise<void> {
  const file = path.resolve(a.positionals[0]!);
  if (fs.existsSync(file)) throw new UsageError(`${file} exists: keygen never overwrites a key (choose another FILE)`);
  const key = Keypair.generate();
  writeKeypair(file, key);
  out(a, { file, publicKey: key.publicKey.toBase58() }, `${key.publicKey.toBase58()}\nwritten to ${file} (Solana CLI keypair, mode 0600)`);
}

/** An unreachable RPC (web3.js: "failed to get info about account …: TypeError: fetch failed") said as what to do. */
function rpcHint(a: Parsed, e: unknown): unknown {
  if (!a.has("config")) return e;
  try {
    return unreachable(loadConfig(configPath(a)).rpc, e);
  } catch {
    return e;
  }
}

const HANDLERS: Record<string, (a: Parsed) => Promise<void>> = { init, status, claim, "set-limit": setLimit, keygen };

/** Runs one command line; resolves to the exit code (-1: `start` keeps the process running). */
export async function main(argv: string[]): Promise<number> {
  return runCommand(
    PROGRAM,
    argv,
    async (a) => {
      try {
        if (a.command.name === "start") {
          await start(a);
          return -1; // keeps running
        }
        await HANDLERS[a.command.name]!(a);
        return 0;
      } catch (e) {
        throw rpcHint(a, e);
      }
    },
    {
      usageErrors: (e) => (e instanceof ConfigError ? "config" : null),
      kind: (e) => (e instanceof DataDirLockedError ? "locked" : e instanceof LumoraError ? "program" : "error"),
    },
  );
}

// `tsx src/cli.ts …` (the tests' child processes); the bin calls main() itself. Compared through real
// paths: npm's bin link and symlinked folders make argv[1] differ from this module's URL.
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url))) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}
