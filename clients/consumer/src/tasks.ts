/**
 * The consumer's tasks: publish a task spec to the DHT and commission the task (`create_task`), watch it
 * through bid → assign → commit → reveal → settle, and read its revealed results.
 */
import type { PublicKey } from "@solana/web3.js";
import { RESULT_STATUS, type TaskAccount, type TaskSpec, type TaskStatusName, fetchNodeAt, parseTaskSpec, taskSpecBytes, taskSpecHash, taskStatusName } from "@lumora/sdk";
import type { Consumer } from "./consumer.js";
import { ConsumerError, InputError } from "./errors.js";
import { requireFunds } from "./keys.js";
import { chainNow, putSpecCounted } from "./network.js";
import { hex, sleep } from "./util.js";

/** One progress snapshot of a task. */
export interface TaskProgress {
  task: string;
  status: TaskStatusName;
  redundancy: number;
  bids: number;
  /** The kept bids, best first: the bidder's node key (how a node is named everywhere), its registry Node PDA and its score. */
  bidders: { node: string; nodeKey: string | null; score: string }[];
  /** The assignees' node keys (a Node PDA only when its account is gone). */
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

/** Publishes the spec to the DHT (retried until a peer stored it), then creates the task on chain. */
export async function createTask(c: Consumer, a: CreateTaskArgs): Promise<{ task: PublicKey; taskId: bigint; specHash: string; signature: string }> {
  const spec: TaskSpec = parseTaskSpec(a.spec);
  if (a.payment <= 0n) throw new InputError("task.budget must be a positive number of LMR base units");
  await requireFunds(c, a.payment, "payment");
  const bytes = taskSpecBytes(spec);
  const hash = taskSpecHash(spec);
  const node = await c.p2p();
  c.progress(`publishing the spec ${hex(hash)} to the DHT`);
  for (let attempt = 1; ; attempt++) {
    try {
      await node.waitForDhtPeers(1, 10_000);
      const stored = await putSpecCounted(node, hash, bytes);
      if (stored > 0) {
        c.progress(`spec stored by ${stored} peer${stored === 1 ? "" : "s"}`);
        break;
      }
      throw new Error("no peer stored the spec");
    } catch (e) {
      if (attempt >= 5) throw new ConsumerError(`could not publish the spec to the DHT: ${(e as Error).message} (are Lumora nodes reachable? pass --bootstrap MULTIADDR)`);
      c.progress(`spec not stored yet (${(e as Error).message}); retrying`);
      await sleep(1_000 * attempt);
    }
  }
  const now = await chainNow(c);
  const bidWindowEnd = now + BigInt(a.bidWindowSecs);
  const commitDeadline = bidWindowEnd + BigInt(a.commitWindowSecs);
  const revealDeadline = commitDeadline + BigInt(a.revealWindowSecs);
  const taskId = a.taskId ?? now * 1000n + BigInt(Date.now() % 1000);
  c.progress(`creating task ${taskId} (bid window ends at chain time ${bidWindowEnd})`);
  const { task, signature } = await c.client.tasks.createTask({
    consumer: c.keypair,
    taskId,
    specHash: hash,
    consumerX25519: c.x25519.publicKey,
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

/** A task account, or InputError when there is none at the address. */
export async function fetchTaskOrThrow(c: Consumer, task: PublicKey): Promise<TaskAccount> {
  const t = await c.client.tasks.fetchTask(task);
  if (!t) throw new InputError(`no task at ${task.toBase58()}: check the address (from \`task create\`)`);
  return t;
}

/** The node key of a registry Node PDA (cached: it never changes). */
export async function nodeKeyOf(c: Consumer, node: PublicKey): Promise<PublicKey | null> {
  const hit = c.nodeKeys.get(node.toBase58());
  if (hit) return hit;
  const account = await fetchNodeAt({ connection: c.connection, address: node, programIds: c.client.registry.programIds });
  if (!account) return null;
  const key = account.nodeKey;
  c.nodeKeys.set(node.toBase58(), key);
  return key;
}

/** The current progress of a task. */
export async function taskProgress(c: Consumer, task: PublicKey): Promise<TaskProgress> {
  const t = await fetchTaskOrThrow(c, task);
  const slots = (t.slots as { node: PublicKey; score: { toString(): string } }[]).slice(0, t.slotCount);
  const popcount = (m: number) => m.toString(2).replace(/0/g, "").length;
  return {
    task: task.toBase58(),
    status: taskStatusName(t.status),
    redundancy: t.redundancy,
    bids: t.bidCount,
    bidders: await Promise.all(slots.map(async (s) => ({ node: s.node.toBase58(), nodeKey: (await nodeKeyOf(c, s.node))?.toBase58() ?? null, score: s.score.toString() }))),
    assignees: await Promise.all(slots.slice(0, t.assignedCount).map(async (s) => ((await nodeKeyOf(c, s.node)) ?? s.node).toBase58())),
    commits: t.commitCount,
    reveals: t.revealCount,
    settledAssignees: popcount(t.settledMask),
    agree: popcount(t.agreeMask),
  };
}

/**
 * Polls the task, calling `onUpdate` on every change, until it reaches `until` (or a terminal state).
 * For r = 1 the task stays `assigned` after the reveal until the consumer calls `acceptResult`.
 */
export async function watchTask(c: Consumer, task: PublicKey, opts: { onUpdate?: (p: TaskProgress) => void; until?: TaskStatusName | "revealed"; timeoutMs?: number; pollMs?: number } = {}): Promise<TaskProgress> {
  const until = opts.until ?? "settled";
  const end = Date.now() + (opts.timeoutMs ?? 600_000);
  let last = "";
  for (;;) {
    const p = await taskProgress(c, task);
    const key = JSON.stringify(p);
    if (key !== last) {
      last = key;
      if (opts.onUpdate) opts.onUpdate(p);
      else
        c.progress(`${p.status}: ${p.bids} bids, ${p.assignees.length}/${p.redundancy} assigned, ${p.commits} commits, ${p.reveals} reveals, ${p.settledAssignees} settled`);
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
export async function revealedResults(c: Consumer, task: PublicKey) {
  const t = await fetchTaskOrThrow(c, task);
  const slots = (t.slots as { node: PublicKey }[]).slice(0, t.assignedCount);
  const out = [];
  for (const [rank, s] of slots.entries()) {
    const nodeKey = await nodeKeyOf(c, s.node);
    if (!nodeKey) continue;
    const r = await c.client.tasks.fetchResult({ task, nodeKey });
    if (r && r.status === RESULT_STATUS.REVEALED) out.push({ rank, node: s.node, nodeKey, result: r, agrees: (t.agreeMask & (1 << rank)) !== 0, keyReleased: r.sealedKey.length > 0 });
  }
  return { t, results: out };
}
