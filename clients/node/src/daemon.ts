/**
 * The `lumora-node` daemon: wires chain access (journaled provider over a `Connection`), the libp2p
 * node (@lumora/network) with a chain-backed registry view, the chunk server and the executor's scraper
 * to the duties (duties/: liveness, executor, coordinator, pob, claims, gossip), and runs the tick loop.
 * Restart-safe: all state is in SQLite (state.ts, the only door to the store) and every send is journaled.
 */
import fs from "node:fs";
import path from "node:path";
import { Connection, type Keypair } from "@solana/web3.js";
import { KeypairWallet, LumoraClient, NODE_STATUS, ROLES, TASK_STATUS, epochIndex, fetchChainTime, type ConfigAccount, type TaskAccount } from "@lumora/sdk";
import {
  ChunkServer,
  type ChunkSource,
  LumoraNode,
  ChainRegistry,
  chainNodeEntries,
  peerIdOfNodeKey,
  TOPIC_HEALTH,
  TOPIC_TASKS,
  type NetworkView,
} from "@lumora/network";
import { JournaledProvider, type JournalHooks } from "./chain.js";
import { type NodeConfig, readKeypair } from "./config.js";
import { type DutyContext, Gossip, PobDuties, claims, coordinator, executor, fundNodeKey, heartbeat } from "./duties/index.js";
import { RelayDuty, taskSource } from "./duties/relay.js";
import type { NodeState } from "./state.js";
import type { Executor } from "./executor.js";


export interface DaemonDeps {
  state: NodeState;
  execute: Executor;
  hooks?: JournalHooks;
}

/** A file-backed chunk source: manifest.bin and chunk-<i>.bin in one folder. */
export async function fileChunkSource(dir: string): Promise<ChunkSource> {
  const { data } = await import("@lumora/sdk");
  const manifestBytes = new Uint8Array(fs.readFileSync(path.join(dir, "manifest.bin")));
  const m = data.decodeManifest({ bytes: manifestBytes });
  const { createHash } = await import("node:crypto");
  const hashes = Array.from({ length: m.chunkCount }, (_, i) => new Uint8Array(createHash("sha256").update(fs.readFileSync(path.join(dir, `chunk-${i}.bin`))).digest()));
  const tree = data.MerkleTree.fromChunkHashes({ chunkHashes: hashes });
  if (Buffer.compare(Buffer.from(tree.root), Buffer.from(m.merkleRoot)) !== 0) throw new Error(`${dir}: chunks do not match the manifest's Merkle root`);
  return {
    root: m.merkleRoot,
    manifestBytes,
    chunkCount: m.chunkCount,
    chunk: (i) => new Uint8Array(fs.readFileSync(path.join(dir, `chunk-${i}.bin`))),
    proof: (i) => tree.proof({ index: i }),
  };
}

/** Bytes a verifier moves per measurement: large against the provider's token-bucket burst, so the rate is the limit's. */
export const CHALLENGE_BYTES = 1024 * 1024;

export class Daemon {
  readonly provider: JournaledProvider;
  readonly client: LumoraClient;
  readonly operator: Keypair;
  readonly nodeKey: Keypair;
  private net: LumoraNode | null = null;
  private chunks: ChunkServer | null = null;
  /** Proof-of-Bandwidth v2: the verifier's probes and root, the provider's credit (duties/pob.ts). */
  readonly pobDuties: PobDuties;
  /** The relay, both sides (duties/relay.ts); null before start. */
  relay: RelayDuty | null = null;
  private lastChainNow = BigInt(Math.floor(Date.now() / 1000));
  /** The chain-backed registry view gossip and PoB admit peers by (refreshed every 10 s). */
  private readonly registry = new ChainRegistry(async () => chainNodeEntries(await this.client.registry.fetchNodes({})), (k) => peerIdOfNodeKey(k).toString());
  private readonly served = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopping = false;
  private ticking: Promise<void> | null = null;
  private config: ConfigAccount | null = null;
  private lastRegistryRefresh = 0;
  /** ChunkServer.servedBytes already counted (the server's counter restarts with the process). */
  private servedSeen = 0;
  /** Gossip in and out (duties/gossip.ts). */
  private readonly gossip: Gossip;
  /** Each task's reward for an agreeing assignee, as last seen on chain (the dashboard's task list). */
  private taskRewards = new Map<string, { rewardLmr: bigint; final: boolean }>();
  /** Ticks completed (tests wait on it). */
  ticks = 0;
  lastError: string | null = null;

  constructor(
    readonly cfg: NodeConfig,
    private readonly deps: DaemonDeps,
  ) {
    this.operator = readKeypair(cfg.operatorKeypair);
    this.nodeKey = readKeypair(cfg.nodeKeypair);
    const connection = new Connection(cfg.rpc, { commitment: "confirmed" });
    this.provider = new JournaledProvider(connection, new KeypairWallet(this.operator), deps.state.outbox, { commitment: "confirmed", confirmTimeoutMs: 60_000, hooks: deps.hooks });
    this.client = new LumoraClient({ provider: this.provider });
    this.pobDuties = new PobDuties({ client: this.client, registry: this.registry, roles: cfg.roles, probeSecs: cfg.probeSecs, challengeBytes: CHALLENGE_BYTES });
    this.gossip = new Gossip({ client: this.client, state: deps.state, nodeKey: this.nodeKey, registry: this.registry, coordinator: cfg.coordinator, heartbeatSecs: cfg.heartbeatSecs });
  }

