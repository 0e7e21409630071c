// Proof-of-Bandwidth receipt codec, pinned by tests/vectors/receipts.json (shared with the rewards program tests).
import { readFileSync } from "node:fs";
import { expect } from "chai";
import nacl from "tweetnacl";
import bs58 from "bs58";
import {
  RECEIPT_LEN,
  RECEIPT_OFFSETS,
  ReceiptError,
  checkReceiptPolicy,
  decodeReceipt,
  encodeReceipt,
  signReceipt,
  verifyReceipt,
} from "../src/receipts.js";

interface ValidVector {
  name: string;
  verifier_seed_byte: number;
  epoch: string;
  bytes: string;
  duration_ms: number;
  rtt_ms: number;
  seq: string;
  message_hex: string;
  signature_hex: string;
}
interface InvalidVector {
  name: string;
  reason: "decode" | "signature" | "policy";
  message_hex: string;
  signature_hex: string;
}
const vectors = JSON.parse(readFileSync(new URL("../../tests/vectors/receipts.json", import.meta.url), "utf8")) as {
  layout: Record<string, { offset: number; size: number }>;
  domain_tag_hex: string;
  program_id: string;
  program_id_hex: string;
  keys: Record<string, { seed_byte: number; public_hex: string }>;
  valid: ValidVector[];
  invalid: InvalidVector[];
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const keyFromSeed = (n: number) => nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(n));
const programId = bs58.decode(vectors.program_id);
const provider = keyFromSeed(vectors.keys.provider!.seed_byte);

describe("receipts: layout", () => {
  it("the vector file's layout matches the codec's offsets and sums to 144 bytes", () => {
    const L = vectors.layout;
    expect(L.domain!.offset).to.equal(RECEIPT_OFFSETS.DOMAIN);
    expect(L.program_id!.offset).to.equal(RECEIPT_OFFSETS.PROGRAM_ID);
    expect(L.epoch!.offset).to.equal(RECEIPT_OFFSETS.EPOCH);
    expect(L.provider!.offset).to.equal(RECEIPT_OFFSETS.PROVIDER);
    expect(L.verifier!.offset).to.equal(RECEIPT_OFFSETS.VERIFIER);
    expect(L.bytes!.offset).to.equal(RECEIPT_OFFSETS.BYTES);
    expect(L.duration_ms!.offset).to.equal(RECEIPT_OFFSETS.DURATION_MS);
    expect(L.rtt_ms!.offset).to.equal(RECEIPT_OFFSETS.RTT_MS);
    expect(L.seq!.offset).to.equal(RECEIPT_OFFSETS.SEQ);
    const total = Object.values(L).reduce((s, f) => s + f.size, 0);
    expect(total).to.equal(RECEIPT_LEN);
    expect(hex(programId)).to.equal(vectors.program_id_hex);
  });

  it("the domain tag is ASCII LUMORA_POB_V1 zero-padded to 16 bytes", () => {
    const expected = Buffer.alloc(16);
    expected.write("LUMORA_POB_V1", "ascii");
    expect(vectors.domain_tag_hex).to.equal(expected.toString("hex"));
  });

  it("encodes little-endian at the documented offsets (built independently with DataView)", () => {
    const verifier = keyFromSeed(2);
    const msg = encodeReceipt({
      programId,
      epoch: 0x0102030405060708n,
      provider: provider.publicKey,
      verifier: verifier.publicKey,
      bytes: 0x1112131415161718n,
      durationMs: 0x21222324,
      rttMs: 0x31323334,
      seq: 0x4142434445464748n,
    });
    const expected = Buffer.alloc(144);
    expected.write("LUMORA_POB_V1", 0, "ascii");
    Buffer.from(programId).copy(expected, 16);
    expected.writeBigUInt64LE(0x0102030405060708n, 48);
    Buffer.from(provider.publicKey).copy(expected, 56);
    Buffer.from(verifier.publicKey).copy(expected, 88);
    expected.writeBigUInt64LE(0x1112131415161718n, 120);
    expected.writeUInt32LE(0x21222324, 128);
    expected.writeUInt32LE(0x31323334, 132);
    expected.writeBigUInt64LE(0x4142434445464748n, 136);
    expect(hex(msg)).to.equal(expected.toString("hex"));
  });
});

