// Proof-of-Bandwidth v2 totals (sdk/src/totals.ts) against tests/vectors/totals.json — the file the
// rewards program's Rust test (tests/totals_vectors.rs) reads: the root message, every leaf and proof of
// eight trees rebuilt by VerifierTree, capacity-time credits; and the signed totals' codec.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import nacl from "tweetnacl";
import {
  MAX_ROOT_LEAVES,
  TOTAL_MESSAGE_LEN,
  type Total,
  VerifierTree,
  capacityTime,
  decodeTotalMessage,
  encodeRootMessage,
  foldProof,
  leafHash,
  signTotal,
  totalFollows,
  verifySigned,
} from "../src/totals.js";

const T = JSON.parse(readFileSync(new URL("../../tests/vectors/totals.json", import.meta.url), "utf8"));
const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const totalOf = (t: { live_ms: number; capacity_kbps: number; rtt_ms: number; bytes: string }): Total => ({ liveMs: t.live_ms, capacityKbps: t.capacity_kbps, rttMs: t.rtt_ms, bytes: BigInt(t.bytes) });

describe("totals (PoB v2)", () => {
  it("root messages equal the vectors byte for byte", () => {
    for (const c of T.root_messages)
      expect(toHex(encodeRootMessage({ programId: hex(c.program_id), epoch: BigInt(c.epoch), verifier: hex(c.verifier), slot: c.slot, root: hex(c.root), leafCount: c.leaf_count }))).to.equal(c.message);
  });

  it("VerifierTree rebuilds every vector tree: the root, each leaf, each proof; each proof folds to the root", () => {
    let n = 0;
    for (const t of T.trees) {
      // given in shuffled order: the tree sorts by provider
      const entries = t.leaves.map((l: { provider: string; total: never }) => ({ provider: hex(l.provider), total: totalOf(l.total) })).reverse();
      const tree = new VerifierTree(entries);
      expect(toHex(tree.root)).to.equal(t.root);
      expect(tree.leafCount).to.equal(t.leaves.length);
      for (const l of t.leaves) {
        expect(toHex(leafHash({ provider: hex(l.provider), total: totalOf(l.total) }))).to.equal(l.leaf);
        const proof = tree.proof(hex(l.provider))!;
        expect(proof.path.map(toHex)).to.deep.equal(l.path);
        expect(toHex(foldProof(hex(l.leaf), proof.path))).to.equal(t.root);
        n++;
      }
    }
    expect(n).to.equal(224);
  });

  it("capacity-time credits equal the vectors", () => {
    for (const c of T.capacity_time)
      expect(capacityTime({ total: { liveMs: c.live_ms, capacityKbps: c.capacity_kbps, rttMs: 0, bytes: 0n }, capKbps: BigInt(c.cap_kbps), epochMs: BigInt(c.epoch_ms) }).toString()).to.equal(c.credit);
  });

  it("bad input is refused with a clear error: empty or oversized trees, two totals for one provider, out-of-range fields", () => {
    expect(() => new VerifierTree([])).to.throw(/at least one/);
    const p = new Uint8Array(32).fill(1);
    const t: Total = { liveMs: 1, capacityKbps: 1, rttMs: 1, bytes: 1n };
    expect(() => new VerifierTree([{ provider: p, total: t }, { provider: p, total: t }])).to.throw(/one total per provider/);
    expect(() => leafHash({ provider: p, total: { ...t, liveMs: 2 ** 32 } })).to.throw(/liveMs/);
    expect(() => leafHash({ provider: p, total: { ...t, bytes: -1n } })).to.throw(/bytes/);
    expect(() => leafHash({ provider: new Uint8Array(31), total: t })).to.throw(/32 bytes/);
    expect(() => encodeRootMessage({ programId: p, epoch: 1n, verifier: p, slot: 0, root: p, leafCount: MAX_ROOT_LEAVES + 1 })).to.throw(/leafCount/);
    expect(new VerifierTree([{ provider: p, total: t }]).proof(new Uint8Array(32))).to.equal(null);
  });

  it("signed totals: encode, sign, verify, decode; a flipped byte fails; live time and bytes never go back", () => {
    const key = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(4));
    const args = { programId: new Uint8Array(32).fill(1), epoch: 9n, verifier: new Uint8Array(32).fill(2), provider: new Uint8Array(32).fill(3), total: { liveMs: 60_000, capacityKbps: 50_000, rttMs: 12, bytes: 5_000_000n } };
    const s = signTotal({ ...args, nodeSecretKey: key.secretKey });
    expect(s.message.length).to.equal(TOTAL_MESSAGE_LEN);
    expect(verifySigned(s)).to.equal(true);
    const d = decodeTotalMessage(s.message);
    expect(d.epoch).to.equal(9n);
    expect(d.total).to.deep.equal(args.total);
    const flipped = Uint8Array.from(s.message);
    flipped[130] = flipped[130]! ^ 1;
    expect(verifySigned({ ...s, message: flipped })).to.equal(false);
    expect(() => decodeTotalMessage(new Uint8Array(139))).to.throw(/140 bytes/);
    expect(totalFollows({ ...args.total, liveMs: 75_000, capacityKbps: 40_000 }, args.total)).to.equal(true);
    expect(totalFollows({ ...args.total, bytes: 4_999_999n }, args.total)).to.equal(false);
  });
});
