/**
 * The end-to-end demo (the README's main command, `./lumora demo`): one embedded chain served over
 * JSON-RPC, `lumora-node` daemons as separate processes talking libp2p on loopback, the fixture
 * website, a consumer commissioning tasks with redundancy, verifiers measuring providers, the epoch
 * closed and claimed, dust swept, and a dataset sold to a second consumer who decrypts it and checks it
 * against the pages. Everything on chain goes through the SDK over a `Connection`; the report says
 * what happened and what it cost.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { KeypairWallet, LumoraClient, PROGRAM_IDS, TASK_STATUS, type TaskAccount, data as sdkData, epochIndex, fetchBids, fetchChainTime, fetchTokenAccountBalance, parseTaskSpec, rewardShare, taskStatusName } from "@lumora/sdk";
import { Consumer } from "@lumora/consumer";
import { type FixtureSite, startFixtureSite } from "@lumora/fixture-site";
import { type DemoChain, clusterChain, embeddedChain } from "./env.js";
import { readKeypair, loadConfig } from "../../node/src/config.js";
import { openState } from "../../node/src/state.js";
import { recordsToJsonl } from "../../node/src/scrape/index.js";
import { type CuRow, computeUnitsByInstruction } from "./cu.js";
import { type NodeProc, type NodeTemplate, heldTotals, initNode, startNode, stopNodes, until } from "./nodes.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;
const LMR = 1_000_000n;

export interface DemoOptions {
  nodes: number;
  tasks: number;
  redundancy: number;
  /** A cluster instead of the embedded chain: its RPC URL and a folder of funded keypairs (env.ts). */
  rpc?: string;
  keysDir?: string;
  /** On a cluster: longest wait for the epoch to end (else the epoch steps are skipped and said so). */
  maxEpochWaitSecs?: number;
  /** Folder for node homes and logs (default a new temporary folder, removed at the end unless `keep`). */
  workDir?: string;
  /** Keep the temporary folder of node homes and logs (a `workDir` given is always kept). */
  keep?: boolean;
  log?: (line: string) => void;
}

/** Node templates: roles, place (µ°), capacity. The first `nodes` are started. */
const TEMPLATES: NodeTemplate[] = [
  { name: "paris-exec-verifier", roles: "executor,verifier", coordinator: true, lat: 48_856_613, lon: 2_352_222, declared: 500_000, cap: 0 },
  { name: "berlin-exec-verifier", roles: "executor,verifier", lat: 52_520_008, lon: 13_404_954, declared: 400_000, cap: 0 },
  { name: "london-provider", roles: "provider", lat: 51_507_351, lon: -127_758, declared: 1_000_000, cap: 800_000 },
  { name: "madrid-exec", roles: "executor", lat: 40_416_775, lon: -3_703_790, declared: 300_000, cap: 0 },
  { name: "tokyo-verifier-provider", roles: "verifier,provider", lat: 35_676_192, lon: 139_650_311, declared: 200_000, cap: 150_000 },
  { name: "saopaulo-exec", roles: "executor", lat: -23_550_520, lon: -46_633_309, declared: 300_000, cap: 0 },
  { name: "nyc-exec-verifier", roles: "executor,verifier", lat: 40_712_776, lon: -74_005_974, declared: 600_000, cap: 0 },
];

