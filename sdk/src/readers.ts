/**
 * Typed readers of chain state for clients: the clock, token balances, nodes (by address, and as a
 * display view), and a dataset's purchases. Every account byte is decoded here (by the programs' IDL
 * coders, SPL Token's layout, or the Clock sysvar's fixed layout), so no client slices account data.
 * Each takes one object argument with the `Connection` and, where a program is read, optional `programIds`.
 * @module
 */
import { AccountLayout, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Connection, PublicKey, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { lumoraMarketIdl, lumoraTasksIdl } from "./idl/index.js";
import { marketProgram, registryProgram, tasksProgram } from "./instructions/program.js";
import type { PurchaseAccount } from "./market.js";
import { PURCHASE_STATUS } from "./market.js";
import { type LumoraProgramIds, resolveProgramIds } from "./programs.js";
import type { NodeAccount } from "./registry.js";
import type { BidAccount } from "./tasks.js";
import { type RoleName, isActive, isJailed, roleNames } from "./vocabulary.js";

// -- the clock ---------------------------------------------------------------------------------------

/** The Clock sysvar (`solana_program::clock::Clock`). */
export interface ClockView {
  slot: bigint;
  epochStartTimestamp: bigint;
  /** The cluster's epoch (not a rewards epoch). */
  epoch: bigint;
  leaderScheduleEpoch: bigint;
  /** Chain time, unix seconds: what every program deadline is compared against. */
  unixTimestamp: bigint;
}

/** Decodes the Clock sysvar's 40 bytes (slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64, unix_timestamp i64; LE). */
export function decodeClock(data: Uint8Array): ClockView {
  if (data.length < 40) throw new RangeError(`the Clock sysvar is 40 bytes, got ${data.length}`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { slot: v.getBigUint64(0, true), epochStartTimestamp: v.getBigInt64(8, true), epoch: v.getBigUint64(16, true), leaderScheduleEpoch: v.getBigUint64(24, true), unixTimestamp: v.getBigInt64(32, true) };
}

/** Reads the Clock sysvar. */
export async function fetchClock(args: { connection: Connection }): Promise<ClockView> {
  const info = await args.connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  if (!info) throw new Error("the cluster has no Clock sysvar");
  return decodeClock(info.data);
}

/** Chain time, unix seconds (the Clock sysvar's `unix_timestamp`): the clock every program deadline uses. */
export async function fetchChainTime(args: { connection: Connection }): Promise<bigint> {
  return (await fetchClock(args)).unixTimestamp;
}

// -- token balances ----------------------------------------------------------------------------------

/** The amount (base units) of an SPL token account's data. */
export function decodeTokenAmount(data: Uint8Array): bigint {
  return BigInt(AccountLayout.decode(data).amount.toString());
}

/** The balance (base units) of a token account by its address; 0 when it does not exist. */
export async function fetchTokenAccountBalance(args: { connection: Connection; /** The token account. */ account: PublicKey }): Promise<bigint> {
  const info = await args.connection.getAccountInfo(args.account);
  return info ? decodeTokenAmount(info.data) : 0n;
}

/** An owner's balance (base units) of `mint` in its associated token account; 0 when it has none. */
export async function fetchTokenBalance(args: { connection: Connection; /** The token mint (LMR: the config's `lmrMint`). */ mint: PublicKey; /** The wallet (a PDA too). */ owner: PublicKey }): Promise<bigint> {
  return fetchTokenAccountBalance({ connection: args.connection, account: getAssociatedTokenAddressSync(args.mint, args.owner, true) });
}

// -- nodes -------------------------------------------------------------------------------------------

/** A node's multiaddr (the first `multiaddrLen` bytes of its fixed buffer, UTF-8). */
export function nodeMultiaddr(node: Pick<NodeAccount, "multiaddr" | "multiaddrLen">): string {
  return new TextDecoder().decode(Uint8Array.from(node.multiaddr as number[]).subarray(0, node.multiaddrLen));
}

/** A node as clients show it: keys in base58, roles by name, amounts and times as bigint, one meaning of "active". */
export interface NodeView {
  /** The node's hot key: how a node is named everywhere. */
  nodeKey: string;
  operator: string;
  roles: RoleName[];
  shard: number;
  reputation: number;
  /** Stake, LMR base units. */
  stake: bigint;
  /** Registered and not deregistered ({@link isActive}). */
  active: boolean;
  /** {@link isJailed}. */
  jailed: boolean;
  /** Chain time of its last heartbeat, unix seconds. */
  lastHeartbeatTs: bigint;
  multiaddr: string;
}

/** The display view of a decoded node. */
export function nodeView(node: NodeAccount): NodeView {
  return {
    nodeKey: node.nodeKey.toBase58(),
    operator: node.operator.toBase58(),
    roles: roleNames(node.roles),
    shard: node.shard,
    reputation: node.reputation,
    stake: BigInt(node.stake.toString()),
    active: isActive(node),
    jailed: isJailed(node),
    lastHeartbeatTs: BigInt(node.lastHeartbeatTs.toString()),
    multiaddr: nodeMultiaddr(node),
  };
}

/** Reads a node by its registry address (the Node PDA, as tasks name their bidders and assignees); `null` when absent. */
export async function fetchNodeAt(args: { connection: Connection; /** The Node PDA. */ address: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<NodeAccount | null> {
  const programId = resolveProgramIds(args.programIds).registry;
  const info = await args.connection.getAccountInfo(args.address);
  if (!info || !info.owner.equals(programId)) return null;
  return registryProgram({ programId }).coder.accounts.decode<NodeAccount>("node", info.data);
}

// -- purchases and bids ---------------------------------------------------------------------------------------

const PRIMITIVE_SIZE: Record<string, number> = { pubkey: 32, u64: 8, i64: 8, u32: 4, i32: 4, u16: 2, i16: 2, u8: 1, i8: 1, bool: 1 };

/** Byte offsets of the fixed-size prefix of a borsh account of an IDL (up to its first variable-size field). */
function borshPrefix(idl: { types?: unknown }, typeName: string): Record<string, number> {
  const types = idl.types as unknown as readonly { name: string; type: { kind: string; fields?: readonly { name: string; type: unknown }[] } }[];
  const t = types.find((x) => x.name === typeName);
  if (!t?.type.fields) throw new Error(`IDL has no struct ${typeName}`);
  const offsets: Record<string, number> = {};
  let offset = 8; // discriminator
  for (const f of t.type.fields) {
    const ty = f.type as string | { array?: [string, number] };
    const size = typeof ty === "string" ? PRIMITIVE_SIZE[ty] : ty.array ? PRIMITIVE_SIZE[ty.array[0]]! * ty.array[1] : undefined;
    if (size === undefined) break;
    offsets[f.name] = offset;
    offset += size;
  }
  return offsets;
}

const purchase = borshPrefix(lumoraMarketIdl, "Purchase");
/** Offsets of a `Purchase` account's fixed prefix (computed from the IDL): the `getProgramAccounts` filters of {@link fetchPurchases}. */
export const PURCHASE_LAYOUT = Object.freeze({ dataset: purchase.dataset!, buyer: purchase.buyer!, seller: purchase.seller!, status: purchase.status! });

/**
 * A dataset's purchases (and/or a buyer's), decoded, in one `getProgramAccounts` (server-side `memcmp`
 * on the discriminator, the dataset and the buyer), sorted by address.
 */
export async function fetchPurchases(args: {
  connection: Connection;
  /** Only this dataset's purchases. */
  dataset?: PublicKey;
  /** Only this buyer's purchases. */
  buyer?: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<{ address: PublicKey; purchase: PurchaseAccount }[]> {
  const programId = resolveProgramIds(args.programIds).market;
  const program = marketProgram({ programId });
  const filters = [{ memcmp: { offset: 0, bytes: program.coder.accounts.memcmp("purchase").bytes! } }];
  if (args.dataset) filters.push({ memcmp: { offset: PURCHASE_LAYOUT.dataset, bytes: args.dataset.toBase58() } });
  if (args.buyer) filters.push({ memcmp: { offset: PURCHASE_LAYOUT.buyer, bytes: args.buyer.toBase58() } });
  const raw = await args.connection.getProgramAccounts(programId, { filters });
  return raw
    .map((r) => ({ address: new PublicKey(r.pubkey), purchase: program.coder.accounts.decode<PurchaseAccount>("purchase", Buffer.from(r.account.data)) }))
    .sort((a, b) => a.address.toBase58().localeCompare(b.address.toBase58()));
}

/** A purchase the seller still has to deliver a key to: open, no sealed key yet. */
export function awaitsKey(p: Pick<PurchaseAccount, "status" | "sealedKey">): boolean {
  return p.status === PURCHASE_STATUS.OPEN && p.sealedKey.length === 0;
}

const bid = borshPrefix(lumoraTasksIdl, "Bid");
/** Offsets of a `Bid` account's fields (computed from the IDL): the filters of {@link fetchBids}. */
export const BID_LAYOUT = Object.freeze({ task: bid.task!, node: bid.node!, bidder: bid.bidder!, score: bid.score! });

/**
 * Every bid placed on a task (kept in its ranked list or not), decoded, in one `getProgramAccounts`,
 * best score first (ties by node address). A bid lives until its bidder closes it (`close_bid`).
 */
export async function fetchBids(args: { connection: Connection; /** The task PDA. */ task: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<{ address: PublicKey; bid: BidAccount }[]> {
  const programId = resolveProgramIds(args.programIds).tasks;
  const program = tasksProgram({ programId });
  const filters = [{ memcmp: { offset: 0, bytes: program.coder.accounts.memcmp("bid").bytes! } }, { memcmp: { offset: BID_LAYOUT.task, bytes: args.task.toBase58() } }];
  const raw = await args.connection.getProgramAccounts(programId, { filters });
  const score = (b: BidAccount) => BigInt(b.score.toString());
  return raw
    .map((r) => ({ address: new PublicKey(r.pubkey), bid: program.coder.accounts.decode<BidAccount>("bid", Buffer.from(r.account.data)) }))
    .sort((a, b) => (score(b.bid) > score(a.bid) ? 1 : score(b.bid) < score(a.bid) ? -1 : a.bid.node.toBase58().localeCompare(b.bid.node.toBase58())));
}
