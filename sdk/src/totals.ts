/**
 * Proof-of-Bandwidth v2 (docs/rewards.md §3.2–3.3): a verifier's cumulative **totals** per provider,
 * the **signed total** it hands the provider after each measurement, the **Merkle tree** of its totals
 * at the end of an epoch, and the **root message** it signs for `post_verifier_root`. Byte for byte
 * `programs/lumora_rewards/src/root.rs`, pinned by `tests/vectors/totals.json` (Python hashlib), which
 * both test suites read. Providers and verifiers are named by their registry Node addresses.
 *
 * Root message (128 bytes, little endian): `"LUMORA_ROOT_V1"` zero-padded to 16 ‖ rewards program id ‖
 * epoch u64 ‖ verifier ‖ slot u32 ‖ root ‖ leaf_count u32.
 *
 * Signed total (140 bytes): `"LUMORA_TOTAL_V1"` zero-padded to 16 ‖ rewards program id ‖ epoch u64 ‖
 * verifier ‖ provider ‖ live_ms u32 ‖ capacity_kbps u32 ‖ rtt_ms u32 ‖ bytes u64. Totals never decrease;
 * the provider keeps the latest of each verifier (a root below it is evidence of under-reporting).
 *
 * Leaf: `SHA-256(0x00 ‖ provider ‖ live_ms ‖ capacity_kbps ‖ rtt_ms ‖ bytes)`; inner node:
 * `SHA-256(0x01 ‖ min(a, b) ‖ max(a, b))`; leaves ordered by provider, an odd node moving up unchanged.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import nacl from "tweetnacl";

/** Length of the signed root message. */
export const ROOT_MESSAGE_LEN = 128;
/** Length of a signed total's message. */
export const TOTAL_MESSAGE_LEN = 140;
/** Longest Merkle path the program accepts (`MAX_PROOF_DEPTH`). */
export const MAX_PROOF_DEPTH = 16;
/** Most leaves a root may declare. */
export const MAX_ROOT_LEAVES = 1 << MAX_PROOF_DEPTH;

const tag = (text: string): Uint8Array => {
  const out = new Uint8Array(16);
  out.set(new TextEncoder().encode(text));
  return out;
};
/** `"LUMORA_ROOT_V1"` zero-padded to 16 bytes. */
export const ROOT_DOMAIN_TAG = tag("LUMORA_ROOT_V1");
/** `"LUMORA_TOTAL_V1"` zero-padded to 16 bytes. */
export const TOTAL_DOMAIN_TAG = tag("LUMORA_TOTAL_V1");

const U32_MAX = 0xffff_ffff;
const U64_MAX = (1n << 64n) - 1n;

/** What a verifier measured of one provider over an epoch, cumulative. */
export interface Total {
  /** Live time: answered probes × the probe interval, ms (u32). */
  liveMs: number;
  /** The median measured serving rate, kbps (u32). */
  capacityKbps: number;
  /** The median round-trip time, ms (u32). */
  rttMs: number;
  /** Challenge bytes moved (u64). */
  bytes: bigint;
}

/** Anything that is, or turns into, 32 key bytes (a `Uint8Array` or a web3.js `PublicKey`). */
export type KeyLike = Uint8Array | { toBytes(): Uint8Array };
const key32 = (k: KeyLike, what: string): Uint8Array => {
  const b = k instanceof Uint8Array ? k : k.toBytes();
  if (b.length !== 32) throw new RangeError(`${what} must be 32 bytes`);
  return b;
};

function checkTotal(t: Total): void {
  for (const [name, v] of [["liveMs", t.liveMs], ["capacityKbps", t.capacityKbps], ["rttMs", t.rttMs]] as const)
    if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw new RangeError(`${name} must be a u32, got ${v}`);
  if (t.bytes < 0n || t.bytes > U64_MAX) throw new RangeError(`bytes must be a u64, got ${t.bytes}`);
}

function totalFields(t: Total): Uint8Array {
  checkTotal(t);
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  v.setUint32(0, t.liveMs, true);
  v.setUint32(4, t.capacityKbps, true);
  v.setUint32(8, t.rttMs, true);
  v.setBigUint64(12, t.bytes, true);
  return b;
}