export interface DemoReport {
  ok: boolean;
  durationMs: number;
  chain: { kind: "embedded" | "cluster"; rpc: string; programs: Record<string, string>; lmrMint: string; epochLengthSecs: number };
  nodes: { name: string; nodeKey: string; operator: string; roles: string; shard: number; reputation: number; stake: string }[];
  tasks: {
    task: string;
    status: string;
    redundancy: number;
    urls: number;
    /** The pages the spec asked for, in order. */
    pages: string[];
    /** Every bid placed (read from the Bid accounts, best first); `kept`: in the task's ranked list (assignees, then backups). */
    bidders: { node: string; score: string; kept: boolean }[];
    assignees: { node: string; agreed: boolean; payout: string }[];
    records: number;
    bytes: number;
    decryptedMatchesSite: boolean;
    /** The first record of the decrypted result (null when nothing was decrypted). */
    sample: Record<string, unknown> | null;
  }[];
  /**
   * Per provider: its epoch credit (`credit_epoch`): the q-th largest of its drawn verifiers' totals
   * (capacity × live time, docs/rewards.md §3.3), capped by its stake bound, and which verifiers' roots
   * proved it; plus the signed totals it held when the epoch ended.
   */
  credits: { provider: string; epoch: string; credited: boolean; contribution: string; measured: string; capacityKbps: number; liveMs: number; verifiers: string[]; totalsHeld: number }[];
  epoch: { index: string; rTotal: string; totalContribution: string; payouts: { node: string; contribution: string; claimed: string; expected: string }[]; sumPayouts: string; dust: string; dustSweptTo: string | null; skipped: string[] };
  dataset: { address: string; price: string; buyer: string; bytes: number; decryptedMatchesSite: boolean; fee: string } | null;
  /** Which provider carried which executor's scraping connections (`/lumora/relay/1`, docs/relay.md), from each provider's store. */
  relay: { provider: string; executor: string; sessions: number; bytesUp: string; bytesDown: string; bothSigned: number }[];
  computeUnits: CuRow[];
  /** Warnings the nodes logged, one row per node and message (a refused step, a failed probe, …). */
  warnings: { node: string; message: string; count: number; example: string }[];
  /** Where the nodes' homes (config, keys, SQLite, datasets) and logs are; removed at the end unless kept. */
  files: { workDir: string; kept: boolean; nodes: { name: string; home: string; log: string }[] };
  errors: string[];
}

