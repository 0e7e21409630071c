/**
 * Rewards v2, verifier draws (docs/rewards.md §3.1): the registry hands every VERIFIER a slot (never
 * reused: leaving the role or deregistering leaves a hole); each epoch fixes a seed from the newest slot
 * hash and draws k slots per provider; a receipt counts only from the node holding a drawn slot. Attack
 * tests: a second wallet's verifier that was not drawn, a provider registered after the seed was known,
 * a credit above what the provider's stake backs, durations beyond the epoch's length. A chain of its own with k = 1, so that draws leave verifiers out.
 */
import { expect } from "chai";
import * as registryIx from "../../sdk/src/instructions/registry.js";
import { nodePda } from "../../sdk/src/pda.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { verifierDraws } from "../../sdk/src/rewards-math.js";
import { actor, actors } from "../harness/context.js";
import { expectTxProgramError } from "../harness/expect.js";
import { type RewardsEnv, ok, profile, receipt, startRewardsChain, submitIxs } from "./env.js";

type Node = Awaited<ReturnType<RewardsEnv["register"]>>;
const NO_SLOT = 0xffff_ffff;

describe("rewards: verifier slots and draws (k = 1)", () => {
  let env: RewardsEnv;
  let epoch: bigint;
  let provider: Node;
  const verifiers: Node[] = [];
  const operators = ["dr-op-0", "dr-op-1", "dr-op-2", "dr-op-3", "dr-op-4", "dr-op-5"].map((n) => actor(n));
  let seq = 0n;
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

  it("open_epoch fixes the seed, the slot count and k; the SDK draws the same slot the program accepts", async () => {
    const e = (await env.client.rewards.fetchEpoch(epoch))!;
    expect(e.verifierSlots).to.equal(6);
    expect(e.verifierDraws).to.equal(1);
    expect(Buffer.from(e.seed as number[]).equals(Buffer.alloc(32)), "a seed was set").to.equal(false);
    const drawn = await drawnFor(provider);
    expect(drawn).to.have.length(1);
    const v = verifiers[drawn[0]!]!;
    ok(await env.send(await submitIxs(provider, epoch, [receipt(provider.key, v.key, { epoch, bytes: 1_000n, seq: ++seq })]), [provider.key]));
  });

  it("attack: VerifierNotDrawn — an active verifier of another wallet, not drawn for this provider, signs a receipt", async () => {
    const drawn = await drawnFor(provider);
    const others = verifiers.filter((_, i) => !drawn.includes(i));
    expect(others).to.have.length(5);
    for (const v of others) {
      const r = receipt(provider.key, v.key, { epoch, bytes: 1_000n, seq: ++seq });
      expectTxProgramError(await env.send(await submitIxs(provider, epoch, [r]), [provider.key]), "rewards", "VerifierNotDrawn");
    }
  });

  it("attack: a verifier registered after the epoch opened is never drawn in it (its slot is beyond the epoch's slot count)", async () => {
    const lateVerifier = await env.register("dr-verifier-late", actor("dr-op-late"), ROLES.VERIFIER);
    expect(await slotOf(lateVerifier)).to.equal(6);
    const r = receipt(provider.key, lateVerifier.key, { epoch, bytes: 1_000n, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(provider, epoch, [r]), [provider.key]), "rewards", "VerifierNotDrawn");
  });

  it("attack: ProviderRegisteredAfterSeed — a provider registered once the epoch's seed was known earns nothing in it", async () => {
    const ground = await env.register("dr-provider-after-seed", actor("dr-op-ground"), ROLES.PROVIDER, 400_000);
    const drawn = await drawnFor(ground);
    const v = verifiers[drawn[0]!]!; // even its drawn verifier
    const r = receipt(ground.key, v.key, { epoch, bytes: 1_000n, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(ground, epoch, [r]), [ground.key]), "rewards", "ProviderRegisteredAfterSeed");
  });

  it("attack: CreditAboveStakeBound — even receipts of a drawn verifier credit a provider at most stake × ρ per epoch", async () => {
    const drawn = await drawnFor(provider);
    const v = verifiers[drawn[0]!]!;
    const stake = BigInt((await env.client.registry.fetchNode(provider.key.publicKey))!.stake.toString());
    const credited = BigInt((await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch }))!.contribution.toString());
    const room = stake * 1n - credited; // ρ = 1
    // the rate check alone would pass it: 400 000 kbps over 100 s carries 5·10^9 bytes
    const over = receipt(provider.key, v.key, { epoch, bytes: room + 1n, durationMs: 100_000, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(provider, epoch, [over]), [provider.key]), "rewards", "CreditAboveStakeBound");
    ok(await env.send(await submitIxs(provider, epoch, [receipt(provider.key, v.key, { epoch, bytes: room, durationMs: 100_000, seq: ++seq })]), [provider.key]));
    const at = await env.client.rewards.fetchContribution({ nodeKey: provider.key.publicKey, epochIndex: epoch });
    expect(BigInt(at!.contribution.toString())).to.equal(stake);
    const one = receipt(provider.key, v.key, { epoch, bytes: 1n, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(provider, epoch, [one]), [provider.key]), "rewards", "CreditAboveStakeBound");
  });

  it("attack: DurationBeyondEpoch — one verifier's durations for a provider add up to more than the epoch", async () => {
    const drawn = await drawnFor(provider);
    const v = verifiers[drawn[0]!]!;
    // u32::MAX ms (49.7 days) in one receipt: the per-receipt rate check alone would pass it
    const huge = receipt(provider.key, v.key, { epoch, bytes: 0n, durationMs: 0xffff_ffff, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(provider, epoch, [huge]), [provider.key]), "rewards", "DurationBeyondEpoch");
    // 86 400 s = 86 400 000 ms per epoch; 101 000 ms already used by this verifier (1 000 + 100 000 above).
    // Zero-byte receipts: the provider's credit already sits at its stake bound.
    ok(await env.send(await submitIxs(provider, epoch, [receipt(provider.key, v.key, { epoch, bytes: 0n, durationMs: 86_000_000, seq: ++seq })]), [provider.key]));
    const more = receipt(provider.key, v.key, { epoch, bytes: 0n, durationMs: 1_000_000, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(provider, epoch, [more]), [provider.key]), "rewards", "DurationBeyondEpoch");
    // exactly the epoch's length in all
    ok(await env.send(await submitIxs(provider, epoch, [receipt(provider.key, v.key, { epoch, bytes: 0n, durationMs: 299_000, seq: ++seq })]), [provider.key]));
    const oneMore = receipt(provider.key, v.key, { epoch, bytes: 0n, durationMs: 1, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(provider, epoch, [oneMore]), [provider.key]), "rewards", "DurationBeyondEpoch");
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

  it("a hole drawn for a provider is void: its former holder's receipts are refused", async () => {
    // slot 0's former holder now holds slot 7, which this epoch (6 slots) never draws
    const a = verifiers[0]!;
    const r = receipt(provider.key, a.key, { epoch, bytes: 1_000n, seq: ++seq });
    expectTxProgramError(await env.send(await submitIxs(provider, epoch, [r]), [provider.key]), "rewards", "VerifierNotDrawn");
    expect(nodePda({ nodeKey: a.key.publicKey }).address.equals(a.node)).to.equal(true);
  });

  it("the next epoch draws again from a new seed over every slot handed out so far", async () => {
    await env.chain.warp(86_400);
    const next = await env.epochNow();
    await env.openEpoch(next);
    const e = (await env.client.rewards.fetchEpoch(next))!;
    expect(e.verifierSlots).to.equal(8);
    const prev = (await env.client.rewards.fetchEpoch(epoch))!;
    expect(Buffer.from(e.seed as number[]).equals(Buffer.from(prev.seed as number[])), "a fresh seed").to.equal(false);
  });
});
