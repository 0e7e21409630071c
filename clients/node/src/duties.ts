/**
 * The daemon's duties, each one pass per tick, each decided from chain state first and journaled
 * (chain.ts) when it sends: a restarted node re-derives what is left to do from the chain and its
 * SQLite state and never sends a step twice.
 *
 *   heartbeat    all nodes, every `heartbeatSecs`
 *   pob          verifier probes, roots; provider credits (duties/pob.ts)
 *   executor     bid on open tasks in their window · for tasks assigned to this node: fetch the spec
 *                (DHT, hash-checked), scrape, encrypt, store chunks, commit, reveal, serve the chunks
 *   coordinator  finalize after bid windows · expire silent assignees · settle · settle each assignee ·
 *                open the current epoch, close ended ones after their credit window
 *   claims       claim this node's reward for each closed epoch it was credited in; after the claim
 *                window close its contribution (rent back)
 */
import fs from "node:fs";
import path from "node:path";
import { type Keypair, PublicKey, SystemProgram, Transaction } from "@solana/web3.js";
import { type LumoraClient, type TaskAccount, TASK_STATUS, RESULT_STATUS, constants, data as sdkData, decodeTaskSpec, epochIndex, pda, transactions } from "@lumora/sdk";
import type { JournaledProvider } from "./chain.js";
import type { NodeState } from "./state.js";
import type { IntentKind } from "./store/index.js";

export interface DutyContext {
  client: LumoraClient;
  provider: JournaledProvider;
  state: NodeState;
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


/** Chain time from the Clock sysvar (unix_timestamp at offset 32). */
export async function chainNow(connection: import("@solana/web3.js").Connection): Promise<bigint> {
  const info = await connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111"));
  if (!info) throw new Error("the cluster has no Clock sysvar");
  return Buffer.from(info.data).readBigInt64LE(32);
}

/** Runs one journaled step; a step that failed on chain is logged (and not retried under its key). */
export async function step(ctx: DutyContext, kind: IntentKind, key: string, fn: () => Promise<unknown>): Promise<boolean> {
  const prior = ctx.provider.entry(key);
  if (prior && prior.state !== "planned" && prior.state !== "signed" && prior.state !== "sent") return prior.state === "confirmed";
  try {
    await ctx.provider.journaled(kind, key, fn);
    ctx.state.log("info", kind, { key });
    return true;
  } catch (e) {
    ctx.state.log("warn", `${kind} failed`, { key, error: (e as Error).message.slice(0, 300) });
    return false;
  }
}

/** Heartbeats every `everySecs` (≥ the program's minimum gap, checked against the node's last one first). */
export async function heartbeat(ctx: DutyContext, now: bigint, everySecs: number): Promise<void> {
  const node = await ctx.client.registry.fetchNode(ctx.nodeKey.publicKey);
  if (!node) return;
  const last = BigInt(node.lastHeartbeatTs.toString());
  const gap = BigInt(Math.max(everySecs, constants.HEARTBEAT_MIN_INTERVAL_SECS));
  if (now < last + gap) return;
  await step(ctx, "heartbeat", `heartbeat:${now / gap}`, () => ctx.client.registry.heartbeat({ nodeKey: ctx.nodeKey }));
}

/** The node key pays the rent of its bid and result records: keep it above `min` lamports (operator pays). */
export async function fundNodeKey(ctx: DutyContext, now: bigint, min = 20_000_000, topUp = 100_000_000): Promise<void> {
  const balance = await ctx.provider.connection.getBalance(ctx.nodeKey.publicKey);
  if (balance >= min) return;
  await step(ctx, "fund_node_key", `fund_node_key:${ctx.nodeKey.publicKey.toBase58()}:${now / 3600n}`, () =>
    ctx.provider.sendAndConfirm(new Transaction().add(SystemProgram.transfer({ fromPubkey: ctx.operator.publicKey, toPubkey: ctx.nodeKey.publicKey, lamports: topUp }))),
  );
}

function myNodeAddress(ctx: DutyContext): PublicKey {
  return ctx.client.registry.nodeAddress(ctx.nodeKey.publicKey);
}

/** Ranks (0-based) at which this node is an assignee of `task`. */
/** This node's index in the task's kept list (assignees, then backups), or -1. */
function mySlot(ctx: DutyContext, task: TaskAccount): number {
  const me = myNodeAddress(ctx);
  const slots = task.slots as { node: PublicKey }[];
  for (let i = 0; i < task.slotCount; i++) if (slots[i]!.node.equals(me)) return i;
  return -1;
}

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
      if (await conn.getAccountInfo(bid)) continue;
      // a bid that cannot enter the kept list would be refused (BidCannotRank): not sent at all (the
      // list only gets stronger while the task is open, so it will not rank later either)
      const outlook = await ctx.client.tasks.bidOutlook({ nodeKey: ctx.nodeKey.publicKey, task: address });
      if (!outlook?.wouldRank) continue;
      await step(ctx, "bid", `bid:${id}`, () => ctx.client.tasks.bid({ nodeKey: ctx.nodeKey, task: address }));
      continue;
    }
    if (task.status === TASK_STATUS.SETTLED) {
      await releaseKey(ctx, now, address, task);
      continue;
    }
    if (task.status !== TASK_STATUS.ASSIGNED) continue;
    if (myRank(ctx, task) < 0) {
      // a backup posts a standby commitment while no result is public: the only way it can replace an
      // assignee that goes silent after the others revealed (it cannot commit once they have)
      const slot = mySlot(ctx, task);
      if (slot < task.assignedCount || task.revealCount > 0 || now >= BigInt(task.commitDeadline.toString())) continue;
    }
    await work(ctx, now, address, task);
  }
}

