/**
 * The claims duty, every node: claim this node's reward for each closed epoch it was credited in
 * (distributing its own shard first if no coordinator has); after the claim window close its
 * contribution (rent back). `claimEpoch` is also `lumora-node claim`'s.
 */
import { epochIndex } from "@lumora/sdk";
import { type DutyContext, step } from "./context.js";
import { distributeShard } from "./coordinator.js";

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
  if (amount > 0n && ctx.state.claimedEarnings(idx) === 0n) ctx.state.addMetric(idx, { earningsClaimed: amount });
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
