/**
 * Market: list → purchase → deliver_key → the buyer opens the sealed key and decrypts a dataset made
 * by the data layer; the fee split to the treasury at its bounds; refunds only after the deadline;
 * delivery by a non-seller; double purchase; wrong mint and someone else's token account; pause;
 * escrow conservation after every step.
 */
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import nacl from "tweetnacl";
import { BN } from "../../sdk/src/bn.js";
import { LumoraError } from "../../sdk/src/client/errors.js";
import { decrypt } from "../../sdk/src/data/index.js";
import { deliverKeyInstruction, refundInstruction } from "../../sdk/src/instructions/market.js";
import { purchasePda, purchaseVaultPda } from "../../sdk/src/pda.js";
import { PURCHASE_STATUS } from "../../sdk/src/market.js";
import { splitPrice } from "../../sdk/src/market-math.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import { createMint, fundTokens } from "../../tools/chain/spl.js";
import { actor, actors, ctx, defaultParams, ensureConfig, fundLmr } from "../harness/context.js";
import { eventsOf, expectProgramError, expectTxFrameworkError, expectTxProgramError } from "../harness/expect.js";
import { escrow, fundSol, sampleDataset, settledTask, tokens, treasury } from "./env.js";
import marketIdl from "../../sdk/src/idl/lumora_market.json" with { type: "json" };
import type { Idl } from "@coral-xyz/anchor";

const seller = actor("market-seller");
const buyer = actor("market-buyer");
const other = actor("market-other-buyer");
const PRICE = 25_000_000n;
const events = (name: string) => eventsOf(ctx.lastTx(), marketIdl as Idl, PROGRAM_IDS.market).filter((e) => e.name === name);
let ids = 1n;
const SYSTEM = PublicKey.default;

async function setFee(bps: number): Promise<void> {
  await ctx.client.registry.updateConfig({ admin: actors.admin, params: { ...defaultParams(), protocolFeeBps: bps } });
}

/**
 * A listing of `seller` whose settled provenance task's winning result is this very data (content hash
 * and size); returns the dataset address and the encrypted data.
 */
async function listed(price = PRICE, deliveryWindowSecs = 3_600) {
  const data = await sampleDataset();
  const task = await settledTask(seller, { contentHash: data.manifest.contentHash, byteCount: BigInt(data.plaintext.length) });
  const { dataset } = await ctx.client.market.listDataset({
    seller,
    datasetId: ids++,
    contentHash: data.manifestHash,
    merkleRoot: data.manifest.merkleRoot,
    recordsHash: data.manifest.contentHash,
    sizeBytes: data.plaintext.length,
    recordCount: data.manifest.recordCount,
    price,
    deliveryWindowSecs,
    provenance: [task],
    locator: "/ip4/10.9.0.2/tcp/4001/p2p-dataset/1",
  });
  return { dataset, data, task };
}