/**
 * Fair exchange: once the task settled with this node among the agreeing assignees, its data key —
 * committed by hash before any result was public — goes out sealed to the consumer (`release_key`);
 * the payment is final already and `settle_assignee` pays after this.
 */
async function releaseKey(ctx: DutyContext, now: bigint, address: PublicKey, task: TaskAccount): Promise<void> {
  const rank = myRank(ctx, task);
  if (rank < 0 || !((task.agreeMask >> rank) & 1) || (task.keyMask >> rank) & 1) return;
  if (now >= BigInt(task.keyDeadline.toString())) return;
  const id = address.toBase58();
  const rec = ctx.state.tasks.get(id);
  const sealedKey = rec?.result?.sealedKey;
  if (!sealedKey) {
    ctx.state.log("warn", "settled as agreeing but no sealed key kept for the task", { task: id });
    return;
  }
  await step(ctx, "release_key", `release_key:${id}`, () => ctx.client.tasks.releaseKey({ nodeKey: ctx.nodeKey, task: address, sealedKey }));
}

async function work(ctx: DutyContext, now: bigint, address: PublicKey, task: TaskAccount): Promise<void> {
  const id = address.toBase58();
  const specHash = Uint8Array.from(task.specHash as number[]);
  const backupRank = myRank(ctx, task) < 0 ? mySlot(ctx, task) - task.assignedCount + 1 : 0;
  let rec =
    ctx.state.tasks.get(id) ??
    ctx.state.tasks.add({ task: id, specHash, role: backupRank > 0 ? "backup" : "assignee", ...(backupRank > 0 ? { backupRank } : {}), commitDeadline: BigInt(task.commitDeadline.toString()), revealDeadline: BigInt(task.revealDeadline.toString()) }).task;
  if (rec.phase === "failed" || rec.phase === "released" || rec.phase === "settled") return;
  if (rec.result === null) {
    const bytes = rec.spec ?? (await ctx.getSpec(specHash));
    if (!bytes) {
      ctx.state.log("warn", "spec not found yet", { task: id });
      return;
    }
    try {
      decodeTaskSpec(bytes, specHash);
      if (!rec.spec) rec = ctx.state.tasks.setSpec(id, bytes);
      const out = await ctx.execute(bytes, specHash);
      const maxBytes = BigInt(task.maxBytes.toString());
      if (BigInt(out.output.length) < 1n || BigInt(out.output.length) > maxBytes)
        throw new Error(`the result is ${out.output.length} bytes, outside the task's 1 ..= ${maxBytes} (max_bytes)`);
      const dir = path.join(ctx.dataDir, "datasets", id);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const enc = await sdkData.encrypt({ data: out.output, format: "application/x-ndjson", recordCount: out.records });
      enc.chunks.forEach((c, i) => fs.writeFileSync(path.join(dir, `chunk-${i}.bin`), c.data));
      fs.writeFileSync(path.join(dir, "manifest.bin"), enc.manifestBytes);
      const sealedKey = sdkData.sealKey({ key: enc.key, recipientPublicKey: Uint8Array.from(task.consumerX25519 as number[]) });
      // everything the commit and the reveal need is on disk before the commit is signed
      ctx.state.store.tx(() => {
        rec = ctx.state.tasks.recordResult(id, {
          contentHash: enc.manifest.contentHash,
          merkleRoot: enc.manifest.merkleRoot,
          byteCount: BigInt(out.output.length),
          recordCount: out.records,
          sealedKey,
          locator: ctx.locator(),
          chunkDir: dir,
        });
        ctx.state.addMetric(ctx.epochOf(now), { bytesFetched: BigInt(out.bytesFetched) });
      });
      ctx.state.log("info", "task executed", { task: id, records: out.records, bytes: out.output.length });
    } catch (e) {
      ctx.state.tasks.setPhase(id, "failed", (e as Error).message.slice(0, 300) || "failed");
      ctx.state.log("error", "task execution failed", { task: id, error: (e as Error).message });
      return;
    }
  }
  const r = rec.result!;
  if (r.chunkDir) await ctx.serve(r.chunkDir);
  const onChain = await ctx.client.tasks.fetchResult({ task: address, nodeKey: ctx.nodeKey.publicKey });
  if (!onChain) {
    if (now >= BigInt(task.commitDeadline.toString())) return;
    if (await step(ctx, "commit", `commit:${id}`, () => ctx.client.tasks.commit({ nodeKey: ctx.nodeKey, task: address, contentHash: r.contentHash, merkleRoot: r.merkleRoot, byteCount: r.byteCount, sealedKey: r.sealedKey ?? new Uint8Array() })))
      if (rec.phase !== "committed") ctx.state.tasks.setPhase(id, "committed");
    return;
  }
  if (onChain.status !== RESULT_STATUS.COMMITTED) {
    if (rec.phase !== "revealed") ctx.state.tasks.setPhase(id, "revealed");
    return;
  }
  if (rec.phase === "fetched") rec = ctx.state.tasks.setPhase(id, "committed");
  if (myRank(ctx, task) < 0) return; // a standby commitment: revealed only once promoted
  const allCommitted = task.commitCount >= task.assignedCount;
  if (!allCommitted && now < BigInt(task.commitDeadline.toString())) return;
  if (now >= BigInt(task.revealDeadline.toString())) return;
  const ok = await step(ctx, "reveal", `reveal:${id}`, () =>
    ctx.client.tasks.reveal({ nodeKey: ctx.nodeKey, task: address, contentHash: r.contentHash, merkleRoot: r.merkleRoot, byteCount: r.byteCount, locator: r.locator ?? ctx.locator(), sealedKey: r.sealedKey ?? new Uint8Array() }),
  );
  if (ok) {
    ctx.state.store.tx(() => {
      ctx.state.tasks.setPhase(id, "revealed");
      ctx.state.addMetric(ctx.epochOf(now), { tasksDone: 1n });
    });
  }
}

