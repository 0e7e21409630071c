/**
 * Registry config: init_config, update_config, transfer_admin + accept_admin, set_paused — happy paths
 * through the SDK client, and every rejection named after the error it expects. Each negative case
 * reaches the program (raw instructions where the client would refuse first) and asserts the exact
 * error, so removing the check it targets makes it fail. Runs on a chain of its own (it begins with
 * "no config yet"), so the order of spec files does not matter.
 */
import { BN } from "@coral-xyz/anchor";
import { AccountLayout } from "@solana/spl-token";
import { Keypair, PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import type { LumoraErrorNames } from "../../sdk/src/client/errors.js";
import { ConfigParamError, type ConfigParams } from "../../sdk/src/config.js";
import * as ix from "../../sdk/src/instructions/index.js";
import { configPda, programDataPda, treasuryPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import registryIdl from "../../sdk/src/idl/lumora_registry.json" with { type: "json" };
import type { Idl } from "@coral-xyz/anchor";
import { SHARD_COUNT, type TestContext, actors, createTestContext, defaultParams } from "../harness/context.js";
import { eventsOf, expectProgramError, expectTxFrameworkError, expectTxProgramError } from "../harness/expect.js";

const REGISTRY = PROGRAM_IDS.registry;
const config = configPda().address;
const events = (name: string) => eventsOf(env.lastTx(), registryIdl as Idl, REGISTRY).filter((e) => e.name === name);

function initIx(over: { authority?: PublicKey; shardCount?: number; params?: Partial<ConfigParams>; programIds?: Partial<typeof PROGRAM_IDS> } = {}) {
  return ix.initConfigInstruction({
    authority: over.authority ?? actors.deployer.publicKey,
    admin: actors.admin.publicKey,
    lmrMint: env.lmrMint,
    shardCount: over.shardCount ?? SHARD_COUNT,
    params: { ...defaultParams(), ...over.params },
    programIds: over.programIds,
  });
}

/** This suite owns its chain: it starts from "no config", whatever ran before it on the shared one. */
let env: TestContext;

describe("registry: config", () => {
  before(async () => {
    env = await createTestContext();
  });

  describe("init_config", () => {
    it("NotUpgradeAuthority: only the program's upgrade authority can create the config", async () => {
      const m = await env.sendIxs([await initIx({ authority: actors.mallory.publicKey })], [actors.mallory]);
      expectTxProgramError(m, "registry", "NotUpgradeAuthority");
    });

    it("WrongProgramData: another program's program-data account is refused", async () => {
      const i = await initIx();
      const pd = i.keys.findIndex((k) => k.pubkey.equals(programDataPda({ programId: REGISTRY }).address));
      i.keys[pd]!.pubkey = programDataPda({ programId: PROGRAM_IDS.tasks }).address; // same upgrade authority
      expectTxProgramError(await env.sendIxs([i], [actors.deployer]), "registry", "WrongProgramData");
    });

    it("WeightOutOfBounds: a weight above 10 000 bps", async () => {
      const weights = { alphaBps: 10_001, betaBps: 0, gammaBps: 0 };
      expectTxProgramError(await env.sendIxs([await initIx({ params: { weights } })], [actors.deployer]), "registry", "WeightOutOfBounds");
    });

    it("WeightsSumNot10000: weights summing to 9 999", async () => {
      const weights = { alphaBps: 5_000, betaBps: 3_000, gammaBps: 1_999 };
      expectTxProgramError(await env.sendIxs([await initIx({ params: { weights } })], [actors.deployer]), "registry", "WeightsSumNot10000");
    });

    it("ShardCountOutOfBounds: zero shards and 1 025 shards", async () => {
      for (const shardCount of [0, 1_025])
        expectTxProgramError(await env.sendIxs([await initIx({ shardCount })], [actors.deployer]), "registry", "ShardCountOutOfBounds");
    });

    it("InvalidProgramId: duplicate or default program ids", async () => {
      for (const programIds of [{ rewards: PROGRAM_IDS.tasks }, { market: PublicKey.default }, { tasks: REGISTRY }])
        expectTxProgramError(await env.sendIxs([await initIx({ programIds })], [actors.deployer]), "registry", "InvalidProgramId");
    });

    it("the SDK refuses out-of-bound parameters before sending", async () => {
      const params = { ...defaultParams(), weights: { alphaBps: 1, betaBps: 1, gammaBps: 1 } };
      let err: unknown;
      try {
        await env.client.registry.initConfig({ authority: actors.deployer, admin: actors.admin.publicKey, lmrMint: env.lmrMint, shardCount: SHARD_COUNT, params });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ConfigParamError);
      expect((err as ConfigParamError).errorName).to.equal("WeightsSumNot10000");
    });

    it("creates the config and the treasury (upgrade authority signs, admin recorded)", async () => {
      expect(await env.client.registry.fetchConfig()).to.equal(null);
      await env.client.registry.initConfig({
        authority: actors.deployer,
        admin: actors.admin.publicKey,
        lmrMint: env.lmrMint,
        shardCount: SHARD_COUNT,
        params: defaultParams(),
      });
      const ev = events("ConfigInitialized");
      expect(ev).to.have.length(1);
      expect((ev[0]!.data.admin as PublicKey).toBase58()).to.equal(actors.admin.publicKey.toBase58());

      const c = (await env.client.registry.fetchConfig())!;
      expect(c.version).to.equal(1);
      expect(c.admin.toBase58()).to.equal(actors.admin.publicKey.toBase58());
      expect(c.pendingAdmin.toBase58()).to.equal(PublicKey.default.toBase58());
      expect(c.paused).to.equal(false);
      expect(c.shardCount).to.equal(SHARD_COUNT);
      expect(c.lmrMint.toBase58()).to.equal(env.lmrMint.toBase58());
      expect(c.bump).to.equal(configPda().bump);
      expect(c.treasury.toBase58()).to.equal(treasuryPda().address.toBase58());
      expect(c.tasksProgram.toBase58()).to.equal(PROGRAM_IDS.tasks.toBase58());
      expect(c.rewardsProgram.toBase58()).to.equal(PROGRAM_IDS.rewards.toBase58());
      expect(c.marketProgram.toBase58()).to.equal(PROGRAM_IDS.market.toBase58());
      expect(c.params.weights).to.deep.equal(defaultParams().weights);
      expect(c.params.minStake.toString()).to.equal(defaultParams().minStake.toString());

      const t = (await env.chain.getAccount(c.treasury))!;
      const tok = AccountLayout.decode(t.data);
      expect(tok.mint.toBase58()).to.equal(env.lmrMint.toBase58());
      expect(tok.owner.toBase58(), "treasury authority is the config PDA").to.equal(config.toBase58());
    });

    it("re-initialisation fails: the config account already exists", async () => {
      const m = await env.sendIxs([await initIx()], [actors.deployer]);
      expect(m.error).to.not.equal(null);
      // Anchor 1.2.2's `init` on an account that already holds lamports calls the system program's
      // CreateAccountAllowPrefund; the current runtime (LiteSVM) refuses it as "already in use",
      // bankrun's older runtime does not know that instruction at all.
      const why = env.vm === "litesvm" ? /Program 11111111111111111111111111111111 failed: .*already in use|already in use/ : /Program 11111111111111111111111111111111 failed: invalid instruction data/;
      expect(m.logs.join("\n")).to.match(why, m.logs.join("\n"));
      const c = (await env.client.registry.fetchConfig())!;
      expect(c.admin.toBase58()).to.equal(actors.admin.publicKey.toBase58());
    });
  });

  describe("update_config", () => {
    const changed = (): ConfigParams => ({ ...defaultParams(), weights: { alphaBps: 4_000, betaBps: 4_000, gammaBps: 2_000 }, bMaxKbps: new BN(2_000_000), protocolFeeBps: 300 });

    it("the admin replaces the parameters; ConfigUpdated carries old and new", async () => {
      await env.client.registry.updateConfig({ admin: actors.admin, params: changed() });
      const c = (await env.client.registry.fetchConfig())!;
      expect(c.params.weights).to.deep.equal(changed().weights);
      expect(c.params.bMaxKbps.toString()).to.equal("2000000");
      expect(c.params.protocolFeeBps).to.equal(300);
      const ev = events("ConfigUpdated");
      expect(ev).to.have.length(1);
      expect((ev[0]!.data.old_params as { protocol_fee_bps: number }).protocol_fee_bps).to.equal(250);
      expect((ev[0]!.data.new_params as { protocol_fee_bps: number }).protocol_fee_bps).to.equal(300);
    });

    it("NotAdmin: a non-admin signer", async () => {
      await expectProgramError(() => env.client.registry.updateConfig({ admin: actors.mallory, params: defaultParams() }), "registry", "NotAdmin");
    });

    it("missing signer: the admin's key without its signature (AccountNotSigner)", async () => {
      const i = await ix.updateConfigInstruction({ admin: actors.admin.publicKey, params: defaultParams() });
      i.keys[0]!.isSigner = false;
      expectTxFrameworkError(await env.sendIxs([i], [actors.mallory]), REGISTRY, "AccountNotSigner");
    });

    it("WeightOutOfBounds and WeightsSumNot10000 reach the program", async () => {
      for (const [weights, name] of [
        [{ alphaBps: 65_535, betaBps: 10_001, gammaBps: 0 }, "WeightOutOfBounds"],
        [{ alphaBps: 5_000, betaBps: 5_000, gammaBps: 1 }, "WeightsSumNot10000"],
      ] as const) {
        const i = await ix.updateConfigInstruction({ admin: actors.admin.publicKey, params: { ...defaultParams(), weights } });
        expectTxProgramError(await env.sendIxs([i], [actors.admin]), "registry", name);
      }
    });

    it("every other bound reaches the program with its own error", async () => {
      const cases: [Partial<ConfigParams>, LumoraErrorNames["registry"]][] = [
        [{ bMaxKbps: new BN(0) }, "BMaxOutOfBounds"],
        [{ epochLengthSecs: 59 }, "EpochLengthOutOfBounds"],
        [{ claimWindowSecs: 3_599 }, "ClaimWindowOutOfBounds"],
        [{ minStake: new BN(0) }, "MinStakeZero"],
        [{ unstakeCooldownSecs: 90 * 86_400 + 1 }, "CooldownOutOfBounds"],
        [{ repKUpBps: 0 }, "ReputationParamOutOfBounds"],
        [{ jailThreshold: 5_000 }, "JailThresholdNotBelowInitial"],
        [{ slashBps: 0 }, "SlashOutOfBounds"],
        [{ protocolFeeBps: 1_001 }, "ProtocolFeeOutOfBounds"],
      ];
      for (const [over, name] of cases) {
        const i = await ix.updateConfigInstruction({ admin: actors.admin.publicKey, params: { ...defaultParams(), ...over } });
        expectTxProgramError(await env.sendIxs([i], [actors.admin]), "registry", name);
      }
    });

    it("account of the wrong owner: a copy of the config owned by another program (AccountOwnedByWrongProgram)", async () => {
      const real = (await env.chain.getAccount(config))!;
      const fake = Keypair.generate().publicKey;
      await env.chain.setAccount({ address: fake, lamports: real.lamports, data: real.data, owner: PROGRAM_IDS.tasks });
      const i = await ix.updateConfigInstruction({ admin: actors.admin.publicKey, params: defaultParams() });
      i.keys[1]!.pubkey = fake;
      expectTxFrameworkError(await env.sendIxs([i], [actors.admin]), REGISTRY, "AccountOwnedByWrongProgram");
    });

    it("wrong discriminator: a registry-owned account whose first 8 bytes are not Config's (AccountDiscriminatorMismatch)", async () => {
      const real = (await env.chain.getAccount(config))!;
      const data = Buffer.from(real.data);
      data[0] = data[0]! ^ 0xff;
      const fake = Keypair.generate().publicKey;
      await env.chain.setAccount({ address: fake, lamports: real.lamports, data, owner: REGISTRY });
      const i = await ix.updateConfigInstruction({ admin: actors.admin.publicKey, params: defaultParams() });
      i.keys[1]!.pubkey = fake;
      expectTxFrameworkError(await env.sendIxs([i], [actors.admin]), REGISTRY, "AccountDiscriminatorMismatch");
    });

    it("a genuine Config at another address: the seeds constraint refuses it (ConstraintSeeds)", async () => {
      const real = (await env.chain.getAccount(config))!;
      const fake = Keypair.generate().publicKey;
      await env.chain.setAccount({ address: fake, lamports: real.lamports, data: real.data, owner: REGISTRY });
      const i = await ix.updateConfigInstruction({ admin: actors.admin.publicKey, params: defaultParams() });
      i.keys[1]!.pubkey = fake;
      expectTxFrameworkError(await env.sendIxs([i], [actors.admin]), REGISTRY, "ConstraintSeeds");
    });
  });

  describe("transfer_admin + accept_admin", () => {
    it("NotAdmin: a non-admin cannot propose", async () => {
      await expectProgramError(() => env.client.registry.transferAdmin({ admin: actors.mallory, newAdmin: actors.mallory.publicKey }), "registry", "NotAdmin");
    });

    it("NoPendingAdmin: nothing to accept", async () => {
      await expectProgramError(() => env.client.registry.acceptAdmin({ newAdmin: actors.newAdmin }), "registry", "NoPendingAdmin");
    });

    it("InvalidNewAdmin: the current admin or the default key", async () => {
      for (const newAdmin of [actors.admin.publicKey, PublicKey.default])
        await expectProgramError(() => env.client.registry.transferAdmin({ admin: actors.admin, newAdmin }), "registry", "InvalidNewAdmin");
    });

    it("the admin proposes; AdminTransferProposed", async () => {
      await env.client.registry.transferAdmin({ admin: actors.admin, newAdmin: actors.newAdmin.publicKey });
      expect(events("AdminTransferProposed")).to.have.length(1);
      const c = (await env.client.registry.fetchConfig())!;
      expect(c.pendingAdmin.toBase58()).to.equal(actors.newAdmin.publicKey.toBase58());
      expect(c.admin.toBase58(), "admin unchanged until accepted").to.equal(actors.admin.publicKey.toBase58());
    });

    it("NotPendingAdmin: pending-admin hijack by another signer", async () => {
      await expectProgramError(() => env.client.registry.acceptAdmin({ newAdmin: actors.mallory }), "registry", "NotPendingAdmin");
    });

    it("the pending admin accepts; the old admin loses its rights", async () => {
      await env.client.registry.acceptAdmin({ newAdmin: actors.newAdmin });
      const ev = events("AdminTransferred");
      expect(ev).to.have.length(1);
      expect((ev[0]!.data.old_admin as PublicKey).toBase58()).to.equal(actors.admin.publicKey.toBase58());
      const c = (await env.client.registry.fetchConfig())!;
      expect(c.admin.toBase58()).to.equal(actors.newAdmin.publicKey.toBase58());
      expect(c.pendingAdmin.toBase58()).to.equal(PublicKey.default.toBase58());
      await expectProgramError(() => env.client.registry.updateConfig({ admin: actors.admin, params: defaultParams() }), "registry", "NotAdmin");
      // and back, for the suites that follow
      await env.client.registry.transferAdmin({ admin: actors.newAdmin, newAdmin: actors.admin.publicKey });
      await env.client.registry.acceptAdmin({ newAdmin: actors.admin });
      expect((await env.client.registry.fetchConfig())!.admin.toBase58()).to.equal(actors.admin.publicKey.toBase58());
    });
  });

  describe("set_paused", () => {
    it("NotAdmin: a non-admin cannot pause", async () => {
      await expectProgramError(() => env.client.registry.setPaused({ admin: actors.mallory, paused: true }), "registry", "NotAdmin");
    });

    it("the admin pauses; PausedSet", async () => {
      await env.client.registry.setPaused({ admin: actors.admin, paused: true });
      expect(events("PausedSet").map((e) => e.data.paused)).to.deep.equal([true]);
      expect((await env.client.registry.fetchConfig())!.paused).to.equal(true);
    });

    it("PauseUnchanged: pausing twice", async () => {
      await expectProgramError(() => env.client.registry.setPaused({ admin: actors.admin, paused: true }), "registry", "PauseUnchanged");
    });

    it("ProtocolPaused: parameters are frozen while paused", async () => {
      await expectProgramError(() => env.client.registry.updateConfig({ admin: actors.admin, params: defaultParams() }), "registry", "ProtocolPaused");
    });

    it("governance lifts the pause, updates and re-pauses in one transaction", async () => {
      const params = { ...defaultParams(), protocolFeeBps: 123 };
      const ixs = [
        await ix.setPausedInstruction({ admin: actors.admin.publicKey, paused: false }),
        await ix.updateConfigInstruction({ admin: actors.admin.publicKey, params }),
        await ix.setPausedInstruction({ admin: actors.admin.publicKey, paused: true }),
      ];
      const m = await env.sendIxs(ixs, [actors.admin]);
      expect(m.error, m.logs.join("\n")).to.equal(null);
      const c = (await env.client.registry.fetchConfig())!;
      expect(c.paused).to.equal(true);
      expect(c.params.protocolFeeBps).to.equal(123);
    });

    it("admin keys can still rotate while paused", async () => {
      await env.client.registry.transferAdmin({ admin: actors.admin, newAdmin: actors.newAdmin.publicKey });
      expect((await env.client.registry.fetchConfig())!.pendingAdmin.toBase58()).to.equal(actors.newAdmin.publicKey.toBase58());
    });

    it("the admin unpauses", async () => {
      await env.client.registry.setPaused({ admin: actors.admin, paused: false });
      const c = (await env.client.registry.fetchConfig())!;
      expect(c.paused).to.equal(false);
      await env.client.registry.updateConfig({ admin: actors.admin, params: defaultParams() });
    });
  });
});