describe("receipts: valid vectors", () => {
  for (const v of vectors.valid) {
    it(`${v.name}: exact bytes, exact signature, round trip, verifies`, () => {
      const verifier = keyFromSeed(v.verifier_seed_byte);
      const input = {
        programId,
        epoch: BigInt(v.epoch),
        provider: provider.publicKey,
        verifier: verifier.publicKey,
        bytes: BigInt(v.bytes),
        durationMs: v.duration_ms,
        rttMs: v.rtt_ms,
        seq: BigInt(v.seq),
      };
      const signed = signReceipt({ receipt: input, verifierSecretKey: verifier.secretKey });
      expect(hex(signed.message)).to.equal(v.message_hex);
      expect(hex(signed.signature)).to.equal(v.signature_hex);
      const decoded = decodeReceipt(unhex(v.message_hex));
      expect(decoded.epoch).to.equal(input.epoch);
      expect(decoded.bytes).to.equal(input.bytes);
      expect(decoded.durationMs).to.equal(input.durationMs);
      expect(decoded.rttMs).to.equal(input.rttMs);
      expect(decoded.seq).to.equal(input.seq);
      expect(hex(decoded.provider)).to.equal(hex(provider.publicKey));
      expect(hex(decoded.verifier)).to.equal(hex(verifier.publicKey));
      expect(hex(decoded.programId)).to.equal(vectors.program_id_hex);
      const verified = verifyReceipt({ message: unhex(v.message_hex), signature: unhex(v.signature_hex) });
      expect(verified).to.not.equal(null);
      expect(checkReceiptPolicy({ receipt: verified!, programId })).to.equal(null);
      // the signature is a plain ed25519 signature over the 144 bytes (what the precompile checks)
      expect(nacl.sign.detached.verify(unhex(v.message_hex), unhex(v.signature_hex), verifier.publicKey)).to.equal(true);
    });
  }
});

describe("receipts: invalid vectors", () => {
  for (const v of vectors.invalid) {
    it(`${v.name} is rejected (${v.reason})`, () => {
      const signed = { message: unhex(v.message_hex), signature: unhex(v.signature_hex) };
      if (v.reason === "decode") {
        expect(() => decodeReceipt(signed.message)).to.throw(ReceiptError);
        expect(verifyReceipt(signed)).to.equal(null);
      } else if (v.reason === "signature") {
        expect(() => decodeReceipt(signed.message)).to.not.throw();
        expect(verifyReceipt(signed)).to.equal(null);
      } else {
        const r = verifyReceipt(signed);
        expect(r).to.not.equal(null);
        expect(checkReceiptPolicy({ receipt: r!, programId })).to.equal("verifier equals provider");
      }
    });
  }
});

describe("receipts: input checks and policy", () => {
  const verifier = keyFromSeed(2);
  const base = {
    programId,
    epoch: 1n,
    provider: provider.publicKey,
    verifier: verifier.publicKey,
    bytes: 10n,
    durationMs: 1,
    rttMs: 1,
    seq: 5n,
  };

  it("rejects out-of-range integers and wrong key lengths", () => {
    expect(() => encodeReceipt({ ...base, epoch: -1n })).to.throw(ReceiptError);
    expect(() => encodeReceipt({ ...base, bytes: 1n << 64n })).to.throw(ReceiptError);
    expect(() => encodeReceipt({ ...base, durationMs: 2 ** 32 })).to.throw(ReceiptError);
    expect(() => encodeReceipt({ ...base, rttMs: 1.5 })).to.throw(ReceiptError);
    expect(() => encodeReceipt({ ...base, seq: 0.5 })).to.throw(ReceiptError);
    expect(() => encodeReceipt({ ...base, provider: new Uint8Array(31) })).to.throw(ReceiptError);
  });

  it("accepts PublicKey-like keys (toBytes)", () => {
    const a = encodeReceipt(base);
    const b = encodeReceipt({ ...base, programId: { toBytes: () => programId } });
    expect(hex(a)).to.equal(hex(b));
  });

  it("refuses to sign with a key that is not the receipt's verifier", () => {
    const other = keyFromSeed(9);
    expect(() => signReceipt({ receipt: base, verifierSecretKey: other.secretKey })).to.throw(ReceiptError, /verifier/);
  });

  it("policy: wrong program id and non-increasing seq", () => {
    const r = verifyReceipt(signReceipt({ receipt: base, verifierSecretKey: verifier.secretKey }))!;
    expect(checkReceiptPolicy({ receipt: r, programId: new Uint8Array(32) })).to.equal("wrong program id");
    expect(checkReceiptPolicy({ receipt: r, programId, lastSeq: 5n })).to.equal("seq not increasing");
    expect(checkReceiptPolicy({ receipt: r, programId, lastSeq: 4n })).to.equal(null);
  });

  it("verifyReceipt returns null on a wrong-length signature instead of throwing", () => {
    const s = signReceipt({ receipt: base, verifierSecretKey: verifier.secretKey });
    expect(verifyReceipt({ message: s.message, signature: s.signature.subarray(0, 63) })).to.equal(null);
  });
});
