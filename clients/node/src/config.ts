/**
 * `lumora-node` configuration: one JSON file (written by `lumora-node init`, edited by the operator),
 * validated on load with errors that name the field. Paths inside are relative to the file's folder.
 */
import fs from "node:fs";
import path from "node:path";
import { Keypair } from "@solana/web3.js";
import { ROLE_NAMES, type RoleName } from "@lumora/sdk";

export { type RoleName, roleBits } from "@lumora/sdk";
/** The role names a config may list (the SDK's, in bit order). */
export const ROLES_ACCEPTED: readonly RoleName[] = ROLE_NAMES.map(([, name]) => name);

export interface NodeConfig {
  /** JSON-RPC URL of the cluster (or of the embedded chain's server). */
  rpc: string;
  /** Operator keypair file (Solana CLI JSON: 64 numbers): owns the node, pays fees, receives rewards. */
  operatorKeypair: string;
  /** Node keypair file: the ed25519 hot key (libp2p identity, signs heartbeats, bids, results, receipts). */
  nodeKeypair: string;
  /** Folder of the node's state (SQLite database, chunks). */
  dataDir: string;
  roles: RoleName[];
  /** Runs the permissionless cranks (finalize, expire, settle, epochs) and publishes network health. */
  coordinator: boolean;
  /** Location in micro-degrees. */
  latE6: number;
  lonE6: number;
  /** Declared bandwidth and the provider's cap, kbps (registered on chain). */
  declaredBandwidthKbps: number;
  bandwidthCapKbps: number;
  /** The operator's live limit on what this node serves and fetches, kbps (dashboard / set-limit). */
  limitKbps: number;
  /** LMR base units staked at registration. */
  stake: string;
  /** libp2p listen addresses, and the address registered on chain (default: the first listen address). */
  listen: string[];
  announce?: string;
  /** Extra bootstrap multiaddrs (with /p2p/); the registry's addresses are used too. */
  bootstrap: string[];
  /** Dashboard port on 127.0.0.1 (0 = any free port, null = off). */
  dashboardPort: number | null;
  /** Seconds between heartbeats; milliseconds between duty ticks. */
  heartbeatSecs: number;
  tickMs: number;
  /** Verifier: seconds between two probes of one drawn provider; each answered probe vouches for this much live time. */
  probeSecs: number;
  /** TEST ONLY: fetch from and keep loopback addresses (the fixture site, a local cluster); a relay provider may then reach loopback too. */
  allowLoopback: boolean;
  /** The relay (`/lumora/relay/1`, docs/relay.md): serve it as a provider, use it as an executor. */
  relay: RelayConfig;
}

/** The `relay` section of the node's config. */
export interface RelayConfig {
  /** Provider: carry executors' connections over `/lumora/relay/1`. */
  serve: boolean;
  /** Executor: scrape through relay providers. */
  use: boolean;
  /** Provider: destination ports carried. */
  ports: number[];
  /** Provider: only these hosts (exact or `*.suffix`); empty = any public host. */
  allowHosts: string[];
  /** Provider: never these hosts (exact or `*.suffix`). */
  denyHosts: string[];
  /** Provider: concurrent sessions, in all and per executor. */
  maxSessions: number;
  maxSessionsPerExecutor: number;
  /** Provider: interfaces whose /proc/net/dev counters are the owner's link (default: all but `lo`). */
  interfaces: string[] | null;
  /** Provider: interface bytes one relayed byte costs (2.1: in and out, plus overheads). */
  footprint: number;
  /** Executor: connect directly when no provider carries a connection (logged). */
  fallbackDirect: boolean;
}

export const RELAY_DEFAULTS: RelayConfig = {
  serve: false,
  use: false,
  ports: [80, 443],
  allowHosts: [],
  denyHosts: [],
  maxSessions: 64,
  maxSessionsPerExecutor: 8,
  interfaces: null,
  footprint: 2.1,
  fallbackDirect: true,
};

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`config ${field}: ${message}`);
    this.name = "ConfigError";
  }
}

