/**
 * Proof-of-Bandwidth batches for `submit_receipts`: the canonical ed25519 precompile instruction the
 * rewards program accepts (`programs/lumora_rewards/src/ed25519.rs`), the compact per-receipt args, and
 * the largest batch that fits one transaction. Encoding and signing of single receipts: `receipts.ts`.
 * @module
 */
import type { IdlTypes } from "@coral-xyz/anchor";
import { PublicKey, TransactionInstruction } from "@solana/web3.js";
import { BN } from "./bn.js";
import type { LumoraRewards } from "./idl/index.js";
import { RECEIPT_LEN, RECEIPT_OFFSETS, type SignedReceipt, decodeReceipt } from "./receipts.js";

/** The ed25519 signature-verification precompile. */
export const ED25519_PROGRAM_ID = new PublicKey("Ed25519SigVerify111111111111111111111111111");
/** The instructions sysvar. */
export const INSTRUCTIONS_SYSVAR_ID = new PublicKey("Sysvar1nstructions1111111111111111111111111");
/** Bytes of one offsets entry of the precompile. */
export const ED25519_OFFSETS_LEN = 14;
/** Bytes of one (public key, signature, message) block. */
export const ED25519_BLOCK_LEN = 32 + 64 + RECEIPT_LEN;
/** The precompile's "this instruction" index. */
export const THIS_INSTRUCTION = 0xffff;
/** Most receipts the program takes in one `submit_receipts` (`MAX_RECEIPTS_PER_BATCH`). */
export const MAX_RECEIPTS_PER_BATCH = 16;
/** Most verifiers tracked per provider per epoch (`MAX_VERIFIERS_PER_EPOCH`). */
export const MAX_VERIFIERS_PER_EPOCH = 16;
/** Largest serialized legacy transaction. */
export const PACKET_DATA_SIZE = 1232;

/** The per-receipt args of `submit_receipts` (keys and epoch come from the accounts). */
export type ReceiptArgs = IdlTypes<LumoraRewards>["receiptArgs"];
/** Epoch, EpochShard and Contribution accounts as the client decodes them. */
export type EpochAccount = IdlTypes<LumoraRewards>["epoch"];
export type EpochShardAccount = IdlTypes<LumoraRewards>["epochShard"];
export type ContributionAccount = IdlTypes<LumoraRewards>["contribution"];

/** Expected precompile data length for `n` receipts: `2 + 254·n`. */
export function ed25519DataLength(n: number): number {
  return 2 + n * (ED25519_OFFSETS_LEN + ED25519_BLOCK_LEN);
}

/**
 * The canonical ed25519 precompile instruction over signed receipts: header `[n, 0]`, `n` offsets
 * entries (all instruction indices `0xffff`), then per receipt `[verifier key | signature | message]`.
 * The key is read from the message's verifier field. Place it immediately before `submit_receipts`.
 */
export function receiptsEd25519Instruction(args: { /** Signed receipts, in the order of the `submit_receipts` args. */ receipts: readonly SignedReceipt[] }): TransactionInstruction {
  const n = args.receipts.length;
  const data = Buffer.alloc(ed25519DataLength(n));
  data.writeUInt8(n, 0);
  data.writeUInt8(0, 1);
  const table = 2 + n * ED25519_OFFSETS_LEN;
  args.receipts.forEach((r, i) => {
    if (r.message.length !== RECEIPT_LEN || r.signature.length !== 64) throw new Error("malformed signed receipt");
    const block = table + i * ED25519_BLOCK_LEN;
    const at = 2 + i * ED25519_OFFSETS_LEN;
    data.writeUInt16LE(block + 32, at); // signature offset
    data.writeUInt16LE(THIS_INSTRUCTION, at + 2);
    data.writeUInt16LE(block, at + 4); // public key offset
    data.writeUInt16LE(THIS_INSTRUCTION, at + 6);
    data.writeUInt16LE(block + 96, at + 8); // message offset
    data.writeUInt16LE(RECEIPT_LEN, at + 10);
    data.writeUInt16LE(THIS_INSTRUCTION, at + 12);
    Buffer.from(r.message.subarray(RECEIPT_OFFSETS.VERIFIER, RECEIPT_OFFSETS.VERIFIER + 32)).copy(data, block);
    Buffer.from(r.signature).copy(data, block + 32);
    Buffer.from(r.message).copy(data, block + 96);
  });
  return new TransactionInstruction({ programId: ED25519_PROGRAM_ID, keys: [], data });
}

/** The compact `submit_receipts` args of a signed receipt. */
export function receiptArgsOf(signed: SignedReceipt): ReceiptArgs {
  const r = decodeReceipt(signed.message);
  return { bytes: new BN(r.bytes.toString()), durationMs: r.durationMs, rttMs: r.rttMs, seq: new BN(r.seq.toString()) };
}

/**
 * Serialized size of a legacy transaction: signatures, header, account keys, blockhash and the
 * compiled instructions (compact-u16 lengths).
 */
