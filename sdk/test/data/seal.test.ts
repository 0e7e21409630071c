import { expect } from "chai";
import nacl from "tweetnacl";
import { data } from "../../src/index.js";
import { expectError, pattern } from "./helpers.js";

const { sealKey, openKey, SealedKeyError, SEALED_KEY_BYTES } = data;

describe("data: sealed keys", () => {
  const buyer = nacl.box.keyPair();
  let d: Awaited<ReturnType<typeof data.encrypt>>;
  before(async () => {
    d = await data.encrypt({ data: pattern(5000) });
  });

  it("seals to the buyer's x25519 key, 81 bytes, and opens with its secret key (checked against the manifest)", async () => {
    const sealed = sealKey({ key: d.key, recipientPublicKey: buyer.publicKey });
    expect(sealed.length).to.equal(SEALED_KEY_BYTES);
    expect(sealed[0]).to.equal(1);
    const key = openKey({ sealed, recipientSecretKey: buyer.secretKey, manifest: d.manifestBytes });
    expect(Buffer.from(key).equals(Buffer.from(d.key))).to.equal(true);
    const out = await data.decrypt({ manifest: d.manifestBytes, key, chunks: d.chunks, chunkHashes: d.chunkHashes });
    expect(Buffer.from(out).equals(pattern(5000))).to.equal(true);
  });

  it("uses a fresh ephemeral key per sealing", () => {
    const a = sealKey({ key: d.key, recipientPublicKey: buyer.publicKey });
    const b = sealKey({ key: d.key, recipientPublicKey: buyer.publicKey });
    expect(Buffer.from(a.subarray(1, 33)).equals(Buffer.from(b.subarray(1, 33)))).to.equal(false);
  });

  it("does not open with another secret key", async () => {
    const sealed = sealKey({ key: d.key, recipientPublicKey: buyer.publicKey });
    const err = await expectError(() => openKey({ sealed, recipientSecretKey: nacl.box.keyPair().secretKey }), SealedKeyError);
    expect(err.reason).to.equal("open");
  });

  it("detects any flipped byte of the ephemeral key or box", async () => {
    const sealed = sealKey({ key: d.key, recipientPublicKey: buyer.publicKey });
    for (let i = 1; i < sealed.length; i++) {
      const bad = Uint8Array.from(sealed);
      bad[i]! ^= 0x10;
      const err = await expectError(() => openKey({ sealed: bad, recipientSecretKey: buyer.secretKey }), SealedKeyError);
      expect(err.reason, `byte ${i}`).to.equal("open");
    }
  });

  it("rejects a wrong length or version", async () => {
    const sealed = sealKey({ key: d.key, recipientPublicKey: buyer.publicKey });
    const v2 = Uint8Array.from(sealed);
    v2[0] = 2;
    for (const bad of [sealed.subarray(0, 80), Uint8Array.of(...sealed, 0), v2]) {
      expect((await expectError(() => openKey({ sealed: bad, recipientSecretKey: buyer.secretKey }), SealedKeyError)).reason).to.equal("format");
    }
  });

  it("flags a key sealed for another dataset when the manifest is given", async () => {
    const other = await data.encrypt({ data: pattern(10) });
    const sealed = sealKey({ key: other.key, recipientPublicKey: buyer.publicKey });
    const err = await expectError(() => openKey({ sealed, recipientSecretKey: buyer.secretKey, manifest: d.manifestBytes }), SealedKeyError);
    expect(err.reason).to.equal("commitment");
  });

  it("checks argument lengths", () => {
    expect(() => sealKey({ key: d.key.subarray(1), recipientPublicKey: buyer.publicKey })).to.throw(TypeError);
    expect(() => sealKey({ key: d.key, recipientPublicKey: buyer.publicKey.subarray(1) })).to.throw(TypeError);
  });
});
