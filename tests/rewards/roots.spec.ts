/**
 * post_verifier_root (docs/rewards.md §3.2): after an epoch's end a verifier's signed Merkle root over
 * its totals is recorded once, checked through the ed25519 precompile by introspection. The happy path
 * (anyone may carry the signature), the credit window, the verifier's standing, the prefunded address,
 * and the ed25519 matrix — each attack a named failing case, asserted by the error it expects.
 */
import { type Idl } from "@coral-xyz/anchor";
import { ComputeBudgetProgram, Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import rewardsIdl from "../../sdk/src/idl/lumora_rewards.json" with { type: "json" };
import { configPda, epochPda, verifierRootPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { INSTRUCTIONS_SYSVAR_ID, ed25519Instruction } from "../../sdk/src/rewards.js";
import { actor, actors, ctx } from "../harness/context.js";
import { eventsOf, expectTxProgramError } from "../harness/expect.js";
import { type RewardsEnv, caller, callerAuthority, ok, postRoot, rootIxs, signRoot, startRewardsChain, total, treeOf } from "./env.js";

type Node = Awaited<ReturnType<RewardsEnv["register"]>>;

describe("rewards: post_verifier_root (signed roots, ed25519 introspection)", () => {
  let env: RewardsEnv;
  let epoch: bigint;
  let provider: Node, v1: Node, v2: Node, v3: Node, jailed: Node, plain: Node, late: Node;
  const send = (ixs: TransactionInstruction[], signers = [actors.admin]) => env.send(ixs, signers);
  const tree = () => treeOf([{ provider, total: total() }]);
  const fetchRoot = (v: Node) => env.client.rewards.fetchVerifierRoot({ verifierKey: v.key.publicKey, epochIndex: epoch });

  before(async () => {
    env = await startRewardsChain();
    provider = await env.register("rt-provider", actors.alice, ROLES.PROVIDER);
    v1 = await env.register("rt-verifier-1", actors.bob, ROLES.VERIFIER);
    v2 = await env.register("rt-verifier-2", actor("carol"), ROLES.VERIFIER);
    v3 = await env.register("rt-verifier-3", actor("rt-op-3"), ROLES.VERIFIER);
    jailed = await env.register("rt-verifier-jailed", actor("dave"), ROLES.VERIFIER);
    plain = await env.register("rt-provider-only", actors.mallory, ROLES.PROVIDER);
    epoch = await env.epochNow();
    await env.openEpoch(epoch);
    late = await env.register("rt-verifier-late", actor("rt-op-late"), ROLES.VERIFIER);
  });

  it("NotInCreditWindow: no root while the epoch runs (its totals are not final)", async () => {
    expectTxProgramError(await send(await rootIxs(env, v1, epoch, tree())), "rewards", "NotInCreditWindow");
  });

  it("after the epoch's end: records the root once (VerifierRoot: epoch, verifier, operator, slot, root, leaf count, payer; VerifierRootPosted)", async () => {
    await env.toCreditWindow(epoch);
    const t = treeOf([{ provider, total: total() }, { provider: plain, total: total({ capacityKbps: 7 }) }]);
    const m = await send(await rootIxs(env, v1, epoch, t));
    ok(m);
    expect(eventsOf(m, rewardsIdl as Idl, PROGRAM_IDS.rewards).map((e) => e.name)).to.include("VerifierRootPosted");
    const r = (await fetchRoot(v1))!;
    const slot = (await env.client.registry.fetchNode(v1.key.publicKey))!.verifierSlot;
    expect(r.epochIndex.toString()).to.equal(epoch.toString());
    expect(r.verifier.toBase58()).to.equal(v1.node.toBase58());
    expect(r.operator.toBase58()).to.equal(actors.bob.publicKey.toBase58());
    expect(r.slot).to.equal(slot);
    expect(Buffer.from(r.root as number[]).equals(Buffer.from(t.root))).to.equal(true);
    expect(r.leafCount).to.equal(2);
    expect(r.payer.toBase58()).to.equal(actors.admin.publicKey.toBase58());
  });

  it("RootAlreadyPosted: one root per (epoch, verifier), even a different one signed by the same key", async () => {
    const other = treeOf([{ provider, total: total({ capacityKbps: 999_999 }) }]);
    expectTxProgramError(await send(await rootIxs(env, v1, epoch, other)), "rewards", "RootAlreadyPosted");
  });

  it("anyone may carry a verifier's signed root: the signature is the authority, the carrier pays the rent", async () => {
    const t = tree();
    const signed = await signRoot(env, v2, epoch, t);
    const ixs = await rootIxs(env, v2, epoch, t, signed);
    // the payer is the first account of post_verifier_root: mallory carries it
    ixs[1]!.keys[0]!.pubkey = actors.mallory.publicKey;
    ok(await env.send(ixs, [actors.mallory]));
    expect((await fetchRoot(v2))!.payer.toBase58()).to.equal(actors.mallory.publicKey.toBase58());
  });

  it("Ed25519InstructionNotFound: no precompile, or the precompile not right before", async () => {
    const [ed, post] = await rootIxs(env, v3, epoch, tree());
    expectTxProgramError(await send([post!]), "rewards", "Ed25519InstructionNotFound");
    expectTxProgramError(await send([ed!, ComputeBudgetProgram.setComputeUnitLimit({ units: 400_000 }), post!]), "rewards", "Ed25519InstructionNotFound");
    expectTxProgramError(await send([post!, ed!]), "rewards", "Ed25519InstructionNotFound");
  });

  it("Ed25519OffsetsOutside: offsets pointing into another instruction", async () => {
    const [ed, post] = await rootIxs(env, v3, epoch, tree());
    // a second precompile whose single entry verifies the bytes of instruction 0 (valid for the runtime)
    const data = Buffer.alloc(16);
    data.writeUInt8(1, 0);
    ed!.data.copy(data, 2, 2, 16);
    for (const at of [4, 8, 14]) data.writeUInt16LE(0, at);
    const pointing = new TransactionInstruction({ programId: ed!.programId, keys: [], data });
    expectTxProgramError(await send([ed!, pointing, post!]), "rewards", "Ed25519OffsetsOutside");
  });

  it("Ed25519SignatureCount: two signatures where one is expected", async () => {
    const t = tree();
    const a = await signRoot(env, v3, epoch, t);
    const ed = ed25519Instruction({ signed: [a, a] });
    const [, post] = await rootIxs(env, v3, epoch, t, a);
    expectTxProgramError(await send([ed, post!]), "rewards", "Ed25519SignatureCount");
  });

  it("SignedMessageMismatch: a signature over another slot, leaf count, root or epoch than the instruction claims", async () => {
    const t = tree();
    const slot = (await env.client.registry.fetchNode(v3.key.publicKey))!.verifierSlot as number;
    for (const over of [{ slot: slot + 1 }, { leafCount: 2 }, { root: new Uint8Array(32).fill(9) }]) {
      const signed = await signRoot(env, v3, epoch, t, over);
      expectTxProgramError(await send(await rootIxs(env, v3, epoch, t, signed)), "rewards", "SignedMessageMismatch");
    }
    const stale = await signRoot(env, v3, epoch - 1n, t);
    expectTxProgramError(await send(await rootIxs(env, v3, epoch, t, stale)), "rewards", "SignedMessageMismatch");
  });

  it("SignerNotVerifier: the right message signed by another key (a second wallet's node)", async () => {
    const t = tree();
    const forged = await signRoot(env, v3, epoch, t, { signer: v1.key });
    expectTxProgramError(await send(await rootIxs(env, v3, epoch, t, forged)), "rewards", "SignerNotVerifier");
    // and a signature that does not verify never reaches the program: the precompile fails the
    // transaction. (LiteSVM only: solana-bankrun 0.4 runs without signature verification, which is where
    // the runtime checks precompiles, so there a bad signature would pass and post v3's root.)
    if (ctx.vm === "litesvm") {
      const good = await signRoot(env, v3, epoch, t);
      const broken = { ...good, signature: nacl.sign.detached(new Uint8Array(8), v3.key.secretKey) };
      const m = await send(await rootIxs(env, v3, epoch, t, broken));
      expect(m.error, "the ed25519 precompile refuses a bad signature").to.not.equal(null);
    }
  });

  it("WrongInstructionsSysvar: a spoofed instructions-sysvar account", async () => {
    const [ed, post] = await rootIxs(env, v3, epoch, tree());
    post!.keys.find((k) => k.pubkey.equals(INSTRUCTIONS_SYSVAR_ID))!.pubkey = Keypair.generate().publicKey;
    expectTxProgramError(await send([ed!, post!]), "rewards", "WrongInstructionsSysvar");
  });

  it("InvalidLeafCount: a root over no leaves", async () => {
    const t = tree();
    const signed = await signRoot(env, v3, epoch, t);
    // leaf count 0, signed as such (bytes 124..128 of the message)
    const message = Uint8Array.from(signed.message);
    message.fill(0, 124, 128);
    const zero = { message, signature: nacl.sign.detached(message, v3.key.secretKey), signer: signed.signer };
    const [ed, post] = await rootIxs(env, v3, epoch, t, zero);
    post!.data.fill(0, post!.data.length - 4); // the leaf_count argument (last u32)
    expectTxProgramError(await send([ed!, post!]), "rewards", "InvalidLeafCount");
  });

  it("NotAVerifier, VerifierJailed, VerifierSlotAfterSeed: only a verifier in good standing that held its slot when the draws were fixed", async () => {
    expectTxProgramError(await send(await rootIxs(env, plain, epoch, tree())), "rewards", "NotAVerifier");
    for (let i = 0; i < 20 && (await env.client.registry.fetchNode(jailed.key.publicKey))!.jailed === 0; i++)
      ok(await send([await caller.methods.forwardRecordOutcome(false).accountsStrict({ authority: callerAuthority, config: configPda().address, node: jailed.node, registry: PROGRAM_IDS.registry }).instruction()]));
    expect((await env.client.registry.fetchNode(jailed.key.publicKey))!.jailed).to.equal(1);
    expectTxProgramError(await send(await rootIxs(env, jailed, epoch, tree())), "rewards", "VerifierJailed");
    expectTxProgramError(await send(await rootIxs(env, late, epoch, tree())), "rewards", "VerifierSlotAfterSeed");
  });

  it("ProtocolPaused", async () => {
    await env.client.registry.setPaused({ admin: actors.admin, paused: true });
    expectTxProgramError(await send(await rootIxs(env, v3, epoch, tree())), "rewards", "ProtocolPaused");
    await env.client.registry.setPaused({ admin: actors.admin, paused: false });
  });

  it("a prefunded root address does not block the root (allocate + assign instead of create_account)", async () => {
    const address = verifierRootPda({ epoch: epochPda({ index: epoch }).address, verifier: v3.node }).address;
    await env.chain.setAccount({ address, lamports: 890_880, data: new Uint8Array(), owner: PublicKey.default });
    await postRoot(env, v3, epoch, [{ provider, total: total() }]);
    const info = (await env.chain.getAccount(address))!;
    expect(info.owner.toBase58()).to.equal(PROGRAM_IDS.rewards.toBase58());
    expect((await fetchRoot(v3))!.leafCount).to.equal(1);
  });

  it("NotInCreditWindow: no root after the credit deadline", async () => {
    const e = (await env.client.rewards.fetchEpoch(epoch))!;
    await env.chain.warp(Number(BigInt(e.creditDeadline.toString()) - (await env.chain.now())));
    // a verifier that held its slot at the opening and never posted (released from jail or not: the window is over)
    const lateRoot = await rootIxs(env, jailed, epoch, tree());
    expect((await env.chain.now()) >= BigInt(e.creditDeadline.toString())).to.equal(true);
    expectTxProgramError(await send(lateRoot), "rewards", "NotInCreditWindow");
  });
});
