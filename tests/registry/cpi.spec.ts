/**
 * The registry's CPI-only instructions — record_outcome (reputation, jail), update_metrics,
 * adjust_obligations, slash by CPI — reached through tests/programs/cpi_caller, a program that signs
 * with its own ["authority"] PDA exactly as the tasks and rewards programs will.
 *   - On the shared chain the config names the real tasks/rewards programs: the caller is an impostor,
 *     and direct calls cannot produce the PDA's signature.
 *   - On chains of their own, the config names the caller as the tasks (or rewards) program — the
 *     config parameter that decides who may call — and the legitimate paths run.
 */
import { Program, type Provider, type Idl } from "@coral-xyz/anchor";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair, PublicKey, Transaction } from "@solana/web3.js";
import { expect } from "chai";
import callerJson from "../programs/cpi_caller/idl/lumora_cpi_caller.json" with { type: "json" };
import type { LumoraCpiCaller } from "../programs/cpi_caller/idl/lumora_cpi_caller.js";
import registryIdl from "../../sdk/src/idl/lumora_registry.json" with { type: "json" };
import { LumoraClient } from "../../sdk/src/client/index.js";
import { toLumoraError, LumoraProgramError } from "../../sdk/src/client/errors.js";
import * as ix from "../../sdk/src/instructions/index.js";
import { configPda, cpiAuthorityPda, nodePda, stakeVaultPda, treasuryPda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS, type LumoraProgramIds } from "../../sdk/src/programs.js";
import { ROLES, reputationAfter, slashAmount } from "../../sdk/src/registry-math.js";
import { BN } from "../../sdk/src/bn.js";
import { type EmbeddedChain, type TxMeta, deployedSo, startChain } from "../../tools/chain/index.js";
import { createMint, fundTokens } from "../../tools/chain/spl.js";
import { CPI_CALLER_ID, SHARD_COUNT, actor, actors, ctx, defaultParams, ensureConfig, fundLmr } from "../harness/context.js";
import { eventsOf, expectTxFrameworkError, expectTxProgramError } from "../harness/expect.js";
import { recordTransaction } from "../harness/cu.js";

