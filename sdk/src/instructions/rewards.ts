/**
 * Instruction builders of `lumora_rewards`. Each returns one `TransactionInstruction` with every
 * account given explicitly (derived from `pda`), encoded by the IDL's coder — no RPC needed.
 * `postVerifierRootInstructions` returns the ed25519 precompile and `post_verifier_root` together: the
 * program requires the precompile immediately before it.
 * @module
 */
import { Program, type Provider } from "@coral-xyz/anchor";
import { getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { type AccountMeta, PublicKey, SYSVAR_SLOT_HASHES_PUBKEY, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { BN } from "../bn.js";
import { lumoraRewardsIdl, type LumoraRewards } from "../idl/index.js";
import { configPda, contributionPda, cpiAuthorityPda, epochPda, epochShardPda, epochVaultPda, nodePda, shardVaultPda, verifierRootPda } from "../pda.js";
import { type LumoraProgramIds, PROGRAM_IDS, resolveProgramIds } from "../programs.js";
import { type CreditProofArgs, ed25519Instruction, INSTRUCTIONS_SYSVAR_ID } from "../rewards.js";
import type { SignedMessage, Total } from "../totals.js";

/** Anchor `Program` of the rewards program under a given id (inert provider: builders never send). */
export function rewardsProgram(args: { programId?: PublicKey; provider?: Provider } = {}): Program<LumoraRewards> {
  const programId = args.programId ?? PROGRAM_IDS.rewards;
  const idl = programId.equals(PROGRAM_IDS.rewards) ? lumoraRewardsIdl : ({ ...lumoraRewardsIdl, address: programId.toBase58() } as LumoraRewards);
  return new Program<LumoraRewards>(idl, args.provider ?? ({} as Provider));
}

function ids(p?: Partial<LumoraProgramIds>) {
  const i = resolveProgramIds(p);
  return { ...i, config: configPda({ programId: i.registry }).address };
}

/** `open_epoch`: opens epoch `index` (must be `floor(now / epoch_length)`) and its vault. */
export async function openEpochInstruction(args: { /** Pays the rent. */ payer: PublicKey; index: bigint | number; lmrMint: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.index, programId: i.rewards }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.openEpoch(new BN(args.index.toString()))
    .accountsStrict({
      payer: args.payer,
      config: i.config,
      epoch,
      vault: epochVaultPda({ epoch, programId: i.rewards }).address,
      lmrMint: args.lmrMint,
      slotHashes: SYSVAR_SLOT_HASHES_PUBKEY,
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** `fund_epoch`: moves `amount` LMR from the funder's account into the epoch vault. */
export async function fundEpochInstruction(args: { funder: PublicKey; index: bigint | number; amount: bigint | number; lmrMint: PublicKey; /** Default: the funder's associated token account. */ funderTokens?: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.index, programId: i.rewards }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.fundEpoch(new BN(args.amount.toString()))
    .accountsStrict({
      funder: args.funder,
      config: i.config,
      epoch,
      vault: epochVaultPda({ epoch, programId: i.rewards }).address,
      funderTokens: args.funderTokens ?? getAssociatedTokenAddressSync(args.lmrMint, args.funder, true),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/**
 * `[ed25519 precompile, post_verifier_root]`: both, in this order, in one transaction. `signed` is the
 * verifier's signature over the root message (`totals.signRootMessage`); anyone may send it.
 */
export async function postVerifierRootInstructions(args: {
  /** Pays the root account's rent. */
  payer: PublicKey;
  /** The verifier's node key (the root message names its Node PDA). */
  verifierKey: PublicKey;
  epochIndex: bigint | number;
  root: Uint8Array;
  leafCount: number;
  /** The signed root message. */
  signed: SignedMessage;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction[]> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const verifier = nodePda({ nodeKey: args.verifierKey, programId: i.registry }).address;
  const post = await rewardsProgram({ programId: i.rewards })
    .methods.postVerifierRoot(Array.from(args.root), args.leafCount)
    .accountsStrict({
      payer: args.payer,
      config: i.config,
      epoch,
      verifierNode: verifier,
      verifierRoot: verifierRootPda({ epoch, verifier, programId: i.rewards }).address,
      instructionsSysvar: INSTRUCTIONS_SYSVAR_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
  return [ed25519Instruction({ signed: [args.signed] }), post];
}

/** One proof of {@link creditEpochInstruction}: a drawn verifier's total for the provider, and where it is rooted. */
export interface CreditProof {
  /** Draw index j (`0 .. k`). */
  draw: number;
  /** The verifier's registry Node PDA (its root account is derived from it). */
  verifier: PublicKey;
  total: Total;
  /** Sibling hashes from the leaf to the root. */
  path: readonly Uint8Array[];
}

/** `credit_epoch`: credits the provider once for an ended epoch with the smallest of its q proven totals. */
export async function creditEpochInstruction(args: {
  /** The provider's node key (signer). */
  providerKey: PublicKey;
  /** Pays the rent of the contribution (and of the shard total the first time). */
  payer: PublicKey;
  /** The provider's shard (registry Node `shard`). */
  shard: number;
  epochIndex: bigint | number;
  /** Exactly the epoch's credit quorum of proofs, on distinct draws and distinct verifier slots. */
  proofs: readonly CreditProof[];
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const node = nodePda({ nodeKey: args.providerKey, programId: i.registry }).address;
  const roots: AccountMeta[] = args.proofs.map((p) => ({ pubkey: verifierRootPda({ epoch, verifier: p.verifier, programId: i.rewards }).address, isSigner: false, isWritable: false }));
  const proofs: CreditProofArgs[] = args.proofs.map((p) => ({
    draw: p.draw,
    total: { liveMs: p.total.liveMs, capacityKbps: p.total.capacityKbps, rttMs: p.total.rttMs, bytes: new BN(p.total.bytes.toString()) },
    path: p.path.map((h) => Array.from(h)),
  }));
  return rewardsProgram({ programId: i.rewards })
    .methods.creditEpoch(proofs)
    .accountsStrict({
      providerKey: args.providerKey,
      payer: args.payer,
      config: i.config,
      epoch,
      providerNode: node,
      epochShard: epochShardPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      contribution: contributionPda({ epoch, node, programId: i.rewards }).address,
      rewardsAuthority: cpiAuthorityPda({ programId: i.rewards }).address,
      registryProgram: i.registry,
      systemProgram: SystemProgram.programId,
    })
    .remainingAccounts(roots)
    .instruction();
}

/** `close_verifier_root`: after the epoch's credit window, closes a verifier's root (rent to the `payer` it records). */
export async function closeVerifierRootInstruction(args: { verifierKey: PublicKey; epochIndex: bigint | number; /** The root's recorded payer. */ rentReceiver: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const verifier = nodePda({ nodeKey: args.verifierKey, programId: i.registry }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.closeVerifierRoot()
    .accountsStrict({ verifierRoot: verifierRootPda({ epoch, verifier, programId: i.rewards }).address, rentReceiver: args.rentReceiver })
    .instruction();
}

/** `close_contribution`: after the epoch's claim window, closes a provider's credit (rent to the `payer` it records). */
export async function closeContributionInstruction(args: { nodeKey: PublicKey; epochIndex: bigint | number; /** The contribution's recorded payer. */ rentReceiver: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const node = nodePda({ nodeKey: args.nodeKey, programId: i.registry }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.closeContribution()
    .accountsStrict({ epoch, contribution: contributionPda({ epoch, node, programId: i.rewards }).address, rentReceiver: args.rentReceiver })
    .instruction();
}

/** `close_epoch`: sums shards `fromShard .. fromShard + count` (the epoch's cursor must be `fromShard`). */
export async function closeEpochInstruction(args: { epochIndex: bigint | number; fromShard: number; count: number; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const shards: AccountMeta[] = Array.from({ length: args.count }, (_, k) => ({
    pubkey: epochShardPda({ epoch, shard: args.fromShard + k, programId: i.rewards }).address,
    isSigner: false,
    isWritable: false,
  }));
  return rewardsProgram({ programId: i.rewards }).methods.closeEpoch().accountsStrict({ config: i.config, epoch }).remainingAccounts(shards).instruction();
}

/**
 * `distribute_shard`: after the close, moves shard `shard`'s share `floor(S · R_total / Σc)` from the
 * epoch vault into the shard's claim vault (created here; the payer's rent comes back at the shard sweep).
 */
export async function distributeShardInstruction(args: { /** Pays the claim vault's rent. */ payer: PublicKey; epochIndex: bigint | number; shard: number; lmrMint: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.distributeShard()
    .accountsStrict({
      payer: args.payer,
      config: i.config,
      epoch,
      vault: epochVaultPda({ epoch, programId: i.rewards }).address,
      epochShard: epochShardPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      shardVault: shardVaultPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      lmrMint: args.lmrMint,
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/**
 * `claim`: pays the node's share from its shard's claim vault to the token account of the operator
 * recorded in its contribution (permissionless; works after the node has closed).
 */
export async function claimInstruction(args: {
  nodeKey: PublicKey;
  epochIndex: bigint | number;
  /** The node's shard in that epoch (its Contribution's `shard`, = the registry Node's). */
  shard: number;
  /** LMR account of the contribution's `operator`. */
  operatorTokens: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const node = nodePda({ nodeKey: args.nodeKey, programId: i.registry }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.claim()
    .accountsStrict({
      config: i.config,
      epoch,
      contribution: contributionPda({ epoch, node, programId: i.rewards }).address,
      epochShard: epochShardPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      shardVault: shardVaultPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      operatorTokens: args.operatorTokens,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `sweep_dust`: after the claim window, once every shard is distributed, moves the epoch vault's rounding remainder to a later, unclosed epoch. */
export async function sweepDustInstruction(args: { epochIndex: bigint | number; targetEpochIndex: bigint | number; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const target = epochPda({ index: args.targetEpochIndex, programId: i.rewards }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.sweepDust()
    .accountsStrict({
      config: i.config,
      epoch,
      vault: epochVaultPda({ epoch, programId: i.rewards }).address,
      targetEpoch: target,
      targetVault: epochVaultPda({ epoch: target, programId: i.rewards }).address,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `sweep_shard_dust`: after the claim window, moves a shard claim vault's remainder to a later, unclosed epoch and closes the vault (rent to `rentReceiver`, who paid it). */
export async function sweepShardDustInstruction(args: { epochIndex: bigint | number; shard: number; targetEpochIndex: bigint | number; /** The shard's `vaultRentPayer`. */ rentReceiver: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const target = epochPda({ index: args.targetEpochIndex, programId: i.rewards }).address;
  return rewardsProgram({ programId: i.rewards })
    .methods.sweepShardDust()
    .accountsStrict({
      config: i.config,
      epoch,
      epochShard: epochShardPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      shardVault: shardVaultPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      targetEpoch: target,
      targetVault: epochVaultPda({ epoch: target, programId: i.rewards }).address,
      rentReceiver: args.rentReceiver,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}