  /** Task announcements received (gossip). */
  get announcementsSeen(): number {
    return this.gossip.announcementsSeen;
  }

  /** The latest coordinator view of the network (gossip, or this node's own as a coordinator). */
  get latestView(): (NetworkView & { from: string; ts: number }) | null {
    return this.gossip.latestView;
  }

  /** The provider side of /lumora/pob/2 (provider role), once started. */
  get pob() {
    return this.pobDuties.pob;
  }

  get state(): NodeState {
    return this.deps.state;
  }

  /** The operator's live limit, kbps (setting, else the config file). */
  limitKbps(): number {
    return this.state.limitKbps() || this.cfg.limitKbps;
  }

  /** Changes the live limit (dashboard, `set-limit`): persisted, applied to the shared token bucket at once. */
  setLimit(kbps: number): void {
    if (!Number.isInteger(kbps) || kbps < 1 || kbps > 10_000_000) throw new RangeError(`limit must be an integer kbps in [1, 10000000], got ${kbps}`);
    this.state.setLimitKbps(kbps);
    this.applyLimit();
    this.state.log("info", "limit changed", { kbps });
  }

  private appliedBps = 0;
  /** Applies the stored limit to the shared token bucket (a `set-limit` from another process lands here on the next tick). */
  private applyLimit(): void {
    const bps = this.limitBytesPerSec();
    if (this.net && bps !== this.appliedBps) {
      this.net.bucket.setRate(bps);
      this.relay?.setLimit(bps);
      this.appliedBps = bps;
    }
  }

  /** The rate the shared token bucket enforces now, bytes/s (0 before start). */
  appliedLimitBytesPerSec(): number {
    return this.appliedBps;
  }

  /** Bytes per second of the live limit. */
  limitBytesPerSec(): number {
    return (this.limitKbps() * 1000) / 8;
  }

  async start(): Promise<void> {
    this.config = await this.client.registry.fetchConfig();
    if (!this.config) throw new Error(`no Lumora config on ${this.cfg.rpc}: is this the right cluster?`);
    const node = await this.client.registry.fetchNode(this.nodeKey.publicKey);
    if (!node) throw new Error(`node ${this.nodeKey.publicKey.toBase58()} is not registered: run \`lumora-node init\` first`);
    // recovery first: steps signed before a crash that the chain already decided are settled now
    const rec = await this.provider.reconcile();
    if (rec.open > 0) this.state.log("info", "recovered journal", rec);
    await this.refreshRegistry(true);
    this.net = await LumoraNode.create({
      nodeKey: this.nodeKey.secretKey,
      listen: this.cfg.listen,
      bootstrap: this.cfg.bootstrap,
      registry: this.registry,
      bandwidthLimitBps: this.limitBytesPerSec(),
      // small bursts: what a verifier measures is the operator's limit, not a burst of buffered tokens
      bandwidthBurstBytes: Math.max(64 * 1024, Math.floor(this.limitBytesPerSec() / 50)),
      allowPrivateAddresses: this.cfg.allowLoopback,
    });
    this.appliedBps = this.limitBytesPerSec();
    this.chunks = await ChunkServer.start(this.net);
    await this.pobDuties.start(this.net, this.dutyContext());
    this.relay = new RelayDuty({
      config: this.cfg.relay,
      state: this.state,
      registry: this.registry,
      epoch: () => epochIndex({ unixTs: this.lastChainNow, epochLengthSecs: this.config!.params.epochLengthSecs }),
      allowLoopbackForTests: this.cfg.allowLoopback,
      limitBps: this.limitBytesPerSec(),
      loadDirectory: async () => (await this.client.registry.fetchNodes({ roles: ROLES.PROVIDER, status: NODE_STATUS.ACTIVE })).map(({ node }) => ({ nodeKey: node.nodeKey.toBytes(), latE6: node.latE6, lonE6: node.lonE6 })),
    });
    await this.relay.start(this.net);
    this.net.subscribe(TOPIC_TASKS, (d) => this.gossip.onDelivery(d, () => this.wake()));
    this.net.subscribe(TOPIC_HEALTH, (d) => this.gossip.onDelivery(d, () => this.wake()));
    await this.net.bootstrap(this.registry.bootstrapAddrs()).catch(() => 0);
    this.state.log("info", "started", { nodeKey: this.nodeKey.publicKey.toBase58(), peerId: this.net.libp2p.peerId.toString(), addrs: this.net.multiaddrs().map(String) });
    this.schedule(0);
  }

  /** Connected libp2p peers. */
  peerCount(): number {
    return this.net?.libp2p.getPeers().length ?? 0;
  }

