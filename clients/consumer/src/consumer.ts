/**
 * `Consumer` — the data consumer's side of Lumora, built only on `@lumora/sdk` and `@lumora/network`:
 * publish a task spec to the DHT and commission the task, watch it through bid → assign → commit →
 * reveal → settle, fetch the executors' chunks over /lumora/chunks/1, verify and decrypt them, sell the
 * result as a dataset (and deliver its key to buyers), buy other datasets, read provenance and the
 * network's state from chain.
 *
 * Keys kept on disk (all 0600):
 *   - the Solana keypair (the consumer's wallet: pays tasks and purchases, signs listings);
 *   - `x25519KeyFile` (default `<keypair dir>/x25519.json`): `{ publicKey, secretKey }` base64 — executors
 *     seal each result's data key to it, sellers seal purchased keys to it;
 *   - `<x25519KeyFile without .json>.datasets.json`: the data keys of the datasets this consumer sells,
 *     by dataset address. The seller must keep them to deliver keys to later buyers; a small JSON file
 *     written atomically (temp file + rename) is enough for a handful of listings.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import anchor from "@coral-xyz/anchor";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Connection, Keypair, PublicKey, type Transaction, type VersionedTransaction } from "@solana/web3.js";
import nacl from "tweetnacl";
import { formatLmr } from "@lumora/cli-kit";
import {
  type DatasetAccount,
  type DatasetFilter,
  type DatasetProvenance,
  LumoraClient,
  PURCHASE_STATUS,
  RESULT_STATUS,
  TASK_STATUS,
  type TaskAccount,
  checkPlaintext,
  type TaskSpec,
  data as sdkData,
  epochIndex,
  fetchDatasetProvenance,
  parseTaskSpec,
  taskSpecBytes,
  taskSpecHash,
} from "@lumora/sdk";
import { LumoraNode, StaticRegistry, fetchDataset, peerIdOfNodeKey, specKey, validateSpecRecord } from "@lumora/network";
import { peerIdFromString } from "@libp2p/peer-id";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;

/** Bad input the user can fix (exit code 2 in the CLI). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** The chain or a peer could not be reached or refused (exit code 1). */
export class ConsumerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConsumerError";
  }
}

const CLOCK = new PublicKey("SysvarC1ock11111111111111111111111111111111");
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const hex = (b: Uint8Array | number[]) => Buffer.from(Uint8Array.from(b)).toString("hex");
const big = (v: { toString(): string }) => BigInt(v.toString());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type TaskStatusName = "open" | "assigned" | "settled" | "failed" | "cancelled";
const STATUS_NAMES: Record<number, TaskStatusName> = {
  [TASK_STATUS.OPEN]: "open",
  [TASK_STATUS.ASSIGNED]: "assigned",
  [TASK_STATUS.SETTLED]: "settled",
  [TASK_STATUS.FAILED]: "failed",
  [TASK_STATUS.CANCELLED]: "cancelled",
};

/** One progress snapshot of a task. */
export interface TaskProgress {
  task: string;
  status: TaskStatusName;
  redundancy: number;
  bids: number;
  /** The kept bids, best first: the bidder's registry Node PDA, its node key and its score. */
  bidders: { node: string; nodeKey: string | null; score: string }[];
  assignees: string[];
  commits: number;
  reveals: number;
  settledAssignees: number;
  /** Assignees whose reveal agreed with the winning hash (after settlement). */
  agree: number;
}

/** The task parameters of a spec file's `task` section (see docs/consumer.md). */
export interface CreateTaskArgs {
  /** The TaskSpec (validated with `parseTaskSpec`). */
  spec: unknown;
  latE6: number;
  lonE6: number;
  redundancy: number;
  maxBackups: number;
  /** Payment escrowed, LMR base units. */
  payment: bigint;
  bidWindowSecs: number;
  commitWindowSecs: number;
  revealWindowSecs: number;
  /** The result's declared maximum size in bytes (default: the SDK's `TASK_BOUNDS.defaultMaxBytes`). */
  maxBytes?: bigint;
  /** Default: the chain's clock in ms (unique per consumer in practice). */
  taskId?: bigint;
}

export interface FetchDataResult {
  bytes: number;
  records: number;
  /** Node keys of the executors the chunks came from. */
  providers: string[];
  chunks: number;
  manifestHash: string;
  merkleRoot: string;
  contentHash: string;
  format: "jsonl" | "csv";
  out: string | null;
  /** The data key (hex): needed to sell the data; never printed by the CLI. */
  key: Uint8Array;
  /** The plaintext as written (in `format`). */
  data: Uint8Array;
}