export const DEFAULTS: Omit<NodeConfig, "rpc" | "operatorKeypair" | "nodeKeypair" | "dataDir"> = {
  roles: ["executor"],
  coordinator: false,
  latE6: 0,
  lonE6: 0,
  declaredBandwidthKbps: 100_000,
  bandwidthCapKbps: 0,
  limitKbps: 50_000,
  stake: "0",
  listen: ["/ip4/127.0.0.1/tcp/0"],
  bootstrap: [],
  dashboardPort: null,
  heartbeatSecs: 60,
  tickMs: 1_000,
  probeSecs: 60,
  allowLoopback: false,
  relay: RELAY_DEFAULTS,
};

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new ConfigError(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

/** Validates the `relay` section (missing keys take their defaults). */
export function parseRelayConfig(raw: unknown): RelayConfig {
  if (raw === undefined) return { ...RELAY_DEFAULTS };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError("relay", "must be a JSON object");
  for (const k of Object.keys(raw)) if (!(k in RELAY_DEFAULTS)) throw new ConfigError(`relay.${k}`, "unknown key");
  const o = { ...RELAY_DEFAULTS, ...(raw as Record<string, unknown>) } as Record<string, unknown>;
  for (const f of ["serve", "use", "fallbackDirect"]) if (typeof o[f] !== "boolean") throw new ConfigError(`relay.${f}`, "must be true or false");
  if (!Array.isArray(o.ports) || o.ports.length === 0) throw new ConfigError("relay.ports", "a non-empty list of TCP ports");
  (o.ports as unknown[]).forEach((p, i) => int(p, `relay.ports[${i}]`, 1, 65_535));
  for (const f of ["allowHosts", "denyHosts"])
    if (!Array.isArray(o[f]) || (o[f] as unknown[]).some((h) => typeof h !== "string" || !/^(\*\.)?[a-z0-9_.:-]{1,253}$/i.test(h))) throw new ConfigError(`relay.${f}`, "a list of host names or *.suffix patterns");
  if (o.interfaces !== null && (!Array.isArray(o.interfaces) || (o.interfaces as unknown[]).some((n) => typeof n !== "string" || n === ""))) throw new ConfigError("relay.interfaces", "null (every interface but lo) or a list of interface names");
  if (typeof o.footprint !== "number" || !(o.footprint >= 1 && o.footprint <= 8)) throw new ConfigError("relay.footprint", "a number in [1, 8]");
  return {
    serve: o.serve as boolean,
    use: o.use as boolean,
    ports: [...new Set(o.ports as number[])],
    allowHosts: o.allowHosts as string[],
    denyHosts: o.denyHosts as string[],
    maxSessions: int(o.maxSessions, "relay.maxSessions", 1, 10_000),
    maxSessionsPerExecutor: int(o.maxSessionsPerExecutor, "relay.maxSessionsPerExecutor", 1, 10_000),
    interfaces: o.interfaces as string[] | null,
    footprint: o.footprint,
    fallbackDirect: o.fallbackDirect as boolean,
  };
}

/** Validates a parsed config object (defaults filled in). */
export function parseConfig(raw: unknown, baseDir: string): NodeConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError("$", "must be a JSON object");
  const o = { ...DEFAULTS, ...(raw as Record<string, unknown>) } as Record<string, unknown>;
  const known = new Set([...Object.keys(DEFAULTS), "rpc", "operatorKeypair", "nodeKeypair", "dataDir", "announce"]);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new ConfigError(k, "unknown key");
  for (const f of ["rpc", "operatorKeypair", "nodeKeypair", "dataDir"]) if (typeof o[f] !== "string" || o[f] === "") throw new ConfigError(f, "required string");
  try {
    const u = new URL(o.rpc as string);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new ConfigError("rpc", `must be an http(s) URL, got ${JSON.stringify(o.rpc)}`);
  }
  if (!Array.isArray(o.roles) || o.roles.length === 0 || o.roles.some((r) => !ROLES_ACCEPTED.includes(r as RoleName))) throw new ConfigError("roles", "a non-empty list of provider, executor, verifier");
  if (typeof o.coordinator !== "boolean") throw new ConfigError("coordinator", "must be true or false");
  const relay = parseRelayConfig((raw as Record<string, unknown>).relay);
  if (relay.serve && !(o.roles as string[]).includes("provider")) throw new ConfigError("relay.serve", "needs the provider role");
  if (relay.use && !(o.roles as string[]).includes("executor")) throw new ConfigError("relay.use", "needs the executor role");
  if (typeof o.allowLoopback !== "boolean") throw new ConfigError("allowLoopback", "must be true or false");
  if (typeof o.stake !== "string" || !/^\d{1,20}$/.test(o.stake)) throw new ConfigError("stake", "LMR base units as a decimal string");
  for (const f of ["listen", "bootstrap"]) if (!Array.isArray(o[f]) || (o[f] as unknown[]).some((a) => typeof a !== "string" || !a.startsWith("/"))) throw new ConfigError(f, "a list of multiaddrs");
  if (o.announce !== undefined && (typeof o.announce !== "string" || !o.announce.startsWith("/"))) throw new ConfigError("announce", "a multiaddr");
  if (o.dashboardPort !== null) int(o.dashboardPort, "dashboardPort", 0, 65_535);
  const abs = (p: string) => path.resolve(baseDir, p);
  return {
    rpc: o.rpc as string,
    operatorKeypair: abs(o.operatorKeypair as string),
    nodeKeypair: abs(o.nodeKeypair as string),
    dataDir: abs(o.dataDir as string),
    roles: [...new Set(o.roles as RoleName[])],
    coordinator: o.coordinator as boolean,
    latE6: int(o.latE6, "latE6", -90_000_000, 90_000_000),
    lonE6: int(o.lonE6, "lonE6", -180_000_000, 180_000_000),
    declaredBandwidthKbps: int(o.declaredBandwidthKbps, "declaredBandwidthKbps", 1, 100_000_000),
    bandwidthCapKbps: int(o.bandwidthCapKbps, "bandwidthCapKbps", 0, 100_000_000),
    limitKbps: int(o.limitKbps, "limitKbps", 1, 10_000_000),
    stake: o.stake as string,
    listen: o.listen as string[],
    announce: o.announce as string | undefined,
    bootstrap: o.bootstrap as string[],
    dashboardPort: o.dashboardPort as number | null,
    heartbeatSecs: int(o.heartbeatSecs, "heartbeatSecs", 60, 86_400),
    tickMs: int(o.tickMs, "tickMs", 50, 600_000),
    probeSecs: int(o.probeSecs ?? DEFAULTS.probeSecs, "probeSecs", 1, 86_400),
    allowLoopback: o.allowLoopback as boolean,
    relay,
  };
}

export function loadConfig(file: string): NodeConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError("$", `cannot read ${file}: ${(e as Error).message} (create it with \`lumora-node init\`)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError("$", `${file} is not JSON: ${(e as Error).message}`);
  }
  return parseConfig(raw, path.dirname(path.resolve(file)));
}


/** Reads a Solana CLI keypair file (a JSON array of 64 bytes). */
export function readKeypair(file: string): Keypair {
  let bytes: unknown;
  try {
    bytes = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError("keypair", `cannot read ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw new ConfigError("keypair", `${file} is not a 64-byte keypair file`);
  return Keypair.fromSecretKey(Uint8Array.from(bytes as number[]));
}

/** Writes a keypair file readable by the owner only; refuses to overwrite. */
export function writeKeypair(file: string, key: Keypair): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600, flag: "wx" });
}
