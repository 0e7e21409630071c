/**
 * credit_epoch (docs/rewards.md §3.3–3.4): a provider is credited once per ended epoch with the q-th
 * largest of its drawn verifiers' totals (q = 3 here), each proved by a Merkle path against the root its
 * verifier posted. The happy path and every refusal, each asserted by the error it expects; attack tests
 * for colluding verifiers below the quorum, a second wallet's verifier, inflated totals, the stake bound,
 * the declared cap and the epoch's length; and the prefunded addresses.
 */
import { type Idl } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import rewardsIdl from "../../sdk/src/idl/lumora_rewards.json" with { type: "json" };
import { contributionPda, epochPda, epochShardPda, verifierRootPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { capacityTime } from "../../sdk/src/totals.js";
import { actor, actors } from "../harness/context.js";
import { eventsOf, expectTxFrameworkError, expectTxProgramError } from "../harness/expect.js";
import { closeVerifierRootInstruction } from "../../sdk/src/instructions/rewards.js";
import { type RewardsEnv, credit, creditIxs, drawFor, ok, postRoot, programIds, startRewardsChain, total, treeOf } from "./env.js";

type Node = Awaited<ReturnType<RewardsEnv["register"]>>;
type Tree = Awaited<ReturnType<typeof postRoot>>;
const EPOCH_MS = 86_400_000n;
const CAP = 400_000; // the providers' declared cap, kbps

describe("rewards: credit_epoch (q-th largest of the drawn verifiers' totals, q = 3)", () => {
  let env: RewardsEnv;
  let epoch: bigint;
  let p: Node, pAlice: Node, p2: Node, p3: Node, pBig: Node, pZero: Node, pSelf: Node, pAttacker: Node, pGround: Node, plain: Node;
  let v1: Node, v2: Node, v3: Node, v4: Node, sameOp: Node, colluder1: Node, colluder2: Node;
  const trees = new Map<string, Tree>();
  const tree = (v: Node) => trees.get(v.node.toBase58())!;
  const contribution = (n: Node) => env.client.rewards.fetchContribution({ nodeKey: n.key.publicKey, epochIndex: epoch });
  const value = (t: ReturnType<typeof total>) => capacityTime({ total: t, capKbps: BigInt(CAP), epochMs: EPOCH_MS });
  // what the honest verifiers v1 … v4 measured of each provider
  const honest = {
    p: [total({ capacityKbps: 3_000, liveMs: 8_000 }), total({ capacityKbps: 2_000, liveMs: 8_000 }), total({ capacityKbps: 5_000, liveMs: 8_000 }), total({ capacityKbps: 1_000, liveMs: 8_000 })],
    // above p3's declared 1 000 kbps
    p3: total({ capacityKbps: 50_000, liveMs: 8_000 }),
    // above the cap and beyond the epoch's length
    big: total({ capacityKbps: 4_000_000, liveMs: 0xffff_ffff }),
    other: total({ capacityKbps: 1_000, liveMs: 4_000 }),
    zero: total({ capacityKbps: 0, liveMs: 0, bytes: 0n }),
  };
  const honestTotal = (n: Node, i: number) => (n === p ? honest.p[i]! : n === p3 ? honest.p3 : n === pBig ? honest.big : n === pZero ? honest.zero : honest.other);

  before(async () => {
    env = await startRewardsChain({ creditQuorum: 3 });
    p = await env.register("cr-provider", actors.alice, ROLES.PROVIDER, CAP);
    pAlice = await env.register("cr-provider-alice-2", actors.alice, ROLES.PROVIDER, CAP);
    p2 = await env.register("cr-provider-2", actor("cr-op-p2"), ROLES.PROVIDER, CAP);
    p3 = await env.register("cr-provider-3", actor("cr-op-p3"), ROLES.PROVIDER, 1_000);
    pBig = await env.register("cr-provider-big", actor("cr-op-big"), ROLES.PROVIDER, CAP);
    pZero = await env.register("cr-provider-silent", actor("cr-op-zero"), ROLES.PROVIDER, CAP);
    plain = await env.register("cr-executor", actor("cr-op-plain"), ROLES.EXECUTOR);
    v1 = await env.register("cr-verifier-1", actors.bob, ROLES.VERIFIER);
    v2 = await env.register("cr-verifier-2", actor("carol"), ROLES.VERIFIER);
    v3 = await env.register("cr-verifier-3", actor("dave"), ROLES.VERIFIER);
    v4 = await env.register("cr-verifier-4", actor("cr-op-v4"), ROLES.VERIFIER);
    sameOp = await env.register("cr-verifier-same-operator", actors.alice, ROLES.VERIFIER);
    pSelf = await env.register("cr-verifier-provider", actor("cr-op-self"), ROLES.VERIFIER | ROLES.PROVIDER, CAP);
    // an attacker: its provider and two verifiers under a second wallet
    pAttacker = await env.register("cr-attacker-provider", actors.mallory, ROLES.PROVIDER, CAP);
    colluder1 = await env.register("cr-colluder-1", actor("cr-op-mallory-2"), ROLES.VERIFIER);
    colluder2 = await env.register("cr-colluder-2", actor("cr-op-mallory-2"), ROLES.VERIFIER);
    epoch = await env.epochNow();
    await env.openEpoch(epoch);
    pGround = await env.register("cr-provider-after-seed", actor("cr-op-ground"), ROLES.PROVIDER, CAP);
  });

  it("NotInCreditWindow: no credit while the epoch runs", async () => {
    const local = treeOf([{ provider: p, total: total() }]);
    expectTxProgramError(await credit(env, p, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: local }))), "rewards", "NotInCreditWindow");
  });

  it("after the end every verifier posts its root; the provider proves three totals and is credited the smallest (EpochCredited)", async () => {
    await env.toCreditWindow(epoch);
    const everyone = [p, pAlice, p2, p3, pBig, pZero, pSelf, pAttacker, pGround, plain];
    for (const [i, v] of [v1, v2, v3, v4].entries()) trees.set(v.node.toBase58(), await postRoot(env, v, epoch, everyone.map((n) => ({ provider: n, total: honestTotal(n, i) }))));
    trees.set(sameOp.node.toBase58(), await postRoot(env, sameOp, epoch, [{ provider: pAlice, total: total({ capacityKbps: 4_000_000 }) }]));
    trees.set(pSelf.node.toBase58(), await postRoot(env, pSelf, epoch, everyone.map((n) => ({ provider: n, total: total({ capacityKbps: 4_000_000, liveMs: 86_400_000 }) }))));
    // the colluders report the most a total can say for the attacker's provider
    for (const c of [colluder1, colluder2]) trees.set(c.node.toBase58(), await postRoot(env, c, epoch, [{ provider: pAttacker, total: total({ capacityKbps: 0xffff_ffff, liveMs: 0xffff_ffff, bytes: (1n << 64n) - 1n }) }]));

    // v1, v2, v3 measured 3 000, 2 000 and 5 000 kbps: the credit is the third largest of the three, 2 000
    const m = await credit(env, p, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) })));
    ok(m);
    const c = (await contribution(p))!;
    expect(c.contribution.toString()).to.equal(value(honest.p[1]!).toString());
    expect(c.measured.toString()).to.equal(value(honest.p[1]!).toString());
    expect(c.capacityKbps).to.equal(2_000);
    expect(c.operator.toBase58()).to.equal(actors.alice.publicKey.toBase58());
    expect(c.verifierCount).to.equal(3);
    expect((c.verifiers as PublicKey[]).slice(0, 3).map((k) => k.toBase58())).to.deep.equal([v1, v2, v3].map((v) => v.node.toBase58()));
    const ev = eventsOf(m, rewardsIdl as Idl, PROGRAM_IDS.rewards).filter((e) => e.name === "EpochCredited");
    expect(ev).to.have.length(1);
    const shard = await env.chain.getAccount(epochShardPda({ epoch: epochPda({ index: epoch }).address, shard: p.shard }).address);
    expect(shard!.owner.toBase58()).to.equal(PROGRAM_IDS.rewards.toBase58());
    const n = (await env.client.registry.fetchNode(p.key.publicKey))!;
    expect(n.verifiedBandwidthKbps.toString()).to.equal("2000");
    expect(n.verifiedLatencyMs).to.equal(20);
  });

  it("AlreadyCredited: once per provider per epoch, whatever proofs it brings next", async () => {
    expectTxProgramError(await credit(env, p, epoch, [v1, v3, v4].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "AlreadyCredited");
  });

  it("WrongProofCount: exactly q proofs, one root account per proof", async () => {
    expectTxProgramError(await credit(env, p2, epoch, [v1, v2].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "WrongProofCount");
    expectTxProgramError(await credit(env, p2, epoch, [v1, v2, v3, v4].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "WrongProofCount");
    const [ix] = await creditIxs(env, p2, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) })));
    ix!.keys.pop();
    expectTxProgramError(await env.send([ix!], [p2.key]), "rewards", "WrongProofCount");
  });

  it("DuplicateDraw: one draw twice, or two draws of the same verifier slot (one verifier cannot fill two ranks)", async () => {
    const d1 = await drawFor(env, p2, v1, epoch);
    expectTxProgramError(await credit(env, p2, epoch, [{ verifier: v1, tree: tree(v1), draw: d1 }, { verifier: v1, tree: tree(v1), draw: d1 }, { verifier: v2, tree: tree(v2) }]), "rewards", "DuplicateDraw");
    const d1b = await drawFor(env, p2, v1, epoch, [d1]); // k = 64 over 13 slots: v1's slot is drawn more than once
    expectTxProgramError(await credit(env, p2, epoch, [{ verifier: v1, tree: tree(v1), draw: d1 }, { verifier: v1, tree: tree(v1), draw: d1b }, { verifier: v2, tree: tree(v2) }]), "rewards", "DuplicateDraw");
  });

  it("DrawOutOfRange: a draw index at or beyond k", async () => {
    expectTxProgramError(await credit(env, p2, epoch, [{ verifier: v1, tree: tree(v1), draw: 64 }, { verifier: v2, tree: tree(v2) }, { verifier: v3, tree: tree(v3) }]), "rewards", "DrawOutOfRange");
  });

  it("WrongVerifierRoot: a root that is not the drawn slot's, another account type, an account of another program", async () => {
    const d2 = await drawFor(env, p2, v2, epoch);
    // v1's root against a draw that names v2's slot
    expectTxProgramError(await credit(env, p2, epoch, [{ verifier: v1, tree: tree(v1), draw: d2 }, { verifier: v3, tree: tree(v3) }, { verifier: v4, tree: tree(v4) }]), "rewards", "WrongVerifierRoot");
    const [ix] = await creditIxs(env, p2, epoch, [v1, v3, v4].map((v) => ({ verifier: v, tree: tree(v) })));
    for (const impostor of [epochPda({ index: epoch }).address, p2.node]) {
      ix!.keys[ix!.keys.length - 3]!.pubkey = impostor;
      expectTxProgramError(await env.send([ix!], [p2.key]), "rewards", "WrongVerifierRoot");
    }
  });

  it("attack: ProofMismatch — a drawn verifier's genuine path with an inflated total", async () => {
    const genuine = tree(v1).proof(p2.node)!;
    const inflated = { ...genuine.total, capacityKbps: genuine.total.capacityKbps * 100 };
    expectTxProgramError(await credit(env, p2, epoch, [{ verifier: v1, tree: tree(v1), total: inflated }, { verifier: v2, tree: tree(v2) }, { verifier: v3, tree: tree(v3) }]), "rewards", "ProofMismatch");
    // and another provider's leaf under the right root
    const stolen = tree(v1).proof(p.node)!;
    expectTxProgramError(await credit(env, p2, epoch, [{ verifier: v1, tree: tree(v1), total: stolen.total, path: stolen.path }, { verifier: v2, tree: tree(v2) }, { verifier: v3, tree: tree(v3) }]), "rewards", "ProofMismatch");
  });

  it("attack: VerifierSameOperator — the provider's own operator's verifier, even drawn, cannot vouch for it", async () => {
    expectTxProgramError(await credit(env, pAlice, epoch, [sameOp, v1, v2].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "VerifierSameOperator");
  });

  it("attack: VerifierIsProvider — a node with both roles cannot vouch for itself", async () => {
    expectTxProgramError(await credit(env, pSelf, epoch, [pSelf, v1, v2].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "VerifierIsProvider");
  });

  it("attack: two colluding drawn verifiers (a second wallet) below the quorum cannot raise the credit: the third, honest total decides", async () => {
    // with only the two colluders there is no third proof
    expectTxProgramError(await credit(env, pAttacker, epoch, [colluder1, colluder2].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "WrongProofCount");
    ok(await credit(env, pAttacker, epoch, [colluder1, colluder2, v1].map((v) => ({ verifier: v, tree: tree(v) }))));
    const c = (await contribution(pAttacker))!;
    expect(c.contribution.toString(), "the honest verifier's total").to.equal(value(honest.other).toString());
  });

  it("the declared cap bounds each total: measured above p3's 1 000 kbps counts as 1 000", async () => {
    ok(await credit(env, p3, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))));
    const c = (await contribution(p3))!;
    expect(c.measured.toString()).to.equal(((1_000n * 8_000n) / 8n).toString());
    expect(c.capacityKbps, "the total as measured").to.equal(50_000);
  });

  it("attack: a capture of all three draws is bounded — capacity by the declared cap, live time by the epoch, the credit by stake × ρ", async () => {
    ok(await credit(env, pBig, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))));
    const c = (await contribution(pBig))!;
    // 400 000 kbps × 86 400 000 ms / 8, not 4 000 000 kbps × u32::MAX ms
    expect(c.measured.toString()).to.equal(((BigInt(CAP) * EPOCH_MS) / 8n).toString());
    const stake = BigInt((await env.client.registry.fetchNode(pBig.key.publicKey))!.stake.toString());
    expect(c.contribution.toString()).to.equal((stake * 540n).toString());
  });

  it("ProviderRegisteredAfterSeed, NotAProvider, WrongNode (only the provider's key chooses its proofs), ZeroCredit", async () => {
    expectTxProgramError(await credit(env, pGround, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "ProviderRegisteredAfterSeed");
    expectTxProgramError(await credit(env, plain, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "NotAProvider");
    const [ix] = await creditIxs(env, p2, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) })));
    ix!.keys[0]!.pubkey = actors.mallory.publicKey; // a griefer signs instead of the provider key
    expectTxProgramError(await env.send([ix!], [actors.mallory, p2.key]), "rewards", "WrongNode");
    // a provider its drawn verifiers found silent is credited nothing, and no account is created
    expectTxProgramError(await credit(env, pZero, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "ZeroCredit");
    expect(await contribution(pZero)).to.equal(null);
  });

  it("ProtocolPaused", async () => {
    await env.client.registry.setPaused({ admin: actors.admin, paused: true });
    expectTxProgramError(await credit(env, p2, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "ProtocolPaused");
    await env.client.registry.setPaused({ admin: actors.admin, paused: false });
  });

  it("attack: accounts read by offset are checked — WrongShard for another shard's total or a non-canonical address, AccountOwnedByWrongProgram for a config of another program, AccountDiscriminatorMismatch for an epoch of another type", async () => {
    const e = epochPda({ index: epoch }).address;
    const proofs = [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }));
    // account order: provider_key, payer, config, epoch, provider_node, epoch_shard, contribution, …
    const swap = async (...swaps: [number, PublicKey][]) => {
      const [ix] = await creditIxs(env, p2, epoch, proofs);
      for (const [index, key] of swaps) ix!.keys[index] = { ...ix!.keys[index]!, pubkey: key };
      return env.send([ix!], [p2.key]);
    };
    // the credited provider p's shard total exists: a genuine EpochShard, but of p's shard (or, when p2 shares
    // it, the other shard's empty canonical address stands in for "not this provider's shard")
    const other = p.shard !== p2.shard ? p.shard : (p2.shard + 1) % 65_536;
    expectTxProgramError(await swap([5, epochShardPda({ epoch: e, shard: other }).address]), "rewards", "WrongShard");
    expectTxProgramError(await swap([5, PublicKey.unique()]), "rewards", "WrongShard");
    expectTxFrameworkError(await swap([2, e]), PROGRAM_IDS.rewards, "AccountOwnedByWrongProgram");
    // an account of this program that is not an Epoch (p's shard total), with the contribution address its seeds give
    const notEpoch = epochShardPda({ epoch: e, shard: p.shard }).address;
    expectTxFrameworkError(await swap([3, notEpoch], [6, contributionPda({ epoch: notEpoch, node: p2.node }).address]), PROGRAM_IDS.rewards, "AccountDiscriminatorMismatch");
    expect(await contribution(p2)).to.equal(null);
  });

  it("prefunded contribution and shard addresses do not block the credit (allocate + assign instead of create_account)", async () => {
    const e = epochPda({ index: epoch }).address;
    await env.chain.setAccount({ address: contributionPda({ epoch: e, node: p2.node }).address, lamports: 890_880, data: new Uint8Array(), owner: PublicKey.default });
    const shard = epochShardPda({ epoch: e, shard: p2.shard }).address;
    if (!(await env.chain.getAccount(shard))) await env.chain.setAccount({ address: shard, lamports: 1, data: new Uint8Array(), owner: PublicKey.default });
    ok(await credit(env, p2, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))));
    expect((await contribution(p2))!.contribution.toString()).to.equal(value(honest.other).toString());
  });

  it("NotInCreditWindow: no credit after the deadline; close_verifier_root then returns each root's rent (CreditWindowOpen before)", async () => {
    const close = async (v: Node, rentReceiver = actors.admin.publicKey) => env.send([await closeVerifierRootInstruction({ verifierKey: v.key.publicKey, epochIndex: epoch, rentReceiver, programIds })], [actors.mallory]);
    expectTxProgramError(await close(v4), "rewards", "CreditWindowOpen");
    const e = (await env.client.rewards.fetchEpoch(epoch))!;
    await env.chain.warp(Number(BigInt(e.creditDeadline.toString()) - (await env.chain.now())));
    expectTxProgramError(await credit(env, pSelf, epoch, [v1, v2, v3].map((v) => ({ verifier: v, tree: tree(v) }))), "rewards", "NotInCreditWindow");
    expectTxProgramError(await close(v4, actors.mallory.publicKey), "rewards", "WrongRentReceiver");
    const root = verifierRootPda({ epoch: epochPda({ index: epoch }).address, verifier: v4.node }).address;
    const rent = (await env.chain.getAccount(root))!.lamports;
    const before = (await env.chain.getAccount(actors.admin.publicKey))!.lamports;
    ok(await close(v4));
    expect(await env.chain.getAccount(root)).to.equal(null);
    expect((await env.chain.getAccount(actors.admin.publicKey))!.lamports).to.equal(before + rent);
  });
});