export interface NetworkNode {
  nodeKey: string;
  roles: string[];
  shard: number;
  reputation: number;
  stake: string;
  active: boolean;
  jailed: boolean;
  lastHeartbeatTs: number;
  multiaddr: string;
}

export interface OpenArgs {
  /** JSON-RPC URL of the cluster. */
  rpc: string;
  /** The consumer's wallet, or the path of its keypair file (Solana CLI format). */
  keypair: Keypair | string;
  /** The x25519 key file; created (0600) if missing. Default `<keypair dir>/x25519.json`, or in memory for a Keypair. */
  x25519KeyFile?: string;
  /** libp2p multiaddrs (with /p2p/) to dial; default the registry's nodes. */
  bootstrap?: string[];
  /** Keep loopback/private addresses (local clusters, tests). */
  allowLoopback?: boolean;
  /** Progress lines (the CLI prints them on stderr). */
  progress?: (msg: string) => void;
}

const ROLE_NAMES: [number, string][] = [
  [1, "provider"],
  [2, "executor"],
  [4, "verifier"],
];

function readKeypair(file: string): Keypair {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`cannot read the keypair ${file}: ${(e as Error).message} (pass --keypair FILE, a Solana CLI keypair JSON)`);
  }
  if (!Array.isArray(raw) || raw.length !== 64) throw new InputError(`${file} is not a Solana keypair (a JSON array of 64 numbers)`);
  return Keypair.fromSecretKey(Uint8Array.from(raw as number[]));
}

function writePrivate(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Loads the x25519 key file, creating it (0600) when missing. */
export function loadX25519(file: string): nacl.BoxKeyPair {
  if (!fs.existsSync(file)) {
    const kp = nacl.box.keyPair();
    writePrivate(file, JSON.stringify({ publicKey: b64(kp.publicKey), secretKey: b64(kp.secretKey) }, null, 2) + "\n");
    return kp;
  }
  const j = JSON.parse(fs.readFileSync(file, "utf8")) as { secretKey?: string };
  const secret = Buffer.from(j.secretKey ?? "", "base64");
  if (secret.length !== 32) throw new InputError(`${file}: secretKey must be 32 bytes base64`);
  return nacl.box.keyPair.fromSecretKey(Uint8Array.from(secret));
}

function wallet(payer: Keypair) {
  const sign = <T extends Transaction | VersionedTransaction>(tx: T): T => {
    if ("version" in tx) tx.sign([payer]);
    else tx.partialSign(payer);
    return tx;
  };
  return { payer, publicKey: payer.publicKey, signTransaction: async <T extends Transaction | VersionedTransaction>(tx: T) => sign(tx), signAllTransactions: async <T extends Transaction | VersionedTransaction>(txs: T[]) => txs.map(sign) };
}

/** Splits JSONL or CSV plaintext into records (objects with `url` first, then the columns). */
export function parseRecords(text: string, format: "jsonl" | "csv"): Record<string, unknown>[] {
  if (format === "jsonl") return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) row.push(cell), rows.push(row);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] === "" ? null : r[i]])));
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Converts records between the two output formats of the executors (clients/node/src/scrape/extract.ts). */
export function convertRecords(text: string, from: "jsonl" | "csv", to: "jsonl" | "csv"): string {
  if (from === to) return text;
  const recs = parseRecords(text, from);
  if (to === "jsonl") return recs.map((r) => JSON.stringify(r) + "\n").join("");
  const cols = Object.keys(recs[0] ?? { url: null });
  return [cols.map(csvCell).join(","), ...recs.map((r) => cols.map((c) => csvCell(r[c])).join(","))].map((l) => `${l}\r\n`).join("");
}

/**
 * The output format of decrypted bytes. The executors label every manifest `application/x-ndjson`
 * whatever the spec's format, so the bytes decide: a JSONL record is an object (`{`), a CSV file starts
 * with its `url,…` header row.
 */
export function formatOf(plain: Uint8Array): "jsonl" | "csv" {
  return plain.length === 0 || plain[0] === 0x7b ? "jsonl" : "csv";
}

export class Consumer {
  private sellerKeys: Record<string, { key: string; task: string; merkleRoot: string }> | null = null;

  private constructor(
    readonly rpc: string,
    readonly connection: Connection,
    readonly keypair: Keypair,
    readonly client: LumoraClient,
    readonly x25519: nacl.BoxKeyPair,
    private readonly keyStoreFile: string | null,
    private readonly netOpts: { bootstrap?: string[]; allowLoopback: boolean },
    private readonly progress: (msg: string) => void,
  ) {}

