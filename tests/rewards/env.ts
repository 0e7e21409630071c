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
import { cpiAuthorityPda, epochPda, nodePda } from "../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import type { NodeProfile } from "../../sdk/src/registry.js";
import { ROLES, epochIndex } from "../../sdk/src/registry-math.js";
import { providerDraws } from "../../sdk/src/rewards-math.js";
import { type SignedMessage, type Total, VerifierTree, signRootMessage } from "../../sdk/src/totals.js";
import { type EmbeddedChain, type TxMeta, deployedSo, startChain } from "../../tools/chain/index.js";
import { createMint, fundTokens } from "../../tools/chain/spl.js";
import { recordTransaction } from "../harness/cu.js";
import { CPI_CALLER_ID, SHARD_COUNT, actor, actors, ctx, defaultParams } from "../harness/context.js";

export const LMR = 1_000_000n;
export const caller = new Program<LumoraCpiCaller>(callerJson as unknown as LumoraCpiCaller, {} as Provider);
export const callerAuthority = cpiAuthorityPda({ programId: CPI_CALLER_ID }).address;
export const programIds = { tasks: CPI_CALLER_ID };
const program = rix.rewardsProgram();

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
  /** Warps the clock to `secs` after the epoch's end (default 1): inside its credit window. */
  toCreditWindow(index: bigint, secs?: number): Promise<void>;
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
    async toCreditWindow(index, secs = 1) {
      const e = program.coder.accounts.decode("epoch", (await chain.getAccount(epochPda({ index }).address))!.data);
      const now = await chain.now();
      const at = BigInt(e.endTs.toString()) + BigInt(secs);
      if (at > now) await chain.warp(Number(at - now));
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

type Node = { key: Keypair; node: PublicKey; shard: number };

/** A total with test-sized defaults: 1 000 kbps live 8 s → 1 000 000 bytes of capacity-time. */
export const total = (t: Partial<Total> = {}): Total => ({ liveMs: 8_000, capacityKbps: 1_000, rttMs: 20, bytes: 1_000_000n, ...t });

/** A verifier's tree over its totals for the given providers (by their Node PDAs). */
export const treeOf = (totals: { provider: Node; total: Total }[]) => new VerifierTree(totals.map((t) => ({ provider: t.provider.node, total: t.total })));

/** The verifier's signature over its root message (its slot read from the chain). */
export async function signRoot(env: RewardsEnv, verifier: Node, epoch: bigint, tree: VerifierTree, over: { slot?: number; leafCount?: number; root?: Uint8Array; signer?: Keypair } = {}): Promise<SignedMessage> {
  const slot = over.slot ?? ((await env.client.registry.fetchNode(verifier.key.publicKey))!.verifierSlot as number);
  return signRootMessage({
    message: { programId: PROGRAM_IDS.rewards, epoch, verifier: verifier.node, slot, root: over.root ?? tree.root, leafCount: over.leafCount ?? tree.leafCount },
    nodeSecretKey: (over.signer ?? verifier.key).secretKey,
  });
}

/** `[ed25519, post_verifier_root]` for a verifier's tree (payer: the admin). */
export async function rootIxs(env: RewardsEnv, verifier: Node, epoch: bigint, tree: VerifierTree, signed?: SignedMessage): Promise<TransactionInstruction[]> {
  return rix.postVerifierRootInstructions({ payer: actors.admin.publicKey, verifierKey: verifier.key.publicKey, epochIndex: epoch, root: tree.root, leafCount: tree.leafCount, signed: signed ?? (await signRoot(env, verifier, epoch, tree)), programIds });
}

/** Posts a verifier's root over `totals` (inside the credit window); returns its tree. */
export async function postRoot(env: RewardsEnv, verifier: Node, epoch: bigint, totals: { provider: Node; total: Total }[]): Promise<VerifierTree> {
  const tree = treeOf(totals);
  ok(await env.send(await rootIxs(env, verifier, epoch, tree), [actors.admin]));
  return tree;
}

/** The provider's draws in the epoch (j and slot, in order). */
export async function drawsOf(env: RewardsEnv, provider: Node, epoch: bigint): Promise<{ draw: number; slot: number }[]> {
  const e = (await env.client.rewards.fetchEpoch(epoch))!;
  return providerDraws({ seed: Uint8Array.from(e.seed as number[]), provider: provider.node.toBytes(), slots: e.verifierSlots, draws: e.verifierDraws });
}

/** The first draw of `provider` that names `verifier`'s slot (not in `skip`); throws if none does. */
export async function drawFor(env: RewardsEnv, provider: Node, verifier: Node, epoch: bigint, skip: number[] = []): Promise<number> {
  const slot = (await env.client.registry.fetchNode(verifier.key.publicKey))!.verifierSlot as number;
  const d = (await drawsOf(env, provider, epoch)).find((x) => x.slot === slot && !skip.includes(x.draw));
  if (!d) throw new Error(`verifier slot ${slot} is not drawn for this provider`);
  return d.draw;
}

/** `credit_epoch` for a provider from the given verifiers' trees (draws found automatically unless given). */
export async function creditIxs(env: RewardsEnv, provider: Node, epoch: bigint, from: { verifier: Node; tree: VerifierTree; draw?: number; total?: Total; path?: Uint8Array[] }[]): Promise<TransactionInstruction[]> {
  const proofs: rix.CreditProof[] = [];
  const used: number[] = [];
  for (const f of from) {
    const draw = f.draw ?? (await drawFor(env, provider, f.verifier, epoch, used));
    used.push(draw);
    const p = f.tree.proof(provider.node) ?? { total: total(), path: [] };
    proofs.push({ draw, verifier: f.verifier.node, total: f.total ?? p.total, path: f.path ?? p.path });
  }
  return [await rix.creditEpochInstruction({ providerKey: provider.key.publicKey, payer: provider.key.publicKey, shard: provider.shard, epochIndex: epoch, proofs, programIds })];
}

/** Credits a provider (its node key signs and pays). */
export async function credit(env: RewardsEnv, provider: Node, epoch: bigint, from: Parameters<typeof creditIxs>[3]): Promise<TxMeta> {
  return env.send(await creditIxs(env, provider, epoch, from), [provider.key]);
}

export const ok = (m: TxMeta) => expect(m.error, m.logs.join("\n")).to.equal(null);
