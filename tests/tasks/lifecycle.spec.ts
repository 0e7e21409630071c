/**
 * Tasks: expire_and_reassign (a silent assignee replaced by the next backup, until none is left and the
 * task fails with a refund) and close_task (escrow remainder and rents back once finished).
 */
import type { Idl } from "@coral-xyz/anchor";
import { AccountLayout, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { BN } from "../../sdk/src/bn.js";
import tasksIdl from "../../sdk/src/idl/lumora_tasks.json" with { type: "json" };
import { bidPda, nodePda, resultPda, taskVaultPda } from "../../sdk/src/pda.js";
import { closeBidInstruction } from "../../sdk/src/instructions/tasks.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { TASK_STATUS, specHash } from "../../sdk/src/tasks.js";
import { actor, ctx, defaultParams, ensureConfig, executed, fundLmr } from "../harness/context.js";
import { taskLog } from "../../sdk/src/events.js";
import { eventsOf, expectProgramError, expectTxProgramError } from "../harness/expect.js";

const TASKS = PROGRAM_IDS.tasks;
const MIN_STAKE = BigInt(defaultParams().minStake.toString());
const consumer = actor("life-consumer");
const operator = actor("life-operator");
const nodes = ["a", "b", "c"].map((n) => actor(`life-exec-${n}`));
const events = (name: string) => eventsOf(ctx.lastTx(), tasksIdl as Idl, TASKS).filter((e) => e.name === name);
const hash = (s: string) => createHash("sha256").update(s).digest();
const owed = async (k: (typeof nodes)[number]) => (await ctx.client.registry.fetchNode(k.publicKey))!.openAssignments;
const lmr = async (owner: PublicKey) => {
  const a = await ctx.chain.getAccount(getAssociatedTokenAddressSync(ctx.lmrMint, owner, true));
  return a ? AccountLayout.decode(a.data).amount : 0n;
};

let seq = 9_000n;
async function task(redundancy: number, maxBackups: number, payment = 1_000_001n) {
  const now = await ctx.chain.now();
  const { task } = await ctx.client.tasks.createTask({
    consumer,
    taskId: seq++,
    specHash: specHash({ urls: ["https://example.org/"] }),
    consumerX25519: new Uint8Array(32),
    latE6: 0,
    lonE6: 0,
    redundancy,
    maxBackups,
    bidWindowEnd: now + 300n,
    commitDeadline: now + 900n,
    revealDeadline: now + 1_500n,
    payment,
  });
  // nodes whose bid cannot enter the kept list do not send it (the program would refuse: BidCannotRank)
  for (const k of nodes) if ((await ctx.client.tasks.bidOutlook({ nodeKey: k.publicKey, task }))!.wouldRank) await ctx.client.tasks.bid({ nodeKey: k, task });
  await ctx.chain.warp(301);
  await ctx.client.tasks.finalize({ task });
  return task;
}
const nodeAt = async (t: PublicKey, i: number) => {
  const slots = (await ctx.client.tasks.fetchTask(t))!.slots as { node: PublicKey }[];
  return nodes.find((k) => nodePda({ nodeKey: k.publicKey }).address.equals(slots[i]!.node))!;
};

describe("tasks: reassignment and closing", () => {
  before(async () => {
    await ensureConfig();
    for (const k of [consumer, operator, ...nodes]) await ctx.chain.setAccount({ address: k.publicKey, lamports: 50 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
    await fundLmr(consumer.publicKey, 100_000_000n);
    await fundLmr(operator.publicKey, 10n * MIN_STAKE);
    for (const [i, k] of nodes.entries())
      await ctx.client.registry.registerNode({
        operator,
        nodeKey: k,
        profile: { roles: ROLES.EXECUTOR, latE6: i * 2_000_000, lonE6: 0, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/10.4.0.1/tcp/4001" },
        stake: MIN_STAKE,
      });
  });

  it("a silent assignee is replaced by each backup in turn; with none left the task fails and the escrow returns", async () => {
    const t = await task(1, 2);
    const first = await nodeAt(t, 0);
    await expectProgramError(() => ctx.client.tasks.expire({ task: t, rank: 0 }), "tasks", "NotExpirable"); // before the deadline
    await ctx.chain.warp(600);
    const [second, third] = [await nodeAt(t, 1), await nodeAt(t, 2)];
    const [o1, o2] = [await owed(first), await owed(second)];
    await ctx.client.tasks.expire({ task: t, rank: 0 });
    const ev = events("AssigneeExpired")[0]!;
    expect((ev.data.promoted as PublicKey).toBase58()).to.equal(nodePda({ nodeKey: second.publicKey }).address.toBase58());
    expect(await owed(first)).to.equal(o1 - 1);
    expect(await owed(second)).to.equal(o2 + 1);
    const after = (await ctx.client.tasks.fetchTask(t))!;
    expect(after.slotCount).to.equal(2);
    expect(BigInt(after.commitDeadline.toString())).to.equal((await ctx.chain.now()) + 600n);
    // the promoted backup gets a fresh commit window: not expirable yet
    await expectProgramError(() => ctx.client.tasks.expire({ task: t, rank: 0 }), "tasks", "NotExpirable");
    await ctx.chain.warp(600);
    await ctx.client.tasks.expire({ task: t, rank: 0 });
    expect((events("AssigneeExpired")[0]!.data.promoted as PublicKey).toBase58()).to.equal(nodePda({ nodeKey: third.publicKey }).address.toBase58());
    await ctx.chain.warp(600);
    const before = await lmr(consumer.publicKey);
    await ctx.client.tasks.expire({ task: t, rank: 0 });
    expect(events("AssigneeExpired")[0]!.data.promoted).to.equal(null);
    expect((await ctx.client.tasks.fetchTask(t))!.status).to.equal(TASK_STATUS.FAILED);
    expect(await lmr(consumer.publicKey)).to.equal(before + 1_000_001n);
    // and it closes: task and vault gone, rents back to the consumer
    await ctx.client.tasks.close({ consumer, task: t });
    expect(await ctx.chain.getAccount(t)).to.equal(null);
    expect(await ctx.chain.getAccount(taskVaultPda({ task: t }).address)).to.equal(null);
    expect(events("TaskClosed")).to.have.length(1);
  });

  it("NotExpirable: an assignee that committed cannot be expired; records stay while in use (RecordInUse, NotRecordOwner)", async () => {
    const t = await task(1, 1);
    const a = await nodeAt(t, 0);
    await ctx.client.tasks.commit({ nodeKey: a, task: t, contentHash: hash("c"), merkleRoot: hash("r"), byteCount: 10n, sealedKey: new Uint8Array(81) });
    await ctx.chain.warp(600);
    await expectProgramError(() => ctx.client.tasks.expire({ task: t, rank: 0 }), "tasks", "NotExpirable");
    // the assignee's result is not settled yet, and nobody else may close another node's records
    await expectProgramError(() => ctx.client.tasks.closeResult({ nodeKey: a, task: t }), "tasks", "RecordInUse");
    const other = nodes.find((k) => k !== a)!;
    const i = await closeBidInstruction({ bidder: other.publicKey, task: t });
    i.keys[2]!.pubkey = bidPda({ task: t, node: nodePda({ nodeKey: a.publicKey }).address }).address;
    expectTxProgramError(await ctx.sendIxs([i], [other]), "tasks", "NotRecordOwner");
  });

  it("RecordInUse: a bid cannot be closed while bidding is open", async () => {
    const now = await ctx.chain.now();
    const { task: t } = await ctx.client.tasks.createTask({
      consumer, taskId: seq++, specHash: specHash({ urls: [] }), consumerX25519: new Uint8Array(32), latE6: 0, lonE6: 0,
      redundancy: 1, maxBackups: 0, bidWindowEnd: now + 300n, commitDeadline: now + 600n, revealDeadline: now + 900n, payment: 1n,
    });
    await ctx.client.tasks.bid({ nodeKey: nodes[0]!, task: t });
    await expectProgramError(() => ctx.client.tasks.closeBid({ nodeKey: nodes[0]!, task: t }), "tasks", "RecordInUse");
  });

  it("fetchTasks lists the program's tasks by status and consumer (LiteSVM; bankrun cannot enumerate)", async () => {
    if (ctx.vm === "bankrun") {
      let err: unknown;
      await ctx.client.tasks.fetchTasks({}).catch((e) => (err = e));
      expect((err as Error).message).to.match(/getProgramAccounts/);
      return;
    }
    const now = await ctx.chain.now();
    const { task: open } = await ctx.client.tasks.createTask({
      consumer, taskId: seq++, specHash: specHash({ urls: ["https://example.org/list"] }), consumerX25519: new Uint8Array(32), latE6: 0, lonE6: 0,
      redundancy: 1, maxBackups: 0, bidWindowEnd: now + 300n, commitDeadline: now + 600n, revealDeadline: now + 900n, payment: 1n,
    });
    const assigned = await task(1, 0);
    const mine = await ctx.client.tasks.fetchTasks({ consumer: consumer.publicKey });
    expect(mine.map((t) => t.address.toBase58())).to.include.members([open.toBase58(), assigned.toBase58()]);
    expect(mine.every((t) => t.task.consumer.equals(consumer.publicKey))).to.equal(true);
    const openOnes = await ctx.client.tasks.fetchTasks({ consumer: consumer.publicKey, status: TASK_STATUS.OPEN });
    expect(openOnes.map((t) => t.address.toBase58())).to.include(open.toBase58()).and.not.include(assigned.toBase58());
    expect(openOnes.every((t) => t.task.status === TASK_STATUS.OPEN)).to.equal(true);
    expect(await ctx.client.tasks.fetchTasks({ consumer: actor("nobody").publicKey })).to.deep.equal([]);
  });

  it("NotClosable until every assignee is settled; then the payout-split remainder comes back with the rents", async () => {
    const t = await task(2, 0, 1_000_001n);
    const [a, b] = [await nodeAt(t, 0), await nodeAt(t, 1)];
    const result = { contentHash: hash("same"), merkleRoot: hash("r"), byteCount: 10n, sealedKey: new Uint8Array(81) };
    for (const k of [a, b]) await ctx.client.tasks.commit({ nodeKey: k, task: t, ...result });
    for (const k of [a, b]) await ctx.client.tasks.reveal({ nodeKey: k, task: t, ...result, locator: "/x" });
    await expectProgramError(() => ctx.client.tasks.close({ consumer, task: t }), "tasks", "NotClosable");
    await ctx.client.tasks.settle({ task: t });
    for (const k of [a, b]) await ctx.client.tasks.releaseKey({ nodeKey: k, task: t, sealedKey: result.sealedKey });
    await ctx.client.tasks.settleAssignee({ task: t, rank: 0 });
    await expectProgramError(() => ctx.client.tasks.close({ consumer, task: t }), "tasks", "NotClosable");
    await ctx.client.tasks.settleAssignee({ task: t, rank: 1 });
    const before = await lmr(consumer.publicKey);
    await ctx.client.tasks.close({ consumer, task: t });
    expect(String(events("TaskClosed")[0]!.data.refunded)).to.equal("1"); // 1 000 001 split in two
    expect(await lmr(consumer.publicKey)).to.equal(before + 1n);
    expect(await ctx.chain.getAccount(t)).to.equal(null);

    // the bid and result records go back to the nodes that paid for them
    for (const k of [a, b]) {
      const bidRent = (await ctx.chain.getAccount(bidPda({ task: t, node: nodePda({ nodeKey: k.publicKey }).address }).address))!.lamports;
      const before = (await ctx.chain.getAccount(k.publicKey))!.lamports;
      await ctx.client.tasks.closeBid({ nodeKey: k, task: t });
      await ctx.client.tasks.closeResult({ nodeKey: k, task: t });
      expect((await ctx.chain.getAccount(k.publicKey))!.lamports).to.be.greaterThan(before + bidRent - 1);
      expect(await ctx.chain.getAccount(resultPda({ task: t, node: nodePda({ nodeKey: k.publicKey }).address }).address)).to.equal(null);
    }

    // the task log rebuilt from the transactions alone: every step, in order, with the registry events
    // of its settlement (and none of the rewards program: task work earns no emission credit)
    const log = taskLog({ task: t, transactions: executed.filter((m) => m.error === null).map((m) => ({ signature: m.signature, logs: m.logs })) });
    const names = log.filter((e) => e.event.program === "tasks").map((e) => e.event.name);
    expect(names).to.deep.equal([
      // two kept bids: the third node's could not rank (r + backups = 2) and was never sent
      "TaskCreated", "BidPlaced", "BidPlaced", "TaskAssigned", "ResultCommitted", "ResultCommitted",
      "ResultRevealed", "ResultRevealed", "TaskSettled", "KeyReleased", "KeyReleased", "AssigneeSettled", "AssigneeSettled", "TaskClosed",
    ]);
    const others = log.filter((e) => e.event.program !== "tasks").map((e) => `${e.event.program}.${e.event.name}`);
    expect(others).to.include("registry.OutcomeRecorded");
    expect(others).to.include("registry.ObligationsUpdated");
    expect(others.filter((n) => n.startsWith("rewards."))).to.deep.equal([]);
  });
});
