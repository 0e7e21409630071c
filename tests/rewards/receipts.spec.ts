/**
 * submit_receipts: Proof-of-Bandwidth receipts checked through the ed25519 precompile by introspection.
 * The happy path, compute units by batch size, and the ed25519 matrix — each attack a named failing
 * case, asserted by the error it expects.
 */
import { type Idl } from "@coral-xyz/anchor";
import { ComputeBudgetProgram, Keypair, Transaction, TransactionInstruction, type VersionedTransaction } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import rewardsIdl from "../../sdk/src/idl/lumora_rewards.json" with { type: "json" };
import { BN } from "../../sdk/src/bn.js";
import { rewardsProgram } from "../../sdk/src/instructions/rewards.js";
import { configPda, contributionPda, epochPda, epochShardPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { INSTRUCTIONS_SYSVAR_ID, batchReceipts, maxReceiptsPerTransaction, receiptsEd25519Instruction, submitReceiptsTxSize, submitReceiptsV0TxSize } from "../../sdk/src/rewards.js";
import { submitReceiptsV0Transaction } from "../../sdk/src/transactions/rewards.js";
import type { TxMeta } from "../../tools/chain/index.js";
import { batchMetrics } from "../../sdk/src/rewards-math.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { actor, actors } from "../harness/context.js";
import { eventsOf, expectTxProgramError } from "../harness/expect.js";
import { recordTransaction } from "../harness/cu.js";
import { type RewardsEnv, caller, callerAuthority, ok, programIds, receipt, startRewardsChain, submitIxs } from "./env.js";

const program = rewardsProgram();
type Node = Awaited<ReturnType<RewardsEnv["register"]>>;

describe("rewards: submit_receipts (Proof-of-Bandwidth, ed25519 introspection)", () => {
  let env: RewardsEnv;
  let epoch: bigint;
  let provider: Node, v1: Node, v2: Node, sameOp: Node, jailed: Node;
  let seq = 100n;
  const next = () => ++seq;
  const carol = actor("carol");
  const dave = actor("dave");

  const send = (ixs: TransactionInstruction[]) => env.send(ixs, [provider.key]);
  const contribution = async () => {
    const info = await env.chain.getAccount(contributionPda({ epoch: epochPda({ index: epoch }).address, node: provider.node }).address);
    return program.coder.accounts.decode("contribution", info!.data);
  };

  before(async () => {
    env = await startRewardsChain();
    provider = await env.register("provider", actors.alice, ROLES.PROVIDER, 400_000);
    v1 = await env.register("verifier-1", actors.bob, ROLES.VERIFIER);
    v2 = await env.register("verifier-2", carol, ROLES.VERIFIER | ROLES.PROVIDER);
    sameOp = await env.register("verifier-same-operator", actors.alice, ROLES.VERIFIER);
    jailed = await env.register("verifier-jailed", dave, ROLES.VERIFIER);
    epoch = await env.epochNow();
    await env.openEpoch(epoch);
  });

  it("credits one receipt: contribution (recording the operator), shard total, verified metrics (ReceiptsCredited); no registry obligation", async () => {
    const r = receipt(provider.key, v1.key, { epoch, bytes: 25_000_000n, durationMs: 1_000, rttMs: 30, seq: next() });
    const m = await send(await submitIxs(provider, epoch, [r]));
    ok(m);
    const ev = eventsOf(m, rewardsIdl as Idl, PROGRAM_IDS.rewards).filter((e) => e.name === "ReceiptsCredited");
    expect(ev).to.have.length(1);
    const c = await contribution();
    expect(c.contribution.toString()).to.equal("25000000");
    expect(c.receiptBytes.toString()).to.equal("25000000");
    expect(c.operator.toBase58()).to.equal(actors.alice.publicKey.toBase58());
    const shard = await env.chain.getAccount(epochShardPda({ epoch: epochPda({ index: epoch }).address, shard: provider.shard }).address);
    expect(program.coder.accounts.decode("epochShard", shard!.data).totalContribution.toString()).to.equal("25000000");
    const n = (await env.client.registry.fetchNode(provider.key.publicKey))!;
    const expected = batchMetrics([{ bytes: 25_000_000n, durationMs: 1_000, rttMs: 30 }]);
    expect(n.verifiedBandwidthKbps.toString()).to.equal(expected.bandwidthKbps.toString());
    expect(n.verifiedLatencyMs).to.equal(expected.latencyMs);
    // the claim pays the recorded operator, so nothing holds the node open until it claims
    expect(n.unclaimedEpochs).to.equal(0);
  });

  it("batches of 1 and of the largest that fits one legacy transaction (compute units recorded per size)", async () => {
    // 222 bytes per receipt are irreducible (message 144 + signature 64 + offsets 14): with the 11 fixed
    // accounts a 1 232-byte legacy transaction holds 2; the SDK's size model must agree with the VM
    const largest = maxReceiptsPerTransaction({ verifiers: () => 2 });
    expect(largest).to.equal(2);
    expect(maxReceiptsPerTransaction({ verifiers: (n) => n })).to.equal(2);
    for (const size of [1, largest]) {
      const rs = Array.from({ length: size }, (_, i) => receipt(provider.key, i % 2 ? v2.key : v1.key, { epoch, bytes: 1_000_000n, seq: next() }));
      const m = await send(await submitIxs(provider, epoch, rs));
      ok(m);
      expect(m.size).to.be.at.most(1232);
      expect(m.size, "the SDK's size model").to.equal(submitReceiptsTxSize({ n: size, verifiers: new Set(rs.map((r) => Buffer.from(r.message.subarray(88, 120)).toString("hex"))).size }));
      recordTransaction(m, `submit_receipts (${size} receipt${size > 1 ? "s" : ""}${size === largest ? ", largest" : ""})`);
      console.log(`      submit_receipts × ${size}: ${m.computeUnits} CU, ${m.size} tx bytes`);
    }
  });

  it("a batch of 4: over the 1 232-byte packet (web3.js refuses it), so measured on LiteSVM from raw wire bytes — the per-receipt cost", async () => {
    const rs = Array.from({ length: 4 }, (_, i) => receipt(provider.key, i % 2 ? v2.key : v1.key, { epoch, bytes: 1_000_000n, seq: next() }));
    const tx = new Transaction().add(...(await submitIxs(provider, epoch, rs)));
    tx.feePayer = provider.key.publicKey;
    tx.recentBlockhash = "11111111111111111111111111111111";
    expect(() => tx.serialize({ requireAllSignatures: false, verifySignatures: false }), "no cluster would carry it").to.throw(/too large/i);
    const expectedSize = submitReceiptsTxSize({ n: 4, verifiers: 2 });
    expect(expectedSize).to.be.greaterThan(1232);
    if (env.chain.kind !== "litesvm") return; // bankrun serialises through web3.js: it cannot send it at all
    const svm = (env.chain.provider as unknown as { svm: { latestBlockhash(): string; sendLegacyTransaction(b: Uint8Array): unknown } }).svm;
    const before = (await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch }))!;
    tx.recentBlockhash = svm.latestBlockhash();
    tx.sign(provider.key);
    const message = tx.serializeMessage();
    const wire = Buffer.concat([Buffer.from([1]), Buffer.from(tx.signature!), message]);
    expect(wire.length, "the SDK's size model").to.equal(expectedSize);
    const res = svm.sendLegacyTransaction(wire) as { computeUnitsConsumed?: () => bigint; meta?: () => unknown; err?: () => unknown };
    expect(typeof res.computeUnitsConsumed, `refused: ${String((res as { err?: () => unknown }).err?.())}`).to.equal("function");
    const cu = Number(res.computeUnitsConsumed!());
    console.log(`      submit_receipts × 4 (${wire.length} bytes, VM only): ${cu} CU`);
    const after = (await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch }))!;
    expect(BigInt(after.receiptBytes.toString()) - BigInt(before.receiptBytes.toString()), "all four credited").to.equal(4_000_000n);
  });

  it("a batch of 3 as a v0 transaction over the provider's lookup table: the largest that fits any transaction; the SDK's v0 size model agrees", async () => {
    expect(maxReceiptsPerTransaction({ lookupTable: true, verifiers: () => 2 })).to.equal(3);
    expect(maxReceiptsPerTransaction({ lookupTable: true, verifiers: () => 2, signers: 2 })).to.equal(3);
    expect(submitReceiptsV0TxSize({ n: 4, verifiers: 2 })).to.be.greaterThan(1232);
    const table = await env.client.rewards.createReceiptsLookupTable({ providerKey: provider.key.publicKey, epochIndex: epoch, verifiers: [v1.key.publicKey, v2.key.publicKey] });
    await env.chain.warp(1); // a table's addresses are usable from the slot after they were added
    const rs = Array.from({ length: 3 }, (_, i) => receipt(provider.key, i % 2 ? v2.key : v1.key, { epoch, bytes: 1_000_000n, seq: next() }));
    expect(batchReceipts({ receipts: [...rs, ...rs], lookupTable: true }).map((b) => b.length)).to.deep.equal([3, 3]);
    const lookupTable = (await env.client.rewards.provider.connection.getAddressLookupTable(table)).value!;
    const before = (await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch }))!;
    // sent raw to record its size and compute units (the client's submitReceiptsV0 sends the same bytes)
    const tx = await submitReceiptsV0Transaction({ providerKey: provider.key.publicKey, payer: provider.key.publicKey, shard: provider.shard, epochIndex: epoch, receipts: rs, programIds, lookupTable, recentBlockhash: (await env.client.rewards.provider.connection.getLatestBlockhash()).blockhash });
    tx.sign([provider.key]);
    const m = await (env.chain.provider as unknown as { execute(t: VersionedTransaction): Promise<TxMeta> | TxMeta }).execute(tx);
    ok(m);
    expect(m.size).to.be.at.most(1232);
    expect(m.size, "the SDK's v0 size model").to.equal(submitReceiptsV0TxSize({ n: 3, verifiers: 2 }));
    recordTransaction(m, "submit_receipts (3 receipts, v0 + lookup table, largest)");
    console.log(`      submit_receipts × 3 (v0 + lookup table): ${m.computeUnits} CU, ${m.size} tx bytes`);
    const after = (await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch }))!;
    expect(BigInt(after.receiptBytes.toString()) - BigInt(before.receiptBytes.toString()), "all three credited").to.equal(3_000_000n);
    // and through the client
    const more = Array.from({ length: 3 }, (_, i) => receipt(provider.key, i % 2 ? v2.key : v1.key, { epoch, bytes: 1_000_000n, seq: next() }));
    await env.client.rewards.submitReceiptsV0({ providerKey: provider.key, epochIndex: epoch, receipts: more, lookupTable: table });
    const last = (await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch }))!;
    expect(BigInt(last.receiptBytes.toString()) - BigInt(after.receiptBytes.toString())).to.equal(3_000_000n);
  });

  it("Ed25519InstructionNotFound: no precompile instruction", async () => {
    const [, submit] = await submitIxs(provider, epoch, [receipt(provider.key, v1.key, { epoch, bytes: 1n, seq: next() })]);
    expectTxProgramError(await send([submit!]), "rewards", "Ed25519InstructionNotFound");
  });

  it("Ed25519InstructionNotFound: the precompile at another index (not right before submit_receipts)", async () => {
    const [ed, submit] = await submitIxs(provider, epoch, [receipt(provider.key, v1.key, { epoch, bytes: 1n, seq: next() })]);
    expectTxProgramError(await send([ed!, ComputeBudgetProgram.setComputeUnitLimit({ units: 400_000 }), submit!]), "rewards", "Ed25519InstructionNotFound");
    expectTxProgramError(await send([submit!, ed!]), "rewards", "Ed25519InstructionNotFound");
  });

  it("Ed25519OffsetsOutside: offsets pointing into another instruction", async () => {
    const [ed, submit] = await submitIxs(provider, epoch, [receipt(provider.key, v1.key, { epoch, bytes: 1n, seq: next() })]);
    // a second precompile whose single entry verifies the bytes of instruction 0 (valid for the runtime)
    const data = Buffer.alloc(16);
    data.writeUInt8(1, 0);
    ed!.data.copy(data, 2, 2, 16);
    for (const at of [4, 8, 14]) data.writeUInt16LE(0, at);
    const pointing = new TransactionInstruction({ programId: ed!.programId, keys: [], data });
    expectTxProgramError(await send([ed!, pointing, submit!]), "rewards", "Ed25519OffsetsOutside");
  });

  it("Ed25519SignatureCount: two signatures where one was expected", async () => {
    const a = receipt(provider.key, v1.key, { epoch, bytes: 1n, seq: next() });
    const b = receipt(provider.key, v1.key, { epoch, bytes: 1n, seq: next() });
    const [ed] = await submitIxs(provider, epoch, [a, b]);
    const [, submit] = await submitIxs(provider, epoch, [a]);
    expectTxProgramError(await send([ed!, submit!]), "rewards", "Ed25519SignatureCount");
  });

  it("ReceiptMismatch: the signed message differs from the credited receipt by one byte", async () => {
    const s = next();
    const signed = receipt(provider.key, v1.key, { epoch, bytes: 1_000n, seq: s });
    const claimed = receipt(provider.key, v1.key, { epoch, bytes: 1_001n, seq: s });
    expect(Buffer.compare(Buffer.from(signed.message), Buffer.from(claimed.message))).to.not.equal(0);
    const [ed] = await submitIxs(provider, epoch, [signed]);
    const [, submit] = await submitIxs(provider, epoch, [claimed]);
    expectTxProgramError(await send([ed!, submit!]), "rewards", "ReceiptMismatch");
  });

  it("SignerNotVerifier: the right message signed by the wrong key", async () => {
    const r = receipt(provider.key, v1.key, { epoch, bytes: 1_000n, seq: next() });
    const forged = { message: r.message, signature: nacl.sign.detached(r.message, actors.mallory.secretKey) };
    const ed = receiptsEd25519Instruction({ receipts: [forged] });
    actors.mallory.publicKey.toBuffer().copy(ed.data, 16); // the key field of block 0: mallory (the runtime verifies it)
    const [, submit] = await submitIxs(provider, epoch, [r]);
    expectTxProgramError(await send([ed, submit!]), "rewards", "SignerNotVerifier");
  });

  it("WrongInstructionsSysvar: a spoofed instructions-sysvar account", async () => {
    const [ed, submit] = await submitIxs(provider, epoch, [receipt(provider.key, v1.key, { epoch, bytes: 1n, seq: next() })]);
    const fake = Keypair.generate().publicKey;
    const meta = submit!.keys.find((k) => k.pubkey.equals(INSTRUCTIONS_SYSVAR_ID))!;
    meta.pubkey = fake;
    expectTxProgramError(await send([ed!, submit!]), "rewards", "WrongInstructionsSysvar");
  });

  it("ReplayedSequence: the same receipt twice, and a lower sequence number", async () => {
    const s = next();
    const r = receipt(provider.key, v1.key, { epoch, bytes: 10n, seq: s });
    ok(await send(await submitIxs(provider, epoch, [r])));
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "ReplayedSequence");
    const lower = receipt(provider.key, v1.key, { epoch, bytes: 10n, seq: s - 50n });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [lower])), "rewards", "ReplayedSequence");
  });

  it("StaleEpoch: a receipt signed for the previous epoch", async () => {
    const r = receipt(provider.key, v1.key, { epoch: epoch - 1n, bytes: 10n, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "StaleEpoch");
  });

  it("VerifierIsProvider: the provider signs its own receipt", async () => {
    const r = receipt(provider.key, provider.key, { epoch, bytes: 10n, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "VerifierIsProvider");
  });

  it("VerifierSameOperator: a verifier run by the provider's operator", async () => {
    const r = receipt(provider.key, sameOp.key, { epoch, bytes: 10n, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "VerifierSameOperator");
  });

  it("VerifierJailed: a verifier jailed by task outcomes (registry record_outcome through the tasks authority)", async () => {
    for (let i = 0; i < 20; i++) {
      const m = await env.send(
        [await caller.methods.forwardRecordOutcome(false).accountsStrict({ authority: callerAuthority, config: configPda().address, node: jailed.node, registry: PROGRAM_IDS.registry }).instruction()],
        [actors.admin],
      );
      ok(m);
      if ((await env.client.registry.fetchNode(jailed.key.publicKey))!.jailed === 1) break;
    }
    expect((await env.client.registry.fetchNode(jailed.key.publicKey))!.jailed).to.equal(1);
    const r = receipt(provider.key, jailed.key, { epoch, bytes: 10n, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "VerifierJailed");
  });

  it("NotAVerifier: a node without the VERIFIER role", async () => {
    const plain = await env.register("provider-only", actors.mallory, ROLES.PROVIDER);
    const r = receipt(provider.key, plain.key, { epoch, bytes: 10n, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "NotAVerifier");
  });

  it("RateAboveCap: a receipt whose bytes·8/duration exceeds the provider's cap", async () => {
    // cap 400 000 kbps over 1 000 ms allows 50 000 000 bytes
    ok(await send(await submitIxs(provider, epoch, [receipt(provider.key, v1.key, { epoch, bytes: 50_000_000n, durationMs: 1_000, seq: next() })])));
    const r = receipt(provider.key, v1.key, { epoch, bytes: 50_000_001n, durationMs: 1_000, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "RateAboveCap");
  });

  it("NotCurrentEpoch: receipts against an epoch that is over", async () => {
    await env.chain.warp(86_400);
    const now = await env.epochNow();
    const r = receipt(provider.key, v1.key, { epoch, bytes: 10n, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "NotCurrentEpoch");
    await env.openEpoch(now);
    epoch = now;
  });

  it("ProtocolPaused", async () => {
    await env.client.registry.setPaused({ admin: actors.admin, paused: true });
    const r = receipt(provider.key, v1.key, { epoch, bytes: 10n, seq: next() });
    expectTxProgramError(await send(await submitIxs(provider, epoch, [r])), "rewards", "ProtocolPaused");
    await env.client.registry.setPaused({ admin: actors.admin, paused: false });
    ok(await send(await submitIxs(provider, epoch, [r])));
  });

  it("a new epoch starts a new replay guard (receipts name their epoch)", async () => {
    const c = await contribution();
    expect(c.epochIndex.toString()).to.equal(epoch.toString());
    expect(new BN(c.verifierCount).toNumber()).to.equal(1);
  });
});
