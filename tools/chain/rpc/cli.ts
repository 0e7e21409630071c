/**
 * The embedded chain as a local JSON-RPC node: the four Lumora programs deployed at the SDK's program ids,
 * served over Solana's JSON-RPC (HTTP) and WebSocket (port + 1) for any number of processes.
 *   tsx tools/chain/rpc/cli.ts [--port 8899] [--host 127.0.0.1] [--programs-dir target/deploy]
 *                              [--upgrade-authority <pubkey | keypair.json>] [--fund <pubkey>[:<sol>]]... [--ledger-info]
 * --ledger-info prints one JSON line on stdout once listening ({ url, wsUrl, programs, upgradeAuthority }),
 * so a parent process can read the endpoint; SIGINT / SIGTERM close the server and exit 0.
 * The upgrade authority defaults to a fresh key (then `init_config` cannot be signed: give your deployer's).
 */
import fs from "node:fs";
import path from "node:path";
import { Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { PROGRAM_IDS } from "../../../sdk/src/programs.js";
import { REPO_ROOT } from "../index.js";
import { startRpcServer } from "./server.js";

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: tsx tools/chain/rpc/cli.ts [--port N] [--host H] [--programs-dir DIR] [--upgrade-authority PUBKEY|KEYPAIR.json] [--fund PUBKEY[:SOL]]... [--ledger-info]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const out = { port: 8899, host: "127.0.0.1", programsDir: path.join(REPO_ROOT, "target", "deploy"), authority: undefined as string | undefined, fund: [] as string[], ledgerInfo: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === "--port") out.port = Number(value());
    else if (a === "--host") out.host = value();
    else if (a === "--programs-dir") out.programsDir = path.resolve(value());
    else if (a === "--upgrade-authority") out.authority = value();
    else if (a === "--fund") out.fund.push(value());
    else if (a === "--ledger-info") out.ledgerInfo = true;
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65534) usage(`--port must be 0..65534`);
  return out;
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

const args = parseArgs(process.argv.slice(2));
const upgradeAuthority = authorityKey(args.authority);
const programs = (["registry", "tasks", "rewards", "market"] as const).map((p) => ({ programId: PROGRAM_IDS[p], soPath: path.join(args.programsDir, `lumora_${p}.so`) }));
const accounts = args.fund.map((f) => {
  const [key, sol] = f.split(":");
  return { address: new PublicKey(key!), lamports: Math.round(Number(sol ?? 1_000) * 1e9), data: new Uint8Array(), owner: SystemProgram.programId };
});
const server = await startRpcServer({ programs, upgradeAuthority, accounts, port: args.port, host: args.host });
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
