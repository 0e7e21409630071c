/**
 * `lumora-node init`, safe and repeatable:
 *
 * - the config is assembled in memory from the existing file (on a rerun) and the flags given now, and
 *   validated; paths given as flags resolve from the working directory (stored relative to the config);
 * - the chain is asked first: reachable, Lumora initialised, the node registered or not;
 * - a new node's registration is simulated before anything is written, so a refusal (a bad cap, too
 *   little LMR, …) leaves no file behind and names the program's error; only then is the node key
 *   written (it must be on disk before the registration is sent: a registered node whose key is lost is
 *   unusable) and the registration sent;
 * - a registered node whose profile differs from the config (roles, place, bandwidth, cap, address) is
 *   updated on chain (`update_node`); its stake is not changed by init;
 * - the config file and the data folder are written once the chain agrees.
 * Registration is idempotent by chain state: a rerun finds the node account and does not register again.
 */
import fs from "node:fs";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection, Keypair, type PublicKey } from "@solana/web3.js";
import { type ConfigAccount, KeypairWallet, LumoraClient, type NodeProfile, fetchChainTime, fetchTokenBalance, toLumoraError, resolveProgramIds, transactions } from "@lumora/sdk";
import { type Parsed, UsageError } from "@lumora/cli-kit";
import { ConfigError, DEFAULTS, type NodeConfig, type RoleName, parseConfig, readKeypair, roleBits, writeKeypair } from "./config.js";
import { Daemon } from "./daemon.js";
import { fundNodeKey } from "./duties/index.js";
import { defaultExecutor } from "./executor.js";
import { openState } from "./state.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider, BN } = anchor;

/** Which config field each flag sets, and whether it is a path (resolved from the working directory). */
const FIELDS: Record<string, { key: string; kind: "string" | "path" | "int" | "bool" | "list" | "roles" | "intOrNull" }> = {
  rpc: { key: "rpc", kind: "string" },
  "operator-keypair": { key: "operatorKeypair", kind: "path" },
  "node-keypair": { key: "nodeKeypair", kind: "path" },
  "data-dir": { key: "dataDir", kind: "path" },
  roles: { key: "roles", kind: "roles" },
  coordinator: { key: "coordinator", kind: "bool" },
  "lat-e6": { key: "latE6", kind: "int" },
  "lon-e6": { key: "lonE6", kind: "int" },
  "declared-kbps": { key: "declaredBandwidthKbps", kind: "int" },
  "cap-kbps": { key: "bandwidthCapKbps", kind: "int" },
  "limit-kbps": { key: "limitKbps", kind: "int" },
  stake: { key: "stake", kind: "string" },
  listen: { key: "listen", kind: "list" },
  announce: { key: "announce", kind: "string" },
  bootstrap: { key: "bootstrap", kind: "list" },
  "dashboard-port": { key: "dashboardPort", kind: "intOrNull" },
  "heartbeat-secs": { key: "heartbeatSecs", kind: "int" },
  "tick-ms": { key: "tickMs", kind: "int" },
  "probe-secs": { key: "probeSecs", kind: "int" },
  "allow-loopback": { key: "allowLoopback", kind: "bool" },
};

/** The raw config (as written to the file) from the existing file and the flags given now. */
export function assembleConfig(a: Parsed, file: string): { raw: Record<string, unknown>; existing: Record<string, unknown> | null } {
  const dir = path.dirname(file);
  let existing: Record<string, unknown> | null = null;
  if (fs.existsSync(file)) {
    try {
      existing = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError("$", `${file} is not JSON: ${(e as Error).message}`);
    }
  }
  const value = (flag: string): unknown => {
    const f = FIELDS[flag]!;
    switch (f.kind) {
      case "path":
        // a path typed by the user is relative to where they typed it; the file stores it relative to itself
        return a.given(flag) ? path.relative(dir, path.resolve(a.str(flag)!)) || "." : a.str(flag);
      case "int":
        return a.int(flag);
      case "intOrNull":
        return a.int(flag) ?? null;
      case "bool":
        return a.bool(flag);
      case "list":
        return a.list(flag);
      case "roles":
        return [...new Set(a.str(flag)!.split(",").map((r) => r.trim() as RoleName))];
      default:
        return a.str(flag);
    }
  };
  const raw: Record<string, unknown> = existing ? { ...existing } : {};
  for (const flag of Object.keys(FIELDS)) {
    const f = FIELDS[flag]!;
    if (existing && !a.given(flag)) continue; // a rerun changes only what is given
    const v = value(flag);
    if (v === undefined) continue;
    raw[f.key] = v;
  }
  if (!existing) {
    if (!a.given("rpc")) throw new UsageError("lumora-node init: --rpc URL is required for a new config (`./lumora localnet` prints one)");
    raw.stake ??= DEFAULTS.stake;
  }
  return { raw, existing };
}

