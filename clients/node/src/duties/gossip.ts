/**
 * Gossip, every node (`/lumora/tasks/1` and `/lumora/health/1` over the libp2p node):
 *
 *   in   a task announcement wakes the duty loop at once (bids need not wait for the next poll); a
 *        coordinator's network view is kept (the CLI's `status` reads it from the node's state)
 *   out  every 30 s this node's health (roles, shard, load, spare serving bandwidth, peers); a
 *        coordinator also announces the open tasks it sees and publishes its view of the network
 */
import { type Keypair, PublicKey } from "@solana/web3.js";
import { type LumoraClient, TASK_STATUS, epochIndex, isActive, isJailed, isTaskInProgress } from "@lumora/sdk";
import { type ChainRegistry, type GossipDelivery, type LumoraNode, type NetworkView, TOPIC_HEALTH, TOPIC_TASKS } from "@lumora/network";
import type { NodeState } from "../state.js";

export interface GossipOptions {
  client: LumoraClient;
  state: NodeState;
  nodeKey: Keypair;
  /** The node's chain-backed registry view (its own shard and roles). */
  registry: ChainRegistry;
  /** Announces open tasks and publishes the network view. */
  coordinator: boolean;
  /** The node's heartbeat interval: a node silent for 3 of them (at least 3 min) counts as stale. */
  heartbeatSecs: number;
}

/** The daemon's live figures a health message carries. */
export interface GossipFigures {
  /** Bytes per second of the live limit. */
  limitBytesPerSec(): number;
  /** Connected libp2p peers. */
  peerCount(): number;
}

type AnnouncedTask = { address: PublicKey; task: { status: number; specHash: number[]; payment: { toString(): string }; bidWindowEnd: { toString(): string } } };

export class Gossip {
  private lastGossip = 0;
  private readonly announced = new Set<string>();
  /** Task announcements received (gossip), and the latest coordinator view. */
  announcementsSeen = 0;
  latestView: (NetworkView & { from: string; ts: number }) | null = null;

  constructor(private readonly o: GossipOptions) {}

  /** Gossip in: a task announcement calls `wake` (the duty loop runs at once); a view is kept. */
  onDelivery(d: GossipDelivery, wake: () => void): void {
    if (d.payload.kind === "task") {
      this.announcementsSeen++;
      this.o.state.setValue("announcementsSeen", String(this.announcementsSeen));
      wake();
    } else if (d.payload.kind === "view") {
      this.latestView = { ...d.payload.body, from: new PublicKey(d.nodeKey).toBase58(), ts: d.payload.ts };
      this.o.state.setValue("networkView", JSON.stringify(this.latestView));
    }
  }

  /** Gossip out, once per tick (health at most every 30 s). */
  async tick(net: LumoraNode, now: bigint, tasks: AnnouncedTask[], epochLengthSecs: number, figures: GossipFigures): Promise<void> {
    const publish = (topic: typeof TOPIC_TASKS | typeof TOPIC_HEALTH, payload: Parameters<LumoraNode["publish"]>[1]) => net.publish(topic, payload).catch(() => 0);
    if (this.o.coordinator)
      for (const { address, task } of tasks) {
        const id = address.toBase58();
        if (task.status !== TASK_STATUS.OPEN || this.announced.has(id) || now >= BigInt(task.bidWindowEnd.toString())) continue;
        this.announced.add(id);
        await publish(TOPIC_TASKS, {
          v: 1,
          kind: "task",
          ts: Date.now(),
          body: { taskId: id, specHash: Buffer.from(Uint8Array.from(task.specHash)).toString("hex"), shard: 0, reward: task.payment.toString(), deadline: Number(task.bidWindowEnd.toString()) },
        });
      }
    if (Date.now() - this.lastGossip < 30_000) return;
    const node = this.o.registry.lookup(this.o.nodeKey.publicKey.toBytes());
    const open = this.o.state.openTasks().length;
    // until a peer is in the mesh nothing is sent: try again next tick
    if (net.meshPeers(TOPIC_HEALTH).length === 0) return;
    this.lastGossip = Date.now();
    await publish(TOPIC_HEALTH, {
      v: 1,
      kind: "health",
      ts: Date.now(),
      body: { shard: node?.shard ?? 0, roles: node?.roles ?? 0, load: Math.min(1, open / 4), freeBps: Math.floor(figures.limitBytesPerSec()), peers: figures.peerCount() },
    });
    if (!this.o.coordinator) return;
    const nodes = await this.o.client.registry.fetchNodes({});
    const staleAfterSecs = 3 * Math.max(this.o.heartbeatSecs, 60);
    // the view counts as active the nodes that can work now: active and not jailed
    const active = nodes.filter(({ node: n }) => isActive(n) && !isJailed(n));
    const view: NetworkView = {
      epoch: Number(epochIndex({ unixTs: now, epochLengthSecs })),
      nodes: nodes.length,
      active: active.length,
      jailed: nodes.filter(({ node: n }) => isJailed(n)).length,
      stale: active.filter(({ node: n }) => now - BigInt(n.lastHeartbeatTs.toString()) > BigInt(staleAfterSecs)).length,
      staleAfterSecs,
      openTasks: tasks.filter(({ task }) => isTaskInProgress(task)).length,
    };
    this.latestView = { ...view, from: this.o.nodeKey.publicKey.toBase58(), ts: Date.now() };
    this.o.state.setValue("networkView", JSON.stringify(this.latestView));
    await publish(TOPIC_HEALTH, { v: 1, kind: "view", ts: Date.now(), body: view });
  }
}
