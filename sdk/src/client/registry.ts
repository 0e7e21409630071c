import type { Provider } from "@coral-xyz/anchor";
import type { Keypair, PublicKey, Transaction, TransactionSignature } from "@solana/web3.js";
import { type ConfigAccount, type ConfigParams, validateConfigParams, validateShardCount } from "../config.js";
import { registryProgram } from "../instructions/program.js";
import { configPda } from "../pda.js";
import { type LumoraProgramIds, resolveProgramIds } from "../programs.js";
import * as tx from "../transactions/registry.js";
import { LumoraError, toLumoraError } from "./errors.js";

/**
 * A signer: either the provider's wallet (pass its public key, or omit the field) or a `Keypair`
 * that the client signs with in addition to the wallet.
 */
export type SignerLike = PublicKey | Keypair;

function split(s: SignerLike | undefined, wallet: PublicKey): { key: PublicKey; signers: Keypair[] } {
  if (!s) return { key: wallet, signers: [] };
  if ("secretKey" in s) return { key: s.publicKey, signers: [s] };
  return { key: s, signers: [] };
}

/** Arguments shared by every client constructor. */
export interface ClientArgs {
  /** Any Anchor provider: `AnchorProvider` over a `Connection`, anchor-bankrun's `BankrunProvider`, a LiteSVM provider. */
  provider: Provider;
  /** Program id overrides. */
  programIds?: Partial<LumoraProgramIds>;
}

/** Sends and reads `lumora_registry`: protocol config and governance. */
export class RegistryClient {
  readonly provider: Provider;
  readonly programIds: LumoraProgramIds;

  constructor(args: ClientArgs) {
    this.provider = args.provider;
    this.programIds = resolveProgramIds(args.programIds);
  }

  private get wallet(): PublicKey {
    const key = this.provider.publicKey ?? this.provider.wallet?.publicKey;
    if (!key) throw new LumoraError("the provider has no wallet: pass the signer explicitly", []);
    return key;
  }

  /** Signs with the wallet (the fee payer) and `signers`, sends, confirms; maps failures to typed errors. */
  async send(transaction: Transaction, signers: Keypair[] = []): Promise<TransactionSignature> {
    if (!this.provider.sendAndConfirm) throw new LumoraError("the provider cannot send transactions", []);
    try {
      return await this.provider.sendAndConfirm(transaction, signers);
    } catch (err) {
      throw toLumoraError(err, this.programIds);
    }
  }

  /** Creates the config and the treasury. The authority must be the registry's upgrade authority. */
  async initConfig(args: {
    /** Upgrade authority (default: the wallet). */
    authority?: SignerLike;
    /** Governance authority of the config. */
    admin: PublicKey;
    /** The LMR mint. */
    lmrMint: PublicKey;
    /** Reward shard count (1 ..= 1024). */
    shardCount: number;
    /** Initial parameters; checked locally first with the program's bounds. */
    params: ConfigParams;
  }): Promise<TransactionSignature> {
    validateShardCount(args.shardCount);
    validateConfigParams(args.params);
    const a = split(args.authority, this.wallet);
    const t = await tx.initConfigTransaction({ ...args, authority: a.key, programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** Replaces the tunable parameters (admin; rejected while paused). */
  async updateConfig(args: {
    /** The admin (default: the wallet). */
    admin?: SignerLike;
    /** New parameters; checked locally first. */
    params: ConfigParams;
  }): Promise<TransactionSignature> {
    validateConfigParams(args.params);
    const a = split(args.admin, this.wallet);
    const t = await tx.updateConfigTransaction({ admin: a.key, params: args.params, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** Proposes `newAdmin` (step 1 of 2). */
  async transferAdmin(args: { /** The admin (default: the wallet). */ admin?: SignerLike; /** The proposed admin. */ newAdmin: PublicKey }): Promise<TransactionSignature> {
    const a = split(args.admin, this.wallet);
    const t = await tx.transferAdminTransaction({ admin: a.key, newAdmin: args.newAdmin, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** Accepts a pending admin transfer (step 2 of 2). */
  async acceptAdmin(args: { /** The pending admin (default: the wallet). */ newAdmin?: SignerLike } = {}): Promise<TransactionSignature> {
    const a = split(args.newAdmin, this.wallet);
    const t = await tx.acceptAdminTransaction({ newAdmin: a.key, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** Turns the pause switch on or off (admin). */
  async setPaused(args: { /** The admin (default: the wallet). */ admin?: SignerLike; /** New state. */ paused: boolean }): Promise<TransactionSignature> {
    const a = split(args.admin, this.wallet);
    const t = await tx.setPausedTransaction({ admin: a.key, paused: args.paused, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** The config PDA of this registry. */
  configAddress(): PublicKey {
    return configPda({ programId: this.programIds.registry }).address;
  }

  /** Reads and decodes the config; `null` when it does not exist yet. */
  async fetchConfig(): Promise<ConfigAccount | null> {
    const info = await this.provider.connection.getAccountInfo(this.configAddress());
    if (!info) return null;
    const program = registryProgram({ programId: this.programIds.registry });
    return program.coder.accounts.decode<ConfigAccount>("config", info.data);
  }
}