function shortVecLen(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
}

/**
 * Compiled bytes of the two instructions — the precompile (no accounts) and `submit_receipts` (its 11
 * fixed accounts + one verifier node per receipt, as one-byte indexes) — the same in either message version.
 */
function submitReceiptsIxBytes(n: number): number {
  const precompileData = ed25519DataLength(n);
  const submitData = 8 + 4 + 24 * n;
  const submitAccounts = 11 + n;
  return (1 + 1 + shortVecLen(precompileData) + precompileData) + (1 + shortVecLen(submitAccounts) + submitAccounts + shortVecLen(submitData) + submitData);
}

/**
 * Size in bytes of a `[precompile, submit_receipts]` transaction with `n` receipts from `verifiers`
 * distinct verifiers. `signers`: 1 when the node key pays its own fees, 2 with a separate payer.
 */
export function submitReceiptsTxSize(args: { n: number; verifiers: number; signers?: 1 | 2; computeBudgetIxs?: number }): number {
  const signers = args.signers ?? 1;
  const cb = args.computeBudgetIxs ?? 0;
  // fixed accounts of submit_receipts: provider key, payer, config, epoch, provider node, shard,
  // contribution, instructions sysvar, rewards authority, registry, system — plus the two program ids
  const keys = 11 - (signers === 1 ? 1 : 0) + args.verifiers + 2 + (cb > 0 ? 1 : 0);
  const ixs = submitReceiptsIxBytes(args.n) + cb * (1 + 1 + 1 + 9);
  return shortVecLen(signers) + 64 * signers + 3 + shortVecLen(keys) + 32 * keys + 32 + shortVecLen(2 + cb) + ixs;
}

/**
 * Size in bytes of the same transaction as a v0 message whose every account except the signers and the
 * two invoked programs (ed25519, rewards) comes from one address lookup table holding them — see
 * `receiptsLookupTableAddresses`. The 222 bytes per receipt that the precompile carries stay, so this
 * fits 3 receipts where a legacy transaction fits 2.
 */
export function submitReceiptsV0TxSize(args: { n: number; verifiers: number; signers?: 1 | 2 }): number {
  const signers = args.signers ?? 1;
  const staticKeys = signers + 2;
  const ixs = submitReceiptsIxBytes(args.n);
  // one table: writable provider node, shard, contribution; read-only config, epoch, sysvar, authority,
  // registry, system program and the verifier nodes
  const readonly = 6 + args.verifiers;
  const lookups = 1 + 32 + 1 + 3 + shortVecLen(readonly) + readonly;
  const message = 1 + 3 + shortVecLen(staticKeys) + 32 * staticKeys + 32 + shortVecLen(2) + ixs + lookups;
  return shortVecLen(signers) + 64 * signers + message;
}

/** The size of a batch's transaction in the chosen form: v0 over a lookup table, or legacy. */
function batchTxSize(args: { n: number; verifiers: number; signers?: 1 | 2; computeBudgetIxs?: number; lookupTable?: boolean }): number {
  return args.lookupTable ? submitReceiptsV0TxSize(args) : submitReceiptsTxSize(args);
}

/** The largest batch that fits one 1 232-byte transaction (at most {@link MAX_RECEIPTS_PER_BATCH}). */
export function maxReceiptsPerTransaction(
  args: {
    /** Distinct verifiers in the batch (default: one per receipt). */ verifiers?: (n: number) => number;
    signers?: 1 | 2;
    computeBudgetIxs?: number;
    /** A v0 transaction over a lookup table of the batch's accounts (`submitReceiptsV0Transaction`): 3 instead of 2. */
    lookupTable?: boolean;
  } = {},
): number {
  let best = 0;
  for (let n = 1; n <= MAX_RECEIPTS_PER_BATCH; n++) {
    const verifiers = args.verifiers ? args.verifiers(n) : n;
    if (batchTxSize({ ...args, n, verifiers }) <= PACKET_DATA_SIZE) best = n;
  }
  return best;
}

/** Splits signed receipts into batches that each fit one transaction (legacy, or v0 over a lookup table), keeping their order. */
export function batchReceipts(args: { receipts: readonly SignedReceipt[]; signers?: 1 | 2; lookupTable?: boolean }): SignedReceipt[][] {
  const out: SignedReceipt[][] = [];
  let cur: SignedReceipt[] = [];
  const distinct = (rs: SignedReceipt[]) => new Set(rs.map((r) => Buffer.from(r.message.subarray(RECEIPT_OFFSETS.VERIFIER, RECEIPT_OFFSETS.VERIFIER + 32)).toString("hex"))).size;
  for (const r of args.receipts) {
    const next = [...cur, r];
    if (next.length > MAX_RECEIPTS_PER_BATCH || batchTxSize({ ...args, n: next.length, verifiers: distinct(next) }) > PACKET_DATA_SIZE) {
      out.push(cur);
      cur = [r];
    } else cur = next;
  }
  if (cur.length) out.push(cur);
  return out;
}
