import { utils } from "@coral-xyz/anchor";
import { PublicKey, type TransactionSignature } from "@solana/web3.js";
import { type ConfigAccount, type ConfigParams, validateConfigParams, validateShardCount } from "../config.js";
import { registryProgram } from "../instructions/program.js";
import { configPda, nodePda } from "../pda.js";
import { NODE_LAYOUT, type NodeAccount, type NodeProfile } from "../registry.js";
import * as tx from "../transactions/registry.js";
import { BaseClient, type SignerLike } from "./base.js";
import { LumoraError } from "./errors.js";

export type { ClientArgs, SignerLike } from "./base.js";

/** Sends and reads `lumora_registry`: protocol config and governance. */
export class RegistryClient extends BaseClient {
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
    const a = this.split(args.authority);
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
    const a = this.split(args.admin);
    const t = await tx.updateConfigTransaction({ admin: a.key, params: args.params, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** Proposes `newAdmin` (step 1 of 2). */
  async transferAdmin(args: { /** The admin (default: the wallet). */ admin?: SignerLike; /** The proposed admin. */ newAdmin: PublicKey }): Promise<TransactionSignature> {
    const a = this.split(args.admin);
    const t = await tx.transferAdminTransaction({ admin: a.key, newAdmin: args.newAdmin, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** Accepts a pending admin transfer (step 2 of 2). */
  async acceptAdmin(args: { /** The pending admin (default: the wallet). */ newAdmin?: SignerLike } = {}): Promise<TransactionSignature> {
    const a = this.split(args.newAdmin);
    const t = await tx.acceptAdminTransaction({ newAdmin: a.key, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** Turns the pause switch on or off (admin). */
  async setPaused(args: { /** The admin (default: the wallet). */ admin?: SignerLike; /** New state. */ paused: boolean }): Promise<TransactionSignature> {
    const a = this.split(args.admin);
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

  // ---- nodes ----------------------------------------------------------------------------------

  private async mint(lmrMint?: PublicKey): Promise<PublicKey> {
    if (lmrMint) return lmrMint;
    const config = await this.fetchConfig();
    if (!config) throw new LumoraError("the protocol config does not exist yet (init_config)", []);
    return config.lmrMint;
  }

  /** Registers a node: the operator pays and stakes, the node key signs to prove possession. */
  async registerNode(args: {
    /** Owner of the node (default: the wallet). */
    operator?: SignerLike;
    /** The node's hot key; must sign (a Keypair, or the wallet's key when the wallet is the node key). */
    nodeKey: SignerLike;
    /** Roles, location, bandwidth, multiaddr. */
    profile: NodeProfile;
    /** LMR base units to stake (≥ the configured minimum). */
    stake: bigint | number;
    /** The LMR mint (default: read from the config). */
    lmrMint?: PublicKey;
    /** The operator's LMR account (default: its associated token account). */
    operatorTokens?: PublicKey;
  }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const nk = this.split(args.nodeKey);
    const t = await tx.registerNodeTransaction({
      operator: op.key,
      nodeKey: nk.key,
      lmrMint: await this.mint(args.lmrMint),
      profile: args.profile,
      stake: args.stake,
      operatorTokens: args.operatorTokens,
      programId: this.programIds.registry,
      feePayer: this.wallet,
    });
    return this.send(t, [...op.signers, ...nk.signers]);
  }

  /** Replaces a node's roles, location, bandwidth and multiaddr. */
  async updateNode(args: { /** The operator (default: the wallet). */ operator?: SignerLike; /** The node's key. */ nodeKey: PublicKey; /** New profile. */ profile: NodeProfile }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const t = await tx.updateNodeTransaction({ operator: op.key, nodeKey: args.nodeKey, profile: args.profile, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, op.signers);
  }

  /** Heartbeat, signed by the node key. */
  async heartbeat(args: { /** The node key (a Keypair, or the wallet's key). */ nodeKey: SignerLike }): Promise<TransactionSignature> {
    const nk = this.split(args.nodeKey);
    const t = await tx.heartbeatTransaction({ nodeKey: nk.key, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, nk.signers);
  }

  /** Adds `amount` LMR to a node's stake (`stake_more`). */
  async stake(args: { operator?: SignerLike; nodeKey: PublicKey; amount: bigint | number; lmrMint?: PublicKey; operatorTokens?: PublicKey }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const t = await tx.stakeMoreTransaction({ ...args, operator: op.key, lmrMint: await this.mint(args.lmrMint), programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, op.signers);
  }

  /** Starts the unstake cooldown on `amount` of the stake. */
  async requestUnstake(args: { operator?: SignerLike; nodeKey: PublicKey; amount: bigint | number }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const t = await tx.requestUnstakeTransaction({ operator: op.key, nodeKey: args.nodeKey, amount: args.amount, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, op.signers);
  }

  /** Withdraws the pending unstake after its cooldown. */
  async withdrawStake(args: { operator?: SignerLike; nodeKey: PublicKey; lmrMint?: PublicKey; operatorTokens?: PublicKey }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const t = await tx.withdrawStakeTransaction({ ...args, operator: op.key, lmrMint: await this.mint(args.lmrMint), programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, op.signers);
  }

  /** Deregisters a node: no new work, the whole stake enters the cooldown. */
  async deregister(args: { operator?: SignerLike; nodeKey: PublicKey }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const t = await tx.deregisterTransaction({ operator: op.key, nodeKey: args.nodeKey, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, op.signers);
  }

  /** Closes a deregistered node that owes nothing; stake and rent return to the operator. */
  async closeNode(args: { operator?: SignerLike; nodeKey: PublicKey; lmrMint?: PublicKey; operatorTokens?: PublicKey }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const t = await tx.closeNodeTransaction({ ...args, operator: op.key, lmrMint: await this.mint(args.lmrMint), programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, op.signers);
  }

  /** Ends a jail after its cooldown. */
  async unjail(args: { operator?: SignerLike; nodeKey: PublicKey }): Promise<TransactionSignature> {
    const op = this.split(args.operator);
    const t = await tx.unjailTransaction({ operator: op.key, nodeKey: args.nodeKey, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, op.signers);
  }

  /** Slashes a node by admin decision (`reason` 0 by convention). */
  async slash(args: { admin?: SignerLike; nodeKey: PublicKey; reason?: number }): Promise<TransactionSignature> {
    const a = this.split(args.admin);
    const t = await tx.slashTransaction({ authority: a.key, nodeKey: args.nodeKey, reason: args.reason ?? 0, programId: this.programIds.registry, feePayer: this.wallet });
    return this.send(t, a.signers);
  }

  /** The node PDA of a node key. */
  nodeAddress(nodeKey: PublicKey): PublicKey {
    return nodePda({ nodeKey, programId: this.programIds.registry }).address;
  }

  /** Reads and decodes a node by its node key; `null` when not registered (or closed). */
  async fetchNode(nodeKey: PublicKey): Promise<NodeAccount | null> {
    const info = await this.provider.connection.getAccountInfo(this.nodeAddress(nodeKey));
    if (!info || !info.owner.equals(this.programIds.registry)) return null;
    return registryProgram({ programId: this.programIds.registry }).coder.accounts.decode<NodeAccount>("node", info.data);
  }

  /**
   * Every node, optionally filtered by shard and status (server-side `memcmp`) and by role (a node
   * with any of the given role bits). Needs a connection that serves `getProgramAccounts` (an RPC
   * node, or the LiteSVM provider); bankrun's does not, and this throws a `LumoraError` saying so.
   */
  async fetchNodes(filter: { /** Role bits, any of which must be set. */ roles?: number; /** Exact shard. */ shard?: number; /** Exact status (1 active, 2 deregistered). */ status?: number } = {}): Promise<{ address: PublicKey; node: NodeAccount }[]> {
    const conn = this.provider.connection as { getProgramAccounts?: (id: PublicKey, cfg: unknown) => Promise<readonly { pubkey: PublicKey; account: { data: Buffer } }[]> };
    if (typeof conn.getProgramAccounts !== "function")
      throw new LumoraError("this provider's connection cannot enumerate accounts (getProgramAccounts): use an RPC connection or LiteSVM", []);
    const program = registryProgram({ programId: this.programIds.registry });
    const disc = program.coder.accounts.memcmp("node");
    const filters: unknown[] = [{ dataSize: NODE_LAYOUT.size }, { memcmp: { offset: 0, bytes: disc.bytes } }];
    if (filter.shard !== undefined) {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(filter.shard);
      filters.push({ memcmp: { offset: NODE_LAYOUT.shard, bytes: utils.bytes.bs58.encode(b) } });
    }
    if (filter.status !== undefined)
      filters.push({ memcmp: { offset: NODE_LAYOUT.status, bytes: utils.bytes.bs58.encode(Buffer.from([filter.status])) } });
    const raw = await conn.getProgramAccounts(this.programIds.registry, { filters });
    return raw
      .map((r) => ({ address: new PublicKey(r.pubkey), node: program.coder.accounts.decode<NodeAccount>("node", Buffer.from(r.account.data)) }))
      .filter((r) => filter.roles === undefined || (r.node.roles & filter.roles) !== 0)
      .sort((a, b) => a.address.toBase58().localeCompare(b.address.toBase58()));
  }
}
