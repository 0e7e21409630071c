/**
 * Proof-of-Bandwidth v2 transactions: the canonical ed25519 precompile instruction the rewards program
 * accepts before `post_verifier_root` (`programs/lumora_rewards/src/ed25519.rs`), the program's limits,
 * its account types, and the size of a `credit_epoch` transaction. Totals, trees and the signed root
 * message: `totals.ts`.
 * @module
 */
import type { IdlTypes } from "@coral-xyz/anchor";
import { PublicKey, TransactionInstruction } from "@solana/web3.js";
import type { LumoraRewards } from "./idl/index.js";
import type { SignedMessage } from "./totals.js";

/** The ed25519 signature-verification precompile. */
export const ED25519_PROGRAM_ID = new PublicKey("Ed25519SigVerify111111111111111111111111111");
/** The instructions sysvar. */
export const INSTRUCTIONS_SYSVAR_ID = new PublicKey("Sysvar1nstructions1111111111111111111111111");
/** Bytes of one offsets entry of the precompile. */
export const ED25519_OFFSETS_LEN = 14;
/** The precompile's "this instruction" index. */
export const THIS_INSTRUCTION = 0xffff;
/** Most proofs one `credit_epoch` takes (`MAX_CREDIT_PROOFS`; the config's credit quorum ≤ this). */
export const MAX_CREDIT_PROOFS = 4;
/** Largest serialized transaction. */
export const PACKET_DATA_SIZE = 1232;

/** Epoch, EpochShard, Contribution and VerifierRoot accounts as the client decodes them. */
export type EpochAccount = IdlTypes<LumoraRewards>["epoch"];
export type EpochShardAccount = IdlTypes<LumoraRewards>["epochShard"];
export type ContributionAccount = IdlTypes<LumoraRewards>["contribution"];
export type VerifierRootAccount = IdlTypes<LumoraRewards>["verifierRoot"];
/** One proof of `credit_epoch`, as the program takes it. */
export type CreditProofArgs = IdlTypes<LumoraRewards>["creditProof"];

/** Expected precompile data length for `n` signatures over `messageLen`-byte messages. */
export function ed25519DataLength(n: number, messageLen: number): number {
  return 2 + n * (ED25519_OFFSETS_LEN + 32 + 64 + messageLen);
}

/**
 * The canonical ed25519 precompile instruction over signed messages of one length: header `[n, 0]`, `n`
 * offsets entries (all instruction indices `0xffff`), then per message `[signer key | signature |
 * message]`. Place it immediately before the instruction that reads it.
 */
export function ed25519Instruction(args: { signed: readonly SignedMessage[] }): TransactionInstruction {
  const n = args.signed.length;
  if (n === 0) throw new RangeError("at least one signed message");
  const len = args.signed[0]!.message.length;
  const data = Buffer.alloc(ed25519DataLength(n, len));
  data.writeUInt8(n, 0);
  data.writeUInt8(0, 1);
  const table = 2 + n * ED25519_OFFSETS_LEN;
  args.signed.forEach((s, i) => {
    if (s.message.length !== len || s.signature.length !== 64 || s.signer.length !== 32) throw new Error("malformed signed message");
    const block = table + i * (96 + len);
    const at = 2 + i * ED25519_OFFSETS_LEN;
    data.writeUInt16LE(block + 32, at); // signature offset
    data.writeUInt16LE(THIS_INSTRUCTION, at + 2);
    data.writeUInt16LE(block, at + 4); // public key offset
    data.writeUInt16LE(THIS_INSTRUCTION, at + 6);
    data.writeUInt16LE(block + 96, at + 8); // message offset
    data.writeUInt16LE(len, at + 10);
    data.writeUInt16LE(THIS_INSTRUCTION, at + 12);
    Buffer.from(s.signer).copy(data, block);
    Buffer.from(s.signature).copy(data, block + 32);
    Buffer.from(s.message).copy(data, block + 96);
  });
  return new TransactionInstruction({ programId: ED25519_PROGRAM_ID, keys: [], data });
}

function shortVecLen(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
}

/**
 * Size in bytes of a legacy `credit_epoch` transaction with one proof per entry of `depths` (each the
 * length of its Merkle path). `signers`: 1 when the node key pays, 2 with a separate payer.
 * Fixed accounts: provider key, payer, config, epoch, provider node, shard total, contribution, CPI
 * authority, registry and system programs, the rewards program; plus one root per proof.
 */
export function creditEpochTxSize(args: { depths: readonly number[]; signers?: 1 | 2 }): number {
  const signers = args.signers ?? 1;
  const q = args.depths.length;
  const keys = 11 - (signers === 1 ? 1 : 0) + q;
  const accounts = 10 + q;
  const data = 8 + 4 + args.depths.reduce((n, d) => n + 1 + 20 + 4 + 32 * d, 0);
  const ix = 1 + shortVecLen(accounts) + accounts + shortVecLen(data) + data;
  return shortVecLen(signers) + 64 * signers + 3 + shortVecLen(keys) + 32 * keys + 32 + shortVecLen(1) + ix;
}
