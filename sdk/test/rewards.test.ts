// Rewards SDK: PDAs pinned by tests/vectors/seeds.json (rewards_pdas, shared with the program's Rust
// test), the canonical ed25519 precompile (verified by tweetnacl against its own offsets), the
// credit_epoch size model, and the reward math's rounding bounds.
import { readFileSync } from "node:fs";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import { REWARDS_SEEDS, contributionPda, cpiAuthorityPda, epochPda, epochShardPda, epochVaultPda, shardVaultPda, verifierRootPda } from "../src/pda.js";
import { PACKET_DATA_SIZE, creditEpochTxSize, ed25519DataLength, ed25519Instruction } from "../src/rewards.js";
import { drawSeed, drawSlot, epochBounds, providerDraws, rewardShare, shardShare, verifierDraws } from "../src/rewards-math.js";
import { ROOT_MESSAGE_LEN, signRootMessage } from "../src/totals.js";

const V = JSON.parse(readFileSync(new URL("../../tests/vectors/seeds.json", import.meta.url), "utf8"));
const M = JSON.parse(readFileSync(new URL("../../tests/vectors/rewards_math.json", import.meta.url), "utf8"));
const big = (s: string | null) => (s === null ? null : BigInt(s));
const REWARDS = new PublicKey("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");
const kp = (b: number) => nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(b));