export async function coordinator(ctx: DutyContext, now: bigint, tasks: { address: PublicKey; task: TaskAccount }[], epochLengthSecs: number): Promise<void> {
  const epochIdx = epochIndex({ unixTs: now, epochLengthSecs });
  // epochs first: settlement credits the current one
  if (!(await ctx.client.rewards.fetchEpoch(epochIdx))) await step(ctx, "open_epoch", `open_epoch:${epochIdx}`, () => ctx.client.rewards.openEpoch({ index: epochIdx }));
  for (let back = 1n; back <= 3n && epochIdx - back >= 0n; back++) {
    const idx = epochIdx - back;
    let e = await ctx.client.rewards.fetchEpoch(idx);
    // an epoch closes once its credit window is over (its roots and credits are final)
    if (!e || now < BigInt(e.creditDeadline.toString())) continue;
    if (!e.closed) {
      for (let from = e.shardsSummed; from < e.shardCount; from += 8) {
        const count = Math.min(8, e.shardCount - from);
        await step(ctx, "close_epoch", `close_epoch:${idx}:${from}`, async () =>
          ctx.client.rewards.send(await transactions.closeEpochTransaction({ epochIndex: idx, fromShard: from, count, programIds: ctx.client.programIds, feePayer: ctx.operator.publicKey })),
        );
      }
      e = await ctx.client.rewards.fetchEpoch(idx);
      if (!e?.closed) continue;
    }
    await distributeAndSweep(ctx, now, idx, epochIdx, e);
  }
  for (const { address, task } of tasks) {
    const id = address.toBase58();
    if (task.status === TASK_STATUS.OPEN && now >= BigInt(task.bidWindowEnd.toString())) {
      await step(ctx, "finalize", `finalize:${id}`, () => ctx.client.tasks.finalize({ task: address }));
      continue;
    }
    if (task.status === TASK_STATUS.ASSIGNED) {
      const slots = task.slots as { node: PublicKey }[];
      const revealOver = now >= BigInt(task.revealDeadline.toString());
      if (now >= BigInt(task.commitDeadline.toString()) && (task.commitCount < task.assignedCount || revealOver)) {
        // silent at commit (no result after the commit deadline) or at reveal (committed, unrevealed
        // after the reveal deadline): replaced from the backups, one crank each (journaled per node and
        // deadline: a promoted backup gets fresh windows, so the same rank may be cranked again)
        let expired = false;
        for (let rank = 0; rank < task.assignedCount; rank++) {
          const r = await ctx.client.tasks.fetchResultOf({ task: address, node: slots[rank]!.node });
          const silent = !r || (revealOver && r.status === RESULT_STATUS.COMMITTED);
          // a silent revealer with no backup left is settle's to count as silent
          if (!silent || (r && task.slotCount <= task.assignedCount)) continue;
          expired = true;
          await step(ctx, "expire", `expire:${id}:${rank}:${slots[rank]!.node.toBase58()}:${task.revealDeadline.toString()}:${task.slotCount}`, () => ctx.client.tasks.expire({ task: address, rank }));
        }
        if (expired) continue;
      }
      const allRevealed = task.revealCount >= task.assignedCount;
      if (allRevealed || revealOver) await step(ctx, "settle", `settle:${id}:${task.revealDeadline.toString()}:${task.slotCount}`, () => ctx.client.tasks.settle({ task: address }));
      continue;
    }
    if (task.status === TASK_STATUS.SETTLED || task.status === TASK_STATUS.FAILED) {
      for (let rank = 0; rank < task.assignedCount; rank++) {
        if ((task.settledMask >> rank) & 1) continue;
        // an agreeing assignee is paid once its key is out, or penalised after the key deadline
        const waiting = task.status === TASK_STATUS.SETTLED && (task.agreeMask >> rank) & 1 && !((task.keyMask >> rank) & 1) && now < BigInt(task.keyDeadline.toString());
        if (waiting) continue;
        await step(ctx, "settle_assignee", `settle_assignee:${id}:${rank}`, () => ctx.client.tasks.settleAssignee({ task: address, rank }));
      }
    }
  }
}

