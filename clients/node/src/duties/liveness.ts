/**
 * Liveness, every node: a heartbeat every `heartbeatSecs`, and a funded node key (it pays the rent of
 * its bids and results).
 */
import { SystemProgram, Transaction } from "@solana/web3.js";
import { constants } from "@lumora/sdk";
import { type DutyContext, step } from "./context.js";

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
