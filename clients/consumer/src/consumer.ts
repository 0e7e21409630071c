/**
 * `Consumer` — the data consumer's side of Lumora, built only on `@lumora/sdk` and `@lumora/network`:
 * publish a task spec to the DHT and commission the task, watch it through bid → assign → commit →
 * reveal → settle, fetch the executors' chunks over /lumora/chunks/1, verify and decrypt them, sell the
 * result as a dataset (and deliver its key to buyers), buy other datasets, read provenance and the
 * network's state from chain.
 *
 * This file holds the `Consumer` itself (open, the chain connection, the facade); the work is in one
 * module per concern:
 *   keys.ts     the keypair, the x25519 key, the sellers' data-key store, the wallet's LMR balance
 *   tasks.ts    create a task (spec to the DHT, then on chain), watch it, its revealed results
 *   data.ts     fetch, verify and decrypt a task's result; JSONL/CSV
 *   market.ts   list and sell datasets (key delivery), buy them, list them, provenance
 *   network.ts  the libp2p peer, the DHT put, chunk fetching, the clock, the network's state
 */
import path from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection, type Keypair, type PublicKey } from "@solana/web3.js";
import nacl from "tweetnacl";
import { type DatasetFilter, type DatasetProvenance, KeypairWallet, LumoraClient, type TaskStatusName } from "@lumora/sdk";
import type { LumoraNode } from "@lumora/network";
import * as data from "./data.js";
import { ConsumerError, InputError } from "./errors.js";
import * as keys from "./keys.js";
import { DatasetKeyStore, loadX25519, readKeypair } from "./keys.js";
import * as market from "./market.js";
import * as network from "./network.js";
import { ConsumerNetwork, type NetworkNode } from "./network.js";
import * as tasks from "./tasks.js";
import type { CreateTaskArgs, TaskProgress } from "./tasks.js";
import { sleep } from "./util.js";

export { ConsumerError, InputError } from "./errors.js";
export { loadX25519 } from "./keys.js";
export { type TaskProgress, type CreateTaskArgs } from "./tasks.js";
export type { TaskStatusName } from "@lumora/sdk";
export { type FetchDataResult, convertRecords, formatOf, parseRecords } from "./data.js";
export { type NetworkNode } from "./network.js";

// @coral-xyz/anchor is CommonJS: Node's ESM loader cannot see its named re-exports
const { AnchorProvider } = anchor;

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

export class Consumer {
  /** The libp2p peer, started on first use. */
  private readonly peer: ConsumerNetwork;
  /** The data keys of the datasets this consumer sells (keys.ts). */
  readonly keyStore: DatasetKeyStore;
  /** Node keys by registry Node PDA (they never change). */
  readonly nodeKeys = new Map<string, PublicKey>();

  private constructor(
    readonly rpc: string,
    readonly connection: Connection,
    readonly keypair: Keypair,
    readonly client: LumoraClient,
    readonly x25519: nacl.BoxKeyPair,
    keyStoreFile: string | null,
    netOpts: { bootstrap?: string[]; allowLoopback: boolean },
    /** Progress lines (the CLI prints them on stderr). */
    readonly progress: (msg: string) => void,
  ) {
    this.keyStore = new DatasetKeyStore(keyStoreFile);
    this.peer = new ConsumerNetwork(client, netOpts, progress);
  }

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
    const provider = new AnchorProvider(connection, new KeypairWallet(keypair), { commitment: "confirmed" });
    const client = new LumoraClient({ provider });
    const store = xFile ? xFile.replace(/\.json$/, "") + ".datasets.json" : null;
    return new Consumer(args.rpc, connection, keypair, client, x25519, store, { bootstrap: args.bootstrap, allowLoopback: args.allowLoopback ?? false }, args.progress ?? (() => undefined));
  }

  /** The libp2p peer (started lazily; bootstraps from `bootstrap` or the registry's multiaddrs). */
  p2p(): Promise<LumoraNode> {
    return this.peer.node();
  }

  async close(): Promise<void> {
    await this.peer.close();
  }

  /** The chain's clock (unix seconds). */
  chainNow(): Promise<bigint> {
    return network.chainNow(this);
  }

  /** The consumer's LMR balance (base units) in its associated token account. */
  balance(): Promise<bigint> {
    return keys.balance(this);
  }

  /** Publishes the spec to the DHT (retried until a peer stored it), then creates the task on chain. */
  createTask(a: CreateTaskArgs): Promise<{ task: PublicKey; taskId: bigint; specHash: string; signature: string }> {
    return tasks.createTask(this, a);
  }

  /** The node key of a registry Node PDA (cached: it never changes). */
  nodeKeyOf(node: PublicKey): Promise<PublicKey | null> {
    return tasks.nodeKeyOf(this, node);
  }

  /** The current progress of a task. */
  taskProgress(task: PublicKey): Promise<TaskProgress> {
    return tasks.taskProgress(this, task);
  }

  /**
   * Polls the task, calling `onUpdate` on every change, until it reaches `until` (or a terminal state).
   * For r = 1 the task stays `assigned` after the reveal until the consumer accepts the result.
   */
  watchTask(task: PublicKey, opts: { onUpdate?: (p: TaskProgress) => void; until?: TaskStatusName | "revealed"; timeoutMs?: number; pollMs?: number } = {}): Promise<TaskProgress> {
    return tasks.watchTask(this, task, opts);
  }

  /** Fetches, verifies and decrypts a task's result; writes it to `out` in `format` (default: the spec's). */
  fetchData(task: PublicKey, opts: { format?: "jsonl" | "csv"; out?: string } = {}): Promise<data.FetchDataResult> {
    return data.fetchData(this, task, opts);
  }

  /** Sells the result of this consumer's settled task as a dataset (market.ts). */
  listDataset(a: { task: PublicKey; price: bigint; locator?: string; datasetId?: bigint }): Promise<{ dataset: PublicKey; signature: string; datasetId: bigint }> {
    return market.listDataset(this, a);
  }

  /** Seller: seals each open purchase's key to its buyer and delivers it. */
  deliverPendingKeys(): Promise<{ dataset: string; buyer: string; signature: string }[]> {
    return market.deliverPendingKeys(this);
  }

  /** Buys a dataset: purchase (escrow), wait for the sealed key, fetch the chunks, decrypt, write. */
  buyDataset(dataset: PublicKey, opts: { maxPrice?: bigint; out?: string; format?: "jsonl" | "csv"; waitMs?: number } = {}) {
    return market.buyDataset(this, dataset, opts);
  }

  /** Listings matching `filter` (listed ones by default). */
  datasets(filter: DatasetFilter = {}) {
    return market.datasets(this, filter);
  }

  /** A dataset's provenance from program events (the SDK reader). */
  provenance(dataset: PublicKey): Promise<DatasetProvenance> {
    return market.provenance(this, dataset);
  }

  /** Nodes, roles, shards, reputation and the current epoch, from chain state. */
  network(): Promise<{ epoch: string; epochLengthSecs: number; nodes: NetworkNode[] }> {
    return network.network(this);
  }
}
