/**
 * Registry nodes: register_node, update_node, heartbeat, stake_more, request_unstake → withdraw_stake,
 * deregister → close_node, unjail, admin slash — happy paths through the SDK client and every attack
 * that applies, each named after the error it expects. CPI-only instructions: cpi.spec.ts.
 */
import { getAssociatedTokenAddressSync, AccountLayout } from "@solana/spl-token";
import { Keypair, PublicKey, SystemProgram, Transaction } from "@solana/web3.js";
import { expect } from "chai";
import type { LumoraErrorNames } from "../../sdk/src/client/errors.js";
import * as ix from "../../sdk/src/instructions/index.js";
import { BN } from "../../sdk/src/bn.js";
import { nodePda, stakeVaultPda, treasuryPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { type NodeProfile } from "../../sdk/src/registry.js";
import { NODE_STATUS, ROLES, epochIndex, shardOf, slashAmount } from "../../sdk/src/registry-math.js";
import { LumoraError } from "../../sdk/src/client/errors.js";
import registryIdl from "../../sdk/src/idl/lumora_registry.json" with { type: "json" };
import type { Idl } from "@coral-xyz/anchor";
import { createMint, fundTokens } from "../../tools/chain/spl.js";
import { SHARD_COUNT, actor, actors, ctx, defaultParams, ensureConfig, fundLmr } from "../harness/context.js";
import { eventsOf, expectProgramError, expectTxFrameworkError, expectTxProgramError } from "../harness/expect.js";

const REGISTRY = PROGRAM_IDS.registry;
const LMR = 1_000_000n; // 6 decimals
const MIN_STAKE = BigInt(defaultParams().minStake.toString());
const nodeA = actor("node-a");
const nodeB = actor("node-b");
const nodeC = actor("node-c");
const events = (name: string) => eventsOf(ctx.lastTx(), registryIdl as Idl, REGISTRY).filter((e) => e.name === name);

const profile = (over: Partial<NodeProfile> = {}): NodeProfile => ({
  roles: ROLES.PROVIDER | ROLES.VERIFIER,
  latE6: 52_520_008,
  lonE6: 13_404_954,
  declaredBandwidthKbps: new BN(500_000),
  bandwidthCapKbps: new BN(400_000),
  multiaddr: "/ip4/10.0.0.1/tcp/4001",
  ...over,
});
const bn = (n: number | bigint) => new BN(n.toString());

async function tokenBalance(address: PublicKey): Promise<bigint> {
  const a = await ctx.chain.getAccount(address);
  return a ? AccountLayout.decode(a.data).amount : 0n;
}
const ata = (owner: PublicKey) => getAssociatedTokenAddressSync(ctx.lmrMint, owner, true);
async function registerIx(over: { operator?: Keypair; nodeKey?: Keypair; profile?: Partial<NodeProfile>; stake?: bigint; operatorTokens?: PublicKey; lmrMint?: PublicKey } = {}) {
  return ix.registerNodeInstruction({
    operator: (over.operator ?? actors.alice).publicKey,
    nodeKey: (over.nodeKey ?? nodeA).publicKey,
    lmrMint: over.lmrMint ?? ctx.lmrMint,
    profile: profile(over.profile),
    stake: over.stake ?? MIN_STAKE,
    operatorTokens: over.operatorTokens,
  });
}

describe("registry: nodes", () => {
  before(async () => {
    await ensureConfig();
    await fundLmr(actors.alice.publicKey, 100_000n * LMR);
    await fundLmr(actors.bob.publicKey, 100_000n * LMR);
  });

  describe("register_node", () => {
    it("missing signer: the node key must sign (AccountNotSigner)", async () => {
      const i = await registerIx();
      i.keys.find((k) => k.pubkey.equals(nodeA.publicKey))!.isSigner = false;
      expectTxFrameworkError(await ctx.sendIxs([i], [actors.alice]), REGISTRY, "AccountNotSigner");
    });

    it("missing signer: the operator must sign (AccountNotSigner)", async () => {
      const i = await registerIx();
      i.keys.find((k) => k.pubkey.equals(actors.alice.publicKey))!.isSigner = false;
      expectTxFrameworkError(await ctx.sendIxs([i], [actors.mallory, nodeA]), REGISTRY, "AccountNotSigner");
    });

    it("NodeKeyIsOperator: the hot key must differ from the operator", async () => {
      const i = await registerIx({ nodeKey: actors.alice });
      expectTxProgramError(await ctx.sendIxs([i], [actors.alice]), "registry", "NodeKeyIsOperator");
    });

    it("out-of-range profiles: roles, location, bandwidth, cap, multiaddr", async () => {
      const cases: [Partial<NodeProfile>, LumoraErrorNames["registry"]][] = [
        [{ roles: 0 }, "InvalidRoles"],
        [{ roles: 8 }, "InvalidRoles"],
        [{ latE6: 90_000_001 }, "LocationOutOfRange"],
        [{ lonE6: -180_000_001 }, "LocationOutOfRange"],
        [{ declaredBandwidthKbps: bn(0), bandwidthCapKbps: bn(0) }, "BandwidthOutOfRange"],
        [{ declaredBandwidthKbps: bn(100_000_001) }, "BandwidthOutOfRange"],
        [{ bandwidthCapKbps: bn(500_001) }, "InvalidBandwidthCap"],
        [{ bandwidthCapKbps: bn(0) }, "InvalidBandwidthCap"],
        [{ multiaddr: "" }, "InvalidMultiaddr"],
        [{ multiaddr: "ip4/10.0.0.1/tcp/4001" }, "InvalidMultiaddr"],
        [{ multiaddr: "/ip4/10.0.0.1/tcp/4001 " }, "InvalidMultiaddr"],
        [{ multiaddr: "/" + "a".repeat(128) }, "InvalidMultiaddr"],
      ];
      for (const [over, name] of cases)
        expectTxProgramError(await ctx.sendIxs([await registerIx({ profile: over })], [actors.alice, nodeA]), "registry", name);
    });

    it("StakeBelowMinimum", async () => {
      expectTxProgramError(await ctx.sendIxs([await registerIx({ stake: MIN_STAKE - 1n })], [actors.alice, nodeA]), "registry", "StakeBelowMinimum");
    });

    it("WrongMint: paying with a token account of another mint", async () => {
      const fake = await createMint(ctx.chain.provider, { mint: actor("fake-mint"), authority: actors.lmrAuthority.publicKey, decimals: 6 });
      const fakeTokens = await fundTokens(ctx.chain.provider, { mint: fake, mintAuthority: actors.lmrAuthority, owner: actors.alice.publicKey, amount: 10_000n * LMR });
      expectTxProgramError(await ctx.sendIxs([await registerIx({ operatorTokens: fakeTokens })], [actors.alice, nodeA]), "registry", "WrongMint");
      // and a mint other than the config's LMR for the vault
      expectTxProgramError(await ctx.sendIxs([await registerIx({ lmrMint: fake, operatorTokens: fakeTokens })], [actors.alice, nodeA]), "registry", "WrongMint");
    });

    it("WrongTokenOwner: staking from someone else's token account", async () => {
      const i = await registerIx({ operatorTokens: ata(actors.bob.publicKey) });
      expectTxProgramError(await ctx.sendIxs([i], [actors.alice, nodeA]), "registry", "WrongTokenOwner");
    });

    it("ProtocolPaused", async () => {
      await ctx.client.registry.setPaused({ admin: actors.admin, paused: true });
      expectTxProgramError(await ctx.sendIxs([await registerIx()], [actors.alice, nodeA]), "registry", "ProtocolPaused");
      await ctx.client.registry.setPaused({ admin: actors.admin, paused: false });
    });

    it("registers a provider/verifier: stake moved to its vault, shard from its key, NodeRegistered", async () => {
      const before = await tokenBalance(ata(actors.alice.publicKey));
      await ctx.client.registry.registerNode({ operator: actors.alice, nodeKey: nodeA, profile: profile(), stake: MIN_STAKE });
      const ev = events("NodeRegistered");
      expect(ev).to.have.length(1);
      const n = (await ctx.client.registry.fetchNode(nodeA.publicKey))!;
      expect(n.operator.toBase58()).to.equal(actors.alice.publicKey.toBase58());
      expect(n.nodeKey.toBase58()).to.equal(nodeA.publicKey.toBase58());
      expect(n.roles).to.equal(ROLES.PROVIDER | ROLES.VERIFIER);
      expect(n.status).to.equal(NODE_STATUS.ACTIVE);
      expect(n.shard).to.equal(shardOf({ nodeKey: nodeA.publicKey.toBytes(), shardCount: SHARD_COUNT }));
      expect(n.reputation).to.equal(defaultParams().repInitial);
      expect(n.stake.toString()).to.equal(MIN_STAKE.toString());
      expect(Buffer.from(n.multiaddr.slice(0, n.multiaddrLen)).toString()).to.equal("/ip4/10.0.0.1/tcp/4001");
      expect(n.bump).to.equal(nodePda({ nodeKey: nodeA.publicKey }).bump);
      const vault = stakeVaultPda({ node: nodePda({ nodeKey: nodeA.publicKey }).address }).address;
      expect(await tokenBalance(vault)).to.equal(MIN_STAKE);
      expect(await tokenBalance(ata(actors.alice.publicKey))).to.equal(before - MIN_STAKE);
      expect(AccountLayout.decode((await ctx.chain.getAccount(vault))!.data).owner.toBase58(), "vault authority = node PDA").to.equal(
        nodePda({ nodeKey: nodeA.publicKey }).address.toBase58(),
      );
    });

    it("registers an executor and an all-roles node for another operator", async () => {
      await ctx.client.registry.registerNode({ operator: actors.bob, nodeKey: nodeB, profile: profile({ roles: ROLES.EXECUTOR, bandwidthCapKbps: bn(0), latE6: -33_868_820, lonE6: 151_209_296 }), stake: MIN_STAKE });
      await ctx.client.registry.registerNode({ operator: actors.bob, nodeKey: nodeC, profile: profile({ roles: ROLES.PROVIDER | ROLES.EXECUTOR | ROLES.VERIFIER }), stake: 2n * MIN_STAKE });
      expect((await ctx.client.registry.fetchNode(nodeB.publicKey))!.roles).to.equal(ROLES.EXECUTOR);
      expect((await ctx.client.registry.fetchNode(nodeC.publicKey))!.stake.toString()).to.equal((2n * MIN_STAKE).toString());
    });

    it("re-initialisation: one node per node key", async () => {
      const m = await ctx.sendIxs([await registerIx({ operator: actors.bob, operatorTokens: ata(actors.bob.publicKey) })], [actors.bob, nodeA]);
      expect(m.error).to.not.equal(null);
      expect((await ctx.client.registry.fetchNode(nodeA.publicKey))!.operator.toBase58()).to.equal(actors.alice.publicKey.toBase58());
    });
  });

  describe("heartbeat", () => {
    it("HeartbeatTooSoon: registration counts as the first sign of life", async () => {
      await expectProgramError(() => ctx.client.registry.heartbeat({ nodeKey: nodeA }), "registry", "HeartbeatTooSoon");
    });

    it("records slot, time and this epoch's uptime counter; Heartbeat", async () => {
      await ctx.chain.warp(61);
      await ctx.client.registry.heartbeat({ nodeKey: nodeA });
      const n = (await ctx.client.registry.fetchNode(nodeA.publicKey))!;
      const now = await ctx.chain.now();
      expect(n.lastHeartbeatTs.toString()).to.equal(now.toString());
      expect(n.heartbeatsInEpoch).to.equal(1);
      expect(n.uptimeEpoch.toString()).to.equal(epochIndex({ unixTs: now, epochLengthSecs: defaultParams().epochLengthSecs }).toString());
      expect(events("Heartbeat")).to.have.length(1);
    });

    it("HeartbeatTooSoon: at most one per minute; then counted again", async () => {
      await expectProgramError(() => ctx.client.registry.heartbeat({ nodeKey: nodeA }), "registry", "HeartbeatTooSoon");
      await ctx.chain.warp(61);
      await ctx.client.registry.heartbeat({ nodeKey: nodeA });
      expect((await ctx.client.registry.fetchNode(nodeA.publicKey))!.heartbeatsInEpoch).to.equal(2);
    });

    it("a new epoch restarts the counter", async () => {
      await ctx.chain.warp(defaultParams().epochLengthSecs);
      await ctx.client.registry.heartbeat({ nodeKey: nodeA });
      expect((await ctx.client.registry.fetchNode(nodeA.publicKey))!.heartbeatsInEpoch).to.equal(1);
    });

    it("NotNodeKey: another key signing for the node", async () => {
      const i = await ix.heartbeatInstruction({ nodeKey: actors.mallory.publicKey });
      i.keys[2]!.pubkey = nodePda({ nodeKey: nodeA.publicKey }).address;
      expectTxProgramError(await ctx.sendIxs([i], [actors.mallory]), "registry", "NotNodeKey");
    });

    it("missing signer: the node key's signature (AccountNotSigner)", async () => {
      const i = await ix.heartbeatInstruction({ nodeKey: nodeB.publicKey });
      i.keys[0]!.isSigner = false;
      expectTxFrameworkError(await ctx.sendIxs([i], [actors.mallory]), REGISTRY, "AccountNotSigner");
    });

    it("account of another owner, or another type (AccountOwnedByWrongProgram, AccountDiscriminatorMismatch)", async () => {
      const real = (await ctx.chain.getAccount(nodePda({ nodeKey: nodeB.publicKey }).address))!;
      const wrongOwner = Keypair.generate().publicKey;
      await ctx.chain.setAccount({ address: wrongOwner, lamports: real.lamports, data: real.data, owner: PROGRAM_IDS.tasks });
      const i = await ix.heartbeatInstruction({ nodeKey: nodeB.publicKey });
      i.keys[2]!.pubkey = wrongOwner;
      expectTxFrameworkError(await ctx.sendIxs([i], [actors.mallory, nodeB]), REGISTRY, "AccountOwnedByWrongProgram");
      // a Config passed where a Node is expected
      const i2 = await ix.heartbeatInstruction({ nodeKey: nodeB.publicKey });
      i2.keys[2]!.pubkey = ctx.client.registry.configAddress();
      expectTxFrameworkError(await ctx.sendIxs([i2], [actors.mallory, nodeB]), REGISTRY, "AccountDiscriminatorMismatch");
    });

    it("ProtocolPaused", async () => {
      await ctx.client.registry.setPaused({ admin: actors.admin, paused: true });
      await ctx.chain.warp(61);
      await expectProgramError(() => ctx.client.registry.heartbeat({ nodeKey: nodeB }), "registry", "ProtocolPaused");
      await ctx.client.registry.setPaused({ admin: actors.admin, paused: false });
    });
  });

  describe("update_node", () => {
    it("the operator replaces the profile; NodeUpdated; shard unchanged", async () => {
      const before = (await ctx.client.registry.fetchNode(nodeA.publicKey))!;
      await ctx.client.registry.updateNode({ operator: actors.alice, nodeKey: nodeA.publicKey, profile: profile({ roles: ROLES.PROVIDER, multiaddr: "/dns4/node-a.lumora.network/tcp/4001" }) });
      const n = (await ctx.client.registry.fetchNode(nodeA.publicKey))!;
      expect(n.roles).to.equal(ROLES.PROVIDER);
      expect(Buffer.from(n.multiaddr.slice(0, n.multiaddrLen)).toString()).to.equal("/dns4/node-a.lumora.network/tcp/4001");
      expect(n.shard).to.equal(before.shard);
      expect(events("NodeUpdated")).to.have.length(1);
    });

    it("NotOperator: another operator", async () => {
      await expectProgramError(() => ctx.client.registry.updateNode({ operator: actors.bob, nodeKey: nodeA.publicKey, profile: profile() }), "registry", "NotOperator");
    });

    it("non-canonical bump: a copy of the node at a non-canonical PDA of the same seeds (ConstraintSeeds)", async () => {
      const seeds = [Buffer.from("node"), nodeA.publicKey.toBuffer()];
      const canonical = nodePda({ nodeKey: nodeA.publicKey });
      let other: PublicKey | undefined;
      for (let b = canonical.bump - 1; b >= 0 && !other; b--) {
        try {
          other = PublicKey.createProgramAddressSync([...seeds, Buffer.from([b])], REGISTRY);
        } catch {
          /* on curve: try the next bump */
        }
      }
      const real = (await ctx.chain.getAccount(canonical.address))!;
      await ctx.chain.setAccount({ address: other!, lamports: real.lamports, data: real.data, owner: REGISTRY });
      const i = await ix.updateNodeInstruction({ operator: actors.alice.publicKey, nodeKey: nodeA.publicKey, profile: profile() });
      i.keys[2]!.pubkey = other!;
      expectTxFrameworkError(await ctx.sendIxs([i], [actors.alice]), REGISTRY, "ConstraintSeeds");
    });

    it("out-of-range profile: InvalidMultiaddr", async () => {
      await expectProgramError(() => ctx.client.registry.updateNode({ operator: actors.alice, nodeKey: nodeA.publicKey, profile: profile({ multiaddr: "/ip4/1.2.3.4/tcp/1?x" }) }), "registry", "InvalidMultiaddr");
    });
  });

  describe("stake_more, request_unstake, withdraw_stake", () => {
    const vaultA = () => stakeVaultPda({ node: nodePda({ nodeKey: nodeA.publicKey }).address }).address;

    it("stake_more adds to the stake and the vault; StakeAdded", async () => {
      await ctx.client.registry.stake({ operator: actors.alice, nodeKey: nodeA.publicKey, amount: 500n * LMR });
      expect((await ctx.client.registry.fetchNode(nodeA.publicKey))!.stake.toString()).to.equal((MIN_STAKE + 500n * LMR).toString());
      expect(await tokenBalance(vaultA())).to.equal(MIN_STAKE + 500n * LMR);
      expect(events("StakeAdded")).to.have.length(1);
    });

    it("ZeroAmount", async () => {
      await expectProgramError(() => ctx.client.registry.stake({ operator: actors.alice, nodeKey: nodeA.publicKey, amount: 0 }), "registry", "ZeroAmount");
    });

    it("StakeWouldFallBelowMinimum: an active node keeps the minimum", async () => {
      await expectProgramError(() => ctx.client.registry.requestUnstake({ operator: actors.alice, nodeKey: nodeA.publicKey, amount: 500n * LMR + 1n }), "registry", "StakeWouldFallBelowMinimum");
    });

    it("request_unstake starts the cooldown; UnstakePending for a second one", async () => {
      await ctx.client.registry.requestUnstake({ operator: actors.alice, nodeKey: nodeA.publicKey, amount: 500n * LMR });
      const n = (await ctx.client.registry.fetchNode(nodeA.publicKey))!;
      expect(n.stake.toString()).to.equal(MIN_STAKE.toString());
      expect(n.unstakeRequested.toString()).to.equal((500n * LMR).toString());
      expect(n.unstakeAvailableAt.toString()).to.equal(((await ctx.chain.now()) + BigInt(defaultParams().unstakeCooldownSecs)).toString());
      await expectProgramError(() => ctx.client.registry.requestUnstake({ operator: actors.alice, nodeKey: nodeA.publicKey, amount: 1 }), "registry", "UnstakePending");
    });

    it("CooldownNotElapsed: unstake before the cooldown", async () => {
      await expectProgramError(() => ctx.client.registry.withdrawStake({ operator: actors.alice, nodeKey: nodeA.publicKey }), "registry", "CooldownNotElapsed");
    });

    it("duplicate mutable accounts: the stake vault passed as the destination too (ConstraintDuplicateMutableAccount)", async () => {
      const i = await ix.withdrawStakeInstruction({ operator: actors.alice.publicKey, nodeKey: nodeA.publicKey, lmrMint: ctx.lmrMint, operatorTokens: vaultA() });
      expectTxFrameworkError(await ctx.sendIxs([i], [actors.alice]), REGISTRY, "ConstraintDuplicateMutableAccount");
    });

    it("after the cooldown the operator withdraws; StakeWithdrawn; NoUnstakePending after", async () => {
      await ctx.chain.warp(defaultParams().unstakeCooldownSecs);
      const before = await tokenBalance(ata(actors.alice.publicKey));
      await ctx.client.registry.withdrawStake({ operator: actors.alice, nodeKey: nodeA.publicKey });
      expect(await tokenBalance(ata(actors.alice.publicKey))).to.equal(before + 500n * LMR);
      expect(await tokenBalance(vaultA())).to.equal(MIN_STAKE);
      expect(events("StakeWithdrawn")).to.have.length(1);
      await expectProgramError(() => ctx.client.registry.withdrawStake({ operator: actors.alice, nodeKey: nodeA.publicKey }), "registry", "NoUnstakePending");
    });

    it("NotOperator: withdrawing another operator's stake", async () => {
      await expectProgramError(() => ctx.client.registry.requestUnstake({ operator: actors.mallory, nodeKey: nodeC.publicKey, amount: 1 }), "registry", "NotOperator");
    });
  });

  describe("slash (admin)", () => {
    it("NotSlashAuthority: neither the admin nor the tasks authority", async () => {
      await expectProgramError(() => ctx.client.registry.slash({ admin: actors.mallory, nodeKey: nodeC.publicKey }), "registry", "NotSlashAuthority");
    });

    it("the admin slashes slash_bps of the stake into the treasury; NodeSlashed", async () => {
      const stake = BigInt((await ctx.client.registry.fetchNode(nodeC.publicKey))!.stake.toString());
      const treasury = treasuryPda().address;
      const before = await tokenBalance(treasury);
      await ctx.client.registry.slash({ admin: actors.admin, nodeKey: nodeC.publicKey });
      const amount = slashAmount({ stake, slashBps: defaultParams().slashBps });
      expect(await tokenBalance(treasury)).to.equal(before + amount);
      const n = (await ctx.client.registry.fetchNode(nodeC.publicKey))!;
      expect(n.stake.toString()).to.equal((stake - amount).toString());
      expect(n.totalSlashed.toString()).to.equal(amount.toString());
      expect(events("NodeSlashed")).to.have.length(1);
    });
  });

  describe("unjail", () => {
    it("NodeNotJailed: a node in good standing", async () => {
      await expectProgramError(() => ctx.client.registry.unjail({ operator: actors.bob, nodeKey: nodeB.publicKey }), "registry", "NodeNotJailed");
    });
  });

  describe("fetchNodes", () => {
    it("lists nodes filtered by role, shard and status (getProgramAccounts) — or says why it cannot", async () => {
      if (ctx.vm === "bankrun") {
        let err: unknown;
        try {
          await ctx.client.registry.fetchNodes();
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(LumoraError);
        expect((err as Error).message).to.match(/getProgramAccounts/);
        return;
      }
      const all = await ctx.client.registry.fetchNodes();
      expect(all.map((r) => r.node.nodeKey.toBase58()).sort()).to.include.members([nodeA, nodeB, nodeC].map((k) => k.publicKey.toBase58()));
      const executors = await ctx.client.registry.fetchNodes({ roles: ROLES.EXECUTOR });
      expect(executors.map((r) => r.node.nodeKey.toBase58())).to.include.members([nodeB, nodeC].map((k) => k.publicKey.toBase58()));
      expect(executors.map((r) => r.node.nodeKey.toBase58())).to.not.include(nodeA.publicKey.toBase58());
      expect(executors.every((r) => (r.node.roles & ROLES.EXECUTOR) !== 0)).to.equal(true);
      const shard = (await ctx.client.registry.fetchNode(nodeB.publicKey))!.shard;
      const inShard = await ctx.client.registry.fetchNodes({ shard });
      expect(inShard.every((r) => r.node.shard === shard)).to.equal(true);
      expect(inShard.map((r) => r.node.nodeKey.toBase58())).to.include(nodeB.publicKey.toBase58());
    });
  });

  describe("deregister, close_node", () => {
    it("NotDeregistered: an active node cannot be closed", async () => {
      await expectProgramError(() => ctx.client.registry.closeNode({ operator: actors.bob, nodeKey: nodeB.publicKey }), "registry", "NotDeregistered");
    });

    it("deregister: status, the whole stake into the cooldown; AlreadyDeregistered; no more heartbeats", async () => {
      await ctx.client.registry.deregister({ operator: actors.bob, nodeKey: nodeB.publicKey });
      const n = (await ctx.client.registry.fetchNode(nodeB.publicKey))!;
      expect(n.status).to.equal(NODE_STATUS.DEREGISTERED);
      expect(n.stake.toString()).to.equal("0");
      expect(n.unstakeRequested.toString()).to.equal(MIN_STAKE.toString());
      expect(events("NodeDeregistered")).to.have.length(1);
      await expectProgramError(() => ctx.client.registry.deregister({ operator: actors.bob, nodeKey: nodeB.publicKey }), "registry", "AlreadyDeregistered");
      await ctx.chain.warp(61);
      await expectProgramError(() => ctx.client.registry.heartbeat({ nodeKey: nodeB }), "registry", "NodeNotActive");
    });

    it("CooldownNotElapsed: closing before the stake is free", async () => {
      await expectProgramError(() => ctx.client.registry.closeNode({ operator: actors.bob, nodeKey: nodeB.publicKey }), "registry", "CooldownNotElapsed");
    });

    it("closes after the cooldown: stake and rent back to the operator, both accounts gone; NodeClosed", async () => {
      await ctx.chain.warp(defaultParams().unstakeCooldownSecs);
      const node = nodePda({ nodeKey: nodeB.publicKey }).address;
      const vault = stakeVaultPda({ node }).address;
      const tokensBefore = await tokenBalance(ata(actors.bob.publicKey));
      const lamportsBefore = (await ctx.chain.getAccount(actors.bob.publicKey))!.lamports;
      const rent = (await ctx.chain.getAccount(node))!.lamports + (await ctx.chain.getAccount(vault))!.lamports;
      await ctx.client.registry.closeNode({ operator: actors.bob, nodeKey: nodeB.publicKey });
      expect(await tokenBalance(ata(actors.bob.publicKey))).to.equal(tokensBefore + MIN_STAKE);
      expect((await ctx.chain.getAccount(actors.bob.publicKey))!.lamports).to.equal(lamportsBefore + rent);
      expect(await ctx.chain.getAccount(node)).to.equal(null);
      expect(await ctx.chain.getAccount(vault)).to.equal(null);
      expect(await ctx.client.registry.fetchNode(nodeB.publicKey)).to.equal(null);
      expect(events("NodeClosed")).to.have.length(1);
    });

    it("closed-account revival: lamports sent back to the closed node in the same transaction do not revive a Node", async () => {
      await ctx.client.registry.deregister({ operator: actors.bob, nodeKey: nodeC.publicKey });
      await ctx.chain.warp(defaultParams().unstakeCooldownSecs);
      const node = nodePda({ nodeKey: nodeC.publicKey }).address;
      const close = await ix.closeNodeInstruction({ operator: actors.bob.publicKey, nodeKey: nodeC.publicKey, lmrMint: ctx.lmrMint });
      const refund = SystemProgram.transfer({ fromPubkey: actors.bob.publicKey, toPubkey: node, lamports: 10_000_000 });
      const m = await ctx.chain.sendRaw(new Transaction().add(close, refund), [actors.bob]);
      expect(m.error, m.logs.join("\n")).to.equal(null);
      const revived = (await ctx.chain.getAccount(node))!;
      expect(revived.owner.toBase58(), "owned by the system program, not the registry").to.equal(SystemProgram.programId.toBase58());
      expect(revived.data.length).to.equal(0);
      const i = await ix.updateNodeInstruction({ operator: actors.bob.publicKey, nodeKey: nodeC.publicKey, profile: profile() });
      const m2 = await ctx.sendIxs([i], [actors.bob]);
      expect(m2.error).to.not.equal(null);
      expect(m2.logs.join("\n")).to.match(/AccountOwnedByWrongProgram|AccountNotInitialized/);
    });
  });
});