const caller = new Program<LumoraCpiCaller>(callerJson as unknown as LumoraCpiCaller, {} as Provider);
const REGISTRY = PROGRAM_IDS.registry;
const callerAuthority = cpiAuthorityPda({ programId: CPI_CALLER_ID }).address;
const nodeKey = actor("cpi-node");
const profile = { roles: ROLES.EXECUTOR | ROLES.VERIFIER, latE6: 0, lonE6: 0, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/10.0.0.9/tcp/4001" };

function forward(kind: "outcome" | "metrics" | "obligations", node: PublicKey, args: { success?: boolean; bw?: number; lat?: number; a?: number; e?: number }) {
  const accounts = { authority: callerAuthority, config: configPda().address, node, registry: REGISTRY };
  if (kind === "outcome") return caller.methods.forwardRecordOutcome(args.success!).accountsStrict(accounts).instruction();
  if (kind === "metrics") return caller.methods.forwardUpdateMetrics(new BN(args.bw!), args.lat!).accountsStrict(accounts).instruction();
  return caller.methods.forwardAdjustObligations(args.a!, args.e!).accountsStrict(accounts).instruction();
}
function forwardSlash(node: PublicKey) {
  return caller.methods
    .forwardSlash(1)
    .accountsStrict({
      authority: callerAuthority,
      config: configPda().address,
      node,
      stakeVault: stakeVaultPda({ node }).address,
      treasury: treasuryPda().address,
      tokenProgram: TOKEN_PROGRAM_ID,
      registry: REGISTRY,
    })
    .instruction();
}

/** A chain of its own whose config names the caller as the tasks or the rewards program. */
async function chainWhereCallerIs(role: "tasks" | "rewards") {
  const programIds: Partial<LumoraProgramIds> = role === "tasks" ? { tasks: CPI_CALLER_ID } : { rewards: CPI_CALLER_ID };
  const funded = [actors.deployer, actors.admin, actors.alice, actors.lmrAuthority].map((k) => ({ address: k.publicKey, lamports: 1_000 * 1e9, data: new Uint8Array(), owner: PublicKey.default }));
  const chain: EmbeddedChain = await startChain({
    kind: ctx.vm,
    programs: [
      { programId: REGISTRY, soPath: deployedSo("lumora_registry") },
      { programId: CPI_CALLER_ID, soPath: deployedSo("lumora_cpi_caller") },
    ],
    upgradeAuthority: actors.deployer.publicKey,
    accounts: funded,
    payer: actor("payer"),
    onTransaction: recordTransaction,
  });
  const client = new LumoraClient({ provider: chain.provider, programIds });
  const lmrMint = await createMint(chain.provider, { mint: actor("lmr-mint"), authority: actors.lmrAuthority.publicKey, decimals: 6 });
  await client.registry.initConfig({ authority: actors.deployer, admin: actors.admin.publicKey, lmrMint, shardCount: SHARD_COUNT, params: defaultParams() });
  await fundTokens(chain.provider, { mint: lmrMint, mintAuthority: actors.lmrAuthority, owner: actors.alice.publicKey, amount: 1_000_000n * 1_000_000n });
  await client.registry.registerNode({ operator: actors.alice, nodeKey, profile, stake: BigInt(defaultParams().minStake.toString()) });
  const send = async (i: Promise<import("@solana/web3.js").TransactionInstruction>, signer: Keypair = actors.alice): Promise<TxMeta> =>
    chain.sendRaw(new Transaction().add(await i), [signer]);
  return { chain, client, lmrMint, send };
}

const node = nodePda({ nodeKey: nodeKey.publicKey }).address;
const events = (m: TxMeta, name: string) => eventsOf(m, registryIdl as Idl, REGISTRY).filter((e) => e.name === name);
const ok = (m: TxMeta) => expect(m.error, m.logs.join("\n")).to.equal(null);

describe("registry: CPI-only instructions", () => {
  describe("on the shared chain (config names the real tasks and rewards programs)", () => {
    const target = () => nodePda({ nodeKey: nodeKey.publicKey }).address;
    before(async () => {
      await ensureConfig();
      await fundLmr(actors.alice.publicKey, 10_000n * 1_000_000n);
      await ctx.client.registry.registerNode({ operator: actors.alice, nodeKey, profile, stake: BigInt(defaultParams().minStake.toString()) });
    });

    it("WrongCpiAuthority: an impostor program's authority PDA, for record_outcome, update_metrics, adjust_obligations", async () => {
      for (const [kind, args] of [["outcome", { success: false }], ["metrics", { bw: 1, lat: 1 }], ["obligations", { a: 1, e: 0 }]] as const) {
        const m = await ctx.sendIxs([await forward(kind, target(), args)], [actors.mallory]);
        expectTxProgramError(m, "registry", "WrongCpiAuthority");
      }
    });

    it("NotSlashAuthority: an impostor program cannot slash", async () => {
      expectTxProgramError(await ctx.sendIxs([await forwardSlash(target())], [actors.mallory]), "registry", "NotSlashAuthority");
    });

    it("called directly: the tasks authority's address without its signature (AccountNotSigner)", async () => {
      const tasksAuthority = cpiAuthorityPda({ programId: PROGRAM_IDS.tasks }).address;
      const i = await ix.recordOutcomeInstruction({ authority: tasksAuthority, nodeKey: nodeKey.publicKey, success: true });
      i.keys[0]!.isSigner = false;
      expectTxFrameworkError(await ctx.sendIxs([i], [actors.mallory]), REGISTRY, "AccountNotSigner");
    });

    it("called directly: any wallet signing as the authority (WrongCpiAuthority)", async () => {
      for (const i of [
        await ix.recordOutcomeInstruction({ authority: actors.mallory.publicKey, nodeKey: nodeKey.publicKey, success: true }),
        await ix.updateMetricsInstruction({ authority: actors.mallory.publicKey, nodeKey: nodeKey.publicKey, verifiedBandwidthKbps: 1, verifiedLatencyMs: 1 }),
        await ix.adjustObligationsInstruction({ authority: actors.mallory.publicKey, nodeKey: nodeKey.publicKey, assignmentsDelta: -1, epochsDelta: 0 }),
      ])
        expectTxProgramError(await ctx.sendIxs([i], [actors.mallory]), "registry", "WrongCpiAuthority");
      const n = (await ctx.client.registry.fetchNode(nodeKey.publicKey))!;
      expect(n.reputation).to.equal(defaultParams().repInitial);
      expect(n.verifiedBandwidthKbps.toString()).to.equal("0");
    });
  });

  describe("where the config names the caller as the tasks program", () => {
    let env: Awaited<ReturnType<typeof chainWhereCallerIs>>;
    before(async () => {
      env = await chainWhereCallerIs("tasks");
    });

    it("record_outcome moves reputation by the contract's EMA; OutcomeRecorded", async () => {
      const p = defaultParams();
      let expected = p.repInitial;
      for (const success of [true, true, false]) {
        const m = await env.send(forward("outcome", node, { success }));
        ok(m);
        expected = reputationAfter({ reputation: expected, success, kUpBps: p.repKUpBps, kDownBps: p.repKDownBps });
        expect(events(m, "OutcomeRecorded")).to.have.length(1);
        expect((await env.client.registry.fetchNode(nodeKey.publicKey))!.reputation).to.equal(expected);
      }
    });

    it("failures below the jail threshold jail the node (NodeJailed); unjail waits for the cooldown", async () => {
      const p = defaultParams();
      let jailedAt: TxMeta | undefined;
      for (let i = 0; i < 20 && !jailedAt; i++) {
        const m = await env.send(forward("outcome", node, { success: false }));
        ok(m);
        if (events(m, "NodeJailed").length) jailedAt = m;
      }
      expect(jailedAt, "jailed within 20 failures").to.not.equal(undefined);
      const n = (await env.client.registry.fetchNode(nodeKey.publicKey))!;
      expect(n.jailed).to.equal(1);
      expect(n.reputation).to.be.lessThan(p.jailThreshold);
      let err: unknown;
      try {
        await env.client.registry.unjail({ operator: actors.alice, nodeKey: nodeKey.publicKey });
      } catch (e) {
        err = e;
      }
      expect((err as LumoraProgramError).errorName).to.equal("JailCooldownNotElapsed");
      await env.chain.warp(86_400);
      await env.client.registry.unjail({ operator: actors.alice, nodeKey: nodeKey.publicKey });
      const after = (await env.client.registry.fetchNode(nodeKey.publicKey))!;
      expect(after.jailed).to.equal(0);
      expect(after.reputation, "back on probation at the threshold").to.equal(p.jailThreshold);
    });

    it("adjust_obligations: the tasks authority moves open assignments; close_node waits for them (OpenObligations)", async () => {
      ok(await env.send(forward("obligations", node, { a: 2, e: 0 })));
      expect((await env.client.registry.fetchNode(nodeKey.publicKey))!.openAssignments).to.equal(2);
      // tasks may not touch reward epochs
      expectTxProgramError(await env.send(forward("obligations", node, { a: 0, e: 1 })), "registry", "WrongCpiAuthority");
      // underflow is refused
      expectTxProgramError(await env.send(forward("obligations", node, { a: -3, e: 0 })), "registry", "ObligationUnderflow");
      await env.client.registry.deregister({ operator: actors.alice, nodeKey: nodeKey.publicKey });
      await env.chain.warp(defaultParams().unstakeCooldownSecs);
      let err: unknown;
      try {
        await env.client.registry.withdrawStake({ operator: actors.alice, nodeKey: nodeKey.publicKey, lmrMint: env.lmrMint });
      } catch (e) {
        err = e;
      }
      expect((err as LumoraProgramError).errorName, "a deregistered node cannot take its stake while it holds assignments").to.equal("OpenObligations");
      err = undefined;
      try {
        await env.client.registry.closeNode({ operator: actors.alice, nodeKey: nodeKey.publicKey, lmrMint: env.lmrMint });
      } catch (e) {
        err = e;
      }
      expect((err as LumoraProgramError).errorName).to.equal("OpenObligations");
    });

    it("slash by CPI (proven fraud) moves slash_bps of the stake at risk to the treasury", async () => {
      const before = (await env.client.registry.fetchNode(nodeKey.publicKey))!;
      const atRisk = BigInt(before.stake.toString()) + BigInt(before.unstakeRequested.toString());
      const m = await env.send(forwardSlash(node));
      ok(m);
      const ev = events(m, "NodeSlashed");
      expect(ev).to.have.length(1);
      expect((ev[0]!.data.amount as BN).toString()).to.equal(slashAmount({ stake: atRisk, slashBps: defaultParams().slashBps }).toString());
      expect(ev[0]!.data.reason).to.equal(1);
    });

    it("once the assignments settle, the node closes", async () => {
      ok(await env.send(forward("obligations", node, { a: -2, e: 0 })));
      await env.client.registry.closeNode({ operator: actors.alice, nodeKey: nodeKey.publicKey, lmrMint: env.lmrMint });
      expect(await env.client.registry.fetchNode(nodeKey.publicKey)).to.equal(null);
    });

    it("the caller is not the rewards program here: update_metrics is refused (WrongCpiAuthority)", async () => {
      const other = actor("cpi-node-2");
      await env.client.registry.registerNode({ operator: actors.alice, nodeKey: other, profile, stake: BigInt(defaultParams().minStake.toString()) });
      const m = await env.send(forward("metrics", nodePda({ nodeKey: other.publicKey }).address, { bw: 1, lat: 1 }));
      expect(toLumoraError({ logs: m.logs }, { ...PROGRAM_IDS, tasks: CPI_CALLER_ID })).to.be.instanceOf(LumoraProgramError);
      expectTxProgramError(m, "registry", "WrongCpiAuthority");
    });
  });

  describe("where the config names the caller as the rewards program", () => {
    let env: Awaited<ReturnType<typeof chainWhereCallerIs>>;
    before(async () => {
      env = await chainWhereCallerIs("rewards");
    });

    it("update_metrics records verified bandwidth and latency; MetricsUpdated", async () => {
      const m = await env.send(forward("metrics", node, { bw: 250_000, lat: 42 }));
      ok(m);
      expect(events(m, "MetricsUpdated")).to.have.length(1);
      const n = (await env.client.registry.fetchNode(nodeKey.publicKey))!;
      expect(n.verifiedBandwidthKbps.toString()).to.equal("250000");
      expect(n.verifiedLatencyMs).to.equal(42);
    });

    it("adjust_obligations: the rewards authority moves unclaimed epochs only", async () => {
      ok(await env.send(forward("obligations", node, { a: 0, e: 1 })));
      expect((await env.client.registry.fetchNode(nodeKey.publicKey))!.unclaimedEpochs).to.equal(1);
      expectTxProgramError(await env.send(forward("obligations", node, { a: 1, e: 0 })), "registry", "WrongCpiAuthority");
    });

    it("the rewards program cannot record outcomes or slash", async () => {
      expectTxProgramError(await env.send(forward("outcome", node, { success: false })), "registry", "WrongCpiAuthority");
      expectTxProgramError(await env.send(forwardSlash(node)), "registry", "NotSlashAuthority");
    });
  });
});
