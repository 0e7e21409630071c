// Rewards SDK: PDAs pinned by tests/vectors/seeds.json (rewards_pdas, shared with the program's Rust
// test), the canonical ed25519 precompile (verified by tweetnacl against its own offsets), the size
// model, and the reward math's rounding bounds.
import { readFileSync } from "node:fs";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import { REWARDS_SEEDS, contributionPda, cpiAuthorityPda, epochPda, epochShardPda, epochVaultPda, shardVaultPda } from "../src/pda.js";
import { signReceipt } from "../src/receipts.js";
import { ED25519_BLOCK_LEN, batchReceipts, ed25519DataLength, maxReceiptsPerTransaction, receiptArgsOf, receiptsEd25519Instruction } from "../src/rewards.js";
import { batchMetrics, drawSeed, drawSlot, epochBounds, rateWithinCap, rewardShare, shardShare, verifierDraws } from "../src/rewards-math.js";

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
  });

  it("the precompile instruction is canonical and every entry verifies against its own offsets", () => {
    const provider = kp(1);
    const signed = [2, 3, 2].map((b, i) =>
      signReceipt({ receipt: { programId: REWARDS, epoch: 7n, provider: provider.publicKey, verifier: kp(b).publicKey, bytes: 1000n + BigInt(i), durationMs: 10, rttMs: 5, seq: BigInt(i) }, verifierSecretKey: kp(b).secretKey }),
    );
    const ix = receiptsEd25519Instruction({ receipts: signed });
    const d = ix.data;
    expect(d.length).to.equal(ed25519DataLength(3));
    expect(d[0]).to.equal(3);
    for (let i = 0; i < 3; i++) {
      const at = 2 + 14 * i;
      const [sig, sigIx, key, keyIx, msg, msgLen, msgIx] = [0, 2, 4, 6, 8, 10, 12].map((o) => d.readUInt16LE(at + o));
      expect([sigIx, keyIx, msgIx]).to.deep.equal([0xffff, 0xffff, 0xffff]);
      expect(key).to.equal(2 + 14 * 3 + ED25519_BLOCK_LEN * i);
      expect(nacl.sign.detached.verify(d.subarray(msg!, msg! + msgLen!), d.subarray(sig!, sig! + 64), d.subarray(key!, key! + 32))).to.equal(true);
    }
    expect(receiptArgsOf(signed[1]!).bytes.toString()).to.equal("1001");
  });

  it("batches: one legacy transaction holds 2 receipts; batchReceipts splits in order", () => {
    expect(maxReceiptsPerTransaction()).to.equal(2);
    const r = signReceipt({ receipt: { programId: REWARDS, epoch: 1n, provider: kp(1).publicKey, verifier: kp(2).publicKey, bytes: 1n, durationMs: 1, rttMs: 1, seq: 1n }, verifierSecretKey: kp(2).secretKey });
    expect(batchReceipts({ receipts: [r, r, r, r, r] }).map((b) => b.length)).to.deep.equal([2, 2, 1]);
  });

  it("reward math: floor share within one unit, task weight, exact rate cap", () => {
    expect(rewardShare({ contribution: 1n, rTotal: 10n, totalContribution: 3n })).to.equal(3n);
    expect(rewardShare({ contribution: 1n, rTotal: 10n, totalContribution: 0n })).to.equal(null);
    expect(rewardShare({ contribution: 4n, rTotal: 10n, totalContribution: 3n })).to.equal(null);
    expect(rateWithinCap({ bytes: 50_000_000n, durationMs: 1_000, capKbps: 400_000n })).to.equal(true);
    expect(rateWithinCap({ bytes: 50_000_001n, durationMs: 1_000, capKbps: 400_000n })).to.equal(false);
  });

  it("reward math matches tests/vectors/rewards_math.json (the file cargo test checks math.rs with)", () => {
    for (const c of M.reward_share) expect(rewardShare({ contribution: BigInt(c.contribution), rTotal: BigInt(c.r_total), totalContribution: BigInt(c.total) }), JSON.stringify(c)).to.equal(big(c.share));
    for (const c of M.shard_share) expect(shardShare({ shardTotal: BigInt(c.shard_total), rTotal: BigInt(c.r_total), totalContribution: BigInt(c.total) }), JSON.stringify(c)).to.equal(big(c.share));
    for (const c of M.rate_within_cap) expect(rateWithinCap({ bytes: BigInt(c.bytes), durationMs: c.duration_ms, capKbps: BigInt(c.cap_kbps) }), JSON.stringify(c)).to.equal(c.within);
    for (const c of M.batch_metrics) {
      const m = batchMetrics(c.receipts.map((r: { bytes: string; duration_ms: number; rtt_ms: number }) => ({ bytes: BigInt(r.bytes), durationMs: r.duration_ms, rttMs: r.rtt_ms })));
      expect([m.bandwidthKbps, m.latencyMs], JSON.stringify(c)).to.deep.equal([BigInt(c.bandwidth_kbps), c.latency_ms]);
    }
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
  });
});
