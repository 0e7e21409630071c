/**
 * `lumora-node` — the reference node's command line.
 *
 *   lumora-node init      --config F --rpc URL [--operator-keypair K] [--roles executor,verifier,provider]
 *                         [--coordinator] [--lat-e6 N --lon-e6 N] [--declared-kbps N] [--cap-kbps N]
 *                         [--limit-kbps N] [--stake BASE_UNITS] [--data-dir D] [--listen MA] [--announce MA]
 *                         [--bootstrap MA]... [--dashboard-port N] [--allow-loopback]
 *                         writes the config (once), creates the node key (once), registers the node on
 *                         chain unless it is registered already (journaled: never twice)
 *   lumora-node start     --config F      runs the daemon until SIGINT/SIGTERM
 *   lumora-node status    --config F      the node on chain + local figures per epoch
 *   lumora-node claim     --config F [--epoch N]   claims closed epochs now (the daemon also does)
 *   lumora-node set-limit --config F KBPS changes the live bandwidth limit (a running daemon applies it)
 *
 * Every command takes `--json` (one JSON document on stdout) and exits non-zero with a message that
 * says what to do on bad input.
 */
import fs from "node:fs";
import path from "node:path";
import { Keypair } from "@solana/web3.js";
import anchor from "@coral-xyz/anchor";
import { epochIndex } from "@lumora/sdk";
import { type NodeConfig, ConfigError, DEFAULTS, ROLE_BITS, type RoleName, loadConfig, parseConfig, roleBits, writeKeypair } from "./config.js";
import type { JournalHooks } from "./chain.js";
import { Daemon } from "./daemon.js";
import { chainNow, claimEpoch, fundNodeKey } from "./duties.js";
import { DataDirLockedError, lockDataDir, openState } from "./state.js";
import { startNodeDashboard } from "./dashboard-source.js";
import { defaultExecutor } from "./executor.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { BN } = anchor;

class UsageError extends Error {}

interface Args {
  cmd: string;
  flags: Map<string, string[]>;
  positional: string[];
}

function parseArgs(argv: string[]): Args {
  const [cmd = "help", ...rest] = argv;
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [k, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const boolean = ["json", "coordinator", "allow-loopback", "help"].includes(k);
    const v = inline ?? (boolean ? "true" : rest[++i]);
    if (v === undefined) throw new UsageError(`--${k} needs a value`);
    flags.set(k, [...(flags.get(k) ?? []), v]);
  }
  return { cmd, flags, positional };
}