describe("market: purchase, delivery, refund", () => {
  before(async () => {
    await ensureConfig();
    await fundSol(seller, buyer, other, actors.mallory);
    await fundLmr(seller.publicKey, 100_000_000n);
    await fundLmr(buyer.publicKey, 1_000n * PRICE);
    await fundLmr(other.publicKey, 10n * PRICE);
    await fundLmr(actors.mallory.publicKey, 1n);
  });
  after(async () => setFee(defaultParams().protocolFeeBps));

  it("purchase → deliver_key → the buyer opens the sealed key and decrypts the data layer's dataset; escrow conserved at every step", async () => {
    const { dataset, data, task } = await listed();
    const d = (await ctx.client.market.fetchDataset(dataset))!;
    expect(d.listed).to.equal(true);
    expect(d.sellerCommissioned).to.equal(true);
    expect((d.provenance as PublicKey[]).map((p) => p.toBase58())).to.deep.equal([task.toBase58()]);
    expect(Buffer.from(d.contentHash).equals(Buffer.from(data.manifestHash))).to.equal(true);

    const x = nacl.box.keyPair();
    const b0 = await tokens(buyer.publicKey);
    const s0 = await tokens(seller.publicKey);
    const t0 = await treasury();
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: x.publicKey });
    expect(events("DatasetPurchased")).to.have.length(1);
    expect(await escrow(dataset, buyer.publicKey)).to.equal(PRICE);
    expect(await tokens(buyer.publicKey)).to.equal(b0 - PRICE);
    expect((await tokens(buyer.publicKey)) + (await escrow(dataset, buyer.publicKey))).to.equal(b0);

    await ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, dataKey: data.key });
    const ev = events("KeyDelivered")[0]!;
    const split = splitPrice({ price: PRICE, feeBps: defaultParams().protocolFeeBps })!;
    expect(BigInt((ev.data.fee as BN).toString())).to.equal(split.fee);
    expect(split.fee).to.equal((PRICE * 250n) / 10_000n);
    expect(await treasury()).to.equal(t0 + split.fee);
    expect(await tokens(seller.publicKey)).to.equal(s0 + split.sellerAmount);
    expect(await escrow(dataset, buyer.publicKey)).to.equal(0n);
    expect((await tokens(buyer.publicKey)) + ((await tokens(seller.publicKey)) - s0) + ((await treasury()) - t0)).to.equal(b0);
    const p = (await ctx.client.market.fetchPurchase({ dataset, buyer: buyer.publicKey }))!;
    expect(p.status).to.equal(PURCHASE_STATUS.DELIVERED);

    // the buyer opens the key (checked against the manifest's key commitment) and decrypts every chunk
    const key = await ctx.client.market.openDeliveredKey({ dataset, buyer: buyer.publicKey, x25519SecretKey: x.secretKey, manifest: data.manifestBytes });
    expect(data.chunks.length).to.be.greaterThan(1);
    const plain = await decrypt({ manifest: data.manifestBytes, key, expectedManifestHash: Uint8Array.from(d.contentHash), chunks: data.chunks.map((c) => c.data), chunkHashes: data.chunkHashes });
    expect(Buffer.from(plain).equals(Buffer.from(data.plaintext))).to.equal(true);
    // someone else's x25519 key cannot open it
    await ctx.client.market.openDeliveredKey({ dataset, buyer: buyer.publicKey, x25519SecretKey: nacl.box.keyPair().secretKey }).then(
      () => expect.fail("opened with a foreign key"),
      (e: Error) => expect(e.name).to.equal("SealedKeyError"),
    );

    await expectProgramError(() => ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81) }), "market", "PurchaseNotOpen");
    await expectProgramError(() => ctx.client.market.refund({ buyer, dataset }), "market", "PurchaseNotOpen");
    // close: the purchase's rent returns; the pair may buy again
    const lamports0 = (await ctx.chain.getAccount(buyer.publicKey))!.lamports;
    await ctx.client.market.closePurchase({ buyer, dataset });
    expect((await ctx.chain.getAccount(buyer.publicKey))!.lamports).to.be.greaterThan(lamports0);
    expect(await ctx.client.market.fetchPurchase({ dataset, buyer: buyer.publicKey })).to.equal(null);
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: x.publicKey });
    expect(await escrow(dataset, buyer.publicKey)).to.equal(PRICE);
  });

  it("AlreadyExists: a second open purchase of the same (dataset, buyer) is refused by name; PurchaseStillOpen blocks closing it; another buyer may buy", async () => {
    const { dataset } = await listed();
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32).fill(1) });
    const b1 = await tokens(buyer.publicKey);
    let err: unknown;
    try {
      await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32).fill(2) });
    } catch (e) {
      err = e;
    }
    expect(err, "a second purchase succeeded").to.be.instanceOf(LumoraError);
    expect((err as LumoraError).logs.join("\n"), String(err)).to.match(/AlreadyExists/);
    expect(await tokens(buyer.publicKey)).to.equal(b1);
    expect(await escrow(dataset, buyer.publicKey)).to.equal(PRICE);
    await expectProgramError(() => ctx.client.market.closePurchase({ buyer, dataset }), "market", "PurchaseStillOpen");
    await ctx.client.market.purchase({ buyer: other, dataset, buyerX25519: new Uint8Array(32).fill(3) });
    expect(await escrow(dataset, other.publicKey)).to.equal(PRICE);
  });

  it("NotSeller: delivery, update and delist by anyone but the seller fail; ConstraintSeeds: a purchase of another dataset; the escrow stays", async () => {
    const { dataset } = await listed();
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32).fill(4) });
    await expectProgramError(() => ctx.client.market.deliverKey({ seller: actors.mallory, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81) }), "market", "NotSeller");
    await expectProgramError(() => ctx.client.market.updateDataset({ seller: actors.mallory, dataset, price: 1n }), "market", "NotSeller");
    await expectProgramError(() => ctx.client.market.delist({ seller: actors.mallory, dataset }), "market", "NotSeller");
    // the seller's other listing cannot settle this purchase: the purchase address is derived from its dataset
    const { dataset: second } = await listed();
    const cross = await deliverKeyInstruction({ seller: seller.publicKey, dataset: second, buyer: buyer.publicKey, sealedKey: new Uint8Array(81), lmrMint: ctx.lmrMint });
    const purchase = purchasePda({ dataset, buyer: buyer.publicKey }).address;
    cross.keys[3]!.pubkey = purchase;
    cross.keys[4]!.pubkey = purchaseVaultPda({ purchase }).address;
    expectTxFrameworkError(await ctx.sendIxs([cross], [seller]), PROGRAM_IDS.market, "ConstraintSeeds");
    expect(await escrow(dataset, buyer.publicKey)).to.equal(PRICE);
  });

  it("WrongTreasury / InvalidSealedKey: the fee goes only to the registry treasury; the sealed key is bounded", async () => {
    const { dataset } = await listed();
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32).fill(5) });
    const notTreasury = await fundLmr(other.publicKey, 0n);
    await expectProgramError(() => ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81), treasury: notTreasury }), "market", "WrongTreasury");
    await expectProgramError(() => ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(97) }), "market", "InvalidSealedKey");
    const i = await deliverKeyInstruction({ seller: seller.publicKey, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(0), lmrMint: ctx.lmrMint });
    expectTxProgramError(await ctx.sendIxs([i], [seller]), "market", "InvalidSealedKey");
    expect(await escrow(dataset, buyer.publicKey)).to.equal(PRICE);
  });

  it("DeadlineNotReached before the deadline; after it: DeliveryDeadlinePassed for the seller and a full refund for the buyer", async () => {
    const { dataset } = await listed(PRICE, 600);
    const b0 = await tokens(buyer.publicKey);
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32).fill(6) });
    await expectProgramError(() => ctx.client.market.refund({ buyer, dataset }), "market", "DeadlineNotReached");
    await ctx.chain.warp(590);
    await expectProgramError(() => ctx.client.market.refund({ buyer, dataset }), "market", "DeadlineNotReached");
    expect(await escrow(dataset, buyer.publicKey)).to.equal(PRICE);
    await ctx.chain.warp(20);
    await expectProgramError(() => ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81) }), "market", "DeliveryDeadlinePassed");
    // mallory names the buyer's purchase and escrow with its own token account
    const steal = await refundInstruction({ buyer: actors.mallory.publicKey, dataset, lmrMint: ctx.lmrMint });
    const purchase = purchasePda({ dataset, buyer: buyer.publicKey }).address;
    steal.keys[2]!.pubkey = purchase;
    steal.keys[4]!.pubkey = purchaseVaultPda({ purchase }).address;
    expectTxProgramError(await ctx.sendIxs([steal], [actors.mallory]), "market", "NotBuyer");
    await ctx.client.market.refund({ buyer, dataset });
    expect(String(events("PurchaseRefunded")[0]!.data.amount)).to.equal(PRICE.toString());
    expect(await tokens(buyer.publicKey)).to.equal(b0);
    expect(await escrow(dataset, buyer.publicKey)).to.equal(0n);
    expect((await ctx.client.market.fetchPurchase({ dataset, buyer: buyer.publicKey }))!.status).to.equal(PURCHASE_STATUS.REFUNDED);
    await expectProgramError(() => ctx.client.market.refund({ buyer, dataset }), "market", "PurchaseNotOpen");
    await ctx.client.market.closePurchase({ buyer, dataset });
  });

  it("WrongMint / WrongTokenOwner: paying from a token account of another mint or of someone else fails", async () => {
    const { dataset } = await listed();
    const fake = await createMint(ctx.chain.provider, { mint: actor("market-fake-mint"), authority: actors.lmrAuthority.publicKey, decimals: 6 });
    const fakeTokens = await fundTokens(ctx.chain.provider, { mint: fake, mintAuthority: actors.lmrAuthority, owner: buyer.publicKey, amount: 10n * PRICE });
    await expectProgramError(() => ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32), buyerTokens: fakeTokens }), "market", "WrongMint");
    await expectProgramError(() => ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32), lmrMint: fake, buyerTokens: fakeTokens }), "market", "WrongMint");
    const othersTokens = await fundLmr(other.publicKey, 0n);
    await expectProgramError(() => ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32), buyerTokens: othersTokens }), "market", "WrongTokenOwner");
    // the seller may not be paid into a token account it does not own
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32) });
    await expectProgramError(() => ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81), sellerTokens: othersTokens }), "market", "WrongTokenOwner");
  });

  it("PriceAboveMax and DatasetDelisted: a price raised after the buyer read it, and a delisted dataset, are not sold", async () => {
    const { dataset } = await listed();
    await ctx.client.market.updateDataset({ seller, dataset, price: PRICE + 1n, locator: "/ip4/10.9.0.3/tcp/1" });
    expect(events("DatasetUpdated")).to.have.length(1);
    await expectProgramError(() => ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32), maxPrice: PRICE }), "market", "PriceAboveMax");
    await expectProgramError(() => ctx.client.market.updateDataset({ seller, dataset, price: 0n }), "market", "ZeroPrice");
    await expectProgramError(() => ctx.client.market.updateDataset({ seller, dataset, locator: "x".repeat(129) }), "market", "LocatorTooLong");
    await ctx.client.market.delist({ seller, dataset });
    expect((await ctx.client.market.fetchDataset(dataset))!.listed).to.equal(false);
    await expectProgramError(() => ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32) }), "market", "DatasetDelisted");
    await expectProgramError(() => ctx.client.market.delist({ seller, dataset }), "market", "DatasetDelisted");
  });

  describe("fee split at its bounds (fee fixed at purchase time)", () => {
    for (const [bps, price] of [
      [0, 1n],
      [1_000, 1n],
      [0, PRICE],
      [1_000, PRICE],
      [1_000, 9_999n],
    ] as const)
      it(`fee ${bps} bps, price ${price}: treasury + seller = price, exactly as splitPrice`, async () => {
        await setFee(bps);
        const { dataset } = await listed(price);
        await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32) });
        await setFee(bps === 0 ? 1_000 : 0); // a later change does not touch this purchase
        const s0 = await tokens(seller.publicKey);
        const t0 = await treasury();
        await ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81).fill(1) });
        const split = splitPrice({ price, feeBps: bps })!;
        expect(await treasury()).to.equal(t0 + split.fee);
        expect(await tokens(seller.publicKey)).to.equal(s0 + split.sellerAmount);
        expect(split.fee + split.sellerAmount).to.equal(price);
        expect(await escrow(dataset, buyer.publicKey)).to.equal(0n);
      });

    it("fee 1 000 bps on a price near 2⁶³ (u128 product on chain)", async () => {
      await setFee(1_000);
      const big = (1n << 62n) + 12_345n;
      await fundLmr(buyer.publicKey, big);
      const { dataset } = await listed(big);
      await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32) });
      const s0 = await tokens(seller.publicKey);
      const t0 = await treasury();
      await ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81).fill(1) });
      const split = splitPrice({ price: big, feeBps: 1_000 })!;
      expect(await treasury()).to.equal(t0 + split.fee);
      expect(await tokens(seller.publicKey)).to.equal(s0 + split.sellerAmount);
    });
  });

  it("attack: prefunding the future dataset, purchase and purchase-vault addresses (bankrun 0.4 refuses CreateAccountAllowPrefund) blocks nothing", async () => {
    await setFee(defaultParams().protocolFeeBps);
    const { datasetPda, purchasePda, purchaseVaultPda } = await import("../../sdk/src/pda.js");
    const prefund = (address: PublicKey) => ctx.chain.setAccount({ address, lamports: 890_880, data: new Uint8Array(), owner: SYSTEM });
    // the listing
    const data = await sampleDataset();
    const task = await settledTask(seller, { contentHash: data.manifest.contentHash, byteCount: BigInt(data.plaintext.length) });
    const datasetId = ids++;
    const dataset = datasetPda({ seller: seller.publicKey, datasetId }).address;
    await prefund(dataset);
    await ctx.client.market.listDataset({ seller, datasetId, contentHash: data.manifestHash, merkleRoot: data.manifest.merkleRoot, recordsHash: data.manifest.contentHash, sizeBytes: data.plaintext.length, recordCount: 1, price: PRICE, provenance: [task], locator: "/x" });
    expect((await ctx.client.market.fetchDataset(dataset))!.listed).to.equal(true);
    // the purchase and its vault
    for (const [who, target] of [[buyer, "purchase"], [other, "vault"]] as const) {
      const purchase = purchasePda({ dataset, buyer: who.publicKey }).address;
      await prefund(target === "purchase" ? purchase : purchaseVaultPda({ purchase }).address);
      await ctx.client.market.purchase({ buyer: who, dataset, buyerX25519: new Uint8Array(32).fill(4) });
      expect(await escrow(dataset, who.publicKey), target).to.equal(PRICE);
    }
  });

  it("ProtocolPaused: every state-changing market instruction refuses while the registry is paused", async () => {
    await setFee(defaultParams().protocolFeeBps);
    const { dataset } = await listed();
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32) });
    await ctx.client.registry.setPaused({ admin: actors.admin, paused: true });
    try {
      await expectProgramError(() => ctx.client.market.listDataset({ seller, datasetId: ids++, contentHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), recordsHash: new Uint8Array(32), sizeBytes: 1, recordCount: 1, price: 1, provenance: [], locator: "" }), "market", "ProtocolPaused");
      await expectProgramError(() => ctx.client.market.purchase({ buyer: other, dataset, buyerX25519: new Uint8Array(32) }), "market", "ProtocolPaused");
      await expectProgramError(() => ctx.client.market.updateDataset({ seller, dataset, price: 5n }), "market", "ProtocolPaused");
      await expectProgramError(() => ctx.client.market.delist({ seller, dataset }), "market", "ProtocolPaused");
      await expectProgramError(() => ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81) }), "market", "ProtocolPaused");
      await ctx.chain.warp(3_700);
      await expectProgramError(() => ctx.client.market.refund({ buyer, dataset }), "market", "ProtocolPaused");
    } finally {
      await ctx.client.registry.setPaused({ admin: actors.admin, paused: false });
    }
    await ctx.client.market.refund({ buyer, dataset });
    await ctx.client.registry.setPaused({ admin: actors.admin, paused: true });
    try {
      await expectProgramError(() => ctx.client.market.closePurchase({ buyer, dataset }), "market", "ProtocolPaused");
    } finally {
      await ctx.client.registry.setPaused({ admin: actors.admin, paused: false });
    }
    await ctx.client.market.closePurchase({ buyer, dataset });
  });
});