  /** Connects to the chain (checked now: an unreachable RPC fails here with what to do). libp2p starts on first use. */
  static async open(args: OpenArgs): Promise<Consumer> {
    const keypair = typeof args.keypair === "string" ? readKeypair(args.keypair) : args.keypair;
    const xFile = args.x25519KeyFile ?? (typeof args.keypair === "string" ? path.join(path.dirname(path.resolve(args.keypair)), "x25519.json") : undefined);
    const x25519 = xFile ? loadX25519(xFile) : nacl.box.keyPair();
    let url: URL;
    try {
      url = new URL(args.rpc);
    } catch {
      throw new InputError(`--rpc must be a URL, got ${JSON.stringify(args.rpc)}`);
    }
    const connection = new Connection(url.toString(), { commitment: "confirmed", disableRetryOnRateLimit: true });
    try {
      await Promise.race([connection.getLatestBlockhash("confirmed"), sleep(10_000).then(() => Promise.reject(new Error("no answer in 10 s")))]);
    } catch (e) {
      throw new ConsumerError(`cannot reach RPC at ${args.rpc}: is the chain running? (pass the cluster's JSON-RPC URL with \`--rpc URL\`) [${(e as Error).message.split("\n")[0]}]`);
    }
    const provider = new AnchorProvider(connection, wallet(keypair), { commitment: "confirmed" });
    const client = new LumoraClient({ provider });
    const store = xFile ? xFile.replace(/\.json$/, "") + ".datasets.json" : null;
    return new Consumer(args.rpc, connection, keypair, client, x25519, store, { bootstrap: args.bootstrap, allowLoopback: args.allowLoopback ?? false }, args.progress ?? (() => undefined));
  }

  private nodeP: Promise<LumoraNode> | null = null;

  /** The libp2p peer (started lazily; bootstraps from `bootstrap` or the registry's multiaddrs). */
  p2p(): Promise<LumoraNode> {
    this.nodeP ??= (async () => {
      let bootstrap = this.netOpts.bootstrap;
      if (!bootstrap || bootstrap.length === 0) {
        const nodes = await this.client.registry.fetchNodes({ status: 1 });
        bootstrap = nodes.flatMap(({ node }) => {
          const ma = Buffer.from(Uint8Array.from(node.multiaddr as number[]).subarray(0, node.multiaddrLen)).toString("utf8");
          if (!ma || /\/tcp\/0(\/|$)/.test(ma)) return [];
          return [ma.includes("/p2p/") ? ma : `${ma}/p2p/${peerIdOfNodeKey(node.nodeKey.toBytes()).toString()}`];
        });
      }
      this.progress(`starting libp2p (bootstrap: ${bootstrap.length} peer${bootstrap.length === 1 ? "" : "s"})`);
      return LumoraNode.create({ registry: new StaticRegistry(), dhtClientMode: true, allowPrivateAddresses: this.netOpts.allowLoopback, bootstrap, rttIntervalMs: 0 });
    })();
    return this.nodeP;
  }

  async close(): Promise<void> {
    const n = this.nodeP;
    this.nodeP = null;
    if (n) await (await n).stop().catch(() => undefined);
  }

  /** The chain's clock (unix seconds). */
  async chainNow(): Promise<bigint> {
    const info = await this.connection.getAccountInfo(CLOCK);
    if (!info) throw new ConsumerError("the cluster has no Clock sysvar");
    return Buffer.from(info.data).readBigInt64LE(32);
  }

  private async lmrMint(): Promise<PublicKey> {
    const cfg = await this.client.registry.fetchConfig();
    if (!cfg) throw new ConsumerError(`Lumora is not initialised on ${this.rpc} (no protocol config): is this the right cluster?`);
    return cfg.lmrMint;
  }

  /** The consumer's LMR balance (base units) in its associated token account. */
  async balance(): Promise<bigint> {
    const ata = getAssociatedTokenAddressSync(await this.lmrMint(), this.keypair.publicKey, true);
    const info = await this.connection.getAccountInfo(ata);
    return info ? Buffer.from(info.data).readBigUInt64LE(64) : 0n;
  }

  private async requireFunds(amount: bigint, what: string): Promise<void> {
    const bal = await this.balance();
    if (bal < amount)
      throw new InputError(`insufficient funds: ${what} ${formatLmr(amount)}, balance ${formatLmr(bal)} of ${this.keypair.publicKey.toBase58()}: fund this wallet with LMR or lower the amount`);
  }

