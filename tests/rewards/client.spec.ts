/**
 * The SDK's RewardsClient end to end on a chain of its own (1-minute epochs, a 30 s credit window): open
 * and fund an epoch, post a verifier's signed root over its totals for two providers, credit each
 * provider with its Merkle proof, close the epoch with the cursor after the credit window, claim, and
 * check every payout is R_i = floor(c_i · R_total / Σc) — through `LumoraClient.rewards` only.
 */
import { BN } from "../../sdk/src/bn.js";
import { PublicKey } from "@solana/web3.js";
import { AccountLayout, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { expect } from "chai";
import { LumoraClient } from "../../sdk/src/client/index.js";
import type { LumoraProgramError } from "../../sdk/src/client/errors.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { nodePda } from "../../sdk/src/pda.js";
import { ROLES, epochIndex } from "../../sdk/src/registry-math.js";
import { providerDraws, rewardShare } from "../../sdk/src/rewards-math.js";
import { VerifierTree, capacityTime } from "../../sdk/src/totals.js";
import { deployedSo, startChain } from "../../tools/chain/index.js";
import { createMint, fundTokens } from "../../tools/chain/spl.js";
import { SHARD_COUNT, actor, actors, ctx, defaultParams } from "../harness/context.js";
import { recordTransaction } from "../harness/cu.js";

const EPOCH_SECS = 60;
const providers = [actor("rc-provider-1"), actor("rc-provider-2")];
const verifier = actor("rc-verifier");
const [opA, opB] = [actor("rc-operator-a"), actor("rc-operator-b")];

describe("rewards: the SDK client end to end", () => {
  let client: LumoraClient;
  let chain: Awaited<ReturnType<typeof startChain>>;
  let lmrMint: PublicKey;
  const balance = async (owner: PublicKey) => {
    const a = await chain.getAccount(getAssociatedTokenAddressSync(lmrMint, owner, true));
    return a ? AccountLayout.decode(a.data).amount : 0n;
  };

  before(async () => {
    const funded = [actors.deployer, actors.admin, actors.lmrAuthority, opA, opB, verifier, ...providers].map((k) => ({ address: k.publicKey, lamports: 100 * 1e9, data: new Uint8Array(), owner: PublicKey.default }));
    chain = await startChain({
      kind: ctx.vm,
      programs: (["registry", "rewards"] as const).map((p) => ({ programId: PROGRAM_IDS[p], soPath: deployedSo(`lumora_${p}`) })),
      upgradeAuthority: actors.deployer.publicKey,
      accounts: funded,
      payer: actor("payer"),
      onTransaction: recordTransaction,
    });
    client = new LumoraClient({ provider: chain.provider });
    // a fixed mint: its address decides the token accounts' PDAs, and so the compute units the budget gate compares
    lmrMint = await createMint(chain.provider, { mint: actor("rc-lmr-mint"), authority: actors.lmrAuthority.publicKey, decimals: 6 });
    await client.registry.initConfig({ authority: actors.deployer, admin: actors.admin.publicKey, lmrMint, shardCount: SHARD_COUNT, params: { ...defaultParams(), epochLengthSecs: EPOCH_SECS, claimWindowSecs: 3_600, creditWindowSecs: 30 } });
    const stake = BigInt(defaultParams().minStake.toString());
    for (const op of [opA, opB]) await fundTokens(chain.provider, { mint: lmrMint, mintAuthority: actors.lmrAuthority, owner: op.publicKey, amount: 10n * stake });
    const profile = (roles: number) => ({ roles, latE6: 0, lonE6: 0, declaredBandwidthKbps: new BN(1_000_000), bandwidthCapKbps: new BN(roles & ROLES.PROVIDER ? 1_000_000 : 0), multiaddr: "/ip4/10.9.0.1/tcp/4001" });
    for (const p of providers) await client.registry.registerNode({ operator: opA, nodeKey: p, profile: profile(ROLES.PROVIDER), stake });
    await client.registry.registerNode({ operator: opB, nodeKey: verifier, profile: profile(ROLES.VERIFIER), stake });
  });

  it("open, fund, root, credits, close with the cursor after the credit window, distribute, claim, sweep: each payout is floor(c_i · R_total / Σc)", async () => {
    await chain.warp(1); // the providers registered before the epoch's seed was fixed (a later second)
    const index = epochIndex({ unixTs: await chain.now(), epochLengthSecs: EPOCH_SECS });
    await client.rewards.openEpoch({ index });
    const R_TOTAL = 1_000_000_007n;
    await fundTokens(chain.provider, { mint: lmrMint, mintAuthority: actors.lmrAuthority, owner: actors.admin.publicKey, amount: R_TOTAL });
    await client.rewards.fundEpoch({ funder: actors.admin, index, amount: R_TOTAL });
    expect((await client.rewards.fetchEpoch(index))!.rTotal.toString()).to.equal(R_TOTAL.toString());

    // the epoch has not ended: no root yet, and nothing closes
    const totals = [{ liveMs: 24_000, capacityKbps: 1_000, rttMs: 25, bytes: 3_000_000n }, { liveMs: 56_000, capacityKbps: 1_000, rttMs: 25, bytes: 7_000_001n }];
    const tree = new VerifierTree(providers.map((p, i) => ({ provider: nodePda({ nodeKey: p.publicKey }).address, total: totals[i]! })));
    const errorOf = async (f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (e) {
        return (e as LumoraProgramError).errorName;
      }
      return null;
    };
    expect(await errorOf(() => client.rewards.postVerifierRoot({ verifierKey: verifier, epochIndex: index, root: tree.root, leafCount: tree.leafCount }))).to.equal("NotInCreditWindow");

    // after the end: the verifier posts its root, each provider proves its total against it
    const endTs = BigInt((await client.rewards.fetchEpoch(index))!.endTs.toString());
    await chain.warp(Number(endTs - (await chain.now())) + 1);
    await client.rewards.postVerifierRoot({ verifierKey: verifier, epochIndex: index, root: tree.root, leafCount: tree.leafCount });
    expect((await client.rewards.fetchVerifierRoot({ verifierKey: verifier.publicKey, epochIndex: index }))!.leafCount).to.equal(2);
    const e0 = (await client.rewards.fetchEpoch(index))!;
    const slot = (await client.registry.fetchNode(verifier.publicKey))!.verifierSlot as number;
    const bytes: bigint[] = [];
    for (const [i, p] of providers.entries()) {
      const node = nodePda({ nodeKey: p.publicKey }).address;
      const draw = providerDraws({ seed: Uint8Array.from(e0.seed as number[]), provider: node.toBytes(), slots: e0.verifierSlots, draws: e0.verifierDraws }).find((d) => d.slot === slot)!.draw;
      const proof = tree.proof(node)!;
      await client.rewards.creditEpoch({ providerKey: p, epochIndex: index, proofs: [{ draw, verifier: nodePda({ nodeKey: verifier.publicKey }).address, total: proof.total, path: proof.path }] });
      bytes.push(capacityTime({ total: totals[i]!, capKbps: 1_000_000n, epochMs: BigInt(EPOCH_SECS * 1000) }));
      expect((await client.rewards.fetchContribution({ nodeKey: p.publicKey, epochIndex: index }))!.contribution.toString()).to.equal(bytes[i]!.toString());
    }
    expect(bytes).to.deep.equal([3_000_000n, 7_000_000n]);
    // the credit window is open: nothing closes yet
    expect(await errorOf(() => client.rewards.closeEpoch({ epochIndex: index }))).to.equal("CreditWindowOpen");

    await chain.warp(30);
    const sigs = await client.rewards.closeEpoch({ epochIndex: index, perTransaction: 5 });
    expect(sigs.length, "16 shards, 5 per transaction").to.equal(4);
    const epoch = (await client.rewards.fetchEpoch(index))!;
    expect(epoch.closed).to.equal(true);
    expect(epoch.totalContribution.toString()).to.equal((bytes[0]! + bytes[1]!).toString());

    // each contributing shard's share moves to its claim vault; a second call has nothing left to send
    const shards = await client.rewards.fetchEpochShards(index);
    const distributed = await client.rewards.distributeEpoch({ epochIndex: index, perTransaction: 1 });
    expect(distributed.length).to.equal(shards.length);
    expect(await client.rewards.distributeEpoch({ epochIndex: index })).to.deep.equal([]);
    expect((await client.rewards.fetchEpochShards(index)).every((s) => s.distributed)).to.equal(true);

    const before = await balance(opA.publicKey);
    for (const p of providers) await client.rewards.claim({ nodeKey: p.publicKey, epochIndex: index });
    const expected = bytes.reduce((sum, c) => sum + rewardShare({ contribution: c, rTotal: R_TOTAL, totalContribution: bytes[0]! + bytes[1]! })!, 0n);
    expect(await balance(opA.publicKey)).to.equal(before + expected);
    expect(expected <= R_TOTAL).to.equal(true);

    // after the claim window everything left moves to the next epoch: R_total there grows by R_TOTAL − paid
    const next = epochIndex({ unixTs: await chain.now(), epochLengthSecs: EPOCH_SECS });
    await client.rewards.openEpoch({ index: next });
    await chain.warp(Number((await client.rewards.fetchEpoch(index))!.claimDeadline.toString()) - Number(await chain.now()) + 1);
    await client.rewards.sweepDust({ epochIndex: index, targetEpochIndex: next });
    const swept = await client.rewards.sweepShardDust({ epochIndex: index, targetEpochIndex: next });
    expect(swept.length, "one transaction for the shards (4 per transaction)").to.equal(1);
    expect(await client.rewards.sweepShardDust({ epochIndex: index, targetEpochIndex: next })).to.deep.equal([]);
    expect((await client.rewards.fetchEpoch(next))!.rTotal.toString()).to.equal((R_TOTAL - expected).toString());

    // the epoch's per-epoch accounts close, each rent back to whoever paid it
    const lamports = async (k: PublicKey) => (await chain.getAccount(k))?.lamports ?? 0;
    await client.rewards.closeVerifierRoot({ verifierKey: verifier.publicKey, epochIndex: index });
    expect(await client.rewards.fetchVerifierRoot({ verifierKey: verifier.publicKey, epochIndex: index })).to.equal(null);
    for (const p of providers) {
      const payer = (await client.rewards.fetchContribution({ nodeKey: p.publicKey, epochIndex: index }))!.payer;
      const before = await lamports(payer);
      await client.rewards.closeContribution({ nodeKey: p.publicKey, epochIndex: index });
      expect(await client.rewards.fetchContribution({ nodeKey: p.publicKey, epochIndex: index })).to.equal(null);
      expect(await lamports(payer)).to.be.greaterThan(before);
    }
  });
});
