/**
 * Instruction builders of `lumora_registry`. Each returns one `TransactionInstruction` with every
 * account given explicitly (derived from `pda`), encoded by the IDL's coder — no RPC needed.
 * @module
 */
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { type PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import type { ConfigParams } from "../config.js";
import { configPda, programDataPda, treasuryPda } from "../pda.js";
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
