/**
 * The executor's duty: bid on open tasks in their window · for tasks assigned to this node: fetch the
 * spec (DHT, hash-checked), scrape, encrypt, store chunks, commit, reveal, serve the chunks · a backup
 * posts a standby commitment · once settled as agreeing: release the data key (fair exchange).
 */
import fs from "node:fs";
import path from "node:path";
import type { PublicKey } from "@solana/web3.js";
import { type TaskAccount, TASK_STATUS, RESULT_STATUS, data as sdkData, decodeTaskSpec, pda } from "@lumora/sdk";
import { type DutyContext, myNodeAddress, step } from "./context.js";

/** This node's index in the task's kept list (assignees, then backups), or -1. */
function mySlot(ctx: DutyContext, task: TaskAccount): number {
  const me = myNodeAddress(ctx);
  const slots = task.slots as { node: PublicKey }[];
  for (let i = 0; i < task.slotCount; i++) if (slots[i]!.node.equals(me)) return i;
  return -1;
}

/** Ranks (0-based) at which this node is an assignee of `task`, or -1. */
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
  const rec = ctx.state.task(id);
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
    ctx.state.task(id) ??
    ctx.state.addTask({ task: id, specHash, role: backupRank > 0 ? "backup" : "assignee", ...(backupRank > 0 ? { backupRank } : {}), commitDeadline: BigInt(task.commitDeadline.toString()), revealDeadline: BigInt(task.revealDeadline.toString()) });
  if (rec.phase === "failed" || rec.phase === "released" || rec.phase === "settled") return;
  if (rec.result === null) {
    const bytes = rec.spec ?? (await ctx.getSpec(specHash));
    if (!bytes) {
      ctx.state.log("warn", "spec not found yet", { task: id });
      return;
    }
    try {
      decodeTaskSpec(bytes, specHash);
      if (!rec.spec) rec = ctx.state.setTaskSpec(id, bytes);
      const out = await ctx.execute(bytes, specHash);
      const maxBytes = BigInt(task.maxBytes.toString());
      if (BigInt(out.output.length) < 1n || BigInt(out.output.length) > maxBytes)
        throw new Error(`the result is ${out.output.length} bytes, outside the task's 1 ..= ${maxBytes} (max_bytes)`);
      const dir = path.join(ctx.dataDir, "datasets", id);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const enc = await sdkData.encrypt({ data: out.output, format: sdkData.RESULT_MEDIA_TYPE, recordCount: out.records });
      enc.chunks.forEach((c, i) => fs.writeFileSync(path.join(dir, `chunk-${i}.bin`), c.data));
      fs.writeFileSync(path.join(dir, "manifest.bin"), enc.manifestBytes);
      const sealedKey = sdkData.sealKey({ key: enc.key, recipientPublicKey: Uint8Array.from(task.consumerX25519 as number[]) });
      // everything the commit and the reveal need is on disk before the commit is signed
      rec = ctx.state.recordTaskResult(
        id,
        {
          contentHash: enc.manifest.contentHash,
          merkleRoot: enc.manifest.merkleRoot,
          byteCount: BigInt(out.output.length),
          recordCount: out.records,
          sealedKey,
          locator: ctx.locator(),
          chunkDir: dir,
        },
        { epoch: ctx.epochOf(now), bytesFetched: BigInt(out.bytesFetched) },
      );
      ctx.state.log("info", "task executed", { task: id, records: out.records, bytes: out.output.length });
    } catch (e) {
      ctx.state.setTaskPhase(id, "failed", (e as Error).message.slice(0, 300) || "failed");
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
      if (rec.phase !== "committed") ctx.state.setTaskPhase(id, "committed");
    return;
  }
  if (onChain.status !== RESULT_STATUS.COMMITTED) {
    if (rec.phase !== "revealed") ctx.state.setTaskPhase(id, "revealed");
    return;
  }
  if (rec.phase === "fetched") rec = ctx.state.setTaskPhase(id, "committed");
  if (myRank(ctx, task) < 0) return; // a standby commitment: revealed only once promoted
  const allCommitted = task.commitCount >= task.assignedCount;
  if (!allCommitted && now < BigInt(task.commitDeadline.toString())) return;
  if (now >= BigInt(task.revealDeadline.toString())) return;
  const ok = await step(ctx, "reveal", `reveal:${id}`, () =>
    ctx.client.tasks.reveal({ nodeKey: ctx.nodeKey, task: address, contentHash: r.contentHash, merkleRoot: r.merkleRoot, byteCount: r.byteCount, locator: r.locator ?? ctx.locator(), sealedKey: r.sealedKey ?? new Uint8Array() }),
  );
  if (ok) {
    ctx.state.taskRevealed(id, ctx.epochOf(now));
  }
}
