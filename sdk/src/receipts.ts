/**
 * Proof-of-Bandwidth receipts (PROTOCOL.md §5): the fixed 144-byte little-endian layout a VERIFIER
 * node signs with its ed25519 node key after measuring a PROVIDER, and the rewards program checks
 * through the ed25519 precompile. Encoding, decoding, signing and verifying live here, once, so the
 * network layer, the clients and the Rust tests (through `tests/vectors/receipts.json`) agree on the
 * same bytes. Receipts carry only keys and counts: no IP address, no user data.
 *
 * Layout (offsets in bytes):
 *
 * | offset | size | field                                                      |
 * |-------:|-----:|------------------------------------------------------------|
 * |      0 |   16 | domain tag: ASCII `LUMORA_POB_V1`, zero-padded             |
 * |     16 |   32 | rewards program id                                         |
 * |     48 |    8 | epoch (u64)                                                |
 * |     56 |   32 | provider node key                                          |
 * |     88 |   32 | verifier node key                                          |
 * |    120 |    8 | bytes moved (u64)                                          |
 * |    128 |    4 | duration_ms (u32)                                          |
 * |    132 |    4 | rtt_ms (u32)                                               |
 * |    136 |    8 | seq (u64), strictly increasing per (provider, verifier)    |
 *
 * The signature is ed25519 by the verifier node key over exactly these 144 bytes.
 * @module
 */
import nacl from "tweetnacl";

/** Length of an encoded receipt, in bytes. */
export const RECEIPT_LEN = 144;
/** Length of an ed25519 signature over a receipt. */
export const RECEIPT_SIGNATURE_LEN = 64;
/** Length of every key field (program id, provider, verifier). */
export const RECEIPT_KEY_LEN = 32;
/** ASCII text of the domain tag (before zero padding). */
export const RECEIPT_DOMAIN_TEXT = "LUMORA_POB_V1";
/** Length of the zero-padded domain tag field. */
export const RECEIPT_DOMAIN_LEN = 16;

/** The 16-byte domain tag: {@link RECEIPT_DOMAIN_TEXT} zero-padded. */
export const RECEIPT_DOMAIN_TAG: Uint8Array = (() => {
  const tag = new Uint8Array(RECEIPT_DOMAIN_LEN);
  for (let i = 0; i < RECEIPT_DOMAIN_TEXT.length; i++) tag[i] = RECEIPT_DOMAIN_TEXT.charCodeAt(i);
  return tag;
})();

/** Byte offsets of each field; mirrored by the rewards program's receipt parser. */
export const RECEIPT_OFFSETS = Object.freeze({
  DOMAIN: 0,
  PROGRAM_ID: 16,
  EPOCH: 48,
  PROVIDER: 56,
  VERIFIER: 88,
  BYTES: 120,
  DURATION_MS: 128,
  RTT_MS: 132,
  SEQ: 136,
});

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffff_ffff;

/** Anything that is, or turns into, 32 key bytes (a `Uint8Array` or a web3.js `PublicKey`). */
export type KeyLike = Uint8Array | { toBytes(): Uint8Array };

/** A decoded receipt. Keys are raw 32-byte values. */
export interface Receipt {
  /** The rewards program id the receipt is bound to (stops cross-deployment replay). */
  programId: Uint8Array;
  /** The rewards epoch the measurement belongs to. */
  epoch: bigint;
  /** The measured PROVIDER's node key. */
  provider: Uint8Array;
  /** The measuring VERIFIER's node key (the signer). */
  verifier: Uint8Array;
  /** Bytes moved during the measurement. */
  bytes: bigint;
  /** Duration of the measured transfer, in milliseconds. */
  durationMs: number;
  /** Round-trip time measured to the provider, in milliseconds. */
  rttMs: number;
  /** Sequence number, strictly increasing per (provider, verifier). */
  seq: bigint;
}

/** Input to {@link encodeReceipt}: keys may be `PublicKey`s, integers may be `number`s. */
export interface ReceiptInput {
  /** The rewards program id. */
  programId: KeyLike;
  /** Epoch (u64). */
  epoch: bigint | number;
  /** Provider node key. */
  provider: KeyLike;
  /** Verifier node key. */
  verifier: KeyLike;
  /** Bytes moved (u64). */
  bytes: bigint | number;
  /** Duration in ms (u32). */
  durationMs: number;
  /** RTT in ms (u32). */
  rttMs: number;
  /** Sequence number (u64). */
  seq: bigint | number;
}

/** A receipt and the verifier's signature over its encoding. */
export interface SignedReceipt {
  /** The 144 encoded bytes (the ed25519 message). */
  message: Uint8Array;
  /** The verifier's 64-byte ed25519 signature over `message`. */
  signature: Uint8Array;
}

/** Thrown for malformed receipts or inputs out of range. */
export class ReceiptError extends Error {
  override name = "ReceiptError";
}

function keyBytes(name: string, k: KeyLike): Uint8Array {
  const b = k instanceof Uint8Array ? k : k.toBytes();
  if (b.length !== RECEIPT_KEY_LEN) throw new ReceiptError(`${name} must be ${RECEIPT_KEY_LEN} bytes, got ${b.length}`);
  return b;
}

function u64(name: string, v: bigint | number): bigint {
  if (typeof v === "number" && !Number.isSafeInteger(v)) throw new ReceiptError(`${name} must be an integer`);
  const b = BigInt(v);
  if (b < 0n || b > U64_MAX) throw new ReceiptError(`${name} out of u64 range`);
  return b;
}

