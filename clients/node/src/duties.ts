/**
 * The daemon's duties, each one pass per tick, each decided from chain state first and journaled
 * (chain.ts) when it sends: a restarted node re-derives what is left to do from the chain and its
 * SQLite state and never sends a step twice.
 *
 *   heartbeat    all nodes, every `heartbeatSecs`
 *   executor     bid on open tasks in their window · for tasks assigned to this node: fetch the spec
 *                (DHT, hash-checked), scrape, encrypt, store chunks, commit, reveal, serve the chunks
 *   coordinator  finalize after bid windows · expire silent assignees · settle · settle each assignee ·
 *                open the current epoch, close ended ones
 *   claims       claim this node's reward for each closed epoch it contributed to
 */
import fs from "node:fs";
import path from "node:path";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Keypair, PublicKey } from "@solana/web3.js";
import { type LumoraClient, type TaskAccount, TASK_STATUS, RESULT_STATUS, data as sdkData, decodeTaskSpec, epochIndex, pda, transactions } from "@lumora/sdk";
import type { JournaledProvider } from "./chain.js";
import type { DaemonState, TaskWork } from "./state.js";

export interface DutyContext {
  client: LumoraClient;
  provider: JournaledProvider;
  state: DaemonState;
  nodeKey: Keypair;
  operator: Keypair;
  /** Folder for datasets (chunks + manifest). */
  dataDir: string;
  /** Fetches the spec bytes of a spec hash (DHT), or null. */
  getSpec(hash: Uint8Array): Promise<Uint8Array | null>;
  /** Scrapes a spec; returns the output file bytes (JSONL/CSV) and record count. */
  execute(specBytes: Uint8Array, specHash: Uint8Array): Promise<{ output: Uint8Array; records: number; bytesFetched: number }>;
  /** Starts serving a stored dataset over /lumora/chunks/1. */
  serve(datasetDir: string): Promise<void>;
  /** This node's locator for results (e.g. its libp2p multiaddr with /p2p/). */
  locator(): string;
  /** The rewards epoch of a chain time (for the per-epoch metrics). */
  epochOf(now: bigint): number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Chain time from the Clock sysvar (unix_timestamp at offset 32). */
export async function chainNow(connection: import("@solana/web3.js").Connection): Promise<bigint> {
  const info = await connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111"));
  if (!info) throw new Error("the cluster has no Clock sysvar");
  return Buffer.from(info.data).readBigInt64LE(32);
}

/** Runs one journaled step; a step that failed on chain is logged (and not retried under its key). */
async function step(ctx: DutyContext, kind: string, key: string, fn: () => Promise<unknown>): Promise<boolean> {
  const prior = ctx.provider.entry(key);
  if (prior?.state === "confirmed" || prior?.state === "failed") return prior.state === "confirmed";
  try {
    await ctx.provider.journaled(kind, key, fn);
    ctx.state.log("info", kind, { key });
    return true;
  } catch (e) {
    ctx.state.log("warn", `${kind} failed`, { key, error: (e as Error).message.slice(0, 300) });
    return false;
  }
}

export async function heartbeat(ctx: DutyContext, now: bigint, everySecs: number): Promise<void> {
  const slot = now / BigInt(everySecs);
  await step(ctx, "heartbeat", `heartbeat:${slot}`, () => ctx.client.registry.heartbeat({ nodeKey: ctx.nodeKey }));
}

function myNodeAddress(ctx: DutyContext): PublicKey {
  return ctx.client.registry.nodeAddress(ctx.nodeKey.publicKey);
}

/** Ranks (0-based) at which this node is an assignee of `task`. */
function myRank(ctx: DutyContext, task: TaskAccount): number {
  const me = myNodeAddress(ctx);
  const slots = task.slots as { node: PublicKey }[];
  for (let i = 0; i < task.assignedCount; i++) if (slots[i]!.node.equals(me)) return i;
  return -1;
}

export async function executor(ctx: DutyContext, now: bigint, tasks: { address: PublicKey; task: TaskAccount }[]): Promise<void> {
  const conn = ctx.provider.connection;
  for (const { address, task } of tasks) {
    const id = address.toBase58();
    if (task.status === TASK_STATUS.OPEN && now < BigInt(task.bidWindowEnd.toString())) {
      const bid = pda.bidPda({ task: address, node: myNodeAddress(ctx) }).address;
      if (!(await conn.getAccountInfo(bid))) await step(ctx, "bid", `bid:${id}`, () => ctx.client.tasks.bid({ nodeKey: ctx.nodeKey, task: address }));
      continue;
    }
    if (task.status !== TASK_STATUS.ASSIGNED) continue;
    if (myRank(ctx, task) < 0) continue;
    await work(ctx, now, address, task);
  }
}

async function work(ctx: DutyContext, now: bigint, address: PublicKey, task: TaskAccount): Promise<void> {
  const id = address.toBase58();
  const specHash = Uint8Array.from(task.specHash as number[]);
  let w: TaskWork = ctx.state.getWork(id) ?? {
    task: id,
    specHash: hex(specHash),
    phase: "assigned",
    contentHash: null,
    merkleRoot: null,
    byteCount: 0n,
    recordCount: 0,
    locator: ctx.locator(),
    sealedKey: null,
    datasetDir: null,
    error: null,
  };
  if (w.phase === "failed") return;
  if (w.phase === "assigned") {
    const bytes = await ctx.getSpec(specHash);
    if (!bytes) {
      ctx.state.log("warn", "spec not found yet", { task: id });
      return;
    }
    try {
      decodeTaskSpec(bytes, specHash);
      const out = await ctx.execute(bytes, specHash);
      const dir = path.join(ctx.dataDir, "datasets", id);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const enc = await sdkData.encrypt({ data: out.output, format: "application/x-ndjson", recordCount: out.records });
      enc.chunks.forEach((c, i) => fs.writeFileSync(path.join(dir, `chunk-${i}.bin`), c.data));
      fs.writeFileSync(path.join(dir, "manifest.bin"), enc.manifestBytes);
      const sealedKey = sdkData.sealKey({ key: enc.key, recipientPublicKey: Uint8Array.from(task.consumerX25519 as number[]) });
      // everything the commit and the reveal need is on disk before the commit is signed
      w = { ...w, phase: "scraped", contentHash: enc.manifest.contentHash, merkleRoot: enc.manifest.merkleRoot, byteCount: BigInt(out.output.length), recordCount: out.records, sealedKey, datasetDir: dir };
      ctx.state.putWork(w);
      ctx.state.addMetric(ctx.epochOf(now), "bytesFetched", out.bytesFetched);
    } catch (e) {
      ctx.state.putWork({ ...w, phase: "failed", error: (e as Error).message });
      ctx.state.log("error", "task execution failed", { task: id, error: (e as Error).message });
      return;
    }
  }
  if (w.datasetDir) await ctx.serve(w.datasetDir);
  const result = await ctx.client.tasks.fetchResult({ task: address, nodeKey: ctx.nodeKey.publicKey });
  if (!result) {
    if (now >= BigInt(task.commitDeadline.toString())) return;
    if (await step(ctx, "commit", `commit:${id}`, () => ctx.client.tasks.commit({ nodeKey: ctx.nodeKey, task: address, contentHash: w.contentHash! }))) ctx.state.putWork({ ...w, phase: "committed" });
    return;
  }
  if (result.status !== RESULT_STATUS.COMMITTED) {
    if (w.phase !== "revealed") ctx.state.putWork({ ...w, phase: "revealed" });
    return;
  }
  const allCommitted = task.commitCount >= task.assignedCount;
  if (!allCommitted && now < BigInt(task.commitDeadline.toString())) return;
  if (now >= BigInt(task.revealDeadline.toString())) return;
  const ok = await step(ctx, "reveal", `reveal:${id}`, () =>
    ctx.client.tasks.reveal({ nodeKey: ctx.nodeKey, task: address, contentHash: w.contentHash!, merkleRoot: w.merkleRoot!, byteCount: w.byteCount, locator: w.locator, sealedKey: w.sealedKey! }),
  );
  if (ok) {
    ctx.state.putWork({ ...w, phase: "revealed" });
    ctx.state.addMetric(ctx.epochOf(now), "tasksDone", 1);
  }
}

export async function coordinator(ctx: DutyContext, now: bigint, tasks: { address: PublicKey; task: TaskAccount }[], epochLengthSecs: number): Promise<void> {
  const epochIdx = epochIndex({ unixTs: now, epochLengthSecs });
  // epochs first: settlement credits the current one
  if (!(await ctx.client.rewards.fetchEpoch(epochIdx))) await step(ctx, "open_epoch", `open_epoch:${epochIdx}`, () => ctx.client.rewards.openEpoch({ index: epochIdx }));
  for (let back = 1n; back <= 3n && epochIdx - back >= 0n; back++) {
    const idx = epochIdx - back;
    const e = await ctx.client.rewards.fetchEpoch(idx);
    if (!e || e.closed || now < BigInt(e.endTs.toString())) continue;
    for (let from = e.shardsSummed; from < e.shardCount; from += 8) {
      const count = Math.min(8, e.shardCount - from);
      await step(ctx, "close_epoch", `close_epoch:${idx}:${from}`, async () =>
        ctx.client.rewards.send(await transactions.closeEpochTransaction({ epochIndex: idx, fromShard: from, count, programIds: ctx.client.programIds, feePayer: ctx.operator.publicKey })),
      );
    }
  }
  for (const { address, task } of tasks) {
    const id = address.toBase58();
    if (task.status === TASK_STATUS.OPEN && now >= BigInt(task.bidWindowEnd.toString())) {
      await step(ctx, "finalize", `finalize:${id}`, () => ctx.client.tasks.finalize({ task: address }));
      continue;
    }
    if (task.status === TASK_STATUS.ASSIGNED) {
      const slots = task.slots as { node: PublicKey }[];
      if (now >= BigInt(task.commitDeadline.toString()) && task.commitCount < task.assignedCount) {
        for (let rank = 0; rank < task.assignedCount; rank++) {
          const result = pda.resultPda({ task: address, node: slots[rank]!.node, programId: ctx.client.programIds.tasks }).address;
          if (await ctx.provider.connection.getAccountInfo(result)) continue;
          await step(ctx, "expire", `expire:${id}:${rank}:${slots[rank]!.node.toBase58()}`, () => ctx.client.tasks.expire({ task: address, rank }));
        }
        continue;
      }
      const allRevealed = task.revealCount >= task.assignedCount;
      if (task.redundancy > 1 && (allRevealed || now >= BigInt(task.revealDeadline.toString())))
        await step(ctx, "settle", `settle:${id}`, () => ctx.client.tasks.settle({ task: address }));
      continue;
    }
    if (task.status === TASK_STATUS.SETTLED || task.status === TASK_STATUS.FAILED) {
      for (let rank = 0; rank < task.assignedCount; rank++) {
        if ((task.settledMask >> rank) & 1) continue;
        await step(ctx, "settle_assignee", `settle_assignee:${id}:${rank}`, () => ctx.client.tasks.settleAssignee({ task: address, rank, epochIndex: epochIdx }));
      }
    }
  }
}

export async function claims(ctx: DutyContext, now: bigint, epochLengthSecs: number): Promise<void> {
  const epochIdx = epochIndex({ unixTs: now, epochLengthSecs });
  for (let back = 1n; back <= 8n && epochIdx - back >= 0n; back++) {
    const idx = epochIdx - back;
    const e = await ctx.client.rewards.fetchEpoch(idx);
    if (!e?.closed) continue;
    const c = await ctx.client.rewards.fetchContribution({ nodeKey: ctx.nodeKey.publicKey, epochIndex: idx });
    if (!c || c.claimed) continue;
    const before = await tokenBalance(ctx);
    if (await step(ctx, "claim", `claim:${idx}`, () => ctx.client.rewards.claim({ nodeKey: ctx.nodeKey.publicKey, epochIndex: idx }))) {
      const after = await tokenBalance(ctx);
      ctx.state.addMetric(Number(idx), "earnedLmr", after - before);
    }
  }
}

async function tokenBalance(ctx: DutyContext): Promise<bigint> {
  const cfg = await ctx.client.registry.fetchConfig();
  if (!cfg) return 0n;
  const ata = getAssociatedTokenAddressSync(cfg.lmrMint, ctx.operator.publicKey, true);
  const b = await ctx.provider.connection.getTokenAccountBalance(ata).catch(() => null);
  return b ? BigInt(b.value.amount) : 0n;
}
