/**
 * An epoch end to end with many nodes across several shards: open, fund, two drawn verifiers' roots and
 * each provider's credit (q = 2: the smaller of its two totals) in the credit window, close across
 * several transactions with the cursor once the window is over, the distribution of each shard's share into its
 * claim vault, O(1) claims of R_i = floor(c_i·R_total/Σc) from the shard vaults (claims of different
 * shards share no writable account), the claim window, and the sweeps (epoch vault once, each shard
 * vault once).
 */
import { type Idl } from "@coral-xyz/anchor";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, type PublicKey, SystemProgram } from "@solana/web3.js";
import { expect } from "chai";
import rewardsIdl from "../../sdk/src/idl/lumora_rewards.json" with { type: "json" };
import * as registryIx from "../../sdk/src/instructions/registry.js";
import * as rix from "../../sdk/src/instructions/rewards.js";
import { configPda, contributionPda, epochPda, epochShardPda, epochVaultPda, shardVaultPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { rewardShare, shardShare } from "../../sdk/src/rewards-math.js";
import { CPI_CALLER_ID, SHARD_COUNT, actor, actors, defaultParams } from "../harness/context.js";
import { eventsOf, expectTxFrameworkError, expectTxProgramError } from "../harness/expect.js";
import { capacityTime } from "../../sdk/src/totals.js";
import { LMR, type RewardsEnv, credit, ok, postRoot, programIds, startRewardsChain, total } from "./env.js";

const program = rix.rewardsProgram();
type Node = Awaited<ReturnType<RewardsEnv["register"]>>;
const R_TOTAL = 50_000n * LMR + 7n; // an odd total so that rounding leaves dust

describe("rewards: epochs, sharded totals, claims and dust", () => {
  let env: RewardsEnv;
  let epoch: bigint;
  const providers: Node[] = [];
  let v1: Node, v2: Node, late: Node;
  const carol = actor("carol");
  const expected = new Map<string, bigint>();
  let lateTrees: Awaited<ReturnType<typeof postRoot>>[] = [];
  let lateValue = 0n;

  const epochAccount = async (index: bigint) => program.coder.accounts.decode("epoch", (await env.chain.getAccount(epochPda({ index }).address))!.data);
  const contributionOf = async (n: Node) => {
    const info = await env.chain.getAccount(contributionPda({ epoch: epochPda({ index: epoch }).address, node: n.node }).address);
    return info ? program.coder.accounts.decode("contribution", info.data) : null;
  };
  const close = async (from: number, count: number) => env.send([await rix.closeEpochInstruction({ epochIndex: epoch, fromShard: from, count, programIds })], [actors.admin]);
  const claimIx = async (n: Node, operatorTokens = env.ata(actors.alice.publicKey)) => rix.claimInstruction({ nodeKey: n.key.publicKey, epochIndex: epoch, shard: n.shard, operatorTokens, programIds });
  const claim = async (n: Node) => env.send([await claimIx(n)], [actors.mallory]);
  const epochKey = () => epochPda({ index: epoch }).address;
  const shardAccount = async (shard: number) => {
    const info = await env.chain.getAccount(epochShardPda({ epoch: epochKey(), shard }).address);
    return info ? program.coder.accounts.decode("epochShard", info.data) : null;
  };
  const distribute = async (shard: number) => env.send([await rix.distributeShardInstruction({ payer: actors.admin.publicKey, epochIndex: epoch, shard, lmrMint: env.lmrMint, programIds })], [actors.admin]);
  const contributingShards = () => [...new Set(providers.map((p) => p.shard))].sort((a, b) => a - b);

  before(async () => {
    env = await startRewardsChain({ creditQuorum: 2 });
    v1 = await env.register("e-verifier-1", actors.bob, ROLES.VERIFIER);
    v2 = await env.register("e-verifier-2", carol, ROLES.VERIFIER);
    for (let i = 0; i < 10; i++) providers.push(await env.register(`e-provider-${i}`, actors.alice, ROLES.PROVIDER | ROLES.EXECUTOR, 500_000));
    // registered before the epoch opens, like every provider that earns in it (ProviderRegisteredAfterSeed)
    late = await env.register("e-provider-late", actors.alice, ROLES.PROVIDER, 500_000);
    epoch = await env.epochNow();
  });

  it("NotCurrentEpoch: only floor(now / epoch_length) opens", async () => {
    for (const index of [epoch + 1n, epoch - 1n])
      expectTxProgramError(await env.send([await rix.openEpochInstruction({ payer: actors.admin.publicKey, index, lmrMint: env.lmrMint, programIds })], [actors.admin]), "rewards", "NotCurrentEpoch");
    await env.openEpoch(epoch);
    const e = await epochAccount(epoch);
    expect(e.startTs.toString()).to.equal((epoch * 86_400n).toString());
    expect(e.endTs.toString()).to.equal(((epoch + 1n) * 86_400n).toString());
    expect(e.shardCount).to.equal(SHARD_COUNT);
  });

  it("fund_epoch: anyone adds LMR; R_total records it (EpochFunded)", async () => {
    const half = R_TOTAL / 2n;
    for (const amount of [half, R_TOTAL - half]) {
      const m = await env.send([await rix.fundEpochInstruction({ funder: actors.bob.publicKey, index: epoch, amount, lmrMint: env.lmrMint, programIds })], [actors.bob]);
      ok(m);
      expect(eventsOf(m, rewardsIdl as Idl, PROGRAM_IDS.rewards).map((e) => e.name)).to.include("EpochFunded");
    }
    expect((await epochAccount(epoch)).rTotal.toString()).to.equal(R_TOTAL.toString());
    expect(await env.balance(epochVaultPda({ epoch: epochPda({ index: epoch }).address }).address)).to.equal(R_TOTAL);
  });

  it("ten providers across several shards are credited after the end (the smaller of their two verifiers' totals); each shard holds its own nodes' sum", async () => {
    await env.toCreditWindow(epoch);
    // v1 and v2 measured each provider differently; the late provider is measured too
    const t1 = (i: number) => total({ capacityKbps: 1_000 + i, liveMs: 8_000 * (i + 1) });
    const t2 = (i: number) => total({ capacityKbps: 3_000 - i, liveMs: 8_000 * (i + 1) - 777 });
    const all = [...providers, late];
    const tree1 = await postRoot(env, v1, epoch, all.map((p, i) => ({ provider: p, total: t1(i) })));
    const tree2 = await postRoot(env, v2, epoch, all.map((p, i) => ({ provider: p, total: t2(i) })));
    const value = (t: ReturnType<typeof total>) => capacityTime({ total: t, capKbps: 500_000n, epochMs: 86_400_000n });
    for (const [i, p] of providers.entries()) {
      ok(await credit(env, p, epoch, [{ verifier: v1, tree: tree1 }, { verifier: v2, tree: tree2 }]));
      const c = value(t1(i)) < value(t2(i)) ? value(t1(i)) : value(t2(i));
      expected.set(p.node.toBase58(), c);
      expect((await contributionOf(p))!.contribution.toString()).to.equal(c.toString());
    }
    const shards = new Set(providers.map((p) => p.shard));
    expect(shards.size, "several shards").to.be.greaterThan(3);
    for (const s of shards) {
      const info = await env.chain.getAccount(epochShardPda({ epoch: epochPda({ index: epoch }).address, shard: s }).address);
      const sum = providers.filter((p) => p.shard === s).reduce((a, p) => a + expected.get(p.node.toBase58())!, 0n);
      expect(program.coder.accounts.decode("epochShard", info!.data).totalContribution.toString()).to.equal(sum.toString());
    }
    lateTrees = [tree1, tree2];
    lateValue = (() => {
      const i = all.length - 1;
      return value(t1(i)) < value(t2(i)) ? value(t1(i)) : value(t2(i));
    })();
  });

  it("a provider's credit creates its contribution, recording its operator (the node is read only)", async () => {
    providers.push(late);
    ok(await credit(env, late, epoch, [{ verifier: v1, tree: lateTrees[0]! }, { verifier: v2, tree: lateTrees[1]! }]));
    const c = (await contributionOf(late))!;
    expect(c.contribution.toString()).to.equal(lateValue.toString());
    expect(c.operator.toBase58()).to.equal(actors.alice.publicKey.toBase58());
    expected.set(late.node.toBase58(), lateValue);
  });

  it("CreditWindowOpen: close_epoch waits for the credit deadline; claims wait for the close (EpochNotClosed)", async () => {
    expectTxProgramError(await close(0, 4), "rewards", "CreditWindowOpen");
    expectTxProgramError(await claim(providers[0]!), "rewards", "EpochNotClosed");
  });

  it("close_epoch sums the shards over three transactions with the cursor; WrongShard for an out-of-order shard", async () => {
    await env.chain.warp(defaultParams().creditWindowSecs);
    const wrong = await rix.closeEpochInstruction({ epochIndex: epoch, fromShard: 1, count: 1, programIds });
    expectTxProgramError(await env.send([wrong], [actors.admin]), "rewards", "WrongShard");
    ok(await close(0, 6));
    let e = await epochAccount(epoch);
    expect(e.shardsSummed).to.equal(6);
    expect(e.closed).to.equal(false);
    ok(await close(6, 6));
    expectTxProgramError(await claim(providers[0]!), "rewards", "EpochNotClosed");
    const last = await close(12, 4);
    ok(last);
    expect(eventsOf(last, rewardsIdl as Idl, PROGRAM_IDS.rewards).map((x) => x.name)).to.include("EpochClosed");
    e = await epochAccount(epoch);
    const sum = [...expected.values()].reduce((a, b) => a + b, 0n);
    expect(e.closed).to.equal(true);
    expect(e.totalContribution.toString()).to.equal(sum.toString());
    expectTxProgramError(await close(0, 1), "rewards", "EpochClosed");
    expectTxProgramError(await env.send([await rix.fundEpochInstruction({ funder: actors.bob.publicKey, index: epoch, amount: 1n, lmrMint: env.lmrMint, programIds })], [actors.bob]), "rewards", "EpochClosed");
  });

  it("distribute_shard: claims and the epoch sweep wait for it (ShardNotDistributed, ShardsNotDistributed); each shard's vault receives floor(S_k·R_total/Σc), once (ShardAlreadyDistributed), even at a pre-funded address", async () => {
    expectTxProgramError(await claim(providers[0]!), "rewards", "ShardNotDistributed");
    const sum = [...expected.values()].reduce((a, b) => a + b, 0n);
    const shards = contributingShards();
    expect((await epochAccount(epoch)).contributingShards).to.equal(shards.length);
    await env.openEpoch(await env.epochNow()); // the sweeps' target
    // a griefer sends lamports to a claim vault's address first: the creation still goes through
    const griefed = shardVaultPda({ epoch: epochKey(), shard: shards[0]! }).address;
    ok(await env.send([SystemProgram.transfer({ fromPubkey: actors.mallory.publicKey, toPubkey: griefed, lamports: 1_000_000 })], [actors.mallory]));
    let distributed = 0n;
    for (const [k, shard] of shards.entries()) {
      const m = await distribute(shard);
      ok(m);
      expect(eventsOf(m, rewardsIdl as Idl, PROGRAM_IDS.rewards).map((e) => e.name)).to.include("ShardDistributed");
      const a = (await shardAccount(shard))!;
      const share = shardShare({ shardTotal: BigInt(a.totalContribution.toString()), rTotal: R_TOTAL, totalContribution: sum })!;
      expect(a.distributed).to.equal(true);
      expect(a.reward.toString()).to.equal(share.toString());
      expect(a.vault.toBase58()).to.equal(shardVaultPda({ epoch: epochKey(), shard }).address.toBase58());
      expect(a.vaultRentPayer.toBase58()).to.equal(actors.admin.publicKey.toBase58());
      expect(await env.balance(a.vault)).to.equal(share);
      distributed += share;
      expectTxProgramError(await distribute(shard), "rewards", "ShardAlreadyDistributed");
      if (k === 0) expectTxProgramError(await env.send([await rix.sweepDustInstruction({ epochIndex: epoch, targetEpochIndex: await env.epochNow(), programIds })], [actors.admin]), "rewards", "ShardsNotDistributed");
    }
    const e = await epochAccount(epoch);
    expect(e.shardsDistributed).to.equal(shards.length);
    expect(e.distributed.toString()).to.equal(distributed.toString());
    const left = await env.balance(epochVaultPda({ epoch: epochKey() }).address);
    expect(left).to.equal(R_TOTAL - distributed);
    expect(left < BigInt(shards.length), "the epoch vault keeps < 1 unit per shard").to.equal(true);
    // a shard nobody contributed to has no account to distribute
    const empty = [...Array(SHARD_COUNT).keys()].find((k) => !shards.includes(k))!;
    expectTxFrameworkError(await distribute(empty), PROGRAM_IDS.rewards, "AccountNotInitialized");
  });

  it("claims of different shards share no writable account: a claim writes its contribution, its shard's vault and its operator's tokens only", async () => {
    const [a, b] = [providers[0]!, providers.find((p) => p.shard !== providers[0]!.shard)!];
    // every provider here is alice's: their payouts go to her one token account, which two claims of
    // hers share whatever the protocol does — leave it out and look at what the protocol adds
    const operatorTokens = env.ata(actors.alice.publicKey).toBase58();
    const writable = async (n: Node) => new Set((await claimIx(n)).keys.filter((k) => k.isWritable && k.pubkey.toBase58() !== operatorTokens).map((k) => k.pubkey.toBase58()));
    const wa = await writable(a);
    const wb = await writable(b);
    expect([...wa].filter((k) => wb.has(k)), "shared writable accounts").to.deep.equal([]);
    expect([...wa].sort()).to.deep.equal([contributionPda({ epoch: epochKey(), node: a.node }).address, shardVaultPda({ epoch: epochKey(), shard: a.shard }).address].map((k) => k.toBase58()).sort());
  });

  it("a claim's accounts are checked by the keys they record (no PDA derivation): WrongContribution for another epoch's contribution, WrongShard for another shard's or another epoch's shard total", async () => {
    const [a, b] = [providers[0]!, providers.find((p) => p.shard !== providers[0]!.shard)!];
    // a's contribution and shard total in the next epoch (epoch + 1, opened above): same node, same shard number
    const current = await env.epochNow();
    await env.toCreditWindow(current);
    const roots = [await postRoot(env, v1, current, [{ provider: a, total: total() }]), await postRoot(env, v2, current, [{ provider: a, total: total() }])];
    ok(await credit(env, a, current, [{ verifier: v1, tree: roots[0]! }, { verifier: v2, tree: roots[1]! }]));
    const swap = async (role: "contribution" | "epochShard", to: PublicKey) => {
      const i = await claimIx(a);
      const from = { contribution: contributionPda({ epoch: epochKey(), node: a.node }).address, epochShard: epochShardPda({ epoch: epochKey(), shard: a.shard }).address }[role];
      const at = i.keys.findIndex((k) => k.pubkey.equals(from));
      i.keys[at] = { ...i.keys[at]!, pubkey: to };
      return env.send([i], [actors.mallory]);
    };
    const next = epochPda({ index: current }).address;
    expectTxProgramError(await swap("contribution", contributionPda({ epoch: next, node: a.node }).address), "rewards", "WrongContribution");
    expectTxProgramError(await swap("epochShard", epochShardPda({ epoch: epochKey(), shard: b.shard }).address), "rewards", "WrongShard");
    expectTxProgramError(await swap("epochShard", epochShardPda({ epoch: next, shard: a.shard }).address), "rewards", "WrongShard");
  });

  it("claim reads its accounts by offset, after owner, discriminator and token-account checks: a byte-identical copy owned by another program, an account of another type, a foreign or uninitialised token account are each refused", async () => {
    const a = providers[0]!;
    const node = (await env.client.registry.fetchNode(a.key.publicKey))!;
    const keys = {
      config: configPda().address,
      epoch: epochKey(),
      contribution: contributionPda({ epoch: epochKey(), node: a.node }).address,
      epochShard: epochShardPda({ epoch: epochKey(), shard: a.shard }).address,
      operatorTokens: env.ata(actors.alice.publicKey),
    };
    const replace = async (from: PublicKey, to: PublicKey) => {
      const i = await claimIx(a);
      i.keys = i.keys.map((k) => (k.pubkey.equals(from) ? { ...k, pubkey: to } : k));
      return env.send([i], [actors.mallory]);
    };
    const copyOwnedBy = async (of: PublicKey, owner: PublicKey, patch?: (d: Buffer) => void) => {
      const info = (await env.chain.getAccount(of))!;
      const data = Buffer.from(info.data);
      patch?.(data);
      const address = Keypair.generate().publicKey;
      await env.chain.setAccount({ address, lamports: info.lamports, data, owner });
      return address;
    };
    // owner: the same bytes under the test-only CPI caller program
    for (const key of Object.values(keys)) expectTxFrameworkError(await replace(key, await copyOwnedBy(key, CPI_CALLER_ID)), PROGRAM_IDS.rewards, "AccountOwnedByWrongProgram");
    // discriminator: an account of the right owner but another type
    expectTxFrameworkError(await replace(keys.config, a.node), PROGRAM_IDS.rewards, "AccountDiscriminatorMismatch"); // a registry Node
    expectTxFrameworkError(await replace(keys.epoch, keys.epochShard), PROGRAM_IDS.rewards, "AccountDiscriminatorMismatch");
    expectTxFrameworkError(await replace(keys.contribution, keys.epochShard), PROGRAM_IDS.rewards, "AccountDiscriminatorMismatch");
    expectTxFrameworkError(await replace(keys.epochShard, keys.contribution), PROGRAM_IDS.rewards, "AccountDiscriminatorMismatch");
    // token account: uninitialised (state byte 0), then another mint's
    const uninit = await copyOwnedBy(keys.operatorTokens, TOKEN_PROGRAM_ID, (d) => d.writeUInt8(0, 108));
    expectTxFrameworkError(await replace(keys.operatorTokens, uninit), PROGRAM_IDS.rewards, "AccountNotInitialized");
    const otherMint = await copyOwnedBy(keys.operatorTokens, TOKEN_PROGRAM_ID, (d) => d.fill(7, 0, 32));
    expectTxProgramError(await replace(keys.operatorTokens, otherMint), "rewards", "WrongMint");
    expect(node.operator.toBase58()).to.equal(actors.alice.publicKey.toBase58());
  });

  it("WrongShardVault: a claim paying from another shard's vault", async () => {
    const [a, b] = [providers[0]!, providers.find((p) => p.shard !== providers[0]!.shard)!];
    const i = await claimIx(a);
    const at = i.keys.findIndex((k) => k.pubkey.equals(shardVaultPda({ epoch: epochKey(), shard: a.shard }).address));
    i.keys[at] = { ...i.keys[at]!, pubkey: shardVaultPda({ epoch: epochKey(), shard: b.shard }).address };
    expectTxProgramError(await env.send([i], [actors.mallory]), "rewards", "WrongShardVault");
  });

  it("a node that has closed since it contributed is still paid, to the operator its contribution recorded", async () => {
    const p = providers[providers.length - 3]!;
    ok(await env.send([await registryIx.deregisterInstruction({ operator: actors.alice.publicKey, nodeKey: p.key.publicKey })], [actors.alice]));
    await env.chain.warp(defaultParams().unstakeCooldownSecs + 1);
    await env.client.registry.closeNode({ operator: actors.alice, nodeKey: p.key.publicKey, lmrMint: env.lmrMint });
    expect(await env.chain.getAccount(p.node), "the node account is closed").to.equal(null);
    // (claimed with the others below)
  });

  it("claim pays floor(c_i·R_total/Σc) from the shard vault to the operator, once (AlreadyClaimed); Σ paid ≤ R_total", async () => {
    const sum = [...expected.values()].reduce((a, b) => a + b, 0n);
    let paid = 0n;
    const operatorTokens = env.ata(actors.alice.publicKey);
    for (const p of providers.slice(0, -2)) {
      const before = await env.balance(operatorTokens);
      const vault = shardVaultPda({ epoch: epochKey(), shard: p.shard }).address;
      const vaultBefore = await env.balance(vault);
      const m = await claim(p);
      ok(m);
      const share = rewardShare({ contribution: expected.get(p.node.toBase58())!, rTotal: R_TOTAL, totalContribution: sum })!;
      expect((await env.balance(operatorTokens)) - before).to.equal(share);
      expect(vaultBefore - (await env.balance(vault))).to.equal(share);
      paid += share;
      expectTxProgramError(await claim(p), "rewards", "AlreadyClaimed");
    }
    expect(paid <= R_TOTAL).to.equal(true);
    // a node without a contribution account has nothing to claim (its address belongs to the system program)
    expectTxFrameworkError(await claim(v1), PROGRAM_IDS.rewards, "AccountOwnedByWrongProgram");
  });

  it("WrongTokenOwner: the reward goes to the node's operator only", async () => {
    const p = providers[providers.length - 2]!;
    expectTxProgramError(await env.send([await claimIx(p, env.ata(actors.bob.publicKey))], [actors.mallory]), "rewards", "WrongTokenOwner");
  });

  it("sweeps after the claim window (ClaimWindowOpen; late claims ClaimWindowOver): the epoch vault's rounding once (DustAlreadySwept), each shard vault once, closed with its rent back to its payer (WrongRentReceiver); late claims refused (ClaimWindowOver); Σ paid + Σ dust = R_total", async () => {
    const target = await env.epochNow();
    if (!(await env.chain.getAccount(epochPda({ index: target }).address))) await env.openEpoch(target);
    const sweep = async (to: bigint) => env.send([await rix.sweepDustInstruction({ epochIndex: epoch, targetEpochIndex: to, programIds })], [actors.admin]);
    const sweepShard = async (shard: number, rentReceiver: PublicKey = actors.admin.publicKey) =>
      env.send([await rix.sweepShardDustInstruction({ epochIndex: epoch, shard, targetEpochIndex: target, rentReceiver, programIds })], [actors.mallory]);
    // into itself: Anchor refuses the same mutable account twice before the program can
    expectTxFrameworkError(await sweep(epoch), PROGRAM_IDS.rewards, "ConstraintDuplicateMutableAccount");
    const shards = contributingShards();
    expectTxProgramError(await sweep(target), "rewards", "ClaimWindowOpen");
    expectTxProgramError(await sweepShard(shards[0]!), "rewards", "ClaimWindowOpen");
    await env.chain.warp(defaultParams().claimWindowSecs + 1);
    expectTxProgramError(await claim(providers[providers.length - 2]!), "rewards", "ClaimWindowOver");
    const vault = epochVaultPda({ epoch: epochKey() }).address;
    const remainder = await env.balance(vault);
    let targetBefore = BigInt((await epochAccount(target)).rTotal.toString());
    ok(await sweep(target));
    expect(await env.balance(vault)).to.equal(0n);
    expect(BigInt((await epochAccount(target)).rTotal.toString()) - targetBefore).to.equal(remainder);
    const e = await epochAccount(epoch);
    expect(e.dustSwept).to.equal(true);
    expect(e.dust.toString()).to.equal(remainder.toString());
    expectTxProgramError(await sweep(target), "rewards", "DustAlreadySwept");

    expectTxProgramError(await sweepShard(shards[0]!, actors.mallory.publicKey), "rewards", "WrongRentReceiver");
    let shardDust = 0n;
    for (const shard of shards) {
      const v = shardVaultPda({ epoch: epochKey(), shard }).address;
      const left = await env.balance(v);
      const rent = (await env.chain.getAccount(v))!.lamports;
      const adminBefore = (await env.chain.getAccount(actors.admin.publicKey))!.lamports;
      targetBefore = BigInt((await epochAccount(target)).rTotal.toString());
      const m = await sweepShard(shard);
      ok(m);
      expect(eventsOf(m, rewardsIdl as Idl, PROGRAM_IDS.rewards).map((x) => x.name)).to.include("ShardDustSwept");
      expect(BigInt((await epochAccount(target)).rTotal.toString()) - targetBefore).to.equal(left);
      expect(await env.chain.getAccount(v), "the vault is closed").to.equal(null);
      expect((await env.chain.getAccount(actors.admin.publicKey))!.lamports - adminBefore).to.equal(rent);
      const a = (await shardAccount(shard))!;
      expect(a.dustSwept).to.equal(true);
      expect(a.dust.toString()).to.equal(left.toString());
      shardDust += left;
      expectTxProgramError(await sweepShard(shard), "rewards", "DustAlreadySwept");
    }
    // every base unit of R_total is either paid or swept on
    let paid = 0n;
    for (const p of providers) paid += BigInt((await contributionOf(p))?.claimedAmount.toString() ?? "0");
    expect(paid + remainder + shardDust).to.equal(R_TOTAL);
  });
});
