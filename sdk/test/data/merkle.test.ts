import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { data } from "../../src/index.js";

const { MerkleTree, merkleRoot, verifyMerkleProof } = data;

// An independent reference: RFC 6962 §2.1 MTH, recursive, split at the largest power of two below n.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafOf = (chunkHash: Uint8Array) => sha(Uint8Array.of(0), chunkHash);
function mth(hashes: Uint8Array[]): Buffer {
  if (hashes.length === 1) return leafOf(hashes[0]!);
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return sha(Uint8Array.of(1), mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}
// RFC 9162 §2.1.3.2 inclusion-proof verification, transcribed.
function rfcVerify(index: number, size: number, chunkHash: Uint8Array, path: Uint8Array[], root: Uint8Array): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafOf(chunkHash);
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = sha(Uint8Array.of(1), p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) (fn >>= 1), (sn >>= 1);
    } else {
      r = sha(Uint8Array.of(1), r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && Buffer.compare(r, root) === 0;
}

const hashes = (n: number) => Array.from({ length: n }, () => randomBytes(32));

describe("data: Merkle tree", () => {
  it("matches RFC 6962's Merkle Tree Hash for 1–70 leaves", () => {
    for (let n = 1; n <= 70; n++) {
      const h = hashes(n);
      const expected = mth(h);
      expect(Buffer.from(merkleRoot({ chunkHashes: h })).equals(expected), `n=${n}`).to.equal(true);
      expect(Buffer.from(MerkleTree.fromChunkHashes({ chunkHashes: h }).root).equals(expected), `n=${n}`).to.equal(true);
    }
  });

  it("proves every leaf (first, last, odd, promoted) for 1–33 leaves, as RFC 9162 verifies them", () => {
    for (let n = 1; n <= 33; n++) {
      const h = hashes(n);
      const tree = MerkleTree.fromChunkHashes({ chunkHashes: h });
      for (let i = 0; i < n; i++) {
        const proof = tree.proof({ index: i });
        expect(proof.length).to.be.at.most(Math.ceil(Math.log2(n)));
        expect(verifyMerkleProof({ chunkHash: h[i]!, index: i, chunkCount: n, proof, root: tree.root }), `n=${n} i=${i}`).to.equal(true);
        expect(rfcVerify(i, n, h[i]!, proof, tree.root), `rfc n=${n} i=${i}`).to.equal(true);
      }
    }
  });

  it("rejects a proof with the wrong index, count, sibling, length or leaf", () => {
    const n = 11;
    const h = hashes(n);
    const tree = MerkleTree.fromChunkHashes({ chunkHashes: h });
    for (const i of [0, 5, 9, 10]) {
      const proof = tree.proof({ index: i });
      const ok = { chunkHash: h[i]!, index: i, chunkCount: n, proof, root: tree.root };
      expect(verifyMerkleProof(ok)).to.equal(true);
      const bad = [
        { ...ok, index: (i + 1) % n },
        { ...ok, index: n },
        { ...ok, index: -1 },
        { ...ok, chunkCount: i + 1 === n ? n - 1 : i }, // the leaf outside the claimed tree
        { ...ok, proof: proof.slice(1) },
        { ...ok, proof: [...proof, proof[0]!] },
        { ...ok, proof: proof.map((p, j) => (j === 0 ? Uint8Array.from(p, (b, k) => (k === 0 ? b ^ 1 : b)) : p)) },
        { ...ok, proof: [proof[0]!.subarray(0, 31), ...proof.slice(1)] },
        { ...ok, chunkHash: h[(i + 1) % n]! },
        { ...ok, root: tree.proof({ index: 0 })[0]! },
      ];
      bad.forEach((b, k) => expect(verifyMerkleProof(b), `case ${k} i=${i}`).to.equal(false));
    }
    // The count is not bound by a proof where the leaf's path has the same shape in both trees (leaf 0
    // of 11 or 12 leaves), as in RFC 6962; it is where the shape differs. Decryption takes the count
    // from the authenticated manifest.
    const last = { chunkHash: h[10]!, index: 10, chunkCount: n, proof: tree.proof({ index: 10 }), root: tree.root };
    expect(verifyMerkleProof({ ...last, chunkCount: 12 })).to.equal(false);
    expect(verifyMerkleProof({ ...last, chunkCount: 13 })).to.equal(false);
  });

  it("is not malleable: duplicating the odd leaf or presenting a node as a leaf changes the root", () => {
    const [a, b, c] = hashes(3) as [Buffer, Buffer, Buffer];
    expect(Buffer.from(merkleRoot({ chunkHashes: [a, b, c] })).equals(Buffer.from(merkleRoot({ chunkHashes: [a, b, c, c] })))).to.equal(false);
    // The inner node over (a, b) offered as a single chunk hash: a leaf is SHA-256(0x00 ‖ ·), never 0x01.
    const ab = sha(Uint8Array.of(1), leafOf(a), leafOf(b));
    expect(Buffer.from(merkleRoot({ chunkHashes: [ab] })).equals(Buffer.from(merkleRoot({ chunkHashes: [a, b] })))).to.equal(false);
  });

  it("refuses an empty tree and out-of-range proof indices", () => {
    expect(() => merkleRoot({ chunkHashes: [] })).to.throw(RangeError);
    const tree = MerkleTree.fromChunkHashes({ chunkHashes: hashes(3) });
    expect(() => tree.proof({ index: 3 })).to.throw(RangeError);
    expect(tree.proof({ index: 0 }).length).to.equal(2);
    expect(MerkleTree.fromChunkHashes({ chunkHashes: hashes(1) }).proof({ index: 0 })).to.deep.equal([]);
  });
});