/** "fetch failed" and friends, said as what to do. */
export function unreachable(rpc: string, e: unknown): Error {
  const m = (e as Error).message ?? String(e);
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up|ETIMEDOUT/i.test(m) || /fetch failed/.test(String((e as { cause?: unknown }).cause)))
    return new Error(`cannot reach the RPC at ${rpc}: is the chain running? (\`./lumora localnet\` starts a local one; or pass the cluster's URL with --rpc)`, { cause: e });
  return e as Error;
}

function profileOf(cfg: NodeConfig): NodeProfile {
  return {
    roles: roleBits(cfg.roles),
    latE6: cfg.latE6,
    lonE6: cfg.lonE6,
    declaredBandwidthKbps: new BN(cfg.declaredBandwidthKbps),
    bandwidthCapKbps: new BN(cfg.bandwidthCapKbps),
    multiaddr: cfg.announce ?? cfg.listen[0]!,
  };
}

export interface InitResult {
  config: string;
  nodeKey: PublicKey;
  operator: PublicKey;
  /** The registration's signature when it happened now. */
  registered: string | null;
  /** The update's signature when the registered profile was changed now. */
  updated: string | null;
  configWritten: boolean;
}

/** Runs `fn` with a daemon over the node's store (not started: its client and journaled provider only). */
async function withDaemon<T>(cfg: NodeConfig, fn: (d: Daemon) => Promise<T>): Promise<T> {
  const state = openState(cfg.dataDir);
  try {
    return await fn(new Daemon(cfg, { state, execute: defaultExecutor }));
  } finally {
    state.close();
  }
}

