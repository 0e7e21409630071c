/**
 * The shared test context: one embedded chain per mocha run (LUMORA_VM selects bankrun or LiteSVM),
 * the four Lumora programs and the adapter probe deployed as upgradeable programs, named actors with
 * deterministic keys, the LMR mint, and an SDK client per actor. Filled by the root hook (hooks.ts).
 */
import { createHash } from "node:crypto";
import { BN } from "@coral-xyz/anchor";
import { Keypair, PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";
import { LumoraClient } from "../../sdk/src/client/index.js";
import type { ConfigParams } from "../../sdk/src/config.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { type EmbeddedChain, type TxMeta, deployedSo, startChain, vmFromEnv } from "../../tools/chain/index.js";
import { createMint, fundTokens } from "../../tools/chain/spl.js";
import { recordTransaction } from "./cu.js";

/** Deterministic keypair for a named actor (stable addresses, so compute units compare across runs). */
export function actor(name: string): Keypair {
  return Keypair.fromSeed(createHash("sha256").update(`lumora-test-actor:${name}`).digest());
}

export const SBF_PROBE_ID = new PublicKey("EZfpLruV3ZqtAN7euGyGFu5yybhCB1JLS93UNWVTtBX1");
/** Test-only program that calls the registry's CPI-only instructions (tests/programs/cpi_caller). */
export const CPI_CALLER_ID = new PublicKey("E2aFpx3VGAXMjc2Gw3zdVK84vN4VVYzYxe4NoZukzsvL");

/** Named actors. */
export const actors = {
  /** Node operators. */
  alice: actor("alice"),
  bob: actor("bob"),
  /** Upgrade authority of every deployed program (the deployer). */
  deployer: actor("deployer"),
  /** Config admin after init. */
  admin: actor("admin"),
  /** A second governance key, target of admin transfers. */
  newAdmin: actor("new-admin"),
  /** An attacker: signs whatever it can. */
  mallory: actor("mallory"),
  /** Mint authority of the test LMR mint. */
  lmrAuthority: actor("lmr-authority"),
};

/** Parameters of the test deployment (the `base` of tests/vectors/config_bounds.json). */
export function defaultParams(): ConfigParams {
  return {
    weights: { alphaBps: 5_000, betaBps: 3_000, gammaBps: 2_000 },
    bMaxKbps: new BN(1_000_000),
    epochLengthSecs: 86_400,
    claimWindowSecs: 7 * 86_400,
    minStake: new BN(1_000_000_000),
    unstakeCooldownSecs: 86_400,
    repInitial: 5_000,
    repKUpBps: 500,
    repKDownBps: 2_000,
    jailThreshold: 2_000,
    slashBps: 1_000,
    protocolFeeBps: 250,
    // k = 64 draws (the maximum) over the handful of verifiers a suite registers: every eligible verifier
    // is drawn for every provider except with probability ((V−1)/V)^64 (< 1e-6 for V ≤ 5), so suites
    // that are not about the draws are not flaky; tests/rewards/draws.spec.ts runs its own k
    verifierDraws: 64,
    creditPerStakeUnit: 540,
    // q = 1: one drawn verifier's root credits a provider; the quorum has its own suites (credit.spec.ts)
    creditQuorum: 1,
    creditWindowSecs: 43_200,
  };
}

export const SHARD_COUNT = 16;

export interface TestContext {
  vm: "bankrun" | "litesvm";
  chain: EmbeddedChain;
  /** LMR mint (6 decimals). */
  lmrMint: PublicKey;
  /** SDK client whose wallet is the fee payer; pass actor keypairs as signers. */
  client: LumoraClient;
  /** Sends instructions signed by `signers` (first pays); returns the metadata, never throws. */
  sendIxs(ixs: TransactionInstruction[], signers: Keypair[]): Promise<TxMeta>;
  /** Metadata of the last transaction the chain executed (client-sent or raw). */
  lastTx(): TxMeta;
}

/** Every transaction the chain executed in this run, in order (the raw material of task logs). */
export const executed: TxMeta[] = [];
function observe(meta: TxMeta): void {
  executed.push(meta);
  recordTransaction(meta);
}

export const ctx = {} as TestContext;

/**
 * A fresh embedded chain with every program deployed, the LMR mint, funded actors and a client — the
 * shared one (`ctx`, started by the root hook) or a private one for a suite that must own the chain's
 * whole history (e.g. the config suite, which starts from "no config").
 */
export async function createTestContext(): Promise<TestContext> {
  const vm = vmFromEnv();
  const programs = [
    { programId: PROGRAM_IDS.registry, soPath: deployedSo("lumora_registry") },
    { programId: PROGRAM_IDS.tasks, soPath: deployedSo("lumora_tasks") },
    { programId: PROGRAM_IDS.rewards, soPath: deployedSo("lumora_rewards") },
    { programId: PROGRAM_IDS.market, soPath: deployedSo("lumora_market") },
    { programId: SBF_PROBE_ID, soPath: deployedSo("sbf_probe") },
    { programId: CPI_CALLER_ID, soPath: deployedSo("lumora_cpi_caller") },
  ];
  const funded = Object.values(actors).map((k) => ({
    address: k.publicKey,
    lamports: 1_000 * 1e9,
    data: new Uint8Array(),
    owner: PublicKey.default,
  }));
  let mine: TxMeta | undefined;
  const chain = await startChain({
    kind: vm,
    programs,
    upgradeAuthority: actors.deployer.publicKey,
    accounts: funded,
    payer: actor("payer"),
    onTransaction: (m) => {
      mine = m;
      observe(m);
    },
  });
  const lmrMint = await createMint(chain.provider, { mint: actor("lmr-mint"), authority: actors.lmrAuthority.publicKey, decimals: 6 });
  return {
    vm,
    chain,
    lmrMint,
    client: new LumoraClient({ provider: chain.provider }),
    sendIxs: (ixs: TransactionInstruction[], signers: Keypair[]) => chain.sendRaw(new Transaction().add(...ixs), signers),
    lastTx: () => {
      if (!mine) throw new Error("no transaction executed yet");
      return mine;
    },
  };
}

/** Starts the shared chain (`ctx`). */
export async function startTestChain(): Promise<void> {
  Object.assign(ctx, await createTestContext());
}

/** Creates the config (deployer as upgrade authority, `actors.admin` as admin) if no suite did yet. */
export async function ensureConfig(): Promise<void> {
  if (await ctx.client.registry.fetchConfig()) return;
  await ctx.client.registry.initConfig({
    authority: actors.deployer,
    admin: actors.admin.publicKey,
    lmrMint: ctx.lmrMint,
    shardCount: SHARD_COUNT,
    params: defaultParams(),
  });
}

/** Mints `amount` LMR (base units) to `owner`'s associated token account; returns the account. */
export async function fundLmr(owner: PublicKey, amount: bigint): Promise<PublicKey> {
  return fundTokens(ctx.chain.provider, { mint: ctx.lmrMint, mintAuthority: actors.lmrAuthority, owner, amount });
}
