/**
 * Tasks: commit_result and reveal_result — commit `SHA-256(content_hash ‖ merkle_root ‖ byte_count ‖
 * key_hash ‖ node_key)` before the commit deadline, reveal after every assignee committed (or the
 * deadline passed); a reveal that differs from its commitment in any field is recorded as provable
 * fraud; byte counts bounded by the task's max_bytes; backups' standby commitments; prefunded result
 * addresses; every rejection named after its error.
 */
import type { Idl } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { BN } from "../../sdk/src/bn.js";
import tasksIdl from "../../sdk/src/idl/lumora_tasks.json" with { type: "json" };
import * as ix from "../../sdk/src/instructions/index.js";
import { nodePda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { resultPda } from "../../sdk/src/pda.js";
import { RESULT_STATUS, resultCommitment, sealedKeyHash, specHash } from "../../sdk/src/tasks.js";
import { actor, ctx, defaultParams, ensureConfig, fundLmr } from "../harness/context.js";
import { eventsOf, expectProgramError, expectTxProgramError } from "../harness/expect.js";

const TASKS = PROGRAM_IDS.tasks;
const MIN_STAKE = BigInt(defaultParams().minStake.toString());
const consumer = actor("results-consumer");
const nodes = ["a", "b", "c"].map((n) => actor(`results-exec-${n}`));
const events = (name: string) => eventsOf(ctx.lastTx(), tasksIdl as Idl, TASKS).filter((e) => e.name === name);
const hash = (s: string) => createHash("sha256").update(s).digest();
const MAX_BYTES = 1_000_000n;
type Over = Partial<{ locator: string; sealedKey: Uint8Array; merkleRoot: Uint8Array; byteCount: bigint }>;
const reveal = (key = nodes[0]!, content = hash("dataset-v1"), over: Over = {}) => ({
  nodeKey: key,
  contentHash: content,
  merkleRoot: over.merkleRoot ?? hash("root"),
  byteCount: over.byteCount ?? 123_456n,
  locator: over.locator ?? "/ip4/127.0.0.1/tcp/4101/p2p-dataset/1",
  sealedKey: over.sealedKey ?? new Uint8Array(81).fill(9),
});
/** Commits what `reveal(key, content)` will reveal. */
const commit = (key: (typeof nodes)[number], task: PublicKey, content = hash("dataset-v1"), over: Over = {}) =>
  ctx.client.tasks.commit({ ...reveal(key, content, over), task });

let taskSeq = 1_000n;
async function assignedTask(redundancy: number, commitWindow = 3_600) {
  const now = await ctx.chain.now();
  const { task } = await ctx.client.tasks.createTask({
    consumer,
    taskId: taskSeq++,
    specHash: specHash({ urls: ["https://example.org/"] }),
    consumerX25519: new Uint8Array(32).fill(1),
    latE6: 0,
    lonE6: 0,
    redundancy,
    maxBackups: 1,
    bidWindowEnd: now + 600n,
    commitDeadline: now + 600n + BigInt(commitWindow),
    revealDeadline: now + 600n + BigInt(commitWindow) + 3_600n,
    payment: 10_000_000n,
    maxBytes: MAX_BYTES,
  });
  // nodes whose bid cannot enter the kept list do not send it (the program would refuse: BidCannotRank)
  for (const k of nodes) if ((await ctx.client.tasks.bidOutlook({ nodeKey: k.publicKey, task }))!.wouldRank) await ctx.client.tasks.bid({ nodeKey: k, task });
  await ctx.chain.warp(601);
  await ctx.client.tasks.finalize({ task });
  const t = (await ctx.client.tasks.fetchTask(task))!;
  const slots = (t.slots as { node: PublicKey }[]).slice(0, t.slotCount).map((s) => s.node.toBase58());
  const rank = (k: (typeof nodes)[number]) => slots.indexOf(nodePda({ nodeKey: k.publicKey }).address.toBase58());
  const byRank = nodes.filter((k) => rank(k) >= 0).sort((x, y) => rank(x) - rank(y));
  return { task, assignees: byRank.slice(0, redundancy), backup: byRank[redundancy]! };
}

describe("tasks: commit and reveal", () => {
  before(async () => {
    await ensureConfig();
    await fundLmr(consumer.publicKey, 1_000_000_000n);
    const operator = actor("results-operator");
    await fundLmr(operator.publicKey, 10n * MIN_STAKE);
    for (const k of [operator, consumer, ...nodes]) await ctx.chain.setAccount({ address: k.publicKey, lamports: 10 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
    for (const [i, k] of nodes.entries())
      await ctx.client.registry.registerNode({
        operator,
        nodeKey: k,
        profile: { roles: ROLES.EXECUTOR, latE6: i * 1_000_000, lonE6: 0, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/10.2.0.1/tcp/4001" },
        stake: MIN_STAKE,
      });
  });

  describe("r = 2: one honest reveal, one that does not match its commitment", () => {
    let env: Awaited<ReturnType<typeof assignedTask>>;
    before(async () => {
      env = await assignedTask(2);
    });

    it("a backup may post a standby commitment before any reveal; it does not count as an assignee's", async () => {
      await commit(env.backup, env.task);
      expect((await ctx.client.tasks.fetchTask(env.task))!.commitCount).to.equal(0);
    });

    it("an assignee commits to content hash, root, byte count, key hash and node key; ResultCommitted; AlreadyExists on a second commit", async () => {
      const a = env.assignees[0]!;
      await commit(a, env.task);
      expect(events("ResultCommitted")).to.have.length(1);
      const r = (await ctx.client.tasks.fetchResult({ task: env.task, nodeKey: a.publicKey }))!;
      const want = resultCommitment({ contentHash: hash("dataset-v1"), merkleRoot: hash("root"), byteCount: 123_456n, keyHash: sealedKeyHash(new Uint8Array(81).fill(9)), nodeKey: a.publicKey.toBytes() });
      expect(Buffer.from(r.commitment).toString("hex")).to.equal(Buffer.from(want).toString("hex"));
      expect(r.status).to.equal(RESULT_STATUS.COMMITTED);
      const m = await ctx.sendIxs([await ix.commitResultInstruction({ nodeKey: a.publicKey, task: env.task, commitment: new Uint8Array(32) })], [a]);
      expectTxProgramError(m, "tasks", "AlreadyExists");
    });

    it("RevealNotOpen: no reveal while another assignee has not committed and the deadline is ahead", async () => {
      await expectProgramError(() => ctx.client.tasks.reveal({ ...reveal(env.assignees[0]!), task: env.task }), "tasks", "RevealNotOpen");
    });

    it("ByteCountOutOfRange: 0, max_bytes + 1 and u64::MAX are refused (the assignee stays unrevealed)", async () => {
      await commit(env.assignees[1]!, env.task);
      for (const byteCount of [0n, MAX_BYTES + 1n, (1n << 64n) - 1n])
        await expectProgramError(() => ctx.client.tasks.reveal({ ...reveal(env.assignees[0]!, hash("dataset-v1"), { byteCount }), task: env.task }), "tasks", "ByteCountOutOfRange");
      expect((await ctx.client.tasks.fetchTask(env.task))!.revealCount).to.equal(0);
    });

    it("the matching reveal is recorded with the key's hash, not the key; ResultRevealed with matches_commitment", async () => {
      await ctx.client.tasks.reveal({ ...reveal(env.assignees[0]!), task: env.task });
      const ev = events("ResultRevealed");
      expect(ev).to.have.length(1);
      expect(ev[0]!.data.matches_commitment).to.equal(true);
      const r = (await ctx.client.tasks.fetchResult({ task: env.task, nodeKey: env.assignees[0]!.publicKey }))!;
      expect(r.status).to.equal(RESULT_STATUS.REVEALED);
      expect(r.byteCount.toString()).to.equal("123456");
      expect(r.locator).to.equal("/ip4/127.0.0.1/tcp/4101/p2p-dataset/1");
      expect(Buffer.from(r.sealedKey as Uint8Array).length, "the key waits for settlement").to.equal(0);
      expect(Buffer.from(r.keyHash).toString("hex")).to.equal(Buffer.from(sealedKeyHash(new Uint8Array(81).fill(9))).toString("hex"));
    });

    it("NotNodeKey: nobody can reveal (and so falsely brand as fraud) another assignee's result", async () => {
      const victim = nodePda({ nodeKey: env.assignees[1]!.publicKey }).address;
      const i = await ix.revealResultInstruction({ ...reveal(env.assignees[0]!, hash("garbage")), keyHash: new Uint8Array(32), nodeKey: env.assignees[0]!.publicKey, task: env.task });
      i.keys[3]!.pubkey = victim; // the victim's node and result, signed by another assignee
      i.keys[4]!.pubkey = (await import("../../sdk/src/pda.js")).resultPda({ task: env.task, node: victim }).address;
      expectTxProgramError(await ctx.sendIxs([i], [env.assignees[0]!]), "tasks", "NotNodeKey");
      expect((await ctx.client.tasks.fetchResult({ task: env.task, nodeKey: env.assignees[1]!.publicKey }))!.status).to.equal(RESULT_STATUS.COMMITTED);
    });

    it("RevealTooLarge: a locator over 128 bytes", async () => {
      await expectProgramError(() => ctx.client.tasks.reveal({ ...reveal(env.assignees[1]!, hash("dataset-v1"), { locator: "/" + "x".repeat(128) }), task: env.task }), "tasks", "RevealTooLarge");
    });

    it("a reveal that does not match its commitment is recorded as provable fraud", async () => {
      await ctx.client.tasks.reveal({ ...reveal(env.assignees[1]!, hash("a different dataset")), task: env.task });
      expect(events("ResultRevealed")[0]!.data.matches_commitment).to.equal(false);
      expect((await ctx.client.tasks.fetchResult({ task: env.task, nodeKey: env.assignees[1]!.publicKey }))!.status).to.equal(RESULT_STATUS.FRAUD);
      expect((await ctx.client.tasks.fetchTask(env.task))!.revealCount).to.equal(2);
    });

    it("AlreadyRevealed", async () => {
      await expectProgramError(() => ctx.client.tasks.reveal({ ...reveal(env.assignees[0]!), task: env.task }), "tasks", "AlreadyRevealed");
    });

    it("NotCommitEligible: no standby commitment once a result is public", async () => {
      // every node of the task has a result here; a fresh task shows the rule for its backup
      const e = await assignedTask(1);
      await commit(e.assignees[0]!, e.task);
      await ctx.client.tasks.reveal({ ...reveal(e.assignees[0]!), task: e.task });
      await expectProgramError(() => commit(e.backup, e.task), "tasks", "NotCommitEligible");
      // and a backup's standby commitment is not a reveal right while it is not promoted
      await expectProgramError(() => ctx.client.tasks.reveal({ ...reveal(env.backup), task: env.task }), "tasks", "NotAssignee");
    });
  });

  describe("attack: a reveal that keeps the content hash but changes what else it is paid for", () => {
    for (const [field, over] of [
      ["merkle root", { merkleRoot: hash("another root") }],
      ["byte count", { byteCount: 999_999n }],
      ["sealed key", { sealedKey: new Uint8Array(81).fill(7) }],
    ] as [string, Over][])
      it(`a different ${field} than committed is fraud`, async () => {
        const e = await assignedTask(1);
        await commit(e.assignees[0]!, e.task);
        await ctx.client.tasks.reveal({ ...reveal(e.assignees[0]!, hash("dataset-v1"), over), task: e.task });
        expect(events("ResultRevealed")[0]!.data.matches_commitment).to.equal(false);
        expect((await ctx.client.tasks.fetchResult({ task: e.task, nodeKey: e.assignees[0]!.publicKey }))!.status).to.equal(RESULT_STATUS.FRAUD);
      });
  });

  describe("attack: prefunding a future result address (bankrun 0.4 refuses CreateAccountAllowPrefund)", () => {
    it("an assignee still commits to a result address someone sent lamports to", async () => {
      const e = await assignedTask(1);
      const node = nodePda({ nodeKey: e.assignees[0]!.publicKey }).address;
      const result = resultPda({ task: e.task, node }).address;
      await ctx.chain.setAccount({ address: result, lamports: 890_880, data: new Uint8Array(), owner: PublicKey.default });
      await commit(e.assignees[0]!, e.task);
      const info = (await ctx.chain.getAccount(result))!;
      expect(info.owner.equals(TASKS)).to.equal(true);
      expect((await ctx.client.tasks.fetchResult({ task: e.task, nodeKey: e.assignees[0]!.publicKey }))!.status).to.equal(RESULT_STATUS.COMMITTED);
    });
  });

  describe("deadlines", () => {
    it("CommitDeadlinePassed, then reveals open at the deadline, then RevealDeadlinePassed", async () => {
      const env = await assignedTask(2, 600);
      await commit(env.assignees[0]!, env.task, hash("d"));
      await ctx.chain.warp(600);
      await expectProgramError(() => commit(env.assignees[1]!, env.task, hash("d")), "tasks", "CommitDeadlinePassed");
      // one assignee stayed silent, but the commit deadline has passed: reveals are open
      await ctx.client.tasks.reveal({ ...reveal(env.assignees[0]!, hash("d")), task: env.task });
      expect((await ctx.client.tasks.fetchResult({ task: env.task, nodeKey: env.assignees[0]!.publicKey }))!.status).to.equal(RESULT_STATUS.REVEALED);
      const late = await assignedTask(1, 600);
      await commit(late.assignees[0]!, late.task, hash("d"));
      await ctx.chain.warp(600 + 3_600);
      await expectProgramError(() => ctx.client.tasks.reveal({ ...reveal(late.assignees[0]!, hash("d")), task: late.task }), "tasks", "RevealDeadlinePassed");
    });

    it("TaskNotAssigned: no commit on a task still open for bids", async () => {
      const now = await ctx.chain.now();
      const { task } = await ctx.client.tasks.createTask({
        consumer,
        taskId: taskSeq++,
        specHash: specHash({ urls: [] }),
        consumerX25519: new Uint8Array(32),
        latE6: 0,
        lonE6: 0,
        redundancy: 1,
        maxBackups: 0,
        bidWindowEnd: now + 600n,
        commitDeadline: now + 1_200n,
        revealDeadline: now + 1_800n,
        payment: 1n,
      });
      await expectProgramError(() => commit(nodes[0]!, task, hash("x")), "tasks", "TaskNotAssigned");
    });
  });
});
