/**
 * Instruction builders of `lumora_rewards`. Each returns one `TransactionInstruction` with every
 * account given explicitly (derived from `pda`), encoded by the IDL's coder — no RPC needed.
 * `submitReceiptsInstructions` returns the ed25519 precompile and `submit_receipts` together: the
 * program requires the precompile immediately before it.
 * @module
 */
import { Program, type Provider } from "@coral-xyz/anchor";
import { getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { type AccountMeta, PublicKey, SYSVAR_SLOT_HASHES_PUBKEY, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { BN } from "../bn.js";
import { lumoraRewardsIdl, type LumoraRewards } from "../idl/index.js";
import { configPda, contributionPda, cpiAuthorityPda, epochPda, epochShardPda, epochVaultPda, nodePda, shardVaultPda } from "../pda.js";
import { type LumoraProgramIds, PROGRAM_IDS, resolveProgramIds } from "../programs.js";
import { RECEIPT_OFFSETS, type SignedReceipt } from "../receipts.js";
import { INSTRUCTIONS_SYSVAR_ID, receiptArgsOf, receiptsEd25519Instruction } from "../rewards.js";

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

/** Arguments of {@link submitReceiptsInstructions}. */
export interface SubmitReceiptsInstructionArgs {
  /** The provider's node key (signer). */
  providerKey: PublicKey;
  /** Pays first-use rent (may be the node key). */
  payer: PublicKey;
  /** The provider's shard (registry Node `shard`). */
  shard: number;
  /** The current epoch index. */
  epochIndex: bigint | number;
  /** Signed receipts of this provider (one transaction's worth: see `maxReceiptsPerTransaction`). */
  receipts: readonly SignedReceipt[];
  programIds?: Partial<LumoraProgramIds>;
}

/** `[ed25519 precompile, submit_receipts]`: both, in this order, in one transaction. */
export async function submitReceiptsInstructions(args: SubmitReceiptsInstructionArgs): Promise<TransactionInstruction[]> {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const node = nodePda({ nodeKey: args.providerKey, programId: i.registry }).address;
  const verifiers: AccountMeta[] = args.receipts.map((r) => ({
    pubkey: nodePda({ nodeKey: new PublicKey(r.message.subarray(RECEIPT_OFFSETS.VERIFIER, RECEIPT_OFFSETS.VERIFIER + 32)), programId: i.registry }).address,
    isSigner: false,
    isWritable: false,
  }));
  const submit = await rewardsProgram({ programId: i.rewards })
    .methods.submitReceipts(args.receipts.map(receiptArgsOf))
    .accountsStrict({
      providerKey: args.providerKey,
      payer: args.payer,
      config: i.config,
      epoch,
      providerNode: node,
      epochShard: epochShardPda({ epoch, shard: args.shard, programId: i.rewards }).address,
      contribution: contributionPda({ epoch, node, programId: i.rewards }).address,
      instructionsSysvar: INSTRUCTIONS_SYSVAR_ID,
      rewardsAuthority: cpiAuthorityPda({ programId: i.rewards }).address,
      registryProgram: i.registry,
      systemProgram: SystemProgram.programId,
    })
    .remainingAccounts(verifiers)
    .instruction();
  return [receiptsEd25519Instruction({ receipts: args.receipts }), submit];
}

/**
 * The accounts a provider's `submit_receipts` batches of one epoch reference, for an address lookup
 * table (`submitReceiptsV0Transaction`): every account except the signers and the two invoked programs
 * — provider node, shard total, contribution, config, epoch, instructions sysvar, CPI authority,
 * registry and system programs — plus the verifiers' node PDAs. Shard and contribution change each
 * epoch, so a table serves one provider for one epoch (extend it as new verifiers appear).
 */
export function receiptsLookupTableAddresses(args: { providerKey: PublicKey; shard: number; epochIndex: bigint | number; /** Verifier node keys. */ verifiers?: readonly PublicKey[]; programIds?: Partial<LumoraProgramIds> }): PublicKey[] {
  const i = ids(args.programIds);
  const epoch = epochPda({ index: args.epochIndex, programId: i.rewards }).address;
  const node = nodePda({ nodeKey: args.providerKey, programId: i.registry }).address;
  return [
    node,
    epochShardPda({ epoch, shard: args.shard, programId: i.rewards }).address,
    contributionPda({ epoch, node, programId: i.rewards }).address,
    i.config,
    epoch,
    INSTRUCTIONS_SYSVAR_ID,
    cpiAuthorityPda({ programId: i.rewards }).address,
    i.registry,
    SystemProgram.programId,
    ...(args.verifiers ?? []).map((v) => nodePda({ nodeKey: v, programId: i.registry }).address),
  ];
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