function readTotal(b: Uint8Array, at: number): Total {
  const v = new DataView(b.buffer, b.byteOffset + at, 20);
  return { liveMs: v.getUint32(0, true), capacityKbps: v.getUint32(4, true), rttMs: v.getUint32(8, true), bytes: v.getBigUint64(12, true) };
}

/** The leaf of `provider`'s total. */
export function leafHash(args: { provider: KeyLike; total: Total }): Uint8Array {
  const b = new Uint8Array(1 + 32 + 20);
  b[0] = 0x00;
  b.set(key32(args.provider, "provider"), 1);
  b.set(totalFields(args.total), 33);
  return sha256(b);
}

const compare = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

/** The parent of two nodes (sorted pair). */
export function parentHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [lo, hi] = compare(a, b) <= 0 ? [a, b] : [b, a];
  const buf = new Uint8Array(65);
  buf[0] = 0x01;
  buf.set(lo, 1);
  buf.set(hi, 33);
  return sha256(buf);
}

/** The root a leaf and its path of siblings lead to. */
export function foldProof(leaf: Uint8Array, path: readonly Uint8Array[]): Uint8Array {
  return path.reduce((node, sibling) => parentHash(node, sibling), leaf);
}

/** A total's capacity-time credit in bytes: `min(capacity, cap) × min(live, epoch) / 8`. */
export function capacityTime(args: { total: Total; capKbps: bigint; epochMs: bigint }): bigint {
  const rate = BigInt(args.total.capacityKbps) < args.capKbps ? BigInt(args.total.capacityKbps) : args.capKbps;
  const live = BigInt(args.total.liveMs) < args.epochMs ? BigInt(args.total.liveMs) : args.epochMs;
  return (rate * live) / 8n;
}

/** One verifier's epoch tree over its providers' totals. */
export class VerifierTree {
  /** Leaves in provider order, with their providers and totals. */
  readonly entries: readonly { provider: Uint8Array; total: Total; leaf: Uint8Array }[];
  private readonly levels: Uint8Array[][];

  constructor(totals: readonly { provider: KeyLike; total: Total }[]) {
    if (totals.length === 0) throw new RangeError("a verifier tree needs at least one total");
    if (totals.length > MAX_ROOT_LEAVES) throw new RangeError(`a verifier tree holds at most ${MAX_ROOT_LEAVES} totals`);
    const entries = totals
      .map((t) => ({ provider: key32(t.provider, "provider"), total: t.total }))
      .sort((a, b) => compare(a.provider, b.provider))
      .map((e) => ({ ...e, leaf: leafHash(e) }));
    for (let i = 1; i < entries.length; i++)
      if (compare(entries[i - 1]!.provider, entries[i]!.provider) === 0) throw new RangeError("one total per provider");
    this.entries = entries;
    this.levels = [entries.map((e) => e.leaf)];
    while (this.levels[this.levels.length - 1]!.length > 1) {
      const cur = this.levels[this.levels.length - 1]!;
      const next: Uint8Array[] = [];
      for (let i = 0; i < cur.length; i += 2) next.push(i + 1 < cur.length ? parentHash(cur[i]!, cur[i + 1]!) : cur[i]!);
      this.levels.push(next);
    }
  }

  get root(): Uint8Array {
    return this.levels[this.levels.length - 1]![0]!;
  }

  get leafCount(): number {
    return this.entries.length;
  }

  /** The provider's total and the path of siblings from its leaf to the root; `null` if it has none. */
  proof(provider: KeyLike): { total: Total; path: Uint8Array[] } | null {
    const p = key32(provider, "provider");
    let index = this.entries.findIndex((e) => compare(e.provider, p) === 0);
    if (index < 0) return null;
    const total = this.entries[index]!.total;
    const path: Uint8Array[] = [];
    for (const level of this.levels.slice(0, -1)) {
      const sibling = index ^ 1;
      if (sibling < level.length) path.push(level[sibling]!);
      index = Math.floor(index / 2);
    }
    return { total, path };
  }
}

/** The fields of a root message. */
export interface RootMessage {
  programId: KeyLike;
  epoch: bigint;
  /** The verifier's registry Node address. */
  verifier: KeyLike;
  slot: number;
  root: Uint8Array;
  leafCount: number;
}