export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const t0 = Date.now();
  const log = opts.log ?? ((l: string) => console.error(l));
  if (opts.nodes < 3 || opts.nodes > TEMPLATES.length) throw new RangeError(`--nodes must be in [3, ${TEMPLATES.length}]`);
  const templates = TEMPLATES.slice(0, opts.nodes);
  const executors = templates.filter((t) => t.roles.includes("executor")).length;
  if (opts.redundancy < 1 || opts.redundancy > Math.min(5, executors)) throw new RangeError(`--redundancy must be in [1, ${Math.min(5, executors)}] with ${opts.nodes} nodes`);
  const work = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "lumora-demo-"));
  const keep = opts.keep === true || opts.workDir !== undefined;
  fs.mkdirSync(work, { recursive: true });
  const errors: string[] = [];
  const procs: NodeProc[] = [];
  let seller: Consumer | undefined;
  let buyer: Consumer | undefined;
  let chain: DemoChain | undefined;
  let site: FixtureSite | undefined;
  try {
    // 1. the chain (LiteSVM behind JSON-RPC) with the programs; migrations: LMR mint, config, treasury
    log(opts.rpc ? `[1/9] using the cluster at ${opts.rpc} (keys from ${opts.keysDir})` : "[1/9] starting the embedded chain and running the migrations (LMR mint, config, treasury, first epoch)");
    [chain, site] = await Promise.all([opts.rpc ? clusterChain(opts.rpc, opts.keysDir ?? "") : embeddedChain(), startFixtureSite({ crawlDelaySec: 0.05 })]);
    const ln = chain;
    const admin = new LumoraClient({ provider: new AnchorProvider(ln.connection, new KeypairWallet(ln.funder), { commitment: "confirmed" }) });
    const config = (await admin.registry.fetchConfig())!;
    const epochLen = config.params.epochLengthSecs;
    const chainNow = () => fetchChainTime({ connection: ln.connection });

    // 2. nodes: lumora-node init (registers on chain) for all, then the epoch opens (a provider earns only
    //    in epochs whose draw seed was fixed after it registered), then lumora-node start as processes
    log(`[2/9] registering ${templates.length} nodes, opening the reward epoch, starting the nodes as processes`);
    const inits: { t: (typeof templates)[number]; config: string }[] = [];
    for (const t of templates) {
      const home = path.join(work, t.name);
      await ln.keypair(t.name, path.join(home, "operator.json"));
      inits.push({ t, config: await initNode({ template: t, home, rpc: ln.rpcUrl }) });
    }
    // the relay (docs/relay.md): providers carry the executors' scraping connections to the fixture site
    for (const { t, config } of inits) {
      const cfg = JSON.parse(fs.readFileSync(config, "utf8")) as Record<string, unknown>;
      cfg.relay = { serve: t.roles.includes("provider"), use: t.roles.includes("executor"), ports: Object.values(site!.ports) };
      fs.writeFileSync(config, JSON.stringify(cfg, null, 2));
    }
    const registeredBy = await chainNow();
    let epoch = epochIndex({ unixTs: registeredBy, epochLengthSecs: epochLen });
    // on a cluster (real time) the tasks and the verifiers' probes need the epoch to last: with less than
    // half of it left, the nodes earn from the next one (else the probes can miss the epoch altogether)
    const tooLate = !ln.warp && (epoch + 1n) * BigInt(epochLen) - registeredBy < BigInt(epochLen) / 2n;
    if (tooLate || (await admin.rewards.fetchEpoch(epoch))) {
      // opened before the nodes registered (a cluster's running epoch), or too little of it left: the next one
      epoch += 1n;
      const start = epoch * BigInt(epochLen);
      if (ln.warp) await ln.warp(Number(start - (await chainNow())) + 1);
      else await until("the next reward epoch", async () => (await chainNow()) >= start, Number(start - (await chainNow()) + 60n) * 1000, 1000);
      if (!(await admin.rewards.fetchEpoch(epoch))) await admin.rewards.openEpoch({ index: epoch });
    } else {
      // a later second than the last registration
      if (ln.warp) await ln.warp(1);
      else await until("a later second than the last registration", async () => (await chainNow()) > registeredBy, 10_000, 500);
      epoch = epochIndex({ unixTs: await chainNow(), epochLengthSecs: epochLen });
      await admin.rewards.openEpoch({ index: epoch });
    }
    // the epoch's reward pool
    const rTotal = (ln.kind === "embedded" ? 1_000n : 10n) * LMR + 7n;
    await ln.ensureRewardFunds(rTotal);
    await admin.rewards.fundEpoch({ funder: ln.funder, index: epoch, amount: rTotal });
    const rTotalEpoch = BigInt((await admin.rewards.fetchEpoch(epoch))!.rTotal.toString());
    for (const { t, config } of inits) procs.push(await startNode({ name: t.name, config, work }));
    const nodeKeys = new Map(procs.map((p) => [p.name, readKeypair(loadConfig(p.config).nodeKeypair)]));
    const nameOfNodeAddress = new Map(procs.map((p) => [admin.registry.nodeAddress(nodeKeys.get(p.name)!.publicKey).toBase58(), p.name]));

    // 3. the consumer: LMR, an x25519 key, a libp2p peer (publishes specs, fetches chunks)
    log(`[3/9] a consumer commissions ${opts.tasks} task(s) with redundancy ${opts.redundancy} (specs published to the DHT by hash)`);
    const consumerKeyFile = path.join(work, "consumer.json");
    const consumer = await ln.keypair("consumer", consumerKeyFile);
    const client = new LumoraClient({ provider: new AnchorProvider(ln.connection, new KeypairWallet(consumer), { commitment: "confirmed" }) });
    const bootstrap = procs.map((p) => p.multiaddrs[0]!);
    seller = await Consumer.open({ rpc: ln.rpcUrl, keypair: consumerKeyFile, x25519KeyFile: path.join(work, "consumer-x25519.json"), bootstrap, allowLoopback: true, progress: (m) => log(`      ${m}`) });
    const created: { task: PublicKey; spec: ReturnType<typeof parseTaskSpec> }[] = [];
    for (let i = 0; i < opts.tasks; i++) {
      const pages = [1, 2, 3].map((k) => site!.pageUrl(((i * 3 + k - 1) % 40) + 1));
      // the last task also points at the slow host (answers after 2 s, no products) and the failing host
      // (a 500): both executors fail that page the same way and keep the others, so they still agree
      if (i === opts.tasks - 1) pages.push(`${site.hosts.slow}/slow.html`, `${site.hosts.failing}/error`);
      const spec = parseTaskSpec(site.productSpec(pages));
      const { task } = await seller.createTask({
        spec,
        latE6: 48_860_000,
        lonE6: 2_350_000,
        redundancy: opts.redundancy,
        maxBackups: Math.min(1, executors - opts.redundancy),
        payment: 2n * LMR * BigInt(opts.redundancy),
        bidWindowSecs: 8,
        commitWindowSecs: 172,
        revealWindowSecs: 180,
      });
      created.push({ task, spec });
    }

    // 4. bids, assignment, execution, commit–reveal, settlement: all by the daemons
    log("[4/9] nodes bid, the coordinator assigns, executors scrape, commit and reveal; the coordinator settles, agreeing executors release their keys and are paid");
    const finals = new Map<string, TaskAccount>();
    for (const { task } of created) {
      const t = await until(`task ${task.toBase58()} to settle`, async () => {
        const a = await client.tasks.fetchTask(task);
        if (!a) return null;
        const done = a.status === TASK_STATUS.FAILED || (a.status === TASK_STATUS.SETTLED && a.settledMask === (1 << a.assignedCount) - 1);
        return done ? a : null;
      });
      finals.set(task.toBase58(), t);
    }

    // 5. the consumer fetches each result over libp2p, verifies, decrypts, compares with the site
    log("[5/9] the consumer fetches every result over /lumora/chunks/1, verifies each chunk and decrypts it");
    const taskRows: DemoReport["tasks"] = [];
    for (const { task, spec } of created) {
      const t = finals.get(task.toBase58())!;
      const slots = t.slots as { node: PublicKey; score: { toString(): string } }[];
      const kept = new Set(slots.slice(0, t.slotCount).map((s) => s.node.toBase58()));
      const bids = await fetchBids({ connection: ln.connection, task });
      const expected = recordsToJsonl(spec, spec.urls.filter((u) => u.startsWith(site!.hosts.catalogue)).flatMap((u) => site!.expectedRecords(u)) as never);
      let matches = false;
      let bytes = 0;
      let records = 0;
      let sample: Record<string, unknown> | null = null;
      if (t.status === TASK_STATUS.SETTLED) {
        const f = await seller.fetchData(task, { format: "jsonl" });
        const plain = f.data;
        matches = new TextDecoder().decode(plain) === expected;
        if (!matches) errors.push(`task ${task.toBase58()}: decrypted data differs from the fixture pages`);
        bytes = plain.length;
        records = f.records;
        sample = sdkData.parseRecords(new TextDecoder().decode(plain), "jsonl")[0] ?? null;
      }
      taskRows.push({
        task: task.toBase58(),
        status: taskStatusName(t.status),
        redundancy: t.redundancy,
        urls: spec.urls.length,
        pages: [...spec.urls],
        bidders: bids.map(({ bid }) => ({ node: nameOfNodeAddress.get(bid.node.toBase58()) ?? bid.node.toBase58(), score: bid.score.toString(), kept: kept.has(bid.node.toBase58()) })),
        assignees: slots.slice(0, t.assignedCount).map((s, i) => ({ node: nameOfNodeAddress.get(s.node.toBase58()) ?? s.node.toBase58(), agreed: ((t.agreeMask >> i) & 1) === 1, payout: (((t.agreeMask >> i) & 1) === 1 ? BigInt(t.payoutEach.toString()) : 0n).toString() })),
        records,
        bytes,
        decryptedMatchesSite: matches,
        sample,
      });
    }

    // 6. Proof-of-Bandwidth v2: drawn verifiers probe providers during the epoch (each probe hands the
    //    provider a new signed cumulative total); at its end each verifier posts one root, each provider
    //    credits the epoch once with proofs from q of its drawn verifiers
    const providers = templates.filter((t) => t.roles.includes("provider"));
    const verifiers = templates.filter((t) => t.roles.includes("verifier"));
    const q = (await admin.rewards.fetchEpoch(epoch))!.creditQuorum;
    log(`[6/9] ${verifiers.length} verifier(s) probe ${providers.length} provider(s) over /lumora/pob/2; at the epoch's end each posts one root, each provider is credited from ${q} of them`);
    const totalsHeld = (name: string) => heldTotals(inits.find((i) => i.t.name === name)!.config, epoch);
    const creditRows: DemoReport["credits"] = [];
    const skippedCredits: string[] = [];
    const measurable = providers.filter((p) => verifiers.filter((v) => v.name !== p.name).length >= q);
    for (const p of providers) if (!measurable.includes(p)) skippedCredits.push(`${p.name}: fewer than q = ${q} verifiers of other operators among ${opts.nodes} nodes`);
    await until(`every provider to hold signed totals from ${q} verifiers`, async () => measurable.every((p) => totalsHeld(p.name) >= q), 120_000).catch((e: Error) => errors.push(e.message));
    const held = new Map(providers.map((p) => [p.name, totalsHeld(p.name)]));
    // 7. the epoch ends: the coordinator closes it, every node claims R_i = floor(c_i·R_total/Σc)
    log(ln.warp ? "[7/9] the epoch ends (chain clock warped): the coordinator closes it, nodes claim; after the claim window the dust is swept" : "[7/9] waiting for the epoch to end: the coordinator closes it, nodes claim; after the claim window the dust is swept");
    const maxWait = BigInt(opts.maxEpochWaitSecs ?? 180);
    /** Moves (embedded) or waits (cluster) until the chain clock passes `ts`; false when that is too far away. */
    const reach = async (ts: bigint, what: string): Promise<boolean> => {
      const now = await chainNow();
      if (now > ts) return true;
      if (ln.warp) {
        await ln.warp(Number(ts - now) + 5);
        return true;
      }
      if (ts - now > maxWait) {
        skipped.push(`${what} is ${ts - now} s away (more than --max-epoch-wait ${maxWait} s): run the demo on a deployment with short epochs to see it`);
        return false;
      }
      await until(what, async () => (await chainNow()) > ts, Number(ts - now + 60n) * 1000, 1000);
      return true;
    };
    const skipped: string[] = [];
    const epochAccount = (await admin.rewards.fetchEpoch(epoch))!;
    const payouts: DemoReport["epoch"]["payouts"] = [];
    let sum = 0n;
    let sigma = 0n;
    let dust = "0";
    let dustSweptTo: string | null = null;
    if (await reach(BigInt(epochAccount.endTs.toString()), "the end of the epoch")) {
      // the credit window: roots, proofs, credits
      for (const p of providers) {
        const key = nodeKeys.get(p.name)!.publicKey;
        const c = measurable.includes(p)
          ? await until(`${p.name} to be credited`, async () => admin.rewards.fetchContribution({ nodeKey: key, epochIndex: epoch }), 120_000).catch((e: Error) => (errors.push(e.message), null))
          : null;
        // the verifiers whose roots proved the credit: each held a slot drawn for this provider
        const verifierNodes = c ? (c.verifiers as PublicKey[]).slice(0, c.verifierCount).map((v) => v.toBase58()) : [];
        creditRows.push({ provider: p.name, epoch: epoch.toString(), credited: c !== null, contribution: c ? c.contribution.toString() : "0", measured: c ? c.measured.toString() : "0", capacityKbps: c?.capacityKbps ?? 0, liveMs: c?.liveMs ?? 0, verifiers: verifierNodes, totalsHeld: held.get(p.name) ?? 0 });
      }
    }
    if (await reach(BigInt(epochAccount.creditDeadline.toString()), "the end of the credit window")) {
      const closed = await until("the coordinator to close the epoch", async () => {
        const e = await admin.rewards.fetchEpoch(epoch);
        return e?.closed ? e : null;
      });
      sigma = BigInt(closed.totalContribution.toString());
      const rEpoch = BigInt(closed.rTotal.toString());
      const ours: string[] = [];
      for (const p of procs) {
        const c = await admin.rewards.fetchContribution({ nodeKey: nodeKeys.get(p.name)!.publicKey, epochIndex: epoch });
        if (c && BigInt(c.contribution.toString()) > 0n) ours.push(p.name);
      }
      await until("every contributing node to claim", async () => {
        const cs = await Promise.all(ours.map((name) => admin.rewards.fetchContribution({ nodeKey: nodeKeys.get(name)!.publicKey, epochIndex: epoch })));
        return cs.every((c: { claimed: boolean } | null) => c?.claimed);
      });
      for (const name of ours) {
        const c = (await admin.rewards.fetchContribution({ nodeKey: nodeKeys.get(name)!.publicKey, epochIndex: epoch }))!;
        const expected = rewardShare({ contribution: BigInt(c.contribution.toString()), rTotal: rEpoch, totalContribution: sigma }) ?? 0n;
        const claimed = BigInt(c.claimedAmount.toString());
        if (claimed !== expected) errors.push(`${name}: claimed ${claimed}, expected floor(c_i·R_total/Σc) = ${expected}`);
        sum += claimed;
        payouts.push({ node: name, contribution: c.contribution.toString(), claimed: claimed.toString(), expected: expected.toString() });
      }
      if (sum > rEpoch) errors.push(`Σ payouts ${sum} > R_total ${rEpoch}`);
      if (await reach(BigInt(closed.claimDeadline.toString()), "the end of the claim window")) {
        const next = epochIndex({ unixTs: await chainNow(), epochLengthSecs: epochLen });
        await until("the coordinator to open the current epoch", async () => (await admin.rewards.fetchEpoch(next)) !== null);
        // the coordinator sweeps the epoch vault's rounding once every shard is distributed, and the
        // shard vaults after the claim window; sweep whatever it has not reached yet (a lost race
        // with it is fine: each sweep happens once, and the state is read again below)
        try {
          if (!(await admin.rewards.fetchEpoch(epoch))!.dustSwept) await admin.rewards.sweepDust({ epochIndex: epoch, targetEpochIndex: next });
          await admin.rewards.sweepShardDust({ epochIndex: epoch, targetEpochIndex: next });
        } catch (e) {
          log(`      sweep raced the coordinator: ${(e as Error).message.split("\n")[0]}`);
        }
        await until("the epoch and shard vaults to be swept", async () => {
          const e = await admin.rewards.fetchEpoch(epoch);
          const shards = await admin.rewards.fetchEpochShards(epoch);
          return e?.dustSwept && shards.every((s) => !s.distributed || s.dustSwept) ? { e, shards } : null;
        }).then(({ e, shards }) => {
          dust = shards.reduce((a, s) => a + BigInt(s.dust.toString()), BigInt(e.dust.toString())).toString();
          dustSweptTo = e.dustToEpoch.toString();
        });
        // with only our nodes contributing, what was not claimed is exactly the dust
        if (ln.kind === "embedded" && BigInt(dust) !== rEpoch - sum) errors.push(`dust ${dust} ≠ R_total − Σ payouts ${rEpoch - sum}`);
      }
    }

    // 8. the consumer lists a dataset from its first settled task; a second consumer buys and decrypts it
    log("[8/9] the consumer lists a dataset with its provenance; a second consumer buys it, receives the sealed key, fetches and decrypts");
    let datasetRow: DemoReport["dataset"] = null;
    const firstSettled = created.find(({ task }) => finals.get(task.toBase58())!.status === TASK_STATUS.SETTLED);
    if (firstSettled) {
      const price = 5n * LMR;
      const { dataset } = await seller.listDataset({ task: firstSettled.task, price });
      const buyerKeyFile = path.join(work, "buyer.json");
      const buyerKey = await ln.keypair("buyer", buyerKeyFile);
      buyer = await Consumer.open({ rpc: ln.rpcUrl, keypair: buyerKeyFile, x25519KeyFile: path.join(work, "buyer-x25519.json"), bootstrap, allowLoopback: true, progress: (m) => log(`      ${m}`) });
      const treasuryBefore = await tokenAccountBalance(ln, config.treasury);
      // the buyer pays and waits for the key while the seller delivers keys to open purchases
      let delivering = true;
      const sellerLoop = (async () => {
        while (delivering) {
          await seller!.deliverPendingKeys().catch((e: Error) => errors.push(`deliver: ${e.message}`));
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
      const bought = await buyer.buyDataset(dataset, { maxPrice: price, format: "jsonl", waitMs: 120_000 }).finally(() => (delivering = false));
      await sellerLoop;
      const fee = (await tokenAccountBalance(ln, config.treasury)) - treasuryBefore;
      const expected = recordsToJsonl(firstSettled.spec, firstSettled.spec.urls.filter((u) => u.startsWith(site!.hosts.catalogue)).flatMap((u) => site!.expectedRecords(u)) as never);
      const matches = new TextDecoder().decode(bought.data) === expected;
      if (!matches) errors.push("the bought dataset does not decrypt to the fixture pages");
      datasetRow = { address: dataset.toBase58(), price: price.toString(), buyer: buyerKey.publicKey.toBase58(), bytes: bought.bytes, decryptedMatchesSite: matches, fee: fee.toString() };
    }

    // 9. the report
    log("[9/9] reading the ledger back: compute units per instruction");
    // (read when credited: the daemons close their contributions after the claim window)
    const nameOfNode = new Map([...nodeKeys].map(([name, k]) => [admin.registry.nodeAddress(k.publicKey).toBase58(), name]));
    for (const row of creditRows) row.verifiers = row.verifiers.map((v) => nameOfNode.get(v) ?? v);
    const computeUnits = await computeUnitsByInstruction(ln.connection, { registry: PROGRAM_IDS.registry, tasks: PROGRAM_IDS.tasks, rewards: PROGRAM_IDS.rewards, market: PROGRAM_IDS.market });
    const nodeRows: DemoReport["nodes"] = [];
    for (const p of procs) {
      const k = nodeKeys.get(p.name)!;
      const n = (await admin.registry.fetchNode(k.publicKey))!;
      nodeRows.push({ name: p.name, nodeKey: k.publicKey.toBase58(), operator: n.operator.toBase58(), roles: templates.find((t) => t.name === p.name)!.roles, shard: n.shard, reputation: n.reputation, stake: n.stake.toString() });
    }
    const relayRows: DemoReport["relay"] = [];
    const nameOfKey = new Map([...nodeKeys].map(([name, k]) => [k.publicKey.toBase58(), name]));
    for (const p of procs.filter((x) => templates.find((t) => t.name === x.name)!.roles.includes("provider"))) {
      const st = openState(loadConfig(p.config).dataDir);
      try {
        const byExecutor = new Map<string, DemoReport["relay"][number]>();
        for (const e of new Set(st.relay.summary(64).map((x) => x.epoch)))
          for (const s of st.relay.sessions(e, "provider")) {
            const ex = nameOfKey.get(s.peer) ?? s.peer;
            const row = byExecutor.get(ex) ?? { provider: p.name, executor: ex, sessions: 0, bytesUp: "0", bytesDown: "0", bothSigned: 0 };
            row.sessions++;
            row.bytesUp = (BigInt(row.bytesUp) + s.bytesUp).toString();
            row.bytesDown = (BigInt(row.bytesDown) + s.bytesDown).toString();
            if (s.provider && s.executor) row.bothSigned++;
            byExecutor.set(ex, row);
          }
        relayRows.push(...byExecutor.values());
      } finally {
        st.close();
      }
    }
    const warnings = new Map<string, DemoReport["warnings"][number]>();
    for (const p of procs) {
      const text = fs.readFileSync(p.logFile, "utf8");
      for (const line of text.split("\n")) {
        if (/"level":"error"/.test(line) || /^\s*(Error|TypeError|RangeError)\b/.test(line)) errors.push(`${p.name}: ${line.slice(0, 300)}`);
        if (!/"level":"warn"/.test(line)) continue;
        let message = line;
        let example = line;
        try {
          const { at: _at, level: _level, message: m, ...rest } = JSON.parse(line) as { at?: string; level?: string; message?: string };
          message = m ?? line;
          example = JSON.stringify(rest);
        } catch {
          // not a JSON log line: kept whole
        }
        const key = `${p.name}\u0000${message}`;
        const w = warnings.get(key);
        if (w) w.count++;
        else warnings.set(key, { node: p.name, message, count: 1, example: example.slice(0, 300) });
      }
    }
    return {
      ok: errors.length === 0,
      durationMs: Date.now() - t0,
      chain: { kind: ln.kind, rpc: ln.rpcUrl, programs: Object.fromEntries(Object.entries(PROGRAM_IDS).map(([k, v]) => [k, v.toBase58()])), lmrMint: ln.lmrMint.toBase58(), epochLengthSecs: epochLen },
      nodes: nodeRows,
      tasks: taskRows,
      credits: creditRows,
      epoch: { index: epoch.toString(), rTotal: rTotalEpoch.toString(), totalContribution: sigma.toString(), payouts, sumPayouts: sum.toString(), dust, dustSweptTo, skipped: [...skippedCredits, ...skipped] },
      dataset: datasetRow,
      relay: relayRows,
      computeUnits,
      warnings: [...warnings.values()],
      files: { workDir: work, kept: keep, nodes: procs.map((p) => ({ name: p.name, home: path.dirname(p.config), log: p.logFile })) },
      errors,
    };
  } finally {
    await stopNodes(procs);
    await seller?.close().catch(() => undefined);
    await buyer?.close().catch(() => undefined);
    await site?.close();
    await chain?.close();
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

async function tokenAccountBalance(ln: DemoChain, account: PublicKey): Promise<bigint> {
  return fetchTokenAccountBalance({ connection: ln.connection, account });
}