/**
 * A closed epoch's payout cranks: each contributing shard's share into its claim vault (one journaled
 * `distribute_shard:<epoch>:<shard>` each, so claims can start), then after the claim window the epoch
 * vault's rounding and each shard vault's remainder into the current epoch.
 * Each is read from chain first: another coordinator's crank is never repeated.
 */
/** One shard's `distribute_shard`, journaled as `distribute_shard:<epoch>:<shard>`; the operator pays the vault's rent. */
async function distributeShard(ctx: DutyContext, idx: bigint, shard: number, lmrMint: PublicKey): Promise<boolean> {
  return step(ctx, "distribute_shard", `distribute_shard:${idx}:${shard}`, async () =>
    ctx.client.rewards.send(await transactions.distributeShardsTransaction({ payer: ctx.operator.publicKey, epochIndex: idx, shards: [shard], lmrMint, programIds: ctx.client.programIds })),
  );
}

type EpochAccount = NonNullable<Awaited<ReturnType<LumoraClient["rewards"]["fetchEpoch"]>>>;
async function distributeAndSweep(ctx: DutyContext, now: bigint, idx: bigint, current: bigint, e: EpochAccount): Promise<void> {
  if (e.shardsDistributed < e.contributingShards) {
    const { lmrMint } = (await ctx.client.registry.fetchConfig())!;
    for (const s of await ctx.client.rewards.fetchEpochShards(idx)) if (!s.distributed) await distributeShard(ctx, idx, s.shard, lmrMint);
    return;
  }
  if (now <= BigInt(e.claimDeadline.toString()) || !(await ctx.client.rewards.fetchEpoch(current))) return;
  if (!e.dustSwept) await step(ctx, "sweep_dust", `sweep_dust:${idx}`, () => ctx.client.rewards.sweepDust({ epochIndex: idx, targetEpochIndex: current }));
  for (const s of await ctx.client.rewards.fetchEpochShards(idx)) {
    if (!s.distributed || s.dustSwept) continue;
    await step(ctx, "sweep_dust", `sweep_shard_dust:${idx}:${s.shard}`, async () =>
      ctx.client.rewards.send(await transactions.sweepShardDustTransaction({ epochIndex: idx, targetEpochIndex: current, shards: [{ shard: s.shard, rentReceiver: s.vaultRentPayer }], programIds: ctx.client.programIds, feePayer: ctx.operator.publicKey })),
    );
  }
}

