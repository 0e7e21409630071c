/**
 * SHA-256 Merkle tree over encrypted-chunk hashes, RFC 6962 shape (§2.1): leaves and inner nodes are
 * domain-separated, and an odd node at the end of a level is promoted unchanged (never duplicated), so
 * no two leaf lists share a root. Uses `@noble/hashes` only: runs in browsers as is.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { HASH_BYTES, MERKLE_LEAF_PREFIX, MERKLE_NODE_PREFIX } from "./constants.js";
import { bytesEqual, requireBytes } from "./bytes.js";

/** Leaf hash of a chunk: SHA-256(0x00 ‖ chunkHash). */
export function merkleLeaf(args: {
  /** SHA-256 of the encrypted chunk (ciphertext ‖ tag), 32 bytes. */
  chunkHash: Uint8Array;
}): Uint8Array {
  requireBytes("chunkHash", args.chunkHash, HASH_BYTES);
  const buf = new Uint8Array(1 + HASH_BYTES);
  buf[0] = MERKLE_LEAF_PREFIX;
  buf.set(args.chunkHash, 1);
  return sha256(buf);
}

/** Inner-node hash: SHA-256(0x01 ‖ left ‖ right). */
function node(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 2 * HASH_BYTES);
  buf[0] = MERKLE_NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_BYTES);
  return sha256(buf);
}

/** Next level up: pairs hashed, an odd last node promoted. */
function parentLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const up: Uint8Array[] = [];
  for (let i = 0; i + 1 < level.length; i += 2) up.push(node(level[i]!, level[i + 1]!));
  if (level.length % 2 === 1) up.push(level[level.length - 1]!);
  return up;
}

/**
 * A Merkle tree over a dataset's chunk hashes: its root (recorded in the manifest) and inclusion proofs
 * for single chunks. Holds every level: 64 bytes per chunk.
 */
export class MerkleTree {
  /** Levels from the leaves (index 0) to the root (last, one node). */
  private readonly levels: Uint8Array[][];

  private constructor(levels: Uint8Array[][]) {
    this.levels = levels;
  }

  /** Builds the tree of a dataset's chunk hashes, in chunk order. */
  static fromChunkHashes(args: {
    /** SHA-256 of each encrypted chunk, in chunk order; at least one. */
    chunkHashes: readonly Uint8Array[];
  }): MerkleTree {
    const { chunkHashes } = args;
    if (chunkHashes.length === 0) throw new RangeError("a Merkle tree needs at least one chunk");
    const levels: Uint8Array[][] = [chunkHashes.map((chunkHash) => merkleLeaf({ chunkHash }))];
    while (levels[levels.length - 1]!.length > 1) levels.push(parentLevel(levels[levels.length - 1]!));
    return new MerkleTree(levels);
  }

  /** Merkle root (32 bytes). */
  get root(): Uint8Array {
    return this.levels[this.levels.length - 1]![0]!;
  }

  /** Number of leaves (chunks). */
  get leafCount(): number {
    return this.levels[0]!.length;
  }

  /**
   * Inclusion proof of one chunk: the sibling hashes from the leaf level up, skipping levels where the
   * node is promoted (RFC 9162 §2.1.3 audit path). Verify with {@link verifyMerkleProof}.
   */
  proof(args: {
    /** Chunk index, `0 ≤ index < leafCount`. */
    index: number;
  }): Uint8Array[] {
    let i = args.index;
    if (!Number.isInteger(i) || i < 0 || i >= this.leafCount) throw new RangeError(`no chunk ${i}`);
    const path: Uint8Array[] = [];
    for (const level of this.levels.slice(0, -1)) {
      const sibling = i % 2 === 1 ? i - 1 : i + 1;
      if (sibling < level.length) path.push(level[sibling]!);
      i = Math.floor(i / 2);
    }
    return path;
  }
}

/** Merkle root of a dataset's chunk hashes (see {@link MerkleTree}). */
export function merkleRoot(args: {
  /** SHA-256 of each encrypted chunk, in chunk order; at least one. */
  chunkHashes: readonly Uint8Array[];
}): Uint8Array {
  // Level by level without keeping the levels: memory is one level.
  let level = args.chunkHashes.map((chunkHash) => merkleLeaf({ chunkHash }));
  if (level.length === 0) throw new RangeError("a Merkle tree needs at least one chunk");
  while (level.length > 1) level = parentLevel(level);
  return level[0]!;
}

/**
 * Whether `proof` proves that the chunk with hash `chunkHash` is chunk `index` of a dataset of
 * `chunkCount` chunks with Merkle root `root`. Never throws on a bad proof: returns `false`.
 */
export function verifyMerkleProof(args: {
  /** SHA-256 of the encrypted chunk. */
  chunkHash: Uint8Array;
  /** Position of the chunk. */
  index: number;
  /** Number of chunks in the dataset (from the manifest). */
  chunkCount: number;
  /** Sibling hashes, as returned by {@link MerkleTree.proof}. */
  proof: readonly Uint8Array[];
  /** Merkle root from the manifest. */
  root: Uint8Array;
}): boolean {
  const { chunkHash, chunkCount, proof, root } = args;
  let i = args.index;
  if (!Number.isInteger(i) || !Number.isInteger(chunkCount) || i < 0 || i >= chunkCount) return false;
  if (chunkHash.length !== HASH_BYTES) return false;
  let h = merkleLeaf({ chunkHash });
  let n = chunkCount;
  let used = 0;
  while (n > 1) {
    const hasSibling = i % 2 === 1 || i + 1 < n;
    if (hasSibling) {
      const p = proof[used++];
      if (p === undefined || p.length !== HASH_BYTES) return false;
      h = i % 2 === 1 ? node(p, h) : node(h, p);
    }
    i = Math.floor(i / 2);
    n = Math.ceil(n / 2);
  }
  return used === proof.length && bytesEqual(h, root);
}