  /** This node's libp2p multiaddrs (with /p2p/). */
  multiaddrs(): string[] {
    return this.net?.multiaddrs().map(String) ?? [];
  }

  /** Runs the next tick now unless one is running. */
  private wake(): void {
    if (this.ticking || this.stopping || !this.timer) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((e: Error) => {
          this.lastError = e.message;
          this.state.log("error", "tick failed", { error: e.message.slice(0, 300) });
        })
        .finally(() => {
          this.ticking = null;
          this.ticks++;
          this.schedule(this.cfg.tickMs);
        });
    }, ms);
  }

  private async refreshRegistry(force = false): Promise<void> {
    if (!force && Date.now() - this.lastRegistryRefresh < 10_000) return;
    this.lastRegistryRefresh = Date.now();
    await this.registry.refresh();
  }

  /** Reads the protocol config (start does; one-shot CLI commands call this). */
  async load(): Promise<ConfigAccount> {
    this.config ??= await this.client.registry.fetchConfig();
    if (!this.config) throw new Error(`no Lumora config on ${this.cfg.rpc}: is this the right cluster?`);
    return this.config;
  }

  dutyContext(): DutyContext {
    const epochLengthSecs = this.config!.params.epochLengthSecs;
    return {
      client: this.client,
      provider: this.provider,
      state: this.state,
      nodeKey: this.nodeKey,
      operator: this.operator,
      dataDir: this.cfg.dataDir,
      getSpec: async (hash) => (this.net ? this.net.getSpec(hash, { signal: AbortSignal.timeout(10_000) }).catch(() => null) : null),
      execute: async (spec, hash) =>
        this.deps.execute(spec, hash, { allowLoopback: this.cfg.allowLoopback, bandwidth: this.net?.bucket, connector: this.cfg.relay.use ? this.relay?.connector(await taskSource(this.client, this.state, hash)) : undefined }),
      serve: async (dir) => {
        if (this.served.has(dir) || !this.chunks) return;
        this.chunks.add(await fileChunkSource(dir));
        this.served.add(dir);
      },
      locator: () => this.multiaddrs()[0] ?? "",
      epochOf: (now) => Number(epochIndex({ unixTs: now, epochLengthSecs })),
    };
  }

  /** One pass over every duty this node runs. */
  async tick(): Promise<void> {
    const ctx = this.dutyContext();
    const now = await fetchChainTime({ connection: this.provider.connection });
    this.lastChainNow = now;
    const epochLengthSecs = this.config!.params.epochLengthSecs;
    this.applyLimit();
    await this.provider.reconcile();
    await this.refreshRegistry();
    await fundNodeKey(ctx, now);
    await heartbeat(ctx, now, this.cfg.heartbeatSecs);
    const needTasks = this.cfg.coordinator || this.cfg.roles.includes("executor");
    const tasks = needTasks ? await this.client.tasks.fetchTasks({}) : [];
    if (needTasks) this.noteTaskRewards(tasks);
    if (this.cfg.coordinator) await coordinator(ctx, now, tasks, epochLengthSecs);
    // open and assigned tasks to bid on and work; settled ones to release this node's data key (fair exchange)
    if (this.cfg.roles.includes("executor")) await executor(ctx, now, tasks.filter((t) => t.task.status === TASK_STATUS.OPEN || t.task.status === TASK_STATUS.ASSIGNED || t.task.status === TASK_STATUS.SETTLED));
    if (this.net) await this.gossip.tick(this.net, now, tasks as never, epochLengthSecs, this);
    if (this.net) {
      const current = epochIndex({ unixTs: now, epochLengthSecs });
      await this.pobDuties.verifierTick(ctx, this.net, now, current);
      await this.pobDuties.providerTick(ctx, this.net, now, current);
    }
    await claims(ctx, now, epochLengthSecs);
    // served bytes since the last tick go to the current epoch's metrics
    if (this.chunks) {
      const served = this.chunks.servedBytes;
      if (served > this.servedSeen) {
        this.state.addMetric(ctx.epochOf(now), { bytesServed: BigInt(served - this.servedSeen) });
        this.servedSeen = served;
      }
    }
  }

  /**
   * Keeps each task's pay for an agreeing assignee from the list the tick fetched anyway: `payout_each`
   * once settled (final), else the escrow split over the redundancy (what each gets when all agree).
   */
  private noteTaskRewards(tasks: { address: { toBase58(): string }; task: TaskAccount }[]): void {
    this.taskRewards = new Map(
      tasks.map(({ address, task }) => {
        const each = BigInt(task.payoutEach.toString());
        const final = task.status === TASK_STATUS.SETTLED && each > 0n;
        return [address.toBase58(), { rewardLmr: final ? each : BigInt(task.payment.toString()) / BigInt(Math.max(task.redundancy, 1)), final }];
      }),
    );
  }

  /** A task's reward as last seen on chain (undefined when the daemon has not seen it). */
  taskReward(id: string): { rewardLmr: bigint; final: boolean } | undefined {
    return this.taskRewards.get(id);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await this.relay?.stop();
    await this.net?.stop();
    this.state.close();
  }
}