/** Claims one epoch for this node if it is closed, distributed, contributed to and unclaimed (journaled `claim:<epoch>`). */
export async function claimEpoch(
  ctx: DutyContext,
  idx: bigint,
): Promise<{ epoch: string; outcome: "claimed" | "already-claimed" | "not-closed" | "not-distributed" | "no-contribution" | "failed"; amount?: bigint }> {
  const epoch = idx.toString();
  const e = await ctx.client.rewards.fetchEpoch(idx);
  if (!e?.closed) return { epoch, outcome: "not-closed" };
  const c = await ctx.client.rewards.fetchContribution({ nodeKey: ctx.nodeKey.publicKey, epochIndex: idx });
  if (!c) return { epoch, outcome: "no-contribution" };
  if (c.claimed) {
    // A daemon that died between its claim confirming and booking the amount books it now, from the chain.
    const amount = BigInt(c.claimedAmount.toString());
    bookClaim(ctx, idx, amount);
    return { epoch, outcome: "already-claimed", amount };
  }
  // a claim before the shard's distribution would fail and burn its journal key: distribute the node's
  // own shard first (permissionless; the rent comes back at the shard sweep) unless a coordinator has
  if (!(await ctx.client.rewards.fetchEpochShard({ epochIndex: idx, shard: c.shard }))?.distributed) {
    await distributeShard(ctx, idx, c.shard, (await ctx.client.registry.fetchConfig())!.lmrMint);
    // (a coordinator may have won the race: then this step failed, and the shard is distributed anyway)
    if (!(await ctx.client.rewards.fetchEpochShard({ epochIndex: idx, shard: c.shard }))?.distributed) return { epoch, outcome: "not-distributed" };
  }
  if (!(await step(ctx, "claim", `claim:${idx}`, () => ctx.client.rewards.claim({ nodeKey: ctx.nodeKey.publicKey, epochIndex: idx })))) return { epoch, outcome: "failed" };
  const after = await ctx.client.rewards.fetchContribution({ nodeKey: ctx.nodeKey.publicKey, epochIndex: idx });
  const amount = BigInt(after?.claimedAmount.toString() ?? "0");
  bookClaim(ctx, idx, amount);
  return { epoch, outcome: "claimed", amount };
}

/** Books an epoch's claimed amount in the metrics, once: nothing if it is already booked. */
function bookClaim(ctx: DutyContext, idx: bigint, amount: bigint): void {
  if (amount > 0n && (ctx.state.store.metrics.get(idx)?.earningsClaimed ?? 0n) === 0n) ctx.state.addMetric(idx, { earningsClaimed: amount });
}

export async function claims(ctx: DutyContext, now: bigint, epochLengthSecs: number): Promise<void> {
  const epochIdx = epochIndex({ unixTs: now, epochLengthSecs });
  for (let back = 1n; back <= 8n && epochIdx - back >= 0n; back++) {
    const idx = epochIdx - back;
    const e = await ctx.client.rewards.fetchEpoch(idx);
    if (e?.closed && now > BigInt(e.claimDeadline.toString())) {
      // the claim window is over: nothing reads the contribution any more, its rent goes back
      if (await ctx.client.rewards.fetchContribution({ nodeKey: ctx.nodeKey.publicKey, epochIndex: idx }))
        await step(ctx, "close_contribution", `close_contribution:${idx}`, () => ctx.client.rewards.closeContribution({ nodeKey: ctx.nodeKey.publicKey, epochIndex: idx }));
      continue;
    }
    await claimEpoch(ctx, idx);
  }
}