function u32(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw new ReceiptError(`${name} out of u32 range`);
  return v;
}

/** Encodes a receipt into its 144-byte layout. Throws {@link ReceiptError} on out-of-range fields. */
export function encodeReceipt(r: ReceiptInput): Uint8Array {
  const out = new Uint8Array(RECEIPT_LEN);
  const dv = new DataView(out.buffer);
  out.set(RECEIPT_DOMAIN_TAG, RECEIPT_OFFSETS.DOMAIN);
  out.set(keyBytes("programId", r.programId), RECEIPT_OFFSETS.PROGRAM_ID);
  dv.setBigUint64(RECEIPT_OFFSETS.EPOCH, u64("epoch", r.epoch), true);
  out.set(keyBytes("provider", r.provider), RECEIPT_OFFSETS.PROVIDER);
  out.set(keyBytes("verifier", r.verifier), RECEIPT_OFFSETS.VERIFIER);
  dv.setBigUint64(RECEIPT_OFFSETS.BYTES, u64("bytes", r.bytes), true);
  dv.setUint32(RECEIPT_OFFSETS.DURATION_MS, u32("durationMs", r.durationMs), true);
  dv.setUint32(RECEIPT_OFFSETS.RTT_MS, u32("rttMs", r.rttMs), true);
  dv.setBigUint64(RECEIPT_OFFSETS.SEQ, u64("seq", r.seq), true);
  return out;
}

/** Decodes 144 bytes into a {@link Receipt}. Throws {@link ReceiptError} on a wrong length or domain tag. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  if (bytes.length !== RECEIPT_LEN) throw new ReceiptError(`receipt must be ${RECEIPT_LEN} bytes, got ${bytes.length}`);
  for (let i = 0; i < RECEIPT_DOMAIN_LEN; i++) {
    if (bytes[i] !== RECEIPT_DOMAIN_TAG[i]) throw new ReceiptError("wrong receipt domain tag");
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const key = (off: number) => bytes.slice(off, off + RECEIPT_KEY_LEN);
  return {
    programId: key(RECEIPT_OFFSETS.PROGRAM_ID),
    epoch: dv.getBigUint64(RECEIPT_OFFSETS.EPOCH, true),
    provider: key(RECEIPT_OFFSETS.PROVIDER),
    verifier: key(RECEIPT_OFFSETS.VERIFIER),
    bytes: dv.getBigUint64(RECEIPT_OFFSETS.BYTES, true),
    durationMs: dv.getUint32(RECEIPT_OFFSETS.DURATION_MS, true),
    rttMs: dv.getUint32(RECEIPT_OFFSETS.RTT_MS, true),
    seq: dv.getBigUint64(RECEIPT_OFFSETS.SEQ, true),
  };
}

/**
 * Encodes and signs a receipt with the verifier's node key.
 * Throws {@link ReceiptError} if the secret key's public half is not `receipt.verifier`.
 */
export function signReceipt(args: {
  /** The receipt to sign; its `verifier` must be the signer. */
  receipt: ReceiptInput;
  /** The verifier's 64-byte ed25519 secret key (tweetnacl / Solana `Keypair.secretKey` layout). */
  verifierSecretKey: Uint8Array;
}): SignedReceipt {
  const { receipt, verifierSecretKey } = args;
  if (verifierSecretKey.length !== nacl.sign.secretKeyLength) throw new ReceiptError("verifier secret key must be 64 bytes");
  const message = encodeReceipt(receipt);
  const signerPub = nacl.sign.keyPair.fromSecretKey(verifierSecretKey).publicKey;
  if (!bytesEqual(signerPub, message.subarray(RECEIPT_OFFSETS.VERIFIER, RECEIPT_OFFSETS.VERIFIER + RECEIPT_KEY_LEN))) {
    throw new ReceiptError("secret key does not belong to the receipt's verifier");
  }
  return { message, signature: nacl.sign.detached(message, verifierSecretKey) };
}

/**
 * Checks a signed receipt: well-formed layout and a valid ed25519 signature by the verifier key
 * embedded in the message. Returns the decoded receipt, or `null` if any check fails.
 * Policy checks (registered verifier, epoch, seq, rate cap, verifier ≠ provider) belong to the caller
 * and the rewards program; {@link checkReceiptPolicy} covers the ones that need no chain state.
 */
export function verifyReceipt(signed: SignedReceipt): Receipt | null {
  if (signed.message.length !== RECEIPT_LEN || signed.signature.length !== RECEIPT_SIGNATURE_LEN) return null;
  let r: Receipt;
  try {
    r = decodeReceipt(signed.message);
  } catch {
    return null;
  }
  return nacl.sign.detached.verify(signed.message, signed.signature, r.verifier) ? r : null;
}

/**
 * The stateless checks the rewards program also applies: verifier ≠ provider, the expected program
 * id, and (when given) a minimum seq. Returns a reason string, or `null` when the receipt passes.
 */
export function checkReceiptPolicy(args: {
  /** The decoded receipt. */
  receipt: Receipt;
  /** The rewards program id this deployment expects. */
  programId: KeyLike;
  /** The last seq accepted for this (provider, verifier); the receipt's seq must exceed it. */
  lastSeq?: bigint;
}): string | null {
  const { receipt, programId, lastSeq } = args;
  if (bytesEqual(receipt.provider, receipt.verifier)) return "verifier equals provider";
  if (!bytesEqual(receipt.programId, keyBytes("programId", programId))) return "wrong program id";
  if (lastSeq !== undefined && receipt.seq <= lastSeq) return "seq not increasing";
  return null;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
