/**
 * What `./lumora app` runs behind the page, as `./lumora demo` does (clients/demo): the embedded chain
 * (LiteSVM over JSON-RPC) with the protocol initialised, the fixture website, `lumora-node` daemons as
 * separate processes on loopback, a reward epoch, and a wallet for the browser — then a short history so
 * every view has something real to show:
 *   1. a seller (lumora-consumer's `Consumer`) commissions a task, the nodes execute and settle it, and
 *      the seller lists the result as a dataset and keeps delivering sealed keys to buyers;
 *   2. the wallet's own node (a provider) is probed by the verifier (signed totals, docs/rewards.md §3.2);
 *      the chain clock moves past the epoch's end, the verifier posts its root and the node credits the
 *      epoch; its daemon then stops (it would claim by itself), the clock moves past the credit window,
 *      the coordinator closes and pays out the epoch: the wallet has a reward to claim in the Operator view.
 * The browser's wallet is `wallet.json` (SOL + LMR; the operator of that node). A human imports it into any
 * Wallet Standard wallet, or uses their own and asks the faucet (POST /api/faucet).
 */
import fs from "node:fs";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { KeypairWallet, LumoraClient, TASK_STATUS, epochIndex, fetchChainTime, parseTaskSpec } from "@lumora/sdk";
import { Consumer } from "@lumora/consumer";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { type NodeProc, type NodeTemplate, heldTotals, initNode, startNode, stopNode, stopNodes, until } from "@lumora/demo";
import { loadConfig, readKeypair } from "../../clients/node/src/config.js";
import { type Localnet, startLocalnet } from "../../tools/chain/localnet.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;
export const LMR = 1_000_000n;

/** The demo nodes (a subset of clients/demo's templates). The wallet operates `london-provider`. */
export const NODES: readonly (NodeTemplate & { wallet?: boolean })[] = [
  { name: "paris-exec", roles: "executor", coordinator: true, lat: 48_856_613, lon: 2_352_222, declared: 500_000, cap: 0 },
  { name: "berlin-exec-verifier", roles: "executor,verifier", lat: 52_520_008, lon: 13_404_954, declared: 400_000, cap: 0 },
  { name: "london-provider", roles: "provider", lat: 51_507_351, lon: -127_758, declared: 1_000_000, cap: 800_000, wallet: true },
  { name: "madrid-exec", roles: "executor", lat: 40_416_775, lon: -3_703_790, declared: 300_000, cap: 0 },
  { name: "tokyo-verifier-provider", roles: "verifier,provider", lat: 35_676_192, lon: 139_650_311, declared: 200_000, cap: 150_000 },
];

/** How far the environment got; `GET /api/status` returns it. */
export interface EnvStatus {
  phase: "starting" | "nodes" | "history" | "ready" | "failed";
  rpc: string;
  wallet: string;
  walletFile: string;
  nodes: { name: string; nodeKey: string; operator: string; running: boolean }[];
  dataset: string | null;
  sellerTask: string | null;
  claimableEpoch: string | null;
  /** The fixture website's catalogue host (pages /products/page/<n>), for tasks typed into the page. */
  fixture: string;
  log: string[];
  error: string | null;
}

export interface AppEnv {
  ln: Localnet;
  site: FixtureSite;
  status: EnvStatus;
  /** libp2p multiaddrs of the running nodes (the gateway bootstraps from them). */
  bootstrap: string[];
  /** Settles when the history is written (or rejects with why not). */
  ready: Promise<void>;
  faucet(owner: PublicKey): Promise<void>;
  close(): Promise<void>;
}

