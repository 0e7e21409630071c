/**
 * `./lumora localnet` — a local Lumora network anyone can start by hand: the embedded chain (LiteSVM behind
 * its JSON-RPC server, tools/chain/rpc) in this process, or with `--engine agave` agave's solana-test-validator
 * (tools/validator, built by `./lumora setup --validator`) as a child process; the four programs deployed
 * upgradeable from target/deploy,
 * the protocol initialised by init.ts (LMR mint, config, treasury, the current epoch opened), the given
 * keypairs funded with SOL and LMR; prints the RPC URL and the addresses, runs until Ctrl-C.
 *   tsx migrations/localnet.ts [--engine embedded|agave] [--port 8899] [--fund FILE|PUBKEY]... [--sol 100] [--lmr 10000] [--json] …
 * `--help` lists every flag with its default and range (parsing follows @lumora/cli-kit).
 */
import fs from "node:fs";
import path from "node:path";
import { Keypair, PublicKey } from "@solana/web3.js";
import { type Parsed, type ProgramSpec, UsageError, base58Key, int, oneOf, runCommand } from "@lumora/cli-kit";
import { LumoraClient, PROGRAM_IDS, epochIndex } from "../sdk/src/index.js";
import { LOCALNET_ENGINES, type Localnet, type LocalnetEngine, startLocalnet } from "../tools/chain/localnet.js";
import { FEATURES } from "../tools/validator/agave.js";

const LMR_DECIMALS = 6;

export const PROGRAM: ProgramSpec = {
  name: "./lumora localnet",
  summary: "localnet",
  single: true,
  commands: [
    {
      name: "localnet",
      summary:
        "Start a local Lumora network: a chain with the programs deployed upgradeable (target/deploy), the LMR mint, config, treasury and current epoch initialised, the given keypairs funded. Runs until Ctrl-C.",
      flags: {
        engine: { type: "string", value: "ENGINE", help: "the chain: embedded (LiteSVM over JSON-RPC in this process, starts in < 1 s) or agave (agave's solana-test-validator 4.2.2, the real validator; build it once with `./lumora setup --validator`)", accepts: oneOf(...LOCALNET_ENGINES), default: "embedded" },
        "slots-per-epoch": { type: "string", value: "N", help: "engine agave: slots per Solana epoch (a slot is ≈ 400 ms)", accepts: int(32, 432_000), defaultText: "agave's own: warm-up epochs from 32 slots doubling up to 432,000" },
        "deactivate-feature": { type: "string", value: "NAME|PUBKEY", help: `engine agave: leave a feature inactive; names: ${Object.keys(FEATURES).join(", ")} (the loader deploys the SBPF v0 programs only with disableSbpfV0V1V2Deployment off)`, multiple: true },
        port: { type: "string", value: "N", help: "JSON-RPC port (the WebSocket listens on N + 1; 0 = any free port)", accepts: int(0, 65_534), default: "8899" },
        host: { type: "string", value: "HOST", help: "address to listen on", default: "127.0.0.1" },
        fund: { type: "string", value: "FILE|PUBKEY", help: "a keypair file (`./lumora keygen FILE` writes one) or an address to give --sol SOL and --lmr LMR", multiple: true },
        sol: { type: "string", value: "SOL", help: "SOL given to each --fund", accepts: int(0, 1_000_000), default: "100" },
        lmr: { type: "string", value: "LMR", help: "LMR tokens given to each --fund (a node's minimum stake is 1000)", accepts: int(0, 1_000_000_000), default: "10000" },
        "epoch-secs": { type: "string", value: "SECS", help: "length of a reward epoch (the claim window stays the launch's 30 days)", accepts: int(60, 30 * 86_400), default: "86400" },
        deployer: { type: "string", value: "FILE", help: "keypair of the deployer: upgrade authority, protocol admin and LMR mint authority (written if missing, so it can mint more later)", defaultText: "a fresh key, not written" },
      },
      notes: [
        "Example (docs/quickstart.md):",
        "  ./lumora keygen operator.json && ./lumora keygen consumer.json",
        "  ./lumora localnet --fund operator.json --fund consumer.json",
        "  ./lumora localnet --engine agave --fund operator.json        # the same on the real validator",
        "Engine agave has no warp (time is real): a node's heartbeats are a minute apart, an epoch lasts --epoch-secs.",
      ],
    },
  ],
};