/** Registers (or updates) the node and writes its files only once the chain agrees. */
export async function initNode(a: Parsed): Promise<{ result: InitResult; cfg: NodeConfig }> {
  const file = path.resolve(a.str("config")!);
  const dir = path.dirname(file);
  const { raw, existing } = assembleConfig(a, file);
  const cfg = parseConfig(raw, dir);
  if (!fs.existsSync(cfg.operatorKeypair))
    throw new ConfigError("operatorKeypair", `${cfg.operatorKeypair} does not exist: the operator's funded keypair file is needed (\`./lumora keygen FILE\` writes one, \`./lumora localnet --fund FILE\` funds it)`);
  const operator = readKeypair(cfg.operatorKeypair);
  const nodeKeyOnDisk = fs.existsSync(cfg.nodeKeypair);
  const nodeKey = nodeKeyOnDisk ? readKeypair(cfg.nodeKeypair) : Keypair.generate();
  if (nodeKey.publicKey.equals(operator.publicKey)) throw new ConfigError("nodeKeypair", "the node key must differ from the operator's key");

  const connection = new Connection(cfg.rpc, { commitment: "confirmed" });
  const provider = new AnchorProvider(connection, new KeypairWallet(operator), { commitment: "confirmed" });
  const client = new LumoraClient({ provider });
  let config: ConfigAccount | null;
  try {
    config = await client.registry.fetchConfig();
  } catch (e) {
    throw unreachable(cfg.rpc, e);
  }
  if (!config) throw new Error(`no Lumora config on ${cfg.rpc}: the protocol is not initialised there (\`./lumora localnet\` starts a local network with it; on a cluster, run migrations/init.ts)`);
  const node = await client.registry.fetchNode(nodeKey.publicKey);
  const profile = profileOf(cfg);
  let registered: string | null = null;
  let updated: string | null = null;

  if (!node) {
    const stake = cfg.stake === "0" ? BigInt(config.params.minStake.toString()) : BigInt(cfg.stake);
    const minStake = BigInt(config.params.minStake.toString());
    if (stake < minStake) throw new ConfigError("stake", `${stake} LMR base units is below the protocol's minimum stake ${minStake} (0 = the minimum)`);
    const held = await fetchTokenBalance({ connection, mint: config.lmrMint, owner: operator.publicKey });
    if (held < stake) throw new Error(`the operator ${operator.publicKey.toBase58()} holds ${held} LMR base units; the stake is ${stake} (fund it: \`./lumora localnet --fund ${path.relative(process.cwd(), cfg.operatorKeypair) || cfg.operatorKeypair}\` on a local network)`);
    // simulate first: a refusal writes nothing and names the program's error
    const tx = await transactions.registerNodeTransaction({ operator: operator.publicKey, nodeKey: nodeKey.publicKey, lmrMint: config.lmrMint, profile, stake, programId: client.registry.programIds.registry });
    tx.recentBlockhash = (await connection.getLatestBlockhash("confirmed")).blockhash;
    tx.sign(operator, nodeKey);
    const sim = await connection.simulateTransaction(tx);
    if (sim.value.err) throw toLumoraError({ logs: sim.value.logs ?? [], message: JSON.stringify(sim.value.err) }, resolveProgramIds());
    // the chain would accept it: the node key goes to disk before the registration is sent, and the send is
    // a journaled step in the node's store (restart-safe, like every transaction of the daemon)
    if (!nodeKeyOnDisk) writeKeypair(cfg.nodeKeypair, nodeKey);
    fs.mkdirSync(cfg.dataDir, { recursive: true });
    registered = await withDaemon(cfg, (d) =>
      d.provider.journaled("register", `register:${nodeKey.publicKey.toBase58()}`, () => d.client.registry.registerNode({ operator: d.operator, nodeKey: d.nodeKey, stake, profile })),
    );
  } else {
    if (!node.operator.equals(operator.publicKey)) throw new ConfigError("operatorKeypair", `node ${nodeKey.publicKey.toBase58()} is registered to operator ${node.operator.toBase58()}, not ${operator.publicKey.toBase58()}`);
    if (a.given("stake") && BigInt(cfg.stake) !== BigInt(node.stake.toString()) && cfg.stake !== "0")
      throw new UsageError(`lumora-node init: the node is registered with a stake of ${node.stake.toString()} LMR base units; init does not change a stake (drop --stake)`);
    const onChain = Buffer.from(node.multiaddr.slice(0, node.multiaddrLen)).toString();
    const differs =
      node.roles !== profile.roles ||
      node.latE6 !== profile.latE6 ||
      node.lonE6 !== profile.lonE6 ||
      node.declaredBandwidthKbps.toString() !== profile.declaredBandwidthKbps.toString() ||
      node.bandwidthCapKbps.toString() !== profile.bandwidthCapKbps.toString() ||
      onChain !== profile.multiaddr;
    if (differs) updated = await client.registry.updateNode({ operator, nodeKey: nodeKey.publicKey, profile });
  }

  // the chain agrees: now the files
  const text = JSON.stringify(raw, null, 2) + "\n";
  const configWritten = !existing || JSON.stringify(existing) !== JSON.stringify(raw);
  if (configWritten) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  if (!fs.existsSync(cfg.nodeKeypair)) writeKeypair(cfg.nodeKeypair, nodeKey);
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  // the node key pays the rent of its bids and results
  await withDaemon(cfg, async (d) => {
    await d.load();
    await fundNodeKey(d.dutyContext(), await fetchChainTime({ connection }));
  });
  return { result: { config: file, nodeKey: nodeKey.publicKey, operator: operator.publicKey, registered, updated, configWritten }, cfg };
}