export async function startAppEnv(opts: { work: string; nodes: number; rpcPort?: number; log?: (line: string) => void }): Promise<AppEnv> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const templates = NODES.slice(0, opts.nodes);
  fs.mkdirSync(opts.work, { recursive: true });
  const procs: NodeProc[] = [];
  const status: EnvStatus = { phase: "starting", rpc: "", wallet: "", walletFile: "", nodes: [], dataset: null, sellerTask: null, claimableEpoch: null, fixture: "", log: [], error: null };
  const say = (l: string) => {
    status.log.push(l);
    log(l);
  };

  say("starting the embedded chain (LiteSVM over JSON-RPC) and the fixture website");
  // hour-long epochs and claim windows: the environment moves the clock past them when it needs to
  const [ln, site] = await Promise.all([
    // one verifier besides the wallet's node: q = 1 of k = 16 draws; a 10-minute credit window the clock skips
    startLocalnet({ params: { epochLengthSecs: 3_600, claimWindowSecs: 3_600, verifierDraws: 16, creditQuorum: 1, creditWindowSecs: 600 }, ...(opts.rpcPort !== undefined ? { port: opts.rpcPort } : {}) }),
    startFixtureSite({ crawlDelaySec: 0.05 }),
  ]);
  status.rpc = ln.rpc.url;
  status.fixture = site.hosts.catalogue;
  const admin = new LumoraClient({ provider: new AnchorProvider(ln.connection, new KeypairWallet(ln.deployer), { commitment: "confirmed" }) });
  const config = (await admin.registry.fetchConfig())!;
  const epochLen = config.params.epochLengthSecs;
  const chainNow = () => fetchChainTime({ connection: ln.connection });

  // the browser's wallet: SOL and LMR, and the operator of the wallet node
  const walletFile = path.join(opts.work, "wallet.json");
  const wallet = await ln.fundedKeypair(walletFile, 10_000n * LMR); // lumora-node init stakes part of it
  status.wallet = wallet.publicKey.toBase58();
  status.walletFile = walletFile;

  status.phase = "nodes";
  say(`registering ${templates.length} nodes and starting them as processes`);
  const inits: { t: (typeof templates)[number]; config: string }[] = [];
  for (const t of templates) {
    const home = path.join(opts.work, t.name);
    const operatorFile = path.join(home, "operator.json");
    if (t.wallet) {
      fs.mkdirSync(home, { recursive: true });
      fs.copyFileSync(walletFile, operatorFile);
    } else await ln.fundedKeypair(operatorFile);
    inits.push({ t, config: await initNode({ template: t, home, rpc: ln.rpc.url }) });
  }
  // the reward epoch opens after the registrations (a provider earns only in epochs drawn after it registered)
  await ln.warp(1);
  const epoch = epochIndex({ unixTs: await chainNow(), epochLengthSecs: epochLen });
  await admin.rewards.openEpoch({ index: epoch });
  const rTotal = 1_000n * LMR + 7n;
  await ln.fund(ln.deployer.publicKey, { lamports: 0, lmr: rTotal });
  await admin.rewards.fundEpoch({ funder: ln.deployer, index: epoch, amount: rTotal });

  for (const { t, config } of inits) procs.push(await startNode({ name: t.name, config, work: opts.work }));
  const nodeKeys = new Map(procs.map((p) => [p.name, readKeypair(loadConfig(p.config).nodeKeypair).publicKey]));
  status.nodes = procs.map((p) => ({ name: p.name, nodeKey: nodeKeys.get(p.name)!.toBase58(), operator: readKeypair(loadConfig(p.config).operatorKeypair).publicKey.toBase58(), running: true }));
  const bootstrap = procs.map((p) => p.multiaddrs[0]!);
  say(`nodes running: ${procs.map((p) => p.name).join(", ")}`);

  let seller: Consumer | undefined;
  let delivering = true;
  let deliverLoop: Promise<void> = Promise.resolve();

  const history = async () => {
    status.phase = "history";
    // 1. a settled task and a dataset listed from it
    const sellerFile = path.join(opts.work, "seller.json");
    await ln.fundedKeypair(sellerFile);
    seller = await Consumer.open({ rpc: ln.rpc.url, keypair: sellerFile, x25519KeyFile: path.join(opts.work, "seller-x25519.json"), bootstrap, allowLoopback: true, progress: (m) => say(`  seller: ${m}`) });
    const spec = parseTaskSpec(site.productSpec([1, 2, 3].map((k) => site.pageUrl(k))));
    const executors = templates.filter((t) => t.roles.includes("executor")).length;
    const redundancy = Math.min(2, executors);
    say(`the seller commissions a task (redundancy ${redundancy}) over three fixture pages`);
    const { task } = await seller.createTask({ spec, latE6: 48_860_000, lonE6: 2_350_000, redundancy, maxBackups: 0, payment: 2n * LMR * BigInt(redundancy), bidWindowSecs: 6, commitWindowSecs: 172, revealWindowSecs: 180 });
    status.sellerTask = task.toBase58();
    await until(`task ${task.toBase58()} to settle`, async () => {
      const a = await admin.tasks.fetchTask(task);
      return a && (a.status === TASK_STATUS.FAILED || (a.status === TASK_STATUS.SETTLED && a.settledMask === (1 << a.assignedCount) - 1)) ? a : null;
    });
    const { dataset } = await seller.listDataset({ task, price: 5n * LMR });
    status.dataset = dataset.toBase58();
    say(`dataset ${dataset.toBase58()} listed for 5 LMR; the seller delivers sealed keys to buyers from now on`);
    deliverLoop = (async () => {
      while (delivering) {
        await seller!.deliverPendingKeys().catch((e: Error) => say(`  seller: deliver failed: ${e.message}`));
        await new Promise((r) => setTimeout(r, 700));
      }
    })();

    // 2. the wallet's node earns in this epoch, then stops so the reward waits for the browser's claim
    const walletNode = templates.find((t) => t.wallet);
    const hasVerifier = templates.some((t) => t.roles.includes("verifier") && t !== walletNode);
    if (walletNode && hasVerifier) {
      const key = nodeKeys.get(walletNode.name)!;
      const walletConfig = inits.find((i) => i.t.name === walletNode.name)!.config;
      say(`waiting for the verifier to probe the wallet's node (${walletNode.name}): a signed total held`);
      await until(`a signed total held by ${walletNode.name}`, async () => (heldTotals(walletConfig, epoch) > 0 ? true : null), 180_000, 1000);
      const e = (await admin.rewards.fetchEpoch(epoch))!;
      say(`moving the clock past the end of epoch ${epoch}: the verifier posts its root, ${walletNode.name} credits the epoch`);
      await ln.warp(Number(BigInt(e.endTs.toString()) - (await chainNow())) + 2);
      await until(`${walletNode.name} to be credited`, async () => admin.rewards.fetchContribution({ nodeKey: key, epochIndex: epoch }), 180_000, 1000);
      const p = procs.find((x) => x.name === walletNode.name)!;
      await stopNode(p);
      status.nodes.find((n) => n.name === walletNode.name)!.running = false;
      say(`${walletNode.name} stopped (its daemon would claim by itself); moving the clock past the credit window`);
      await ln.warp(Number(BigInt(e.creditDeadline.toString()) - (await chainNow())) + 2);
      await until("the coordinator to close and pay out the epoch", async () => {
        const x = await admin.rewards.fetchEpoch(epoch);
        if (!x?.closed) return null;
        const c = await admin.rewards.fetchContribution({ nodeKey: key, epochIndex: epoch });
        const shard = c ? await admin.rewards.fetchEpochShard({ epochIndex: epoch, shard: c.shard }) : null;
        return shard?.distributed ? x : null;
      }, 180_000, 1000);
      status.claimableEpoch = epoch.toString();
      say(`epoch ${epoch} closed and paid out: the wallet's node has a reward to claim`);
    }
    status.phase = "ready";
    say("ready");
  };
  const ready = history().catch((e: Error) => {
    status.phase = "failed";
    status.error = e.message;
    say(`failed: ${e.message}`);
    throw e;
  });
  ready.catch(() => undefined);

  return {
    ln,
    site,
    status,
    bootstrap,
    ready,
    async faucet(owner) {
      await ln.fund(owner, { lamports: 10 * 1e9, lmr: 100n * LMR });
    },
    async close() {
      delivering = false;
      await deliverLoop.catch(() => undefined);
      await stopNodes(procs);
      await seller?.close().catch(() => undefined);
      await site.close();
      await ln.close();
    },
  };
}

/** A keypair file written by the environment (the wallet), for tests that sign as it. */
export function readWallet(file: string): Keypair {
  return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(fs.readFileSync(file, "utf8")) as number[]));
}
