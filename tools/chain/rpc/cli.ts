/**
 * The embedded chain as a local JSON-RPC node: the four Lumora programs deployed at the SDK's program ids,
 * served over Solana's JSON-RPC (HTTP) and WebSocket (port + 1) for any number of processes.
 *   tsx tools/chain/rpc/cli.ts [--port 8899] [--host 127.0.0.1] [--programs-dir target/deploy]
 *                              [--upgrade-authority <pubkey | keypair.json>] [--fund <pubkey>[:<sol>]]... [--ledger-info]
 * (`--help` lists every flag with its default and range; parsing follows @lumora/cli-kit.)
 * --ledger-info prints one JSON line on stdout once listening ({ url, wsUrl, programs, upgradeAuthority }),
 * so a parent process can read the endpoint; SIGINT / SIGTERM close the server and exit 0.
 * The upgrade authority defaults to a fresh key (then `init_config` cannot be signed: give your deployer's).
 */
import fs from "node:fs";
import path from "node:path";
import { Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { type Parsed, type ProgramSpec, UsageError, int, runCommand } from "@lumora/cli-kit";
import { PROGRAM_IDS } from "../../../sdk/src/programs.js";
import { REPO_ROOT } from "../index.js";
import { startRpcServer } from "./server.js";

export const PROGRAM: ProgramSpec = {
  name: "tsx tools/chain/rpc/cli.ts",
  single: true,
  summary: "The embedded chain over JSON-RPC.",
  commands: [
    {
      name: "chain",
      summary: "The embedded chain (LiteSVM) served over Solana JSON-RPC (HTTP) and WebSocket (port + 1), the four Lumora programs deployed at the SDK's ids (docs/chain-rpc.md). For the protocol initialised and keys funded, use `./lumora localnet`.",
      flags: {
        port: { type: "string", value: "N", help: "JSON-RPC port (the WebSocket listens on N + 1; 0 = any free port)", accepts: int(0, 65_534), default: "8899" },
        host: { type: "string", value: "HOST", help: "address to listen on", default: "127.0.0.1" },
        "programs-dir": { type: "string", value: "DIR", help: "where the programs' .so files are", defaultText: "target/deploy of this checkout" },
        "upgrade-authority": { type: "string", value: "KEY", help: "the programs' upgrade authority (signs init_config): a public key or a keypair file", defaultText: "a fresh key, so nobody can initialise the protocol" },
        fund: { type: "string", value: "PUBKEY[:SOL]", help: "preload an account with SOL (default 1000)", multiple: true, accepts: { accepts: "PUBKEY or PUBKEY:SOL", check: (v) => /^[1-9A-HJ-NP-Za-km-z]{32,44}(:\d+(\.\d+)?)?$/.test(v) } },
        "ledger-info": { type: "boolean", help: "print one JSON line { url, wsUrl, programs, upgradeAuthority } on stdout once listening" },
      },
    },
  ],
};

function usage(msg: string): never {
  throw new UsageError(msg);
}

/** A base-58 public key, or a Solana CLI keypair file (JSON array of 64 bytes). */
function authorityKey(v: string | undefined): PublicKey {
  if (v === undefined) return Keypair.generate().publicKey;
  if (fs.existsSync(v)) return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(fs.readFileSync(v, "utf8")) as number[])).publicKey;
  try {
    return new PublicKey(v);
  } catch {
    usage(`--upgrade-authority: neither a public key nor a keypair file: ${v}`);
  }
}

let parsed: Parsed | null = null;
const code = await runCommand(PROGRAM, process.argv.slice(2), async (a) => {
  parsed = a;
  authorityKey(a.str("upgrade-authority")); // a bad key is a usage error
  return -1;
});
if (code >= 0) process.exit(code);
const a = parsed! as Parsed;
const args = { port: a.int("port")!, host: a.str("host")!, programsDir: path.resolve(a.str("programs-dir") ?? path.join(REPO_ROOT, "target", "deploy")), authority: a.str("upgrade-authority"), fund: a.list("fund"), ledgerInfo: a.bool("ledger-info") };
const upgradeAuthority = authorityKey(args.authority);
const programs = (["registry", "tasks", "rewards", "market"] as const).map((p) => ({ programId: PROGRAM_IDS[p], soPath: path.join(args.programsDir, `lumora_${p}.so`) }));
const accounts = args.fund.map((f) => {
  const [key, sol] = f.split(":");
  return { address: new PublicKey(key!), lamports: Math.round(Number(sol ?? 1_000) * 1e9), data: new Uint8Array(), owner: SystemProgram.programId };
});
const server = await startRpcServer({ programs, upgradeAuthority, accounts, port: args.port, host: args.host }).catch((e: Error) => {
  process.stderr.write(`${PROGRAM.name}: ${e.message}\n${a.bool("debug") ? `${e.stack}\n` : ""}`);
  process.exit(1);
});
const info = { url: server.url, wsUrl: server.wsUrl, upgradeAuthority: upgradeAuthority.toBase58(), programs: Object.fromEntries(Object.entries(PROGRAM_IDS).map(([k, v]) => [k, v.toBase58()])) };
if (args.ledgerInfo) process.stdout.write(`${JSON.stringify(info)}\n`);
else process.stderr.write(`lumora chain: JSON-RPC ${server.url}, WebSocket ${server.wsUrl} (Ctrl-C to stop)\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