  /** Publishes the spec to the DHT (retried until a peer stored it), then creates the task on chain. */
  async createTask(a: CreateTaskArgs): Promise<{ task: PublicKey; taskId: bigint; specHash: string; signature: string }> {
    const spec: TaskSpec = parseTaskSpec(a.spec);
    if (a.payment <= 0n) throw new InputError("task.budget must be a positive number of LMR base units");
    await this.requireFunds(a.payment, "payment");
    const bytes = taskSpecBytes(spec);
    const hash = taskSpecHash(spec);
    const node = await this.p2p();
    this.progress(`publishing the spec ${hex(hash)} to the DHT`);
    for (let attempt = 1; ; attempt++) {
      try {
        await node.waitForDhtPeers(1, 10_000);
        const stored = await this.putSpecCounted(node, hash, bytes);
        if (stored > 0) {
          this.progress(`spec stored by ${stored} peer${stored === 1 ? "" : "s"}`);
          break;
        }
        throw new Error("no peer stored the spec");
      } catch (e) {
        if (attempt >= 5) throw new ConsumerError(`could not publish the spec to the DHT: ${(e as Error).message} (are Lumora nodes reachable? pass --bootstrap MULTIADDR)`);
        this.progress(`spec not stored yet (${(e as Error).message}); retrying`);
        await sleep(1_000 * attempt);
      }
    }
    const now = await this.chainNow();
    const bidWindowEnd = now + BigInt(a.bidWindowSecs);
    const commitDeadline = bidWindowEnd + BigInt(a.commitWindowSecs);
    const revealDeadline = commitDeadline + BigInt(a.revealWindowSecs);
    const taskId = a.taskId ?? now * 1000n + BigInt(Date.now() % 1000);
    this.progress(`creating task ${taskId} (bid window ends at chain time ${bidWindowEnd})`);
    const { task, signature } = await this.client.tasks.createTask({
      consumer: this.keypair,
      taskId,
      specHash: hash,
      consumerX25519: this.x25519.publicKey,
      latE6: a.latE6,
      lonE6: a.lonE6,
      redundancy: a.redundancy,
      maxBackups: a.maxBackups,
      bidWindowEnd,
      commitDeadline,
      revealDeadline,
      payment: a.payment,
      ...(a.maxBytes !== undefined ? { maxBytes: a.maxBytes } : {}),
    });
    return { task, taskId, specHash: hex(hash), signature };
  }

  /**
   * `putSpec` with the DHT's answers counted: a peer that stored the record echoes it back in its
   * PUT_VALUE response. (`LumoraNode.putSpec` drains the query; the local copy alone proves nothing.)
   */
  private async putSpecCounted(node: LumoraNode, hash: Uint8Array, bytes: Uint8Array): Promise<number> {
    const key = specKey(hash);
    validateSpecRecord(key, bytes);
    const dht = node.libp2p.services.dht as unknown as { put(k: Uint8Array, v: Uint8Array, o: { signal: AbortSignal }): AsyncIterable<{ name: string; record?: { value: Uint8Array } | null }> };
    let stored = 0;
    for await (const e of dht.put(key, bytes, { signal: AbortSignal.timeout(30_000) })) if (e.name === "PEER_RESPONSE" && e.record && Buffer.from(e.record.value).equals(Buffer.from(bytes))) stored++;
    return stored;
  }

  private async fetchTaskOrThrow(task: PublicKey): Promise<TaskAccount> {
    const t = await this.client.tasks.fetchTask(task);
    if (!t) throw new InputError(`no task at ${task.toBase58()}: check the address (from \`task create\`)`);
    return t;
  }

  private readonly nodeKeys = new Map<string, PublicKey>();

  /** The node key of a registry Node PDA (cached: it never changes). */
  async nodeKeyOf(node: PublicKey): Promise<PublicKey | null> {
    const hit = this.nodeKeys.get(node.toBase58());
    if (hit) return hit;
    const info = await this.connection.getAccountInfo(node);
    if (!info || !info.owner.equals(this.client.registry.programIds.registry)) return null;
    const key = new PublicKey(info.data.subarray(40, 72)); // Node: discriminator, operator, node_key
    this.nodeKeys.set(node.toBase58(), key);
    return key;
  }

  /** The current progress of a task. */
  async taskProgress(task: PublicKey): Promise<TaskProgress> {
    const t = await this.fetchTaskOrThrow(task);
    const slots = (t.slots as { node: PublicKey; score: { toString(): string } }[]).slice(0, t.slotCount);
    const popcount = (m: number) => m.toString(2).replace(/0/g, "").length;
    return {
      task: task.toBase58(),
      status: STATUS_NAMES[t.status] ?? "open",
      redundancy: t.redundancy,
      bids: t.bidCount,
      bidders: await Promise.all(slots.map(async (s) => ({ node: s.node.toBase58(), nodeKey: (await this.nodeKeyOf(s.node))?.toBase58() ?? null, score: s.score.toString() }))),
      assignees: slots.slice(0, t.assignedCount).map((s) => s.node.toBase58()),
      commits: t.commitCount,
      reveals: t.revealCount,
      settledAssignees: popcount(t.settledMask),
      agree: popcount(t.agreeMask),
    };
  }

