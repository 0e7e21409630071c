/**
 * A local Lumora network for tests and the demo: the embedded chain (LiteSVM behind its JSON-RPC
 * server, tools/chain/rpc) with the four programs, the protocol initialised (LMR mint, config,
 * treasury), and funded operator keypair files that `lumora-node init` then uses — the same path a
 * real cluster takes, only the RPC URL differs.
 */
import fs from "node:fs";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection, Keypair, PublicKey, Transaction, VersionedTransaction } from "@solana/web3.js";
import { type ConfigParams, PROGRAM_IDS } from "../../sdk/src/index.js";
import { deployedSo } from "./index.js";
import { type RpcServer, startRpcServer } from "./rpc/server.js";
import { fundTokens } from "./spl.js";
import { initializeProtocol, launchParams } from "../../migrations/init.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;

/** A wallet over a keypair (the deployer pays and signs the set-up). */
function keypairWallet(payer: Keypair) {
  const sign = <T extends Transaction | VersionedTransaction>(tx: T): T => {
    if (tx instanceof VersionedTransaction) tx.sign([payer]);
    else tx.partialSign(payer);
    return tx;
  };
  return { payer, publicKey: payer.publicKey, signTransaction: async <T extends Transaction | VersionedTransaction>(tx: T) => sign(tx), signAllTransactions: async <T extends Transaction | VersionedTransaction>(txs: T[]) => txs.map(sign) };
}

export interface Localnet {
  rpc: RpcServer;
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
  /** Moves the chain clock forward (the RPC server's `lumora_warp`). */
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
  } = {},
): Promise<Localnet> {
  const deployer = opts.deployer ?? Keypair.generate();
  const programs = (["registry", "tasks", "rewards", "market"] as const).map((p) => ({ programId: PROGRAM_IDS[p], soPath: deployedSo(`lumora_${p}`) }));
  const rpc = await startRpcServer({
    programs,
    upgradeAuthority: deployer.publicKey,
    accounts: [{ address: deployer.publicKey, lamports: 1_000 * 1e9, data: new Uint8Array(), owner: PublicKey.default }],
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
  });
  const connection = new Connection(rpc.url, { commitment: "confirmed", wsEndpoint: rpc.wsUrl });
  const provider = new AnchorProvider(connection, keypairWallet(deployer), { commitment: "confirmed" });
  const params = { ...launchParams(), ...opts.params };
  const { lmrMint } = await initializeProtocol({ provider, deployer, admin: deployer.publicKey, params, shardCount: opts.shardCount ?? 4, openFirstEpoch: opts.openFirstEpoch ?? false });
  const rpcCall = async (method: string, params: unknown[]) => {
    const res = await fetch(rpc.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const j = (await res.json()) as { error?: { message: string } };
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
  };
  return {
    rpc,
    connection,
    provider,
    deployer,
    lmrMint,
    params,
    async fundedKeypair(file, lmr = 10_000n * 1_000_000n) {
      const k = Keypair.generate();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(Array.from(k.secretKey)), { mode: 0o600 });
      await rpcCall("requestAirdrop", [k.publicKey.toBase58(), 100 * 1e9]);
      if (lmr > 0n) await fundTokens(provider, { mint: lmrMint, mintAuthority: deployer, owner: k.publicKey, amount: lmr });
      return k;
    },
    async fund(owner, { lamports, lmr }) {
      if (lamports > 0) await rpcCall("requestAirdrop", [owner.toBase58(), lamports]);
      if (lmr > 0n) await fundTokens(provider, { mint: lmrMint, mintAuthority: deployer, owner, amount: lmr });
    },
    warp: (seconds) => rpcCall("lumora_warp", [{ seconds }]),
    async close() {
      // web3.js closes an idle subscription socket 500 ms after its last subscription; closing the server
      // first would make every client reconnect (and log "ws error") until its process exits
      await new Promise((r) => setTimeout(r, 700));
      await rpc.close();
    },
  };
}

