/**
 * The coordinator's duty (nodes run with `coordinator`): finalize after bid windows · expire silent
 * assignees · settle · settle each assignee · open the current epoch, close ended ones after their credit
 * window, distribute a closed epoch's shards and sweep its dust after the claim window.
 */
import type { PublicKey } from "@solana/web3.js";
import { type LumoraClient, type TaskAccount, TASK_STATUS, RESULT_STATUS, epochIndex, transactions } from "@lumora/sdk";
import { type DutyContext, step } from "./context.js";

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

/** One shard's `distribute_shard`, journaled as `distribute_shard:<epoch>:<shard>`; the operator pays the vault's rent. */
export async function distributeShard(ctx: DutyContext, idx: bigint, shard: number, lmrMint: PublicKey): Promise<boolean> {
  return step(ctx, "distribute_shard", `distribute_shard:${idx}:${shard}`, async () =>
    ctx.client.rewards.send(await transactions.distributeShardsTransaction({ payer: ctx.operator.publicKey, epochIndex: idx, shards: [shard], lmrMint, programIds: ctx.client.programIds })),
  );
}

type EpochAccount = NonNullable<Awaited<ReturnType<LumoraClient["rewards"]["fetchEpoch"]>>>;
/**
 * A closed epoch's payout cranks: each contributing shard's share into its claim vault (one journaled
 * `distribute_shard:<epoch>:<shard>` each, so claims can start), then after the claim window the epoch
 * vault's rounding and each shard vault's remainder into the current epoch.
 * Each is read from chain first: another coordinator's crank is never repeated.
 */
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