  /**
   * Polls the task, calling `onUpdate` on every change, until it reaches `until` (or a terminal state).
   * For r = 1 the task stays `assigned` after the reveal until the consumer calls {@link acceptResult}.
   */
  async watchTask(task: PublicKey, opts: { onUpdate?: (p: TaskProgress) => void; until?: TaskStatusName | "revealed"; timeoutMs?: number; pollMs?: number } = {}): Promise<TaskProgress> {
    const until = opts.until ?? "settled";
    const end = Date.now() + (opts.timeoutMs ?? 600_000);
    let last = "";
    for (;;) {
      const p = await this.taskProgress(task);
      const key = JSON.stringify(p);
      if (key !== last) {
        last = key;
        if (opts.onUpdate) opts.onUpdate(p);
        else
          this.progress(`${p.status}: ${p.bids} bids, ${p.assignees.length}/${p.redundancy} assigned, ${p.commits} commits, ${p.reveals} reveals, ${p.settledAssignees} settled`);
      }
      const fullySettled = p.status === "settled" && p.settledAssignees >= p.assignees.length;
      if (until === "revealed" && p.assignees.length > 0 && p.reveals >= p.assignees.length) return p;
      if (until === "settled" ? fullySettled : p.status === until) return p;
      if (p.status === "failed" || p.status === "cancelled") return p;
      if (Date.now() > end) throw new ConsumerError(`timed out watching ${task.toBase58()} (last status ${p.status}); run \`task watch\` again to keep waiting`);
      await sleep(opts.pollMs ?? 500);
    }
  }

  /** The revealed results of a task, with each assignee's node key (from its Node account). */
  private async revealedResults(task: PublicKey) {
    const t = await this.fetchTaskOrThrow(task);
    const slots = (t.slots as { node: PublicKey }[]).slice(0, t.assignedCount);
    const out = [];
    for (const [rank, s] of slots.entries()) {
      const nodeKey = await this.nodeKeyOf(s.node);
      if (!nodeKey) continue;
      const r = await this.client.tasks.fetchResult({ task, nodeKey });
      if (r && r.status === RESULT_STATUS.REVEALED) out.push({ rank, node: s.node, nodeKey, result: r, agrees: (t.agreeMask & (1 << rank)) !== 0, keyReleased: r.sealedKey.length > 0 });
    }
    return { t, results: out };
  }