/** Reads a Solana CLI keypair file (a JSON array of 64 bytes). */
function readKeypair(file: string, flag: string): Keypair {
  let bytes: unknown;
  try {
    bytes = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw new UsageError(`${flag} ${file}: not a keypair file (a JSON array of 64 bytes)`);
  return Keypair.fromSecretKey(Uint8Array.from(bytes as number[]));
}

/** A --fund value: a keypair file's public key, or an address. */
function fundTarget(v: string): { label: string; address: PublicKey } {
  if (fs.existsSync(v)) return { label: v, address: readKeypair(v, "--fund").publicKey };
  if (base58Key.check(v)) return { label: v, address: new PublicKey(v) };
  throw new UsageError(`${PROGRAM.name}: --fund must be a keypair file or a base-58 address, got ${JSON.stringify(v)} (no such file; \`./lumora keygen ${v}\` writes one)`);
}

async function localnet(a: Parsed): Promise<number> {
  const targets = a.list("fund").map(fundTarget);
  let deployer: Keypair | undefined;
  const deployerFile = a.str("deployer");
  if (deployerFile) {
    if (fs.existsSync(deployerFile)) deployer = readKeypair(deployerFile, "--deployer");
    else {
      deployer = Keypair.generate();
      fs.mkdirSync(path.dirname(path.resolve(deployerFile)), { recursive: true });
      fs.writeFileSync(deployerFile, JSON.stringify(Array.from(deployer.secretKey)), { mode: 0o600, flag: "wx" });
    }
  }
  const epochSecs = a.int("epoch-secs")!;
  const engine = a.str("engine") as LocalnetEngine;
  const deactivate = a.list("deactivate-feature").map((f) => {
    if (f in FEATURES) return FEATURES[f as keyof typeof FEATURES];
    if (base58Key.check(f)) return new PublicKey(f);
    throw new UsageError(`${PROGRAM.name}: --deactivate-feature must be one of ${Object.keys(FEATURES).join(", ")} or a feature's address, got ${JSON.stringify(f)}`);
  });
  if (engine !== "agave" && (deactivate.length > 0 || a.given("slots-per-epoch"))) throw new UsageError(`${PROGRAM.name}: --deactivate-feature and --slots-per-epoch apply to --engine agave only`);
  let ln: Localnet;
  try {
    // the current epoch opens now: nodes registered from here on earn from the next epoch (docs/rewards.md §3.1).
    // A local network has a handful of verifiers: k = 16 draws, and a provider is credited from one drawn
    // verifier's root (q = 1); roots and credits within a quarter epoch after its end
    const params = { epochLengthSecs: epochSecs, verifierDraws: 16, creditQuorum: 1, creditWindowSecs: Math.max(1, Math.floor(epochSecs / 4)) };
    ln = await startLocalnet({
      engine,
      port: a.int("port")!,
      host: a.str("host")!,
      deployer,
      params,
      shardCount: 4,
      openFirstEpoch: true,
      agave: { ...(a.given("slots-per-epoch") ? { slotsPerEpoch: a.int("slots-per-epoch")! } : {}), deactivateFeatures: deactivate },
    });
  } catch (e) {
    const m = (e as Error & { code?: string }).code === "EADDRINUSE" ? `port ${a.str("port")} is in use (another localnet? pass --port N)` : (e as Error).message;
    throw new Error(m, { cause: e });
  }
  const lamports = a.int("sol")! * 1e9;
  const lmr = BigInt(a.int("lmr")!) * 10n ** BigInt(LMR_DECIMALS);
  for (const t of targets) await ln.fund(t.address, { lamports, lmr });
  const client = new LumoraClient({ provider: ln.provider });
  const config = (await client.registry.fetchConfig())!;
  const slot = await ln.connection.getSlot();
  const now = BigInt((await ln.connection.getBlockTime(slot)) ?? Math.floor(Date.now() / 1000));
  const info = {
    engine: ln.engine,
    ...(ln.agave ? { version: ln.agave.version, ledger: ln.agave.ledger } : {}),
    rpc: ln.rpc.url,
    ws: ln.rpc.wsUrl,
    programs: Object.fromEntries(Object.entries(PROGRAM_IDS).map(([k, v]) => [k, v.toBase58()])),
    lmrMint: ln.lmrMint.toBase58(),
    config: client.registry.configAddress().toBase58(),
    treasury: config.treasury.toBase58(),
    deployer: ln.deployer.publicKey.toBase58(),
    epoch: { index: epochIndex({ unixTs: now, epochLengthSecs: epochSecs }).toString(), lengthSecs: epochSecs },
    minStakeLmr: (BigInt(config.params.minStake.toString()) / 10n ** BigInt(LMR_DECIMALS)).toString(),
    funded: targets.map((t) => ({ key: t.label, address: t.address.toBase58(), sol: a.int("sol")!, lmr: a.int("lmr")! })),
  };
  if (a.bool("json")) console.log(JSON.stringify(info));
  else
    console.log(
      [
        `Lumora localnet (${ln.agave ? `agave solana-test-validator ${ln.agave.version}` : "embedded chain"}): JSON-RPC ${info.rpc} (WebSocket ${info.ws})`,
        ...Object.entries(info.programs).map(([k, v]) => `  program   ${k.padEnd(9)} ${v}`),
        `  LMR mint  ${info.lmrMint} (6 decimals; minimum stake ${info.minStakeLmr} LMR)`,
        `  config    ${info.config}`,
        `  treasury  ${info.treasury}`,
        `  epoch     ${info.epoch.index} open (${epochSecs} s epochs)`,
        `  deployer  ${info.deployer}${deployerFile ? ` (${deployerFile})` : ""}: upgrade authority, admin, LMR mint authority`,
        ...info.funded.map((f) => `  funded    ${f.address} (${f.key}): ${f.sol} SOL, ${f.lmr} LMR`),
        ln.agave
          ? `Ctrl-C stops it (the validator's ledger ${ln.agave.ledger} is removed then; its log: ${ln.agave.logFile}).`
          : "Ctrl-C stops it (the chain lives in this process: its state is gone when it stops).",
      ].join("\n"),
    );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await ln.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  return -1;
}

const code = await runCommand(PROGRAM, process.argv.slice(2), localnet);
if (code >= 0) process.exit(code);
