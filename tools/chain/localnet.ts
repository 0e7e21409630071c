/**
 * A local Lumora network for tests and the demo: a chain with the four programs deployed upgradeable, the
 * protocol initialised (LMR mint, config, treasury), and funded operator keypair files that `lumora-node init`
 * then uses — the same path a real cluster takes, only the RPC URL differs. Two engines:
 *   embedded (default)  LiteSVM behind its JSON-RPC server (tools/chain/rpc) in this process: starts in < 1 s,
 *                       has `lumora_warp` to move the clock
 *   agave               agave's solana-test-validator as a child process (tools/validator/agave.ts): the real
 *                       validator, real time only (no warp), funded through its faucet
 */
import fs from "node:fs";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { type ConfigParams, KeypairWallet, PROGRAM_IDS } from "../../sdk/src/index.js";
import { deployedSo } from "./index.js";
import { startRpcServer } from "./rpc/server.js";
import { type AgaveChain, type AgaveOptions, startAgave } from "../validator/agave.js";
import { fundTokens } from "./spl.js";
import { initializeProtocol, launchParams } from "../../migrations/init.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;

/** The chain behind a localnet (see the file's header). */
export type LocalnetEngine = "embedded" | "agave";
export const LOCALNET_ENGINES: readonly LocalnetEngine[] = ["embedded", "agave"];

export interface Localnet {
  engine: LocalnetEngine;
  /** The JSON-RPC endpoint and its WebSocket. */
  rpc: { url: string; wsUrl: string };
  /** The validator process (engine agave). */
  agave?: AgaveChain;
  connection: Connection;
  /** The deployer's provider (pays and signs the set-up). */
  provider: InstanceType<typeof AnchorProvider>;
  deployer: Keypair;
  lmrMint: PublicKey;
  params: ConfigParams;
  /** Creates a funded operator (SOL + `lmr` LMR base units) and writes its keypair file. */
  fundedKeypair(file: string, lmr?: bigint): Promise<Keypair>;
  /** Gives an existing address `lamports` SOL lamports and `lmr` LMR base units (minted by the deployer). */
  fund(owner: PublicKey, amounts: { lamports: number; lmr: bigint }): Promise<void>;
  /** Moves the chain clock forward (the RPC server's `lumora_warp`; engine agave has no warp and throws). */
  warp(seconds: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * `openFirstEpoch` (default false): whether the migrations open the current reward epoch. A provider
 * earns only in epochs whose draw seed was fixed after it registered (docs/rewards.md §3.1), so a
 * localnet whose nodes register next leaves the opening to them (the coordinator daemon opens the
 * current epoch on its first tick) or to the caller.
 */
export async function startLocalnet(
  opts: {
    params?: Partial<ConfigParams>;
    shardCount?: number;
    openFirstEpoch?: boolean;
    /** JSON-RPC port (WebSocket on port + 1) and address; default any free port on 127.0.0.1. */
    port?: number;
    host?: string;
    /** The upgrade authority, protocol admin and LMR mint authority (default a fresh key). */
    deployer?: Keypair;
    /** The chain (default embedded). */
    engine?: LocalnetEngine;
    /** Engine agave: slots per epoch and features left inactive (tools/validator/agave.ts). */
    agave?: Pick<AgaveOptions, "slotsPerEpoch" | "deactivateFeatures" | "ledger">;
  } = {},
): Promise<Localnet> {
  const deployer = opts.deployer ?? Keypair.generate();
  const programs = (["registry", "tasks", "rewards", "market"] as const).map((p) => ({ programId: PROGRAM_IDS[p], soPath: deployedSo(`lumora_${p}`) }));
  const engine = opts.engine ?? "embedded";
  if (!LOCALNET_ENGINES.includes(engine)) throw new Error(`engine must be one of ${LOCALNET_ENGINES.join(", ")}, got ${JSON.stringify(engine)}`);
  let rpc: { url: string; wsUrl: string; close(): Promise<void> };
  let agave: AgaveChain | undefined;
  if (engine === "agave") {
    if (opts.host !== undefined && opts.host !== "127.0.0.1") throw new Error(`engine agave listens on 127.0.0.1 only, not ${opts.host}`);
    agave = await startAgave({
      programs,
      upgradeAuthority: deployer.publicKey,
      accounts: [{ address: deployer.publicKey, lamports: 1_000 * 1e9 }],
      ...(opts.port ? { port: opts.port } : {}),
      ...opts.agave,
    });
    rpc = agave;
  } else {
    rpc = await startRpcServer({
      programs,
      upgradeAuthority: deployer.publicKey,
      accounts: [{ address: deployer.publicKey, lamports: 1_000 * 1e9, data: new Uint8Array(), owner: PublicKey.default }],
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host !== undefined ? { host: opts.host } : {}),
    });
  }
  const connection = new Connection(rpc.url, { commitment: "confirmed", wsEndpoint: rpc.wsUrl });
  const provider = new AnchorProvider(connection, new KeypairWallet(deployer), { commitment: "confirmed" });
  const params = { ...launchParams(), ...opts.params };
  let lmrMint: PublicKey;
  try {
    ({ lmrMint } = await initializeProtocol({ provider, deployer, admin: deployer.publicKey, params, shardCount: opts.shardCount ?? 4, openFirstEpoch: opts.openFirstEpoch ?? false }));
  } catch (e) {
    await rpc.close();
    throw e;
  }
  const rpcCall = async (method: string, params: unknown[]): Promise<unknown> => {
    const res = await fetch(rpc.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const j = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
    return j.result;
  };
  /** requestAirdrop, confirmed (the embedded chain executes it at once; agave's faucet sends a transaction). */
  const airdrop = async (to: PublicKey, lamports: number) => {
    const latest = await connection.getLatestBlockhash("confirmed");
    const signature = (await rpcCall("requestAirdrop", [to.toBase58(), lamports])) as string;
    const r = await connection.confirmTransaction({ signature, ...latest }, "confirmed");
    if (r.value.err) throw new Error(`airdrop to ${to.toBase58()} failed: ${JSON.stringify(r.value.err)}`);
  };
  return {
    engine,
    rpc: { url: rpc.url, wsUrl: rpc.wsUrl },
    ...(agave ? { agave } : {}),
    connection,
    provider,
    deployer,
    lmrMint,
    params,
    async fundedKeypair(file, lmr = 10_000n * 1_000_000n) {
      const k = Keypair.generate();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(Array.from(k.secretKey)), { mode: 0o600 });
      await airdrop(k.publicKey, 100 * 1e9);
      if (lmr > 0n) await fundTokens(provider, { mint: lmrMint, mintAuthority: deployer, owner: k.publicKey, amount: lmr });
      return k;
    },
    async fund(owner, { lamports, lmr }) {
      if (lamports > 0) await airdrop(owner, lamports);
      if (lmr > 0n) await fundTokens(provider, { mint: lmrMint, mintAuthority: deployer, owner, amount: lmr });
    },
    async warp(seconds) {
      if (engine === "agave") throw new Error("engine agave has no warp (lumora_warp is the embedded chain's test method): wait for the clock, or use short epochs");
      await rpcCall("lumora_warp", [{ seconds }]);
    },
    async close() {
      // web3.js closes an idle subscription socket 500 ms after its last subscription; closing the server
      // first would make every client reconnect (and log "ws error") until its process exits
      await new Promise((r) => setTimeout(r, 700));
      await rpc.close();
    },
  };
}

