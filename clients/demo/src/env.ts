/**
 * Where the demo runs: the embedded chain it starts itself (default), or a cluster given by `--rpc URL`
 * with funded keys from `--keys DIR`. Everything after this point is the same code path: the SDK over
 * a `Connection`, `lumora-node` processes, the consumer.
 */
import fs from "node:fs";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection, Keypair, type PublicKey } from "@solana/web3.js";

import { KeypairWallet, LumoraClient, fetchTokenBalance } from "@lumora/sdk";
import { startLocalnet } from "../../../tools/chain/localnet.js";
import { fundTokens } from "../../../tools/chain/spl.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;

export interface DemoChain {
  kind: "embedded" | "cluster";
  rpcUrl: string;
  connection: Connection;
  lmrMint: PublicKey;
  /** Pays the epoch's reward pool. */
  funder: Keypair;
  /** A funded keypair for `name`, written to `file` (the embedded chain funds a fresh one; a cluster's comes from the keys folder). */
  keypair(name: string, file: string): Promise<Keypair>;
  /** Makes sure the funder holds `amount` LMR base units (minted on the embedded chain; checked on a cluster). */
  ensureRewardFunds(amount: bigint): Promise<void>;
  /** Moves the chain clock (embedded chain only; null on a cluster, where the demo waits or skips). */
  warp: ((seconds: number) => Promise<void>) | null;
  close(): Promise<void>;
}

export class DemoInputError extends Error {}

export async function embeddedChain(): Promise<DemoChain> {
  // hour-long epochs, a 10-minute credit window and hour-long claim windows: the demo warps the clock
  // past each; k = 16 draws over the demo's three verifiers and q = 2, so that each provider has two
  // drawn verifiers of other operators and its credit is the smaller of their totals
  const ln = await startLocalnet({ params: { epochLengthSecs: 3_600, claimWindowSecs: 3_600, creditWindowSecs: 600, verifierDraws: 16, creditQuorum: 2 } });
  const provider = new AnchorProvider(ln.connection, new KeypairWallet(ln.deployer), { commitment: "confirmed" });
  return {
    kind: "embedded",
    rpcUrl: ln.rpc.url,
    connection: ln.connection,
    lmrMint: ln.lmrMint,
    funder: ln.deployer,
    keypair: (_name, file) => ln.fundedKeypair(file),
    async ensureRewardFunds(amount) {
      await fundTokens(provider, { mint: ln.lmrMint, mintAuthority: ln.deployer, owner: ln.deployer.publicKey, amount });
    },
    warp: (s) => ln.warp(s),
    close: () => ln.close(),
  };
}

/**
 * A cluster where Lumora is deployed and initialised. `keysDir` holds Solana CLI keypair files with SOL
 * (and LMR where it is spent): `funder.json` (LMR for the reward pool), `consumer.json` (LMR for the
 * tasks), `buyer.json` (LMR for the dataset), and one operator per node, `<node name>.json` (LMR for its
 * stake).
 */
export async function clusterChain(rpcUrl: string, keysDir: string): Promise<DemoChain> {
  const connection = new Connection(rpcUrl, { commitment: "confirmed" });
  try {
    await connection.getSlot();
  } catch (e) {
    throw new DemoInputError(`cannot reach the RPC at ${rpcUrl}: ${(e as Error).message}`);
  }
  const load = (name: string): Keypair => {
    const file = path.join(keysDir, `${name}.json`);
    if (!fs.existsSync(file)) throw new DemoInputError(`missing ${file}: put a funded keypair for "${name}" there (see docs/demo.md, "On a cluster")`);
    return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(fs.readFileSync(file, "utf8")) as number[]));
  };
  const funder = load("funder");
  const client = new LumoraClient({ provider: new AnchorProvider(connection, new KeypairWallet(funder), { commitment: "confirmed" }) });
  const config = await client.registry.fetchConfig();
  if (!config) throw new DemoInputError(`Lumora is not initialised on ${rpcUrl}: deploy the programs and run migrations/init.ts first`);
  return {
    kind: "cluster",
    rpcUrl,
    connection,
    lmrMint: config.lmrMint,
    funder,
    async keypair(name, file) {
      const k = load(name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(Array.from(k.secretKey)), { mode: 0o600 });
      return k;
    },
    async ensureRewardFunds(amount) {
      const have = await fetchTokenBalance({ connection, mint: config.lmrMint, owner: funder.publicKey });
      if (have < amount) throw new DemoInputError(`funder ${funder.publicKey.toBase58()} holds ${have} LMR base units; the reward pool needs ${amount}`);
    },
    warp: null,
    async close() {},
  };
}
