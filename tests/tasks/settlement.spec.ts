/**
 * Tasks: settle, release_key and settle_assignee — the full lifecycle for r = 3 (two agree, one
 * dissents; two agree, one stays silent; two agree, one reveals against its commitment → slashed), no
 * quorum (escrow back, honest reveals neutral), r = 1 settled by anyone with the key released only once
 * the payment is final (fair exchange), keys withheld past the key deadline, silent assignees replaced
 * at the reveal stage, ranks out of range, double settlement, and escrow conservation after every step.
 * Payouts, reputation, slashing and obligations go through real CPIs into the registry. Task work
 * earns no emission credit (rewards v2): a self-dealing consumer/executor and an assignee inflating its
 * byte count leave nothing in the rewards program.
 */
import type { Idl } from "@coral-xyz/anchor";
import { AccountLayout, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey, Transaction } from "@solana/web3.js";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { BN } from "../../sdk/src/bn.js";
import tasksIdl from "../../sdk/src/idl/lumora_tasks.json" with { type: "json" };
import { openEpochInstruction, rewardsProgram } from "../../sdk/src/instructions/rewards.js";
import { settleAssigneeInstruction, settleInstruction } from "../../sdk/src/instructions/tasks.js";
import { contributionPda, epochPda, epochShardPda, nodePda, taskVaultPda, treasuryPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { ROLES, epochIndex, reputationAfter, slashAmount } from "../../sdk/src/registry-math.js";
import { TASK_STATUS, specHash } from "../../sdk/src/tasks.js";
import { actor, actors, ctx, defaultParams, ensureConfig, fundLmr } from "../harness/context.js";
import { eventsOf, expectProgramError, expectTxProgramError } from "../harness/expect.js";

const TASKS = PROGRAM_IDS.tasks;
const MIN_STAKE = BigInt(defaultParams().minStake.toString());
const PAYMENT = 90_000_000n;
const consumer = actor("settle-consumer");
const operator = actor("settle-operator");
const nodes = ["a", "b", "c", "d"].map((n) => actor(`settle-exec-${n}`));
const events = (name: string) => eventsOf(ctx.lastTx(), tasksIdl as Idl, TASKS).filter((e) => e.name === name);
const hash = (s: string) => createHash("sha256").update(s).digest();

async function tokens(owner: PublicKey): Promise<bigint> {
  const a = await ctx.chain.getAccount(getAssociatedTokenAddressSync(ctx.lmrMint, owner, true));
  return a ? AccountLayout.decode(a.data).amount : 0n;
}
async function vault(task: PublicKey): Promise<bigint> {
  const a = await ctx.chain.getAccount(taskVaultPda({ task }).address);
  return a ? AccountLayout.decode(a.data).amount : 0n;
}
async function nodeState(k: (typeof nodes)[number]) {
  return (await ctx.client.registry.fetchNode(k.publicKey))!;
}
async function currentEpoch(): Promise<bigint> {
  const idx = epochIndex({ unixTs: await ctx.chain.now(), epochLengthSecs: defaultParams().epochLengthSecs });
  if (!(await ctx.chain.getAccount(epochPda({ index: idx }).address))) {
    const m = await ctx.chain.sendRaw(new Transaction().add(await openEpochInstruction({ payer: actors.admin.publicKey, index: idx, lmrMint: ctx.lmrMint })), [actors.admin]);
    expect(m.error, m.logs.join("\n")).to.equal(null);
  }
  return idx;
}

let seq = 5_000n;
const KEY = new Uint8Array(81).fill(5);
const MAX_BYTES = 1n << 40n;
type Node = (typeof nodes)[number];
/** A task of `by` with `r` assignees out of `bidders`, assigned and in its reveal phase; ranks resolved. */
async function assigned(r: number, bidders: Node[] = nodes.slice(0, r), by = consumer, maxBackups = 0) {
  const now = await ctx.chain.now();
  const { task } = await ctx.client.tasks.createTask({
    consumer: by,
    taskId: seq++,
    specHash: specHash({ urls: ["https://example.org/"] }),
    consumerX25519: new Uint8Array(32).fill(3),
    latE6: 0,
    lonE6: 0,
    redundancy: r,
    maxBackups,
    bidWindowEnd: now + 300n,
    commitDeadline: now + 900n,
    revealDeadline: now + 1_500n,
    payment: PAYMENT,
    maxBytes: MAX_BYTES,
  });
  for (const k of bidders) await ctx.client.tasks.bid({ nodeKey: k, task });
  await ctx.chain.warp(301);
  await ctx.client.tasks.finalize({ task });
  const t = (await ctx.client.tasks.fetchTask(task))!;
  const slots = (t.slots as { node: PublicKey }[]).slice(0, t.slotCount).map((s) => s.node.toBase58());
  const all = slots.map((a) => bidders.find((k) => nodePda({ nodeKey: k.publicKey }).address.toBase58() === a)!);
  return { task, ranked: all.slice(0, t.assignedCount), backups: all.slice(t.assignedCount) };
}
const result = (content: string, byteCount = 1_000_000n) => ({ contentHash: hash(content), merkleRoot: hash("root"), byteCount, sealedKey: KEY });
async function deliver(task: PublicKey, k: Node, committed: string, revealed = committed, byteCount = 1_000_000n) {
  await ctx.client.tasks.commit({ nodeKey: k, task, ...result(committed, byteCount) });
  return async () => ctx.client.tasks.reveal({ nodeKey: k, task, ...result(revealed, byteCount), locator: "/ip4/127.0.0.1/tcp/1" });
}
/** Every agreeing assignee releases its key (what the node daemon does after `settle`). */
async function releaseAgreeing(task: PublicKey, ranked: Node[]) {
  const t = (await ctx.client.tasks.fetchTask(task))!;
  for (const [rank, k] of ranked.entries()) if ((t.agreeMask >> rank) & 1) await ctx.client.tasks.releaseKey({ nodeKey: k, task, sealedKey: KEY });
}
/** Nothing of `node` in the rewards program this epoch: no contribution, and its shard's total did not move. */
async function expectNoEmissionCredit(k: (typeof nodes)[number], epoch: bigint, shardTotalBefore: bigint | null) {
  const node = nodePda({ nodeKey: k.publicKey }).address;
  const e = epochPda({ index: epoch }).address;
  expect(await ctx.chain.getAccount(contributionPda({ epoch: e, node }).address), "a rewards contribution for task work").to.equal(null);
  expect(await shardTotal(k, epoch)).to.equal(shardTotalBefore);
}
async function shardTotal(k: (typeof nodes)[number], epoch: bigint): Promise<bigint | null> {
  const shard = (await nodeState(k)).shard;
  const info = await ctx.chain.getAccount(epochShardPda({ epoch: epochPda({ index: epoch }).address, shard }).address);
  return info ? BigInt(rewardsProgram().coder.accounts.decode("epochShard", info.data).totalContribution.toString()) : null;
}

describe("tasks: settlement", () => {
  before(async () => {
    await ensureConfig();
    for (const k of [consumer, operator, actors.admin, ...nodes]) await ctx.chain.setAccount({ address: k.publicKey, lamports: 50 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
    await fundLmr(consumer.publicKey, 100n * PAYMENT);
    await fundLmr(operator.publicKey, 10n * MIN_STAKE);
    for (const [i, k] of nodes.entries())
      await ctx.client.registry.registerNode({
        operator,
        nodeKey: k,
        profile: { roles: ROLES.EXECUTOR, latE6: i * 100_000, lonE6: 0, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/10.3.0.1/tcp/4001" },
        stake: 2n * MIN_STAKE,
      });
  });

  it("r = 3, two agree and one dissents: the two are paid, reputation moves both ways; the escrow is conserved at every step", async () => {
    const { task, ranked } = await assigned(3);
    const [a, b, c] = ranked as [(typeof nodes)[number], (typeof nodes)[number], (typeof nodes)[number]];
    const reveals = [await deliver(task, a, "H"), await deliver(task, b, "H"), await deliver(task, c, "H-other")];
    for (const r of reveals) await r();
    await expectProgramError(() => ctx.client.tasks.settleAssignee({ task, rank: 0 }), "tasks", "NotSettleable");
    await ctx.client.tasks.settle({ task });
    const ev = events("TaskSettled")[0]!;
    expect(ev.data.success).to.equal(true);
    expect(Buffer.from(ev.data.winning_hash as number[]).toString("hex")).to.equal(hash("H").toString("hex"));
    const t = (await ctx.client.tasks.fetchTask(task))!;
    expect(t.status).to.equal(TASK_STATUS.SETTLED);
    expect(t.agreeMask).to.equal(0b011);
    await expectProgramError(() => ctx.client.tasks.settle({ task }), "tasks", "TaskNotAssigned");
    // an agreeing assignee is paid once its key is out
    await expectProgramError(() => ctx.client.tasks.settleAssignee({ task, rank: 0 }), "tasks", "KeyNotReleased");
    await releaseAgreeing(task, ranked);
    expect((await ctx.client.tasks.fetchTask(task))!.keyMask).to.equal(0b011);

    const epoch = await currentEpoch();
    const shardsBefore = new Map<string, bigint | null>();
    for (const k of [a, b, c]) shardsBefore.set(k.publicKey.toBase58(), await shardTotal(k, epoch));
    const p = defaultParams();
    const before = await Promise.all(ranked.map(nodeState));
    const opBefore = await tokens(operator.publicKey);
    let owed = PAYMENT;
    expect(await vault(task)).to.equal(owed);
    for (let rank = 0; rank < 3; rank++) {
      await ctx.client.tasks.settleAssignee({ task, rank });
      if (rank < 2) owed -= PAYMENT / 2n;
      expect(await vault(task), `vault after assignee ${rank}`).to.equal(owed);
    }
    await expectProgramError(() => ctx.client.tasks.settleAssignee({ task, rank: 0 }), "tasks", "NotSettleable");
    expect(await tokens(operator.publicKey)).to.equal(opBefore + PAYMENT);
    const after = await Promise.all(ranked.map(nodeState));
    for (const i of [0, 1]) {
      expect(after[i]!.reputation).to.equal(reputationAfter({ reputation: before[i]!.reputation, success: true, kUpBps: p.repKUpBps, kDownBps: p.repKDownBps }));
      expect(after[i]!.openAssignments).to.equal(before[i]!.openAssignments - 1);
    }
    expect(after[2]!.reputation).to.equal(reputationAfter({ reputation: before[2]!.reputation, success: false, kUpBps: p.repKUpBps, kDownBps: p.repKDownBps }));
    expect(after[2]!.openAssignments).to.equal(before[2]!.openAssignments - 1);
    // the escrow is the whole pay: nothing reaches the rewards program
    for (const k of [a, b, c]) await expectNoEmissionCredit(k, epoch, shardsBefore.get(k.publicKey.toBase58())!);
  });

  it("r = 3, two agree and one stays silent: the silent one loses reputation", async () => {
    const { task, ranked } = await assigned(3);
    const r0 = await deliver(task, ranked[0]!, "H2");
    const r1 = await deliver(task, ranked[1]!, "H2");
    await ctx.chain.warp(900); // commit deadline passed without the third
    await r0();
    await r1();
    await ctx.chain.warp(700); // reveal deadline
    await ctx.client.tasks.settle({ task });
    expect((await ctx.client.tasks.fetchTask(task))!.agreeMask).to.equal(0b011);
    await releaseAgreeing(task, ranked);
    const silentBefore = await nodeState(ranked[2]!);
    for (let rank = 0; rank < 3; rank++) await ctx.client.tasks.settleAssignee({ task, rank });
    expect(events("AssigneeSettled")[0]!.data.outcome).to.equal(1);
    expect((await nodeState(ranked[2]!)).reputation).to.be.lessThan(silentBefore.reputation);
    expect(await vault(task)).to.equal(0n);
  });

  it("a reveal against its own commitment is fraud: slashed slash_bps of its stake into the treasury", async () => {
    const { task, ranked } = await assigned(3);
    const reveals = [await deliver(task, ranked[0]!, "H3"), await deliver(task, ranked[1]!, "H3"), await deliver(task, ranked[2]!, "H3", "H3-copied")];
    for (const r of reveals) await r();
    await ctx.client.tasks.settle({ task });
    expect((await ctx.client.tasks.fetchTask(task))!.fraudMask).to.equal(0b100);
    await releaseAgreeing(task, ranked);
    const cheat = await nodeState(ranked[2]!);
    const treasuryBefore = AccountLayout.decode((await ctx.chain.getAccount(treasuryPda().address))!.data).amount;
    for (let rank = 0; rank < 3; rank++) await ctx.client.tasks.settleAssignee({ task, rank });
    expect(events("AssigneeSettled")[0]!.data.outcome).to.equal(2);
    const slashed = slashAmount({ stake: BigInt(cheat.stake.toString()) + BigInt(cheat.unstakeRequested.toString()), slashBps: defaultParams().slashBps });
    expect(AccountLayout.decode((await ctx.chain.getAccount(treasuryPda().address))!.data).amount).to.equal(treasuryBefore + slashed);
    expect(BigInt((await nodeState(ranked[2]!)).totalSlashed.toString())).to.equal(BigInt(cheat.totalSlashed.toString()) + slashed);
  });

  it("no majority: the task fails, the escrow returns at once, honest reveals are neutral, silence is penalised", async () => {
    const { task, ranked } = await assigned(3);
    const r0 = await deliver(task, ranked[0]!, "X");
    const r1 = await deliver(task, ranked[1]!, "Y");
    await ctx.chain.warp(900);
    await r0();
    await r1();
    await ctx.chain.warp(700);
    const before = await tokens(consumer.publicKey);
    await ctx.client.tasks.settle({ task });
    expect(events("TaskSettled")[0]!.data.success).to.equal(false);
    expect((await ctx.client.tasks.fetchTask(task))!.status).to.equal(TASK_STATUS.FAILED);
    expect(await tokens(consumer.publicKey)).to.equal(before + PAYMENT);
    const reps = await Promise.all(ranked.map(nodeState));
    for (let rank = 0; rank < 3; rank++) await ctx.client.tasks.settleAssignee({ task, rank });
    const after = await Promise.all(ranked.map(nodeState));
    expect(after[0]!.reputation).to.equal(reps[0]!.reputation);
    expect(after[1]!.reputation).to.equal(reps[1]!.reputation);
    expect(after[2]!.reputation).to.be.lessThan(reps[2]!.reputation);
    for (const i of [0, 1, 2]) expect(after[i]!.openAssignments).to.equal(reps[i]!.openAssignments - 1);
  });

  it("attack (fair exchange, r = 1): the consumer sees no key before the payment is final and has no verdict; anyone settles; the executor is paid once its key is out", async () => {
    const { task, ranked } = await assigned(1, [nodes[3]!]);
    await (await deliver(task, ranked[0]!, "solo"))();
    // the reveal carries the key's hash only: nothing the consumer could decrypt, on chain or in events
    expect(Object.keys(events("ResultRevealed")[0]!.data)).to.not.include("sealed_key");
    const r = (await ctx.client.tasks.fetchResult({ task, nodeKey: ranked[0]!.publicKey }))!;
    expect(Buffer.from(r.sealedKey as Uint8Array).length).to.equal(0);
    await expectProgramError(() => ctx.client.tasks.releaseKey({ nodeKey: ranked[0]!, task, sealedKey: KEY }), "tasks", "KeyNotReleasable");
    // a third party settles (no consumer signature, no accept/reject): the payment is now final
    const consumerBefore = await tokens(consumer.publicKey);
    const i = await settleInstruction({ task, consumer: consumer.publicKey, assignees: [nodePda({ nodeKey: ranked[0]!.publicKey }).address], lmrMint: ctx.lmrMint });
    const m = await ctx.sendIxs([i], [actors.mallory]);
    expect(m.error, m.logs.join("\n")).to.equal(null);
    const t = (await ctx.client.tasks.fetchTask(task))!;
    expect(t.status).to.equal(TASK_STATUS.SETTLED);
    expect(t.payoutEach.toString()).to.equal(PAYMENT.toString());
    expect(await tokens(consumer.publicKey), "no refund path after settlement").to.equal(consumerBefore);
    // the key goes out only now, and only the one committed to
    await expectProgramError(() => ctx.client.tasks.releaseKey({ nodeKey: ranked[0]!, task, sealedKey: new Uint8Array(81).fill(6) }), "tasks", "WrongKey");
    await ctx.client.tasks.releaseKey({ nodeKey: ranked[0]!, task, sealedKey: KEY });
    expect(Buffer.from(events("KeyReleased")[0]!.data.sealed_key as Uint8Array).equals(Buffer.from(KEY))).to.equal(true);
    await expectProgramError(() => ctx.client.tasks.releaseKey({ nodeKey: ranked[0]!, task, sealedKey: KEY }), "tasks", "KeyNotReleasable");
    const before = await tokens(operator.publicKey);
    const crank = await settleAssigneeInstruction({ task, rank: 0, node: nodePda({ nodeKey: ranked[0]!.publicKey }).address, operator: operator.publicKey, lmrMint: ctx.lmrMint });
    const c = await ctx.sendIxs([crank], [actors.mallory]);
    expect(c.error, c.logs.join("\n")).to.equal(null);
    expect(await tokens(operator.publicKey)).to.equal(before + PAYMENT);
    expect(await vault(task)).to.equal(0n);
  });

  it("a key withheld past the key deadline: KeyNotReleasable after it, the assignee unpaid with reputation down, its share back to the consumer at close", async () => {
    const { task, ranked } = await assigned(1, [nodes[3]!]);
    await (await deliver(task, ranked[0]!, "withheld"))();
    await ctx.client.tasks.settle({ task });
    const t = (await ctx.client.tasks.fetchTask(task))!;
    expect(BigInt(t.keyDeadline.toString())).to.equal((await ctx.chain.now()) + 600n); // the reveal window again
    await ctx.chain.warp(600);
    await expectProgramError(() => ctx.client.tasks.releaseKey({ nodeKey: ranked[0]!, task, sealedKey: KEY }), "tasks", "KeyNotReleasable");
    const rep = (await nodeState(ranked[0]!)).reputation;
    const opBefore = await tokens(operator.publicKey);
    await ctx.client.tasks.settleAssignee({ task, rank: 0 });
    expect(events("AssigneeSettled")[0]!.data.outcome).to.equal(4);
    expect(await tokens(operator.publicKey)).to.equal(opBefore);
    expect((await nodeState(ranked[0]!)).reputation).to.be.lessThan(rep);
    const before = await tokens(consumer.publicKey);
    await ctx.client.tasks.close({ consumer, task });
    expect(await tokens(consumer.publicKey)).to.equal(before + PAYMENT);
  });

  it("KeyNotReleasable: a dissenting assignee has no key to release", async () => {
    const { task, ranked } = await assigned(3);
    const reveals = [await deliver(task, ranked[0]!, "K"), await deliver(task, ranked[1]!, "K"), await deliver(task, ranked[2]!, "K-other")];
    for (const r of reveals) await r();
    await ctx.client.tasks.settle({ task });
    await expectProgramError(() => ctx.client.tasks.releaseKey({ nodeKey: ranked[2]!, task, sealedKey: KEY }), "tasks", "KeyNotReleasable");
  });

  it("InvalidRank: settle_assignee with a rank past the assignees (3, 10, 255) returns an error, never an index panic", async () => {
    const { task, ranked } = await assigned(3);
    const reveals = [];
    for (const k of ranked) reveals.push(await deliver(task, k, "R"));
    for (const r of reveals) await r();
    await ctx.client.tasks.settle({ task });
    const node = nodePda({ nodeKey: ranked[0]!.publicKey }).address;
    for (const rank of [3, 10, 255]) {
      const i = await settleAssigneeInstruction({ task, rank, node, operator: operator.publicKey, lmrMint: ctx.lmrMint });
      const m = await ctx.sendIxs([i], [actors.mallory]);
      expectTxProgramError(m, "tasks", "InvalidRank");
      expect(m.logs.join("\n")).to.not.match(/panicked/);
    }
  });

  it("silent at reveal, a backup with a standby commitment: settle waits (BackupsPending), the backup is promoted with a fresh reveal window, the quorum forms", async () => {
    const { task, ranked, backups } = await assigned(2, nodes.slice(0, 3), consumer, 1);
    const [a, silent] = ranked as [Node, Node];
    const backup = backups[0]!;
    const ra = await deliver(task, a, "S");
    await deliver(task, silent, "S"); // commits, never reveals
    const rb = await deliver(task, backup, "S"); // standby commitment before any reveal
    await ra();
    await ctx.chain.warp(1_200); // past the reveal deadline
    await expectProgramError(() => ctx.client.tasks.settle({ task }), "tasks", "BackupsPending");
    const rep = (await nodeState(silent)).reputation;
    await ctx.client.tasks.expire({ task, rank: 1 });
    const ev = events("AssigneeExpired")[0]!;
    expect(ev.data.stage).to.equal(2);
    expect((ev.data.promoted as PublicKey).toBase58()).to.equal(nodePda({ nodeKey: backup.publicKey }).address.toBase58());
    expect((await nodeState(silent)).reputation).to.be.lessThan(rep);
    const t = (await ctx.client.tasks.fetchTask(task))!;
    expect(BigInt(t.revealDeadline.toString())).to.equal((await ctx.chain.now()) + 600n);
    await rb();
    await ctx.client.tasks.settle({ task });
    expect((await ctx.client.tasks.fetchTask(task))!.agreeMask).to.equal(0b11);
    await releaseAgreeing(task, [a, backup]);
    const opBefore = await tokens(operator.publicKey);
    for (const rank of [0, 1]) await ctx.client.tasks.settleAssignee({ task, rank });
    expect(await tokens(operator.publicKey)).to.equal(opBefore + PAYMENT);
  });

  it("attack: silent at reveal, a backup without a standby commitment cannot be promoted to copy the public result: it is dropped, the silent one counts as silent", async () => {
    const { task, ranked, backups } = await assigned(2, nodes.slice(0, 3), consumer, 1);
    const [a, silent] = ranked as [Node, Node];
    const ra = await deliver(task, a, "D");
    await deliver(task, silent, "D");
    await ra();
    // results are public now: a backup may no longer commit
    await expectProgramError(() => ctx.client.tasks.commit({ nodeKey: backups[0]!, task, ...result("D") }), "tasks", "NotCommitEligible");
    await ctx.chain.warp(1_200);
    await ctx.client.tasks.expire({ task, rank: 1 });
    const ev = events("AssigneeExpired")[0]!;
    expect(ev.data.promoted).to.equal(null);
    expect((ev.data.dropped as PublicKey).toBase58()).to.equal(nodePda({ nodeKey: backups[0]!.publicKey }).address.toBase58());
    expect((await ctx.client.tasks.fetchTask(task))!.slotCount).to.equal(2);
    await expectProgramError(() => ctx.client.tasks.expire({ task, rank: 1 }), "tasks", "NotExpirable"); // no backup left
    const before = await tokens(consumer.publicKey);
    await ctx.client.tasks.settle({ task });
    expect((await ctx.client.tasks.fetchTask(task))!.status).to.equal(TASK_STATUS.FAILED); // 1 of 2 is no majority
    expect(await tokens(consumer.publicKey)).to.equal(before + PAYMENT);
  });

  it("r = 1, silent at reveal with nothing public: the backup is promoted with fresh commit and reveal windows and finishes the task", async () => {
    const { task, ranked, backups } = await assigned(1, nodes.slice(0, 2), consumer, 1);
    await deliver(task, ranked[0]!, "Q"); // commits, never reveals
    await ctx.chain.warp(1_200);
    await ctx.client.tasks.expire({ task, rank: 0 });
    expect(events("AssigneeExpired")[0]!.data.stage).to.equal(2);
    const t = (await ctx.client.tasks.fetchTask(task))!;
    expect(BigInt(t.commitDeadline.toString())).to.equal((await ctx.chain.now()) + 600n);
    expect(t.commitCount).to.equal(0);
    const rb = await deliver(task, backups[0]!, "Q");
    await rb();
    await ctx.client.tasks.settle({ task });
    await releaseAgreeing(task, [backups[0]!]);
    await ctx.client.tasks.settleAssignee({ task, rank: 0 });
    expect(await vault(task)).to.equal(0n);
  });

  it("attack: a self-dealt r = 1 task (one wallet as consumer and operator) revealing its declared maximum (2^40 bytes) gains back only its own escrow and earns no emission credit", async () => {
    const self = actor("settle-self-dealer");
    const key = actor("settle-self-dealer-node");
    for (const k of [self, key]) await ctx.chain.setAccount({ address: k.publicKey, lamports: 50 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
    await fundLmr(self.publicKey, PAYMENT + 2n * MIN_STAKE);
    await ctx.client.registry.registerNode({
      operator: self,
      nodeKey: key,
      profile: { roles: ROLES.EXECUTOR, latE6: 0, lonE6: 0, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/10.3.0.9/tcp/4001" },
      stake: 2n * MIN_STAKE,
    });
    const epoch = await currentEpoch();
    const shardBefore = await shardTotal(key, epoch);
    const start = await tokens(self.publicKey);
    const { task } = await assigned(1, [key], self);
    await (await deliver(task, key, "self", "self", MAX_BYTES))();
    await ctx.client.tasks.settle({ task });
    await ctx.client.tasks.releaseKey({ nodeKey: key, task, sealedKey: KEY });
    await ctx.client.tasks.settleAssignee({ task, rank: 0 });
    expect(await tokens(self.publicKey), "the escrow came back; nothing more").to.equal(start);
    await expectNoEmissionCredit(key, epoch, shardBefore);
  });

  it("attack: of two agreeing assignees one inflates its byte count (u64::MAX refused: ByteCountOutOfRange; the declared maximum accepted): both are paid the same escrow share, neither earns emission credit, and the inflater stays settleable", async () => {
    const { task: refused, ranked: pair } = await assigned(2);
    const huge = (1n << 64n) - 1n;
    await ctx.client.tasks.commit({ nodeKey: pair[0]!, task: refused, ...result("I") });
    await ctx.client.tasks.commit({ nodeKey: pair[1]!, task: refused, ...result("I", huge) });
    await expectProgramError(() => ctx.client.tasks.reveal({ nodeKey: pair[1]!, task: refused, ...result("I", huge), locator: "/x" }), "tasks", "ByteCountOutOfRange");
    const { task, ranked } = await assigned(2);
    const [honest, inflater] = ranked as [Node, Node];
    const reveals = [await deliver(task, honest, "I"), await deliver(task, inflater, "I", "I", MAX_BYTES)];
    for (const r of reveals) await r();
    await ctx.client.tasks.settle({ task });
    await releaseAgreeing(task, ranked);
    const epoch = await currentEpoch();
    const shards = [await shardTotal(honest, epoch), await shardTotal(inflater, epoch)];
    const opBefore = await tokens(operator.publicKey);
    await ctx.client.tasks.settleAssignee({ task, rank: 0 });
    const paid0 = (await tokens(operator.publicKey)) - opBefore;
    await ctx.client.tasks.settleAssignee({ task, rank: 1 });
    const paid1 = (await tokens(operator.publicKey)) - opBefore - paid0;
    expect([paid0, paid1]).to.deep.equal([PAYMENT / 2n, PAYMENT / 2n]);
    await expectNoEmissionCredit(honest, epoch, shards[0]!);
    await expectNoEmissionCredit(inflater, epoch, shards[1]!);
  });
});