describe("rewards SDK", () => {
  it("PDAs match the shared vectors", () => {
    const byName = Object.fromEntries(V.rewards_pdas.map((e: { seed_const: string }) => [e.seed_const, e]));
    expect(Object.keys(byName).sort()).to.deep.equal(Object.keys(REWARDS_SEEDS).sort());
    const epoch = epochPda({ index: 20415n });
    expect(epoch.address.toBase58()).to.equal(byName.EPOCH.address);
    expect(epoch.bump).to.equal(byName.EPOCH.bump);
    expect(epochVaultPda({ epoch: epoch.address }).address.toBase58()).to.equal(byName.VAULT.address);
    expect(epochShardPda({ epoch: epoch.address, shard: 513 }).address.toBase58()).to.equal(byName.EPOCH_SHARD.address);
    expect(shardVaultPda({ epoch: epoch.address, shard: 513 }).address.toBase58()).to.equal(byName.SHARD_VAULT.address);
    const node = new PublicKey(byName.CONTRIBUTION.seeds[2].pubkey);
    expect(contributionPda({ epoch: epoch.address, node }).address.toBase58()).to.equal(byName.CONTRIBUTION.address);
    expect(cpiAuthorityPda({ programId: REWARDS }).address.toBase58()).to.equal(byName.CPI_AUTHORITY.address);
    expect(verifierRootPda({ epoch: epoch.address, verifier: new PublicKey(byName.VERIFIER_ROOT.seeds[2].pubkey) }).address.toBase58()).to.equal(byName.VERIFIER_ROOT.address);
  });

  it("the precompile instruction is canonical and every entry verifies against its own offsets", () => {
    const signed = [2, 3, 2].map((b, i) =>
      signRootMessage({ message: { programId: REWARDS, epoch: 7n, verifier: kp(b).publicKey, slot: i, root: new Uint8Array(32).fill(i), leafCount: 1 + i }, nodeSecretKey: kp(b).secretKey }),
    );
    const ix = ed25519Instruction({ signed });
    const d = ix.data;
    expect(d.length).to.equal(ed25519DataLength(3, ROOT_MESSAGE_LEN));
    expect(d[0]).to.equal(3);
    for (let i = 0; i < 3; i++) {
      const at = 2 + 14 * i;
      const [sig, sigIx, key, keyIx, msg, msgLen, msgIx] = [0, 2, 4, 6, 8, 10, 12].map((o) => d.readUInt16LE(at + o));
      expect([sigIx, keyIx, msgIx]).to.deep.equal([0xffff, 0xffff, 0xffff]);
      expect(key).to.equal(2 + 14 * 3 + (96 + ROOT_MESSAGE_LEN) * i);
      expect(msgLen).to.equal(ROOT_MESSAGE_LEN);
      expect(nacl.sign.detached.verify(d.subarray(msg!, msg! + msgLen!), d.subarray(sig!, sig! + 64), d.subarray(key!, key! + 32))).to.equal(true);
    }
    expect(() => ed25519Instruction({ signed: [] })).to.throw(RangeError);
  });

  it("credit_epoch size model: q = 3 proofs fit one legacy transaction at depth 6 (64 leaves per root), not at depth 7; q = 4 at depth 4", () => {
    expect(creditEpochTxSize({ depths: [6, 6, 6] })).to.equal(1198);
    expect(creditEpochTxSize({ depths: [7, 7, 7] })).to.be.greaterThan(PACKET_DATA_SIZE);
    expect(creditEpochTxSize({ depths: [4, 4, 4, 4] })).to.be.at.most(PACKET_DATA_SIZE);
    expect(creditEpochTxSize({ depths: [5, 5, 5, 5] })).to.be.greaterThan(PACKET_DATA_SIZE);
    expect(creditEpochTxSize({ depths: [7, 7, 7], signers: 2 })).to.equal(creditEpochTxSize({ depths: [7, 7, 7] }) + 64 + 32);
  });

  it("reward math: floor share within one unit", () => {
    expect(rewardShare({ contribution: 1n, rTotal: 10n, totalContribution: 3n })).to.equal(3n);
    expect(rewardShare({ contribution: 1n, rTotal: 10n, totalContribution: 0n })).to.equal(null);
    expect(rewardShare({ contribution: 4n, rTotal: 10n, totalContribution: 3n })).to.equal(null);
  });

  it("reward math matches tests/vectors/rewards_math.json (the file cargo test checks math.rs with)", () => {
    for (const c of M.reward_share) expect(rewardShare({ contribution: BigInt(c.contribution), rTotal: BigInt(c.r_total), totalContribution: BigInt(c.total) }), JSON.stringify(c)).to.equal(big(c.share));
    for (const c of M.shard_share) expect(shardShare({ shardTotal: BigInt(c.shard_total), rTotal: BigInt(c.r_total), totalContribution: BigInt(c.total) }), JSON.stringify(c)).to.equal(big(c.share));
    for (const c of M.epoch_bounds) expect(epochBounds({ index: BigInt(c.index), epochLengthSecs: c.epoch_length_secs })).to.deep.equal({ startTs: BigInt(c.start_ts), endTs: BigInt(c.end_ts) });
    expect(M.reward_share.length + M.shard_share.length).to.be.greaterThan(400);
  });

  it("verifier draws: the epoch seed and every draw equal tests/vectors/draws.json (the program's own vectors)", () => {
    const D = JSON.parse(readFileSync(new URL("../../tests/vectors/draws.json", import.meta.url), "utf8"));
    const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
    for (const c of D.seeds) expect(Buffer.from(drawSeed({ index: BigInt(c.index), slot: BigInt(c.slot), slotHash: hex(c.slot_hash) })).toString("hex"), JSON.stringify(c)).to.equal(c.seed);
    let n = 0;
    for (const c of D.draws)
      for (const d of c.draws) {
        expect(drawSlot({ seed: hex(c.seed), provider: hex(c.provider), j: d.j, slots: c.slots }), JSON.stringify(c)).to.equal(d.slot);
        n++;
      }
    expect(n).to.be.at.least(40);
  });

  it("verifierDraws: k draws, a slot drawn twice listed once, none without slots", () => {
    const seed = new Uint8Array(32).fill(7);
    const provider = new Uint8Array(32).fill(9);
    const one = verifierDraws({ seed, provider, slots: 1, draws: 5 });
    expect(one).to.deep.equal([0]);
    const many = verifierDraws({ seed, provider, slots: 1_000_000, draws: 5 });
    expect(many).to.have.length(5);
    expect(many).to.deep.equal([0, 1, 2, 3, 4].map((j) => drawSlot({ seed, provider, j, slots: 1_000_000 })));
    expect(verifierDraws({ seed, provider, slots: 0, draws: 5 })).to.deep.equal([]);
    const draws = providerDraws({ seed, provider, slots: 3, draws: 7 });
    expect(draws.map((d) => d.draw)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(draws.map((d) => d.slot)).to.deep.equal([0, 1, 2, 3, 4, 5, 6].map((j) => drawSlot({ seed, provider, j, slots: 3 })));
    expect(providerDraws({ seed, provider, slots: 0, draws: 7 })).to.deep.equal([]);
  });
});
