/**
 * Integrators: a client built only on @coral-xyz/anchor and the generated IDL JSON (no @lumora/sdk
 * instruction builders) resolves the tasks program's PDAs by itself — the task account carries no
 * seeds that read its own zero-copy fields (v1's `["task", task.consumer, task.task_id]` made Anchor
 * fail with "Reached maximum depth for account resolution"), and the result PDA is derived from the
 * node account passed beside it. It bids, commits and reveals with partial account lists.
 */
import { type Idl, Program } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { BN } from "../../sdk/src/bn.js";
import tasksIdl from "../../sdk/src/idl/lumora_tasks.json" with { type: "json" };
import { bidPda, configPda, nodePda, resultPda } from "../../sdk/src/pda.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { resultCommitment, sealedKeyHash, specHash } from "../../sdk/src/tasks.js";
import { actor, ctx, defaultParams, ensureConfig, fundLmr } from "../harness/context.js";

const MIN_STAKE = BigInt(defaultParams().minStake.toString());
const consumer = actor("idl-consumer");
const operator = actor("idl-operator");
const exec = actor("idl-exec");
const hash = (s: string) => createHash("sha256").update(s).digest();

describe("tasks: a stock @coral-xyz/anchor client on the IDL alone", () => {
  before(async () => {
    await ensureConfig();
    for (const k of [consumer, operator, exec]) await ctx.chain.setAccount({ address: k.publicKey, lamports: 10 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
    await fundLmr(consumer.publicKey, 10_000_000n);
    await fundLmr(operator.publicKey, 2n * MIN_STAKE);
    await ctx.client.registry.registerNode({
      operator,
      nodeKey: exec,
      profile: { roles: ROLES.EXECUTOR, latE6: 0, lonE6: 0, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/10.8.0.1/tcp/4001" },
      stake: MIN_STAKE,
    });
  });

  it("bid, commit and reveal with only the non-PDA accounts given: Anchor derives bid, result and system program itself", async () => {
    const program = new Program(tasksIdl as Idl, ctx.chain.provider);
    const now = await ctx.chain.now();
    const { task } = await ctx.client.tasks.createTask({
      consumer, taskId: 77n, specHash: specHash({ idl: 1 }), consumerX25519: new Uint8Array(32), latE6: 0, lonE6: 0,
      redundancy: 1, maxBackups: 0, bidWindowEnd: now + 300n, commitDeadline: now + 900n, revealDeadline: now + 1_500n, payment: 1_000n,
    });
    const node = nodePda({ nodeKey: exec.publicKey }).address;
    const config = configPda().address;
    const bid = await program.methods.bid().accounts({ nodeKey: exec.publicKey, config, node, task } as never).instruction();
    expect(bid.keys.map((k) => k.pubkey.toBase58())).to.include(bidPda({ task, node }).address.toBase58());
    const m = await ctx.sendIxs([bid], [exec]);
    expect(m.error, m.logs.join("\n")).to.equal(null);

    await ctx.chain.warp(301);
    await ctx.client.tasks.finalize({ task });
    const sealed = new Uint8Array(81).fill(2);
    const r = { contentHash: hash("idl"), merkleRoot: hash("root"), byteCount: 10n, keyHash: sealedKeyHash(sealed) };
    const commitment = resultCommitment({ ...r, nodeKey: exec.publicKey.toBytes() });
    const commit = await program.methods.commitResult(Array.from(commitment)).accounts({ nodeKey: exec.publicKey, config, node, task } as never).instruction();
    expect(commit.keys.map((k) => k.pubkey.toBase58())).to.include(resultPda({ task, node }).address.toBase58());
    expect((await ctx.sendIxs([commit], [exec])).error).to.equal(null);
    const reveal = await program.methods
      .revealResult({ contentHash: Array.from(r.contentHash), merkleRoot: Array.from(r.merkleRoot), byteCount: new BN(10), keyHash: Array.from(r.keyHash), locator: "/x" })
      .accounts({ nodeKey: exec.publicKey, config, node, task } as never)
      .instruction();
    const v = await ctx.sendIxs([reveal], [exec]);
    expect(v.error, v.logs.join("\n")).to.equal(null);
    expect((await ctx.client.tasks.fetchResult({ task, nodeKey: exec.publicKey }))!.status).to.equal(2);
  });
});