  /** Fetches chunks by Merkle root from the given locators; verifies them and the manifest. */
  private async fetchChunks(root: Uint8Array, locators: string[]) {
    const node = await this.p2p();
    const providers = [];
    for (const loc of locators) {
      const id = loc.split("/p2p/")[1];
      if (!id) continue;
      // a fresh dial to a busy node can be reset while its connection manager settles: try three times
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await node.dial(loc);
          providers.push(peerIdFromString(id));
          break;
        } catch (e) {
          this.progress(`cannot dial ${loc} (attempt ${attempt} of 3): ${(e as Error).message}`);
          if (attempt < 3) await new Promise((r) => setTimeout(r, 1_000 * attempt));
        }
      }
    }
    if (providers.length === 0) throw new ConsumerError(`no provider reachable at ${locators.join(", ")}: are the executors online?`);
    let got = 0;
    this.progress(`fetching chunks of ${hex(root).slice(0, 16)}… from ${providers.length} provider(s)`);
    const res = await fetchDataset(node, {
      root,
      providers,
      onChunk: () => {
        got++;
        if (got % 16 === 0) this.progress(`${got} chunks verified`);
      },
    });
    const chunks = res.chunks.map((c) => c!);
    this.progress(`${chunks.length} chunks verified against the Merkle root`);
    // the hashes the network layer verified against the root on arrival: decrypt re-checks the table
    // against the root and each chunk against it, so no third pass over the bytes here
    return { ...res, chunks, chunkHashes: res.chunkHashes.map((h) => h!) };
  }

  private writeOut(text: Uint8Array, out: string | undefined): void {
    if (!out) return;
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, text);
  }

  /** Fetches, verifies and decrypts a task's result; writes it to `out` in `format` (default: the spec's). */
  async fetchData(task: PublicKey, opts: { format?: "jsonl" | "csv"; out?: string } = {}): Promise<FetchDataResult> {
    const { t, results } = await this.revealedResults(task);
    if (results.length === 0) throw new InputError(`task ${task.toBase58()} has no revealed result yet: wait with \`task watch ${task.toBase58()}\``);
    // keys go out only after settlement (fair exchange): the agreeing results whose key was released
    if (t.status !== TASK_STATUS.SETTLED) throw new InputError(`task ${task.toBase58()} is ${STATUS_NAMES[t.status]}: data keys are released after settlement; wait with \`task watch ${task.toBase58()}\``);
    const usable = results.filter((r) => r.agrees && r.keyReleased);
    if (usable.length === 0) throw new InputError(`no agreeing executor of ${task.toBase58()} has released its key yet: wait with \`task watch ${task.toBase58()}\``);
    const hashes = new Set(usable.map((r) => hex(r.result.contentHash as number[])));
    if (hashes.size !== 1) throw new ConsumerError(`agreeing executors revealed different content hashes: ${[...hashes].join(", ")}`);
    const errors: string[] = [];
    for (const r of usable) {
      try {
        const root = Uint8Array.from(r.result.merkleRoot as number[]);
        const got = await this.fetchChunks(root, [r.result.locator]);
        if (hex(got.manifest.contentHash) !== hex(r.result.contentHash as number[])) throw new ConsumerError("the manifest's content hash differs from the revealed one");
        if (BigInt(got.manifest.plaintextSize) !== BigInt(r.result.byteCount.toString())) throw new ConsumerError("the manifest's size differs from the revealed byte count");
        const key = sdkData.openKey({ sealed: Uint8Array.from(r.result.sealedKey), recipientSecretKey: this.x25519.secretKey, manifest: got.manifestBytes });
        const plain = await sdkData.decrypt({ manifest: got.manifestBytes, key, chunks: got.chunks, chunkHashes: got.chunkHashes });
        const from = formatOf(plain);
        const format = opts.format ?? from;
        const text = new TextEncoder().encode(convertRecords(new TextDecoder().decode(plain), from, format));
        this.writeOut(text, opts.out);
        this.progress(`decrypted ${plain.length} bytes${opts.out ? ` → ${opts.out}` : ""}`);
        return {
          bytes: text.length,
          records: parseRecords(new TextDecoder().decode(plain), from).length,
          providers: [r.nodeKey.toBase58()],
          chunks: got.chunks.length,
          manifestHash: hex(sdkData.manifestHash({ bytes: got.manifestBytes })),
          merkleRoot: hex(root),
          contentHash: hex(got.manifest.contentHash),
          format,
          out: opts.out ?? null,
          key,
          data: text,
        };
      } catch (e) {
        errors.push(`${r.nodeKey.toBase58()}: ${(e as Error).message}`);
        this.progress(`result of ${r.nodeKey.toBase58()} unusable (${(e as Error).message}); trying the next`);
      }
    }
    throw new ConsumerError(`no result of ${task.toBase58()} could be fetched and decrypted: ${errors.join("; ")}`);
  }

  private loadKeys(): Record<string, { key: string; task: string; merkleRoot: string }> {
    if (this.sellerKeys) return this.sellerKeys;
    this.sellerKeys = this.keyStoreFile && fs.existsSync(this.keyStoreFile) ? JSON.parse(fs.readFileSync(this.keyStoreFile, "utf8")) : {};
    return this.sellerKeys!;
  }

  private saveKey(dataset: PublicKey, entry: { key: string; task: string; merkleRoot: string }): void {
    const keys = this.loadKeys();
    keys[dataset.toBase58()] = entry;
    if (this.keyStoreFile) writePrivate(this.keyStoreFile, JSON.stringify(keys, null, 2) + "\n");
  }

  /**
   * Sells the result of this consumer's settled task as a dataset: fetches and decrypts it (to learn the
   * key and check it), lists it with the manifest hash, Merkle root, size, record count and the task as
   * provenance, and keeps the data key in the key store.
   */
  async listDataset(a: { task: PublicKey; price: bigint; locator?: string; datasetId?: bigint }): Promise<{ dataset: PublicKey; signature: string; datasetId: bigint }> {
    const t = await this.fetchTaskOrThrow(a.task);
    if (!t.consumer.equals(this.keypair.publicKey)) throw new InputError(`task ${a.task.toBase58()} was commissioned by ${t.consumer.toBase58()}, not by this wallet: only its consumer holds the key`);
    if (t.status !== TASK_STATUS.SETTLED) throw new InputError(`task ${a.task.toBase58()} is ${STATUS_NAMES[t.status]}: only settled tasks can be listed (\`task watch\`)`);
    if (a.price < 0n) throw new InputError("--price must be ≥ 0");
    const data = await this.fetchData(a.task);
    const { results } = await this.revealedResults(a.task);
    const source = results.find((r) => hex(r.result.merkleRoot as number[]) === data.merkleRoot)!;
    const datasetId = a.datasetId ?? (await this.chainNow()) * 1000n + BigInt(Date.now() % 1000);
    const sealed = Uint8Array.from(source.result.sealedKey);
    const key = sdkData.openKey({ sealed, recipientSecretKey: this.x25519.secretKey });
    const { dataset, signature } = await this.client.market.listDataset({
      seller: this.keypair,
      datasetId,
      contentHash: Buffer.from(data.manifestHash, "hex"),
      merkleRoot: Buffer.from(data.merkleRoot, "hex"),
      recordsHash: Buffer.from(data.contentHash, "hex"),
      sizeBytes: BigInt(source.result.byteCount.toString()),
      recordCount: BigInt(data.records),
      price: a.price,
      provenance: [a.task],
      locator: a.locator ?? source.result.locator,
    });
    this.saveKey(dataset, { key: b64(key), task: a.task.toBase58(), merkleRoot: data.merkleRoot });
    return { dataset, signature, datasetId };
  }

  /** Seller: seals each open purchase's key to its buyer and delivers it. */
  async deliverPendingKeys(): Promise<{ dataset: string; buyer: string; signature: string }[]> {
    const keys = this.loadKeys();
    const mine = await this.client.market.fetchDatasets({ seller: this.keypair.publicKey });
    const done = [];
    for (const { address } of mine) {
      const entry = keys[address.toBase58()];
      const purchases = await this.openPurchases(address);
      for (const p of purchases) {
        if (!entry) {
          this.progress(`no key kept for ${address.toBase58()}: cannot deliver to ${p.buyer.toBase58()}`);
          continue;
        }
        this.progress(`delivering the key of ${address.toBase58()} to ${p.buyer.toBase58()}`);
        const signature = await this.client.market.deliverKey({ seller: this.keypair, dataset: address, buyer: p.buyer, dataKey: Buffer.from(entry.key, "base64") });
        done.push({ dataset: address.toBase58(), buyer: p.buyer.toBase58(), signature });
      }
    }
    return done;
  }

  private async openPurchases(dataset: PublicKey): Promise<{ buyer: PublicKey }[]> {
    const conn = this.connection;
    // Purchase: discriminator, dataset, buyer, … (borsh, fixed prefix)
    const raw = await conn.getProgramAccounts(this.client.market.programIds.market, { filters: [{ memcmp: { offset: 8, bytes: dataset.toBase58() } }] });
    const out = [];
    for (const r of raw) {
      const buyer = new PublicKey(r.account.data.subarray(40, 72));
      const p = await this.client.market.fetchPurchase({ dataset, buyer });
      if (p && p.status === PURCHASE_STATUS.OPEN && p.sealedKey.length === 0) out.push({ buyer });
    }
    return out;
  }

  private async fetchDatasetOrThrow(dataset: PublicKey): Promise<DatasetAccount> {
    const d = await this.client.market.fetchDataset(dataset);
    if (!d) throw new InputError(`unknown dataset ${dataset.toBase58()}: list datasets with \`dataset list\``);
    return d;
  }

  /** Buys a dataset: purchase (escrow), wait for the sealed key, fetch the chunks, decrypt, write. */
  async buyDataset(dataset: PublicKey, opts: { maxPrice?: bigint; out?: string; format?: "jsonl" | "csv"; waitMs?: number } = {}) {
    const d = await this.fetchDatasetOrThrow(dataset);
    const price = big(d.price);
    if (opts.maxPrice !== undefined && price > opts.maxPrice) throw new InputError(`dataset costs ${formatLmr(price)}, more than --max-price ${opts.maxPrice} (${formatLmr(opts.maxPrice)})`);
    if (!d.listed) throw new InputError(`dataset ${dataset.toBase58()} is delisted: it cannot be bought`);
    // provenance and the data itself are checked before any money moves: the listing against its tasks'
    // winning results on chain, the manifest against the listing, every chunk against the Merkle root
    const root = Uint8Array.from(d.merkleRoot as number[]);
    const got = await this.fetchChunks(root, [d.locator]);
    const manifest = { hash: sdkData.manifestHash({ bytes: got.manifestBytes }), merkleRoot: got.manifest.merkleRoot, contentHash: got.manifest.contentHash, plaintextSize: got.manifest.plaintextSize };
    const { parts } = await this.client.market.verifyListing({ dataset, manifest }).catch((e: Error) => {
      throw new ConsumerError(e.message);
    });
    this.progress(`provenance verified: ${parts.length} settled task(s), manifest and ${got.chunks.length} chunks match the listing`);
    let purchase = await this.client.market.fetchPurchase({ dataset, buyer: this.keypair.publicKey });
    let signature: string | null = null;
    if (!purchase) {
      await this.requireFunds(price, "price");
      this.progress(`purchasing ${dataset.toBase58()} for ${formatLmr(price)}`);
      signature = (await this.client.market.purchase({ buyer: this.keypair, dataset, buyerX25519: this.x25519.publicKey, maxPrice: opts.maxPrice ?? price })).signature;
    } else if (!Buffer.from(Uint8Array.from(purchase.buyerX25519 as number[])).equals(Buffer.from(this.x25519.publicKey))) {
      throw new InputError("this wallet bought the dataset with another x25519 key: pass that --x25519-key");
    }
    this.progress("waiting for the seller to deliver the sealed key");
    const end = Date.now() + (opts.waitMs ?? 300_000);
    for (;;) {
      purchase = await this.client.market.fetchPurchase({ dataset, buyer: this.keypair.publicKey });
      if (purchase && purchase.sealedKey.length > 0) break;
      if (purchase?.status === PURCHASE_STATUS.REFUNDED) throw new ConsumerError("the purchase was refunded");
      if (Date.now() > end) throw new ConsumerError(`no key delivered yet for ${dataset.toBase58()}; run \`dataset buy\` again later (after the delivery deadline, refund)`);
      await sleep(500);
    }
    const key = await this.client.market.openDeliveredKey({ dataset, buyer: this.keypair.publicKey, x25519SecretKey: this.x25519.secretKey, manifest: got.manifestBytes });
    const plain = await sdkData.decrypt({ manifest: got.manifestBytes, key, chunks: got.chunks, chunkHashes: got.chunkHashes });
    const issues = checkPlaintext({ recordsHash: d.recordsHash as number[], parts, plaintext: plain, sha256: (b) => createHash("sha256").update(b).digest() });
    if (issues.length > 0) throw new ConsumerError(`the decrypted dataset fails its provenance: ${issues.join("; ")}`);
    const from = formatOf(plain);
    const format = opts.format ?? from;
    const text = new TextEncoder().encode(convertRecords(new TextDecoder().decode(plain), from, format));
    this.writeOut(text, opts.out);
    this.progress(`decrypted ${plain.length} bytes${opts.out ? ` → ${opts.out}` : ""}`);
    return { dataset: dataset.toBase58(), price: price.toString(), signature, bytes: text.length, records: parseRecords(new TextDecoder().decode(plain), from).length, chunks: got.chunks.length, format, out: opts.out ?? null, data: text };
  }

  /** Listings matching `filter` (listed ones by default). */
  async datasets(filter: DatasetFilter = {}) {
    const rows = await this.client.market.fetchDatasets({ listed: true, ...filter });
    return rows.map(({ address, dataset: d }) => ({
      dataset: address.toBase58(),
      seller: d.seller.toBase58(),
      price: d.price.toString(),
      sizeBytes: d.sizeBytes.toString(),
      records: d.recordCount.toString(),
      sales: d.sales,
      sellerCommissioned: d.sellerCommissioned,
      contentHash: hex(d.contentHash as number[]),
      merkleRoot: hex(d.merkleRoot as number[]),
      provenance: (d.provenance as PublicKey[]).map((p) => p.toBase58()),
      locator: d.locator,
    }));
  }

  /** A dataset's provenance from program events (the SDK reader). */
  async provenance(dataset: PublicKey): Promise<DatasetProvenance> {
    const d = await this.fetchDatasetOrThrow(dataset);
    return fetchDatasetProvenance({ connection: this.connection, dataset, provenance: d.provenance as PublicKey[], programIds: this.client.market.programIds });
  }

  /** Nodes, roles, shards, reputation and the current epoch, from chain state. */
  async network(): Promise<{ epoch: string; epochLengthSecs: number; nodes: NetworkNode[] }> {
    const cfg = await this.client.registry.fetchConfig();
    if (!cfg) throw new ConsumerError(`Lumora is not initialised on ${this.rpc} (no protocol config)`);
    const now = await this.chainNow();
    const epoch = epochIndex({ unixTs: now, epochLengthSecs: cfg.params.epochLengthSecs });
    const nodes = (await this.client.registry.fetchNodes()).map(({ node: n }) => ({
      nodeKey: n.nodeKey.toBase58(),
      roles: ROLE_NAMES.filter(([bit]) => (n.roles & bit) !== 0).map(([, name]) => name),
      shard: n.shard,
      reputation: n.reputation,
      stake: n.stake.toString(),
      active: n.status === 1,
      jailed: n.jailed !== 0,
      lastHeartbeatTs: Number(n.lastHeartbeatTs.toString()),
      multiaddr: Buffer.from(Uint8Array.from(n.multiaddr as number[]).subarray(0, n.multiaddrLen)).toString("utf8"),
    }));
    return { epoch: epoch.toString(), epochLengthSecs: Number(cfg.params.epochLengthSecs), nodes };
  }
}
