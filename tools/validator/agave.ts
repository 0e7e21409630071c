/**
 * agave's `solana-test-validator` (built by tools/validator/build.sh) as a child process: a real one-node Solana
 * cluster on loopback, with Lumora's programs loaded at genesis as upgradeable programs (program-data naming the
 * upgrade authority, as a loader deployment leaves them), accounts funded at genesis, its faucet for
 * `requestAirdrop`, a fresh ledger in a temporary folder (removed on close), and free ports of its own so several
 * can run side by side (and next to another session's localnet on 8899).
 *
 *   const chain = await startAgave({ programs, upgradeAuthority, accounts: [{ address, lamports }] });
 *   new Connection(chain.url) … ; await chain.close();
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PublicKey } from "@solana/web3.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Features agave's test validator activates that the clusters Lumora deploys to do not have yet (issue 23). */
export const FEATURES = {
  /** SIMD-0500 `disable_sbpf_v0_v1_v2_deployment`: on in the test validator, off on devnet and mainnet; with it the
   *  loader refuses to deploy the SBPF v0 programs tools/sbf builds ("sbpf_version … not enabled"). */
  disableSbpfV0V1V2Deployment: new PublicKey("B8JJXCy5amZyWG9r7EnUYLwzXSXTxG7GZ1qZ1qggo83g"),
  /** SIMD-0312 `create_account_allow_prefund` (CreateAccountAllowPrefund): not active on mainnet. */
  createAccountAllowPrefund: new PublicKey("6sPDzwyARRExKH52LECxcGoqziH8G7SZofwuxi8Ja331"),
} as const;

export interface AgaveProgram {
  programId: PublicKey;
  soPath: string;
}

export interface AgaveOptions {
  /** Programs loaded at genesis under the upgradeable loader (program + program-data), with `upgradeAuthority`. */
  programs?: AgaveProgram[];
  upgradeAuthority?: PublicKey;
  /** System accounts funded at genesis. */
  accounts?: { address: PublicKey; lamports: number }[];
  /** Slots per epoch (default the test validator's 432,000; ≥ 32). A slot is ≈ 400 ms. */
  slotsPerEpoch?: number;
  /** Features to leave inactive (see {@link FEATURES}). */
  deactivateFeatures?: PublicKey[];
  /** JSON-RPC port (the WebSocket is port + 1); default a free one. */
  port?: number;
  /** The ledger folder; default a temporary one removed on close. */
  ledger?: string;
  /** The binary; default `$LUMORA_VALIDATOR_BIN`, else `tools/validator/build.sh --path`. */
  bin?: string;
  /** Readiness timeout (ms, default 90 s: a loaded 2-core machine starts it in 1–10 s). */
  timeoutMs?: number;
}

export interface AgaveChain {
  url: string;
  wsUrl: string;
  /** The faucet's TCP address (`requestAirdrop` goes through it). */
  faucet: string;
  ledger: string;
  /** The validator's own log (agave writes it into the ledger folder). */
  logFile: string;
  version: string;
  /** Milliseconds from the spawn to ready (RPC healthy at a confirmed slot > 0). */
  readyMs: number;
  process: ChildProcess;
  close(): Promise<void>;
}

/** The validator binary: `$LUMORA_VALIDATOR_BIN`, else the one tools/validator/build.sh built (an error naming how to build it otherwise). */
export function validatorBin(): string {
  const env = process.env.LUMORA_VALIDATOR_BIN;
  if (env) {
    if (!fs.existsSync(env)) throw new Error(`LUMORA_VALIDATOR_BIN=${env}: no such file`);
    return env;
  }
  try {
    return execFileSync("bash", [path.join(HERE, "build.sh"), "--path"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (e) {
    const err = (e as { stderr?: string }).stderr?.trim();
    throw new Error(err?.replace(/^\[validator\] ERROR: /, "") || "solana-test-validator is not built: run ./lumora setup --validator");
  }
}

/** Whether the validator binary is available (for suites that skip without it). */
export function validatorAvailable(): boolean {
  try {
    validatorBin();
    return true;
  } catch {
    return false;
  }
}

const portFree = (port: number, host = "127.0.0.1") =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });

/**
 * A block of free ports: rpc, ws (= rpc + 1), faucet, gossip, then a 40-port dynamic range (agave needs ≥ 26 for
 * TPU, TVU, repair, …). Probes the fixed ones and a sample of the range.
 */
async function portBlock(rpc?: number): Promise<{ rpc: number; faucet: number; gossip: number; range: [number, number] }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = rpc ?? 20_000 + 50 * Math.floor(Math.random() * 800);
    const b = { rpc: base, faucet: base + 2, gossip: base + 3, range: [base + 4, base + 44] as [number, number] };
    const probe = [b.rpc, b.rpc + 1, b.faucet, b.gossip, b.range[0], b.range[0] + 13, b.range[1] - 1];
    const free = await Promise.all(probe.map((p) => portFree(p)));
    if (free.every(Boolean)) return b;
    if (rpc !== undefined) throw new Error(`port ${rpc} (or one of ${rpc + 1}–${rpc + 44} the validator also binds) is in use; pass another port`);
  }
  throw new Error("no free block of 45 ports on 127.0.0.1 found");
}