const one = (a: Args, k: string) => a.flags.get(k)?.at(-1);
function intFlag(a: Args, k: string): number | undefined {
  const v = one(a, k);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${k} must be an integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

function configPath(a: Args): string {
  const c = one(a, "config");
  if (!c) throw new UsageError("--config FILE is required (create one with `lumora-node init --config FILE --rpc URL`)");
  return path.resolve(c);
}

function out(a: Args, json: unknown, text: string): void {
  if (a.flags.has("json")) console.log(JSON.stringify(json, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
  else console.log(text);
}

async function init(a: Args): Promise<void> {
  const file = configPath(a);
  const dir = path.dirname(file);
  let cfg: NodeConfig;
  if (fs.existsSync(file)) {
    cfg = loadConfig(file);
  } else {
    const rpc = one(a, "rpc");
    if (!rpc) throw new UsageError("--rpc URL is required for a new config");
    const roles = (one(a, "roles") ?? "executor").split(",").map((r) => r.trim()) as RoleName[];
    for (const r of roles) if (!(r in ROLE_BITS)) throw new UsageError(`--roles: unknown role ${JSON.stringify(r)} (provider, executor, verifier)`);
    const raw = {
      rpc,
      operatorKeypair: one(a, "operator-keypair") ?? "operator.json",
      nodeKeypair: one(a, "node-keypair") ?? "node-key.json",
      dataDir: one(a, "data-dir") ?? "data",
      roles,
      coordinator: a.flags.has("coordinator"),
      latE6: intFlag(a, "lat-e6") ?? DEFAULTS.latE6,
      lonE6: intFlag(a, "lon-e6") ?? DEFAULTS.lonE6,
      declaredBandwidthKbps: intFlag(a, "declared-kbps") ?? DEFAULTS.declaredBandwidthKbps,
      bandwidthCapKbps: intFlag(a, "cap-kbps") ?? DEFAULTS.bandwidthCapKbps,
      limitKbps: intFlag(a, "limit-kbps") ?? DEFAULTS.limitKbps,
      stake: one(a, "stake") ?? "0",
      listen: a.flags.get("listen") ?? DEFAULTS.listen,
      ...(one(a, "announce") ? { announce: one(a, "announce") } : {}),
      bootstrap: a.flags.get("bootstrap") ?? [],
      dashboardPort: intFlag(a, "dashboard-port") ?? null,
      heartbeatSecs: intFlag(a, "heartbeat-secs") ?? DEFAULTS.heartbeatSecs,
      tickMs: intFlag(a, "tick-ms") ?? DEFAULTS.tickMs,
      allowLoopback: a.flags.has("allow-loopback"),
    };
    cfg = parseConfig(raw, dir); // validate before writing anything
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(raw, null, 2) + "\n", { flag: "wx" });
  }
  if (!fs.existsSync(cfg.operatorKeypair)) throw new ConfigError("operatorKeypair", `${cfg.operatorKeypair} does not exist: the operator's funded keypair file is needed`);
  if (!fs.existsSync(cfg.nodeKeypair)) writeKeypair(cfg.nodeKeypair, Keypair.generate());
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const state = openState(cfg.dataDir);
  try {
    const d = new Daemon(cfg, { state, execute: defaultExecutor });
    const config = await d.load();
    let node = await d.client.registry.fetchNode(d.nodeKey.publicKey);
    let signature: string | null = null;
    if (!node) {
      const stake = cfg.stake === "0" ? BigInt(config.params.minStake.toString()) : BigInt(cfg.stake);
      const multiaddr = cfg.announce ?? cfg.listen[0]!;
      signature = await d.provider.journaled("register", `register:${d.nodeKey.publicKey.toBase58()}`, () =>
        d.client.registry.registerNode({
          operator: d.operator,
          nodeKey: d.nodeKey,
          stake,
          profile: {
            roles: roleBits(cfg.roles),
            latE6: cfg.latE6,
            lonE6: cfg.lonE6,
            declaredBandwidthKbps: new BN(cfg.declaredBandwidthKbps),
            bandwidthCapKbps: new BN(cfg.bandwidthCapKbps),
            multiaddr,
          },
        }),
      );
      node = await d.client.registry.fetchNode(d.nodeKey.publicKey);
    }
    // the node key pays the rent of its bids and results
    await fundNodeKey(d.dutyContext(), await chainNow(d.provider.connection));
    out(
      a,
      { config: file, nodeKey: d.nodeKey.publicKey.toBase58(), operator: d.operator.publicKey.toBase58(), registered: true, signature, shard: node?.shard, stake: node?.stake.toString() },
      `node ${d.nodeKey.publicKey.toBase58()} registered (shard ${node?.shard}, stake ${node?.stake.toString()})${signature ? ` in ${signature}` : " already"}\nconfig: ${file}`,
    );
  } finally {
    state.close();
  }
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

async function start(a: Args): Promise<void> {
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

async function status(a: Args): Promise<void> {
  const cfg = loadConfig(configPath(a));
  const state = openState(cfg.dataDir);
  try {
    const d = new Daemon(cfg, { state, execute: defaultExecutor });
    const node = await d.client.registry.fetchNode(d.nodeKey.publicKey);
    const config = await d.client.registry.fetchConfig();
    const now = await chainNow(d.provider.connection);
    const epoch = config ? epochIndex({ unixTs: now, epochLengthSecs: config.params.epochLengthSecs }) : null;
    const s = {
      nodeKey: d.nodeKey.publicKey.toBase58(),
      operator: d.operator.publicKey.toBase58(),
      registered: node !== null,
      active: node ? node.status === 1 : false,
      jailed: node ? node.jailed !== 0 : false,
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
        `roles     ${s.roles.join(", ")}   shard ${s.shard}   reputation ${s.reputation}   stake ${s.stake}`,
        `limit     ${s.limitKbps} kbps   epoch ${s.currentEpoch}   pending steps ${s.pendingSteps}`,
        `network   ${s.networkView ? `${s.networkView.active}/${s.networkView.nodes} nodes active, ${s.networkView.stale} stale, ${s.networkView.openTasks} open tasks (view of ${s.networkView.from})` : "no coordinator view received yet"}`,
        ...s.epochs.map((e: (typeof s.epochs)[number]) => `epoch ${e.epoch}: served ${e.bytesServed} B, fetched ${e.bytesFetched} B, tasks ${e.tasksDone}, receipts ${e.receiptsSigned}/${e.receiptsSubmitted}, earned ${e.earnedLmr}`),
      ].join("\n"),
    );
  } finally {
    state.close();
  }
}

async function claim(a: Args): Promise<void> {
  const cfg = loadConfig(configPath(a));
  const state = openState(cfg.dataDir);
  try {
    const d = new Daemon(cfg, { state, execute: defaultExecutor });
    const config = await d.load();
    const now = await chainNow(d.provider.connection);
    const current = epochIndex({ unixTs: now, epochLengthSecs: config.params.epochLengthSecs });
    const e = intFlag(a, "epoch");
    const epochs = e !== undefined ? [BigInt(e)] : Array.from({ length: 8 }, (_, i) => current - BigInt(i + 1)).filter((x) => x >= 0n);
    const results = [];
    for (const idx of epochs) results.push(await claimEpoch(d.dutyContext(), idx));
    out(a, { claims: results }, results.map((r) => `epoch ${r.epoch}: ${r.outcome}${r.amount !== undefined ? ` ${r.amount} LMR base units` : ""}`).join("\n") || "nothing to claim");
  } finally {
    state.close();
  }
}

async function setLimit(a: Args): Promise<void> {
  const cfg = loadConfig(configPath(a));
  const v = a.positional[0];
  if (v === undefined || !/^\d+$/.test(v)) throw new UsageError("set-limit needs the new limit in kbps, e.g. `lumora-node set-limit --config F 20000`");
  const kbps = Number(v);
  if (kbps < 1 || kbps > 10_000_000) throw new UsageError(`limit must be in [1, 10000000] kbps, got ${kbps}`);
  const state = openState(cfg.dataDir);
  try {
    state.setLimitKbps(kbps);
    out(a, { limitKbps: kbps }, `limit set to ${kbps} kbps (a running daemon applies it on its next tick)`);
  } finally {
    state.close();
  }
}

const HELP = `lumora-node <init|start|status|claim|set-limit> --config FILE [--json]
  init       create the config and node key, register the node on chain (once)
  start      run the daemon
  status     the node's on-chain state and local figures
  claim      claim rewards of closed epochs now
  set-limit  change the live bandwidth limit (kbps)`;

export async function main(argv: string[]): Promise<number> {
  let a: Args | undefined;
  try {
    a = parseArgs(argv);
    switch (a.cmd) {
      case "init":
        await init(a);
        return 0;
      case "start":
        await start(a);
        return -1; // keeps running
      case "status":
        await status(a);
        return 0;
      case "claim":
        await claim(a);
        return 0;
      case "set-limit":
        await setLimit(a);
        return 0;
      case "help":
      case "--help":
        console.log(HELP);
        return 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(a.cmd)}\n${HELP}`);
    }
  } catch (e) {
    const err = e as Error;
    const kind = e instanceof UsageError ? "usage" : e instanceof ConfigError ? "config" : e instanceof DataDirLockedError ? "locked" : "error";
    if (a?.flags.has("json")) console.log(JSON.stringify({ error: kind, message: err.message }));
    else console.error(`lumora-node: ${err.message}`);
    return e instanceof UsageError || e instanceof ConfigError ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("lumora-node.js") || process.argv[1]?.endsWith("cli.ts")) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}