/** The 128 bytes a verifier signs over its epoch root. */
export function encodeRootMessage(m: RootMessage): Uint8Array {
  if (m.root.length !== 32) throw new RangeError("root must be 32 bytes");
  if (!Number.isInteger(m.slot) || m.slot < 0 || m.slot > U32_MAX) throw new RangeError("slot must be a u32");
  if (!Number.isInteger(m.leafCount) || m.leafCount < 1 || m.leafCount > MAX_ROOT_LEAVES) throw new RangeError(`leafCount must be within 1 ..= ${MAX_ROOT_LEAVES}`);
  const b = new Uint8Array(ROOT_MESSAGE_LEN);
  const v = new DataView(b.buffer);
  b.set(ROOT_DOMAIN_TAG, 0);
  b.set(key32(m.programId, "programId"), 16);
  v.setBigUint64(48, m.epoch, true);
  b.set(key32(m.verifier, "verifier"), 56);
  v.setUint32(88, m.slot, true);
  b.set(m.root, 92);
  v.setUint32(124, m.leafCount, true);
  return b;
}

/** A signed message: the bytes and the ed25519 signature of the signer's key. */
export interface SignedMessage {
  message: Uint8Array;
  signature: Uint8Array;
  /** The signer's ed25519 public key (a node key). */
  signer: Uint8Array;
}

/** Signs a root message with the verifier's node key (64-byte ed25519 secret key). */
export function signRootMessage(args: { message: RootMessage; nodeSecretKey: Uint8Array }): SignedMessage {
  const message = encodeRootMessage(args.message);
  return { message, signature: nacl.sign.detached(message, args.nodeSecretKey), signer: nacl.sign.keyPair.fromSecretKey(args.nodeSecretKey).publicKey };
}

/** A signed total as decoded. */
export interface TotalMessage {
  programId: Uint8Array;
  epoch: bigint;
  /** The verifier's registry Node address. */
  verifier: Uint8Array;
  /** The provider's registry Node address. */
  provider: Uint8Array;
  total: Total;
}

/** The 140 bytes of a signed total. */
export function encodeTotalMessage(m: { programId: KeyLike; epoch: bigint; verifier: KeyLike; provider: KeyLike; total: Total }): Uint8Array {
  const b = new Uint8Array(TOTAL_MESSAGE_LEN);
  b.set(TOTAL_DOMAIN_TAG, 0);
  b.set(key32(m.programId, "programId"), 16);
  new DataView(b.buffer).setBigUint64(48, m.epoch, true);
  b.set(key32(m.verifier, "verifier"), 56);
  b.set(key32(m.provider, "provider"), 88);
  b.set(totalFields(m.total), 120);
  return b;
}

/** Decodes a total's 140 bytes; throws on another length or domain tag. */
export function decodeTotalMessage(b: Uint8Array): TotalMessage {
  if (b.length !== TOTAL_MESSAGE_LEN) throw new RangeError(`a total message is ${TOTAL_MESSAGE_LEN} bytes, got ${b.length}`);
  for (let i = 0; i < 16; i++) if (b[i] !== TOTAL_DOMAIN_TAG[i]) throw new RangeError("not a LUMORA_TOTAL_V1 message");
  return {
    programId: b.slice(16, 48),
    epoch: new DataView(b.buffer, b.byteOffset).getBigUint64(48, true),
    verifier: b.slice(56, 88),
    provider: b.slice(88, 120),
    total: readTotal(b, 120),
  };
}

/** Signs a total with the verifier's node key. */
export function signTotal(args: { programId: KeyLike; epoch: bigint; verifier: KeyLike; provider: KeyLike; total: Total; nodeSecretKey: Uint8Array }): SignedMessage {
  const message = encodeTotalMessage(args);
  return { message, signature: nacl.sign.detached(message, args.nodeSecretKey), signer: nacl.sign.keyPair.fromSecretKey(args.nodeSecretKey).publicKey };
}

/** Whether `signed` is a valid ed25519 signature by its signer over its message. */
export function verifySigned(signed: SignedMessage): boolean {
  return signed.signature.length === 64 && signed.signer.length === 32 && nacl.sign.detached.verify(signed.message, signed.signature, signed.signer);
}

/**
 * Whether total `b` can follow total `a` of the same (epoch, verifier, provider): live time and bytes
 * never decrease (capacity and RTT are medians and may move either way).
 */
export function totalFollows(b: Total, a: Total): boolean {
  return b.liveMs >= a.liveMs && b.bytes >= a.bytes;
}