async function rpcCall(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const j = (await r.json()) as { result?: unknown; error?: { message: string } };
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}

/**
 * Starts the validator; resolves once its RPC answers `getHealth` = ok and the CONFIRMED slot is past genesis:
 * programs in genesis become visible from slot 1, and clients simulate (preflight) at `confirmed` — at a
 * confirmed slot 0 a transaction calling the SPL token program was refused "Unsupported program id" (the
 * localnet's first createMint, seen twice when another engine started beside it).
 */
export async function startAgave(opts: AgaveOptions = {}): Promise<AgaveChain> {
  const bin = opts.bin ?? validatorBin();
  if (opts.slotsPerEpoch !== undefined && opts.slotsPerEpoch < 32) throw new Error(`slotsPerEpoch must be ≥ 32 (agave's minimum), got ${opts.slotsPerEpoch}`);
  if ((opts.programs?.length ?? 0) > 0 && !opts.upgradeAuthority) throw new Error("startAgave: programs need an upgradeAuthority");
  for (const p of opts.programs ?? []) if (!fs.existsSync(p.soPath)) throw new Error(`program ${p.programId.toBase58()}: no such file ${p.soPath} (./lumora build)`);
  const ownLedger = opts.ledger === undefined;
  const ledger = opts.ledger ?? fs.mkdtempSync(path.join(os.tmpdir(), "lumora-agave-"));
  const accountsDir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-agave-accounts-"));
  const ports = await portBlock(opts.port);
  const args = [
    "--ledger", ledger, "--reset", "--quiet",
    "--bind-address", "127.0.0.1",
    "--rpc-port", String(ports.rpc), "--faucet-port", String(ports.faucet), "--gossip-port", String(ports.gossip),
    "--dynamic-port-range", `${ports.range[0]}-${ports.range[1]}`,
  ];
  if (opts.slotsPerEpoch !== undefined) args.push("--slots-per-epoch", String(opts.slotsPerEpoch));
  for (const f of opts.deactivateFeatures ?? []) args.push("--deactivate-feature", f.toBase58());
  for (const p of opts.programs ?? []) {
    args.push("--upgradeable-program", p.programId.toBase58(), p.soPath, opts.upgradeAuthority!.toBase58());
  }
  for (const [i, a] of (opts.accounts ?? []).entries()) {
    const file = path.join(accountsDir, `${i}.json`);
    const ui = { lamports: a.lamports, data: ["", "base64"], owner: "11111111111111111111111111111111", executable: false, rentEpoch: 0, space: 0 };
    fs.writeFileSync(file, JSON.stringify({ pubkey: a.address.toBase58(), account: ui }));
    args.push("--account", a.address.toBase58(), file);
  }
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-8_000)));
  child.stderr!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-8_000)));
  let exited: number | null | undefined;
  const exitP = new Promise<void>((r) => child.once("exit", (code) => ((exited = code), r())));
  const url = `http://127.0.0.1:${ports.rpc}`;
  const logFile = path.join(ledger, "validator.log");
  const cleanup = () => {
    fs.rmSync(accountsDir, { recursive: true, force: true });
    if (ownLedger) fs.rmSync(ledger, { recursive: true, force: true });
  };
  const fail = (why: string) => {
    let tail = "";
    try {
      tail = fs.readFileSync(logFile, "utf8").split("\n").filter((l) => /ERROR|panicked|Error/.test(l)).slice(-5).join("\n");
    } catch {
      /* no log yet */
    }
    if (exited === undefined) child.kill("SIGKILL");
    cleanup();
    return new Error(`solana-test-validator: ${why}${out.trim() ? `\n${out.trim()}` : ""}${tail ? `\n${tail}` : ""}`);
  };
  const t0 = Date.now();
  const timeout = opts.timeoutMs ?? 90_000;
  let version = "";
  for (;;) {
    if (exited !== undefined) throw fail(`exited with code ${exited} before it was ready`);
    if (Date.now() - t0 > timeout) throw fail(`not ready after ${timeout / 1000} s (log ${logFile})`);
    try {
      if ((await rpcCall(url, "getHealth")) === "ok" && ((await rpcCall(url, "getSlot", [{ commitment: "confirmed" }])) as number) > 0) {
        version = ((await rpcCall(url, "getVersion")) as { "solana-core": string })["solana-core"];
        break;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const readyMs = Date.now() - t0;
  let closed = false;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${ports.rpc + 1}`,
    faucet: `127.0.0.1:${ports.faucet}`,
    ledger,
    logFile,
    version,
    readyMs,
    process: child,
    async close() {
      if (closed) return;
      closed = true;
      if (exited === undefined) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exitP;
        clearTimeout(killer);
      }
      cleanup();
    },
  };
}
