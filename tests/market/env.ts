/**
 * Shared setup of the market specs: a settled task (r = 1, accepted by its consumer) through the real
 * tasks program, token balances, and a dataset produced by the SDK's data layer.
 */
import { AccountLayout, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Keypair, PublicKey } from "@solana/web3.js";
import { createHash } from "node:crypto";
import { BN } from "../../sdk/src/bn.js";
import { encrypt } from "../../sdk/src/data/index.js";
import { purchaseVaultPda, purchasePda, treasuryPda } from "../../sdk/src/pda.js";
import { ROLES } from "../../sdk/src/registry-math.js";
import { specHash } from "../../sdk/src/tasks.js";
import { actor, ctx, defaultParams, fundLmr } from "../harness/context.js";

export const MIN_STAKE = BigInt(defaultParams().minStake.toString());
const operator = actor("market-operator");
const executor = actor("market-exec");
const hash = (s: string) => createHash("sha256").update(s).digest();

/** LMR balance of `owner`'s associated token account (0 when absent). */
export async function tokens(owner: PublicKey): Promise<bigint> {
  return tokenAccount(getAssociatedTokenAddressSync(ctx.lmrMint, owner, true));
}
/** Balance of a token account (0 when absent). */
export async function tokenAccount(address: PublicKey): Promise<bigint> {
  const a = await ctx.chain.getAccount(address);
  return a ? AccountLayout.decode(a.data).amount : 0n;
}
/** The treasury's LMR balance. */
export const treasury = () => tokenAccount(treasuryPda().address);
/** The escrow of a purchase (0 when closed). */
export const escrow = (dataset: PublicKey, buyer: PublicKey) => tokenAccount(purchaseVaultPda({ purchase: purchasePda({ dataset, buyer }).address }).address);

export async function fundSol(...keys: Keypair[]): Promise<void> {
  for (const k of keys) await ctx.chain.setAccount({ address: k.publicKey, lamports: 50 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
}

let registered = false;
/** Registers the market specs' executor node once. */
export async function ensureExecutor(): Promise<void> {
  if (registered) return;
  await fundSol(operator, executor);
  await fundLmr(operator.publicKey, 3n * MIN_STAKE);
  await ctx.client.registry.registerNode({
    operator,
    nodeKey: executor,
    profile: { roles: ROLES.EXECUTOR, latE6: 0, lonE6: 0, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/10.9.0.1/tcp/4001" },
    stake: 2n * MIN_STAKE,
  });
  registered = true;
}

let seq = 70_000n;
/** A task of `consumer` (needs LMR) in state OPEN. */
export async function openTask(consumer: Keypair): Promise<PublicKey> {
  const now = await ctx.chain.now();
  const { task } = await ctx.client.tasks.createTask({
    consumer,
    taskId: seq++,
    specHash: specHash({ urls: ["https://example.org/market"] }),
    consumerX25519: new Uint8Array(32).fill(9),
    latE6: 0,
    lonE6: 0,
    redundancy: 1,
    maxBackups: 0,
    bidWindowEnd: now + 300n,
    commitDeadline: now + 900n,
    revealDeadline: now + 1_500n,
    payment: 1_000_000n,
  });
  return task;
}

/**
 * A task of `consumer` taken through create → bid → finalize → commit → reveal → settle → release_key:
 * its winning result is `contentHash` (default SHA-256 of `result`) over `byteCount` bytes.
 */
export async function settledTask(consumer: Keypair, result: string | { contentHash: Uint8Array; byteCount: bigint } = "market-result"): Promise<PublicKey> {
  await ensureExecutor();
  const task = await openTask(consumer);
  await ctx.client.tasks.bid({ nodeKey: executor, task });
  await ctx.chain.warp(301);
  await ctx.client.tasks.finalize({ task });
  const r = typeof result === "string" ? { contentHash: hash(result), byteCount: 4_096n } : result;
  const full = { ...r, merkleRoot: hash("root"), sealedKey: new Uint8Array(81) };
  await ctx.client.tasks.commit({ nodeKey: executor, task, ...full });
  await ctx.client.tasks.reveal({ nodeKey: executor, task, ...full, locator: "/ip4/10.9.0.1/tcp/4001" });
  await ctx.client.tasks.settle({ task });
  await ctx.client.tasks.releaseKey({ nodeKey: executor, task, sealedKey: full.sealedKey });
  return task;
}

/** The executor's node key (for provenance checks). */
export const executorKey = () => executor.publicKey;
/** The executor's node key itself (for tests that drive a task by hand). */
export const executorSigner = () => executor;

/** A dataset encrypted by the data layer: plaintext, key, manifest, chunks. */
export async function sampleDataset(records = 200) {
  const lines = Array.from({ length: records }, (_, i) => JSON.stringify({ url: `https://example.org/p/${i}`, status: 200, bytes: 1_000 + i }));
  const plaintext = new TextEncoder().encode(lines.join("\n") + "\n");
  const enc = await encrypt({ data: plaintext, format: "application/x-ndjson", recordCount: records, chunkSize: 4_096, compression: "none" });
  return { plaintext, ...enc };
}
