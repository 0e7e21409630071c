/**
 * Rewards v2, verifier draws (docs/rewards.md §3.1): the registry hands every VERIFIER a slot (never
 * reused: leaving the role or deregistering leaves a hole); each epoch fixes a seed from the newest slot
 * hash and draws k slots per provider; only the root of the node holding a drawn slot can credit it.
 * Attack tests: a second wallet's verifier that was not drawn, a verifier that took its slot after the
 * seed was known, a provider registered after it, a total beyond what the provider's stake backs and
 * beyond the epoch's length. A chain of its own with k = 1 and q = 1, so that draws leave verifiers out.
 */
import { expect } from "chai";
import * as registryIx from "../../sdk/src/instructions/registry.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { verifierDraws } from "../../sdk/src/rewards-math.js";
import { actor, actors } from "../harness/context.js";
import { expectTxProgramError } from "../harness/expect.js";
import { type RewardsEnv, credit, ok, postRoot, profile, rootIxs, startRewardsChain, total, treeOf } from "./env.js";

type Node = Awaited<ReturnType<RewardsEnv["register"]>>;
const NO_SLOT = 0xffff_ffff;

describe("rewards: verifier slots and draws (k = 1)", () => {
  let env: RewardsEnv;
  let epoch: bigint;
  let provider: Node, provider2: Node;
  const verifiers: Node[] = [];
  const operators = ["dr-op-0", "dr-op-1", "dr-op-2", "dr-op-3", "dr-op-4", "dr-op-5"].map((n) => actor(n));
  let ground: Node, lateVerifier: Node;
  const trees = new Map<string, Awaited<ReturnType<typeof postRoot>>>();
  const slotOf = async (n: Node) => (await env.client.registry.fetchNode(n.key.publicKey))!.verifierSlot as number;
  /** The verifier slots the SDK draws for `n` from the epoch account's seed, slot count and k. */
  const drawnFor = async (n: Node) => {
    const e = (await env.client.rewards.fetchEpoch(epoch))!;
    return verifierDraws({ seed: Uint8Array.from(e.seed as number[]), provider: n.node.toBytes(), slots: e.verifierSlots, draws: e.verifierDraws });
  };

  before(async () => {
    // k = 1; ρ = 1 byte per stake base unit: a provider's credit per epoch is at most its stake
    env = await startRewardsChain({ verifierDraws: 1, creditPerStakeUnit: 1 });
    provider = await env.register("dr-provider", actors.alice, ROLES.PROVIDER, 400_000);
    provider2 = await env.register("dr-provider-2", actor("dr-op-p2"), ROLES.PROVIDER, 400_000);
    // six verifiers of six other operators ("second wallets" of anyone): slots 0 .. 5 in order
    for (const [i, op] of operators.entries()) verifiers.push(await env.register(`dr-verifier-${i}`, op, ROLES.VERIFIER));
    epoch = await env.epochNow();
    await env.openEpoch(epoch);
  });

  it("the registry hands out verifier slots in registration order; a non-verifier holds none", async () => {
    expect(await Promise.all(verifiers.map(slotOf))).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(await slotOf(provider)).to.equal(NO_SLOT);
    expect((await env.client.registry.fetchConfig())!.verifierSlots).to.equal(6);
  });

  it("open_epoch fixes the seed, the slot count and k; a verifier and a provider that register afterwards are outside its draws", async () => {
    const e = (await env.client.rewards.fetchEpoch(epoch))!;
    expect(e.verifierSlots).to.equal(6);
    expect(e.verifierDraws).to.equal(1);
    expect(Buffer.from(e.seed as number[]).equals(Buffer.alloc(32)), "a seed was set").to.equal(false);
    expect(await drawnFor(provider)).to.have.length(1);
    lateVerifier = await env.register("dr-verifier-late", actor("dr-op-late"), ROLES.VERIFIER);
    expect(await slotOf(lateVerifier), "beyond the epoch's 6 slots").to.equal(6);
    ground = await env.register("dr-provider-after-seed", actor("dr-op-ground"), ROLES.PROVIDER, 400_000);
  });

  it("after the end: the drawn verifier's root credits the provider — the SDK draws the slot the program accepts", async () => {
    await env.toCreditWindow(epoch);
    // every verifier of the epoch posts a root over both providers: 400 000 kbps for u32::MAX ms
    for (const v of verifiers) trees.set(v.node.toBase58(), await postRoot(env, v, epoch, [provider, provider2, ground].map((n) => ({ provider: n, total: total({ capacityKbps: 400_000, liveMs: 0xffff_ffff }) }))));
    const drawn = verifiers[(await drawnFor(provider))[0]!]!;
    ok(await credit(env, provider, epoch, [{ verifier: drawn, tree: trees.get(drawn.node.toBase58())!, draw: 0 }]));
  });

  it("attack: the stake bound and the epoch's length — a captured draw credits at most stake × ρ, measured at most cap × epoch", async () => {
    const c = (await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch }))!;
    const stake = BigInt((await env.client.registry.fetchNode(provider.key.publicKey))!.stake.toString());
    // live time u32::MAX ms (49.7 days) counts as the epoch's 86 400 000 ms
    expect(c.measured.toString()).to.equal(((400_000n * 86_400_000n) / 8n).toString());
    expect(c.contribution.toString(), "ρ = 1: the stake").to.equal(stake.toString());
  });

  it("attack: WrongVerifierRoot — an active verifier of another wallet, not drawn for this provider, vouches for it (ProofTooDeep on the way)", async () => {
    const drawn = await drawnFor(provider2);
    const others = verifiers.filter((_, i) => !drawn.includes(i));
    expect(others).to.have.length(5);
    // each undrawn verifier's root holds a genuine leaf for provider2: still refused
    for (const v of others)
      expectTxProgramError(await credit(env, provider2, epoch, [{ verifier: v, tree: trees.get(v.node.toBase58())!, draw: 0 }]), "rewards", "WrongVerifierRoot");
    const v = verifiers[drawn[0]!]!;
    // ProofTooDeep: a path longer than 16 (one proof of 17 fits a transaction at q = 1)
    const deep = Array.from({ length: 17 }, () => new Uint8Array(32));
    expectTxProgramError(await credit(env, provider2, epoch, [{ verifier: v, tree: trees.get(v.node.toBase58())!, draw: 0, path: deep }]), "rewards", "ProofTooDeep");
    ok(await credit(env, provider2, epoch, [{ verifier: v, tree: trees.get(v.node.toBase58())!, draw: 0 }]));
  });

  it("attack: VerifierSlotAfterSeed — a verifier that took its slot after the epoch opened cannot post a root in it", async () => {
    expectTxProgramError(await env.send(await rootIxs(env, lateVerifier, epoch, treeOf([{ provider, total: total() }])), [actors.admin]), "rewards", "VerifierSlotAfterSeed");
  });

  it("attack: ProviderRegisteredAfterSeed — a provider registered once the epoch's seed was known earns nothing in it, even from its drawn verifier", async () => {
    const v = verifiers[(await drawnFor(ground))[0]!]!;
    expectTxProgramError(await credit(env, ground, epoch, [{ verifier: v, tree: trees.get(v.node.toBase58())!, draw: 0 }]), "rewards", "ProviderRegisteredAfterSeed");
  });

  it("leaving the VERIFIER role or deregistering leaves a hole; taking the role again hands out a new slot (slots are never reused)", async () => {
    const [a, b] = [verifiers[0]!, verifiers[1]!];
    const op = (n: Node) => operators[verifiers.indexOf(n)]!;
    const update = async (n: Node, roles: number) => env.send([await registryIx.updateNodeInstruction({ operator: op(n).publicKey, nodeKey: n.key.publicKey, profile: profile(roles) })], [op(n)]);
    ok(await update(a, ROLES.PROVIDER));
    expect(await slotOf(a)).to.equal(NO_SLOT);
    ok(await update(a, ROLES.PROVIDER | ROLES.VERIFIER));
    expect(await slotOf(a), "a new slot at the end").to.equal(7);
    ok(await env.send([await registryIx.deregisterInstruction({ operator: op(b).publicKey, nodeKey: b.key.publicKey })], [op(b)]));
    expect(await slotOf(b)).to.equal(NO_SLOT);
    expect((await env.client.registry.fetchConfig())!.verifierSlots).to.equal(8);
    // nobody holds slots 0 and 1 any more: draws landing there count for nothing
    const holders = await Promise.all(verifiers.map(slotOf));
    expect(holders.filter((s) => s === 0 || s === 1)).to.deep.equal([]);
  });

  it("the next epoch draws again from a new seed over every slot handed out so far; a hole is void — its former holder roots under its new slot, a deregistered one not at all", async () => {
    const next = await env.epochNow();
    await env.openEpoch(next);
    const e = (await env.client.rewards.fetchEpoch(next))!;
    expect(e.verifierSlots).to.equal(8);
    const prev = (await env.client.rewards.fetchEpoch(epoch))!;
    expect(Buffer.from(e.seed as number[]).equals(Buffer.from(prev.seed as number[])), "a fresh seed").to.equal(false);
    await env.toCreditWindow(next);
    const [a, b] = [verifiers[0]!, verifiers[1]!];
    await postRoot(env, a, next, [{ provider, total: total() }]);
    expect((await env.client.rewards.fetchVerifierRoot({ verifierKey: a.key.publicKey, epochIndex: next }))!.slot, "slot 0 is a hole: its former holder holds 7").to.equal(7);
    expectTxProgramError(await env.send(await rootIxs(env, b, next, treeOf([{ provider, total: total() }])), [actors.admin]), "rewards", "VerifierNotActive");
  });
});
