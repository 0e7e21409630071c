/**
 * A chain of the rewards suites' own: registry, rewards and the CPI caller deployed; the config names
 * the caller as the tasks program (so `record_outcome` — to jail a verifier — runs its legitimate
 * path) and the real rewards program as the rewards program.
 */
import { Program, type Provider } from "@coral-xyz/anchor";
import { AccountLayout, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Keypair, PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";
import { expect } from "chai";
import callerJson from "../programs/cpi_caller/idl/lumora_cpi_caller.json" with { type: "json" };
import type { LumoraCpiCaller } from "../programs/cpi_caller/idl/lumora_cpi_caller.js";
import { BN } from "../../sdk/src/bn.js";
import { LumoraClient } from "../../sdk/src/client/index.js";
import * as rix from "../../sdk/src/instructions/rewards.js";
import { cpiAuthorityPda, nodePda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { type SignedReceipt, signReceipt } from "../../sdk/src/receipts.js";
import type { NodeProfile } from "../../sdk/src/registry.js";
import { ROLES, epochIndex } from "../../sdk/src/registry-math.js";
import { type EmbeddedChain, type TxMeta, deployedSo, startChain } from "../../tools/chain/index.js";
import { createMint, fundTokens } from "../../tools/chain/spl.js";
import { recordTransaction } from "../harness/cu.js";
import { CPI_CALLER_ID, SHARD_COUNT, actor, actors, ctx, defaultParams } from "../harness/context.js";

export const LMR = 1_000_000n;
export const caller = new Program<LumoraCpiCaller>(callerJson as unknown as LumoraCpiCaller, {} as Provider);
export const callerAuthority = cpiAuthorityPda({ programId: CPI_CALLER_ID }).address;
export const programIds = { tasks: CPI_CALLER_ID };

export const profile = (roles: number, capKbps = 400_000): NodeProfile => ({
  roles,
  latE6: 0,
  lonE6: 0,
  declaredBandwidthKbps: new BN(500_000),
  bandwidthCapKbps: new BN(roles & ROLES.PROVIDER ? capKbps : 0),
  multiaddr: "/ip4/10.0.0.7/tcp/4001",
});

export interface RewardsEnv {
  chain: EmbeddedChain;
  client: LumoraClient;
  lmrMint: PublicKey;
  send(ixs: TransactionInstruction[], signers: Keypair[]): Promise<TxMeta>;
  /** Registers a node (operator funded with SOL and LMR on first use). */
  register(name: string, operator: Keypair, roles: number, capKbps?: number): Promise<{ key: Keypair; node: PublicKey; shard: number }>;
  epochNow(): Promise<bigint>;
  openEpoch(index: bigint): Promise<void>;
  ata(owner: PublicKey): PublicKey;
  balance(account: PublicKey): Promise<bigint>;
}

/** A rewards chain; `params` overrides the suites' default config parameters (e.g. the verifier draws k). */
export async function startRewardsChain(params: Partial<ReturnType<typeof defaultParams>> = {}): Promise<RewardsEnv> {
  const funded = [actors.deployer, actors.admin, actors.alice, actors.bob, actors.mallory, actors.lmrAuthority].map((k) => ({
    address: k.publicKey,
    lamports: 1_000 * 1e9,
    data: new Uint8Array(),
    owner: PublicKey.default,
  }));
  const chain = await startChain({
    kind: ctx.vm,
    programs: [
      { programId: PROGRAM_IDS.registry, soPath: deployedSo("lumora_registry") },
      { programId: PROGRAM_IDS.rewards, soPath: deployedSo("lumora_rewards") },
      { programId: CPI_CALLER_ID, soPath: deployedSo("lumora_cpi_caller") },
    ],
    upgradeAuthority: actors.deployer.publicKey,
    accounts: funded,
    payer: actor("payer"),
    onTransaction: recordTransaction,
  });
  const client = new LumoraClient({ provider: chain.provider, programIds });
  const lmrMint = await createMint(chain.provider, { mint: actor("lmr-mint"), authority: actors.lmrAuthority.publicKey, decimals: 6 });
  await client.registry.initConfig({ authority: actors.deployer, admin: actors.admin.publicKey, lmrMint, shardCount: SHARD_COUNT, params: { ...defaultParams(), ...params } });
  const fundedOperators = new Set<string>();
  const env: RewardsEnv = {
    chain,
    client,
    lmrMint,
    send: (ixs, signers) => chain.sendRaw(new Transaction().add(...ixs), signers),
    async register(name, operator, roles, capKbps) {
      if (!fundedOperators.has(operator.publicKey.toBase58())) {
        fundedOperators.add(operator.publicKey.toBase58());
        const a = await chain.getAccount(operator.publicKey);
        if (!a) await chain.setAccount({ address: operator.publicKey, lamports: 100 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
        await fundTokens(chain.provider, { mint: lmrMint, mintAuthority: actors.lmrAuthority, owner: operator.publicKey, amount: 100_000n * LMR });
      }
      const key = actor(`rewards-node:${name}`);
      await chain.setAccount({ address: key.publicKey, lamports: 10 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
      await client.registry.registerNode({ operator, nodeKey: key, profile: profile(roles, capKbps), stake: BigInt(defaultParams().minStake.toString()) });
      const n = (await client.registry.fetchNode(key.publicKey))!;
      return { key, node: nodePda({ nodeKey: key.publicKey }).address, shard: n.shard };
    },
    async epochNow() {
      return epochIndex({ unixTs: await chain.now(), epochLengthSecs: defaultParams().epochLengthSecs });
    },
    async openEpoch(index) {
      // one second on: every node registered so far did so before the epoch's draw seed was fixed
      // (`ProviderRegisteredAfterSeed` compares the registration time with the opening time)
      await chain.warp(1);
      const m = await env.send([await rix.openEpochInstruction({ payer: actors.admin.publicKey, index, lmrMint, programIds })], [actors.admin]);
      expect(m.error, m.logs.join("\n")).to.equal(null);
    },
    ata: (owner) => getAssociatedTokenAddressSync(lmrMint, owner, true),
    async balance(account) {
      const a = await chain.getAccount(account);
      return a ? AccountLayout.decode(a.data).amount : 0n;
    },
  };
  return env;
}

/** A receipt of `provider` signed by `verifier` (node keys) in the rewards program's format. */
export function receipt(provider: Keypair, verifier: Keypair, r: { epoch: bigint; bytes: bigint; durationMs?: number; rttMs?: number; seq: bigint }): SignedReceipt {
  return signReceipt({
    receipt: {
      programId: PROGRAM_IDS.rewards,
      epoch: r.epoch,
      provider: provider.publicKey,
      verifier: verifier.publicKey,
      bytes: r.bytes,
      durationMs: r.durationMs ?? 1_000,
      rttMs: r.rttMs ?? 20,
      seq: r.seq,
    },
    verifierSecretKey: verifier.secretKey,
  });
}

/** `[ed25519, submit_receipts]` for a provider. */
export async function submitIxs(provider: { key: Keypair; shard: number }, epoch: bigint, receipts: SignedReceipt[]): Promise<TransactionInstruction[]> {
  return rix.submitReceiptsInstructions({ providerKey: provider.key.publicKey, payer: provider.key.publicKey, shard: provider.shard, epochIndex: epoch, receipts, programIds });
}

export const ok = (m: TxMeta) => expect(m.error, m.logs.join("\n")).to.equal(null);
