/**
 * Instruction builders of `lumora_registry`. Each returns one `TransactionInstruction` with every
 * account given explicitly (derived from `pda`), encoded by the IDL's coder — no RPC needed.
 * @module
 */
import { getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { type PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { BN } from "../bn.js";
import type { ConfigParams } from "../config.js";
import type { NodeProfile } from "../registry.js";
import { configPda, nodePda, programDataPda, stakeVaultPda, treasuryPda } from "../pda.js";
import { type LumoraProgramIds, resolveProgramIds } from "../programs.js";
import { registryProgram } from "./program.js";

/** Arguments of {@link initConfigInstruction}. */
export interface InitConfigInstructionArgs {
  /** The registry program's upgrade authority: signs and pays for the config and the treasury. */
  authority: PublicKey;
  /** Governance authority of the new config. */
  admin: PublicKey;
  /** The LMR SPL mint. */
  lmrMint: PublicKey;
  /** Number of reward shards (1 ..= 1024, fixed for the life of the config). */
  shardCount: number;
  /** Initial parameters (see `validateConfigParams`). */
  params: ConfigParams;
  /** Program id overrides (the tasks/rewards/market ids are recorded in the config). */
  programIds?: Partial<LumoraProgramIds>;
}

/** `init_config`: creates the config PDA and the treasury token account. */
export async function initConfigInstruction(args: InitConfigInstructionArgs): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(args.programIds);
  return registryProgram({ programId: ids.registry })
    .methods.initConfig({
      admin: args.admin,
      tasksProgram: ids.tasks,
      rewardsProgram: ids.rewards,
      marketProgram: ids.market,
      shardCount: args.shardCount,
      params: args.params,
    })
    .accountsStrict({
      authority: args.authority,
      config: configPda({ programId: ids.registry }).address,
      lmrMint: args.lmrMint,
      treasury: treasuryPda({ programId: ids.registry }).address,
      program: ids.registry,
      programData: programDataPda({ programId: ids.registry }).address,
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** Arguments of {@link updateConfigInstruction}. */
export interface UpdateConfigInstructionArgs {
  /** The config admin (signer). */
  admin: PublicKey;
  /** The new parameters, replacing the old ones as a whole. */
  params: ConfigParams;
  /** Registry program id override. */
  programId?: PublicKey;
}

/** `update_config`: replaces the tunable parameters (rejected while paused). */
export async function updateConfigInstruction(args: UpdateConfigInstructionArgs): Promise<TransactionInstruction> {
  const program = registryProgram({ programId: args.programId });
  return program.methods
    .updateConfig(args.params)
    .accountsStrict({ admin: args.admin, config: configPda({ programId: program.programId }).address })
    .instruction();
}

/** Arguments of {@link transferAdminInstruction}. */
export interface TransferAdminInstructionArgs {
  /** The current admin (signer). */
  admin: PublicKey;
  /** The proposed admin, who must then call `accept_admin`. */
  newAdmin: PublicKey;
  /** Registry program id override. */
  programId?: PublicKey;
}

/** `transfer_admin`: step 1 of the two-step admin transfer. */
export async function transferAdminInstruction(args: TransferAdminInstructionArgs): Promise<TransactionInstruction> {
  const program = registryProgram({ programId: args.programId });
  return program.methods
    .transferAdmin(args.newAdmin)
    .accountsStrict({ admin: args.admin, config: configPda({ programId: program.programId }).address })
    .instruction();
}

/** Arguments of {@link acceptAdminInstruction}. */
export interface AcceptAdminInstructionArgs {
  /** The pending admin (signer). */
  newAdmin: PublicKey;
  /** Registry program id override. */
  programId?: PublicKey;
}

/** `accept_admin`: step 2 of the two-step admin transfer. */
export async function acceptAdminInstruction(args: AcceptAdminInstructionArgs): Promise<TransactionInstruction> {
  const program = registryProgram({ programId: args.programId });
  return program.methods
    .acceptAdmin()
    .accountsStrict({ newAdmin: args.newAdmin, config: configPda({ programId: program.programId }).address })
    .instruction();
}

/** Arguments of {@link setPausedInstruction}. */
export interface SetPausedInstructionArgs {
  /** The config admin (signer). */
  admin: PublicKey;
  /** The new state of the pause switch. */
  paused: boolean;
  /** Registry program id override. */
  programId?: PublicKey;
}

/** `set_paused`: turns the protocol-wide pause switch on or off. */
export async function setPausedInstruction(args: SetPausedInstructionArgs): Promise<TransactionInstruction> {
  const program = registryProgram({ programId: args.programId });
  return program.methods
    .setPaused(args.paused)
    .accountsStrict({ admin: args.admin, config: configPda({ programId: program.programId }).address })
    .instruction();
}

/** Accounts every node instruction derives from the node key. */
function nodeAccounts(nodeKey: PublicKey, programId?: PublicKey) {
  const program = registryProgram({ programId });
  const node = nodePda({ nodeKey, programId: program.programId }).address;
  return {
    program,
    config: configPda({ programId: program.programId }).address,
    node,
    stakeVault: stakeVaultPda({ node, programId: program.programId }).address,
  };
}

/** The operator's LMR token account: the given one, or its associated token account. */
function tokensOf(owner: PublicKey, lmrMint: PublicKey, explicit?: PublicKey): PublicKey {
  return explicit ?? getAssociatedTokenAddressSync(lmrMint, owner, true);
}

/** Arguments of {@link registerNodeInstruction}. */
export interface RegisterNodeInstructionArgs {
  /** Owner of the node (signer, payer, provides the stake). */
  operator: PublicKey;
  /** The node's ed25519 hot key (signer, distinct from the operator). */
  nodeKey: PublicKey;
  /** The LMR mint (from the config). */
  lmrMint: PublicKey;
  /** Roles, location, bandwidth and multiaddr. */
  profile: NodeProfile;
  /** LMR base units to stake (≥ the configured minimum). */
  stake: bigint | number;
  /** The operator's LMR account (default: its associated token account). */
  operatorTokens?: PublicKey;
  /** Registry program id override. */
  programId?: PublicKey;
}

/** `register_node`: creates the node and its stake vault and moves the stake in. */
export async function registerNodeInstruction(args: RegisterNodeInstructionArgs): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .registerNode({ profile: args.profile, stake: new BN(args.stake.toString()) })
    .accountsStrict({
      operator: args.operator,
      nodeKey: args.nodeKey,
      config: a.config,
      node: a.node,
      stakeVault: a.stakeVault,
      lmrMint: args.lmrMint,
      operatorTokens: tokensOf(args.operator, args.lmrMint, args.operatorTokens),
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** Arguments of {@link updateNodeInstruction}. */
export interface UpdateNodeInstructionArgs {
  /** The node's operator (signer). */
  operator: PublicKey;
  /** The node's key (identifies the node). */
  nodeKey: PublicKey;
  /** The new profile, replacing the old one. */
  profile: NodeProfile;
  /** Registry program id override. */
  programId?: PublicKey;
}

/** `update_node`: replaces roles, location, bandwidth and multiaddr. */
export async function updateNodeInstruction(args: UpdateNodeInstructionArgs): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .updateNode(args.profile)
    .accountsStrict({ operator: args.operator, config: a.config, node: a.node })
    .instruction();
}

/** `heartbeat`: signed by the node key. */
export async function heartbeatInstruction(args: { /** The node's key (signer). */ nodeKey: PublicKey; /** Registry program id override. */ programId?: PublicKey }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods.heartbeat().accountsStrict({ nodeKey: args.nodeKey, config: a.config, node: a.node }).instruction();
}

/** Arguments of the stake-moving operator instructions. */
export interface OperatorTokenInstructionArgs {
  /** The node's operator (signer). */
  operator: PublicKey;
  /** The node's key (identifies the node). */
  nodeKey: PublicKey;
  /** The LMR mint (from the config). */
  lmrMint: PublicKey;
  /** The operator's LMR account (default: its associated token account). */
  operatorTokens?: PublicKey;
  /** Registry program id override. */
  programId?: PublicKey;
}

/** `stake_more`: adds `amount` LMR to the node's stake. */
export async function stakeMoreInstruction(args: OperatorTokenInstructionArgs & { /** LMR base units. */ amount: bigint | number }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .stakeMore(new BN(args.amount.toString()))
    .accountsStrict({
      operator: args.operator,
      config: a.config,
      node: a.node,
      stakeVault: a.stakeVault,
      operatorTokens: tokensOf(args.operator, args.lmrMint, args.operatorTokens),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `request_unstake`: starts the cooldown on `amount` of the stake. */
export async function requestUnstakeInstruction(args: { operator: PublicKey; nodeKey: PublicKey; /** LMR base units. */ amount: bigint | number; programId?: PublicKey }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .requestUnstake(new BN(args.amount.toString()))
    .accountsStrict({ operator: args.operator, config: a.config, node: a.node })
    .instruction();
}

/** `withdraw_stake`: pays the pending unstake to the operator after the cooldown. */
export async function withdrawStakeInstruction(args: OperatorTokenInstructionArgs): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .withdrawStake()
    .accountsStrict({
      operator: args.operator,
      config: a.config,
      node: a.node,
      stakeVault: a.stakeVault,
      operatorTokens: tokensOf(args.operator, args.lmrMint, args.operatorTokens),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `deregister`: stops the node; its whole stake enters the cooldown. */
export async function deregisterInstruction(args: { operator: PublicKey; nodeKey: PublicKey; programId?: PublicKey }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods.deregister().accountsStrict({ operator: args.operator, config: a.config, node: a.node }).instruction();
}

/** `close_node`: closes a deregistered node that owes nothing; stake and rent go to the operator. */
export async function closeNodeInstruction(args: OperatorTokenInstructionArgs): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .closeNode()
    .accountsStrict({
      operator: args.operator,
      config: a.config,
      node: a.node,
      stakeVault: a.stakeVault,
      operatorTokens: tokensOf(args.operator, args.lmrMint, args.operatorTokens),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `unjail`: ends a jail after its cooldown. */
export async function unjailInstruction(args: { operator: PublicKey; nodeKey: PublicKey; programId?: PublicKey }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods.unjail().accountsStrict({ operator: args.operator, config: a.config, node: a.node }).instruction();
}

/** `slash`: the admin (or, by CPI, the tasks authority) moves `slash_bps` of the stake to the treasury. */
export async function slashInstruction(args: {
  /** The config admin (or the tasks CPI authority). */
  authority: PublicKey;
  nodeKey: PublicKey;
  /** 0 = admin decision, 1 = fraud proven by tasks. */
  reason: number;
  programId?: PublicKey;
}): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .slash(args.reason)
    .accountsStrict({
      authority: args.authority,
      config: a.config,
      node: a.node,
      stakeVault: a.stakeVault,
      treasury: treasuryPda({ programId: a.program.programId }).address,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/**
 * `record_outcome` (CPI-only: the tasks program's authority PDA must sign). Exposed for programs
 * and tests that build the CPI; a wallet cannot sign it.
 */
export async function recordOutcomeInstruction(args: { authority: PublicKey; nodeKey: PublicKey; success: boolean; programId?: PublicKey }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods.recordOutcome(args.success).accountsStrict({ authority: args.authority, config: a.config, node: a.node }).instruction();
}

/** `update_metrics` (CPI-only: the rewards program's authority PDA must sign). */
export async function updateMetricsInstruction(args: { authority: PublicKey; nodeKey: PublicKey; verifiedBandwidthKbps: bigint | number; verifiedLatencyMs: number; programId?: PublicKey }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .updateMetrics(new BN(args.verifiedBandwidthKbps.toString()), args.verifiedLatencyMs)
    .accountsStrict({ authority: args.authority, config: a.config, node: a.node })
    .instruction();
}

/** `adjust_obligations` (CPI-only: tasks authority for assignments, rewards authority for epochs). */
export async function adjustObligationsInstruction(args: { authority: PublicKey; nodeKey: PublicKey; assignmentsDelta: number; epochsDelta: number; programId?: PublicKey }): Promise<TransactionInstruction> {
  const a = nodeAccounts(args.nodeKey, args.programId);
  return a.program.methods
    .adjustObligations(args.assignmentsDelta, args.epochsDelta)
    .accountsStrict({ authority: args.authority, config: a.config, node: a.node })
    .instruction();
}
